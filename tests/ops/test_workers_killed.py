"""A run whose worker is killed (SIGKILL, as the OOM killer does) does not block the runs after
it: run monitoring sees the worker gone, fails the run and frees its pool slots, and the next
scheduled tick completes with nobody stepping in. Once while the tick's extraction holds a
`salesforce_api` slot, once while its warehouse step holds the `deal_warehouse` slot.

Bound, from the kill to a successful tick: the monitor's poll (30 s) + the slot release (30 s)
+ the next minute's tick and its run. KILL_RECOVERY_S allows four minutes on a busy machine.
"""

import json
import os
import signal
import time

import dagster as dg
import pytest

from .conftest import ARTIFACTS
from .observe import step_started, worker_pid
from .processes import wait_until
from .scenario import TICK_SCHEDULE, set_schedule
from .tick_location import defs as location_defs

pytestmark = pytest.mark.slow

KILL_RECOVERY_S = 240


def _pool_of_steps() -> dict[str, str]:
    d = location_defs()
    return {n.op.name: n.op.pool for n in [*d.assets, *(d.asset_checks or [])]
            if hasattr(n, "op") and n.op.pool}


def _tick_runs(instance, since: float) -> list:
    runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/schedule_name": TICK_SCHEDULE}))
    return [r for r in runs if instance.get_run_record_by_id(r.run_id).create_timestamp
            .timestamp() >= since]


@pytest.mark.parametrize("pool", ["salesforce_api", "deal_warehouse"])
def test_a_killed_tick_frees_its_slots_and_the_next_tick_completes(
        scenario, deployment, instance, live_emulator, pool):
    control, pools = live_emulator["control"], _pool_of_steps()
    if pool == "salesforce_api":  # a slow extraction, so the kill lands inside it
        control.fault(kind="latency", match="/query", seconds=1.0, next=60)
    started = time.time()
    set_schedule(deployment, running=True)
    try:
        def holding():
            for run in _tick_runs(instance, started):
                if run.status == dg.DagsterRunStatus.STARTED and step_started(
                        instance, run.run_id, pool, pools):
                    return run
            return None

        victim = wait_until(holding, 300, f"a tick run holding a {pool} slot", interval_s=0.5)
        os.kill(worker_pid(instance, victim.run_id), signal.SIGKILL)
        killed = time.time()

        failed = wait_until(lambda: instance.get_run_by_id(victim.run_id).status
                            == dg.DagsterRunStatus.FAILURE and True, KILL_RECOVERY_S,
                            "run monitoring to fail the killed run", interval_s=1)
        detected = time.time()

        def completed_after_kill():
            runs = [r for r in _tick_runs(instance, killed)
                    if r.status == dg.DagsterRunStatus.SUCCESS]
            return runs[0] if runs else None

        recovered = wait_until(completed_after_kill, KILL_RECOVERY_S,
                               "a tick after the kill to complete", interval_s=2)
        done = time.time()

        def victim_slots_freed():  # free_slots_after_run_end_seconds after the failure, on a poll
            held = instance.event_log_storage.get_concurrency_info(pool).claimed_slots
            return all(slot.run_id != victim.run_id for slot in held)

        wait_until(victim_slots_freed, max(1, KILL_RECOVERY_S - (time.time() - killed)),
                   f"run monitoring to free the killed run's {pool} slots", interval_s=1)
        freed = time.time()
    finally:
        control.clear_faults()
        set_schedule(deployment, running=False)

    assert failed and recovered.run_id != victim.run_id
    assert done - killed <= KILL_RECOVERY_S and freed - killed <= KILL_RECOVERY_S
    seconds = {"failed_by_monitoring": round(detected - killed, 1),
               "slots_freed": round(freed - killed, 1), "tick_completed": round(done - killed, 1)}
    (ARTIFACTS / f"ops_kill_recovery_{pool}.json").write_text(json.dumps(seconds, indent=2))
    print(f"\n{pool}: seconds after the kill: {seconds}")
