"""Live mode: the org keeps changing at the set rate, and stops cleanly at any moment.

The tests hold the store's lock to catch the live thread in the middle of a change: every change
writes through the store, and a write waits for that lock.
"""

import threading
import time

import pytest
from salesforce_emulator.generator.demo import Scale, generate_org
from salesforce_emulator.generator.live import LiveMode
from salesforce_emulator.org.store import Store

TINY = Scale(users=5, accounts=4, opportunities=80, tasks=20, events=10, emails=10,
             contacts_per_account=3)


@pytest.fixture
def store():
    s = Store()
    generate_org(s, TINY, seed=3)
    yield s
    s.close()


@pytest.fixture
def thread_errors(monkeypatch) -> list:
    """Exceptions that escape any thread during the test (each one printed a traceback)."""
    errors = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))
    return errors


def _wait_for_changes(live: LiveMode, more_than: int) -> None:
    deadline = time.monotonic() + 10
    while live.changes <= more_than and time.monotonic() < deadline:
        time.sleep(0.01)
    assert live.changes > more_than, "live mode made no change"


def test_rate_zero_during_a_change_stops_cleanly(store, thread_errors):
    """`control.live(0)` arriving mid-change used to kill the live thread with a
    ZeroDivisionError traceback (it waited 1 / rate with the new rate, 0)."""
    live = LiveMode(store, seed=1)
    try:
        with store.lock:
            live.set_rate(1000.0)
            time.sleep(0.5)  # the thread is now inside a change, waiting for the lock
            live.set_rate(0)
        time.sleep(0.3)
        assert thread_errors == []
        stopped_at = live.changes
        assert stopped_at <= 1  # the change in progress completed, and no other began
        time.sleep(0.2)
        assert live.changes == stopped_at
        live.set_rate(1000.0)  # still alive and waiting: a new rate resumes it
        _wait_for_changes(live, stopped_at)
        live.set_rate(0)
    finally:
        live.stop()
    assert thread_errors == []


def test_stop_waits_for_the_change_in_progress(store, thread_errors):
    """The emulator closes the store right after stopping live mode: no change may still run."""
    live = LiveMode(store, seed=1)
    with store.lock:
        live.set_rate(1000.0)
        time.sleep(0.5)  # the thread is now inside a change, waiting for the lock
        stopper = threading.Thread(target=live.stop)
        stopper.start()
        time.sleep(0.2)
        assert stopper.is_alive(), "stop() returned while a change was still running"
    stopper.join(10)
    assert not stopper.is_alive() and live.changes == 1
    assert thread_errors == []
