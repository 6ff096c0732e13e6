"""Two processes writing one DuckDB file both succeed: the second waits for the lock.

This is the backfill-run-plus-schedule-tick situation (dagster#18746, #19068). The processes are
real (multiprocessing, spawn), because DuckDB's lock is per process.
"""

import logging
import multiprocessing
import time
from datetime import datetime, timedelta

import pytest

from resources.warehouse import WarehouseLockTimeout, WarehouseResource
from tests.staging.records import land, opportunity, table

SPAWN = multiprocessing.get_context("spawn")
WAREHOUSE_LOGGER = "dagster.builtin.dealsync.warehouse"


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def land_from_another_process(path: str, first_number: int, ready, results) -> None:
    """Child process: land 4 batches of 25 opportunities and report rows + log lines."""
    collected = _Collect()
    logging.getLogger(WAREHOUSE_LOGGER).addHandler(collected)
    warehouse = WarehouseResource(engine="duckdb", duckdb_path=path, lock_timeout_seconds=60)
    stamp = datetime(2024, 1, 1) + timedelta(minutes=first_number)
    batches = [table([opportunity(n, stamp) for n in range(first, first + 25)])
               for first in range(first_number, first_number + 100, 25)]
    ready.set()
    result = land(warehouse, *batches, run_id=f"writer-{first_number}")
    results.put((first_number, result.rows_landed, collected.messages))


def hold_write_lock(path: str, held, release) -> None:
    """Child process: keep a read-write connection open until told to let go."""
    warehouse = WarehouseResource(engine="duckdb", duckdb_path=path)
    with warehouse.connection():
        held.set()
        release.wait(60)


@pytest.mark.slow
def test_two_processes_writing_the_same_file_both_succeed(duckdb_warehouse):
    path = duckdb_warehouse.duckdb_path
    results = SPAWN.Queue()
    ready = [SPAWN.Event(), SPAWN.Event()]
    writers = [SPAWN.Process(target=land_from_another_process, args=(path, first, flag, results))
               for first, flag in zip((1000, 2000), ready)]

    with duckdb_warehouse.connection():  # this process holds the lock until both are trying
        for writer in writers:
            writer.start()
        assert all(flag.wait(60) for flag in ready)
        time.sleep(1)
    reports = sorted(results.get(timeout=120) for _ in writers)
    for writer in writers:
        writer.join(60)

    assert [writer.exitcode for writer in writers] == [0, 0]
    assert [(first, rows) for first, rows, _ in reports] == [(1000, 100), (2000, 100)]
    for _, _, messages in reports:
        assert any("is locked" in m and "waiting up to 60 s" in m for m in messages), messages
        assert any(m.startswith("Waited ") for m in messages)
    assert duckdb_warehouse.row_count("staging", "opportunity_versions") == 200
    assert duckdb_warehouse.row_count("staging", "opportunity") == 200


def test_waiting_is_bounded_and_the_error_says_what_to_do(tmp_path):
    path = str(tmp_path / "locked.duckdb")
    held, release = SPAWN.Event(), SPAWN.Event()
    holder = SPAWN.Process(target=hold_write_lock, args=(path, held, release))
    holder.start()
    try:
        assert held.wait(60)
        warehouse = WarehouseResource(engine="duckdb", duckdb_path=path, lock_timeout_seconds=1)
        started = time.monotonic()
        with pytest.raises(WarehouseLockTimeout, match="lock_timeout_seconds=1.*deal_warehouse pool"):
            warehouse.query("select 1")
        assert 1 <= time.monotonic() - started < 10
    finally:
        release.set()
        holder.join(60)
    assert holder.exitcode == 0
