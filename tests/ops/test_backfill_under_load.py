"""A UI backfill while the schedule ticks and the org changes, on a PostgreSQL-backed Dagster
with real webserver, daemon and code server processes, the daemon killed mid-backfill.

What a user checks afterwards: the backfill and every tick succeeded, no run hit a lock or
concurrency error, the pools never ran more steps than their limits, nothing was extracted
twice, and the warehouse holds what Salesforce holds.
"""

import json
from collections import Counter

import dagster as dg
import pytest

from resources.settings import load_settings

from .conftest import ARTIFACTS, SALESFORCE_API_SLOTS
from .observe import (
    LOCK_OR_CONCURRENCY_ERROR,
    duplicate_versions,
    lock_or_concurrency_errors,
    materializations_per_partition,
    org_state,
    overlap_by_pool,
    run_overlap,
    staged_state,
    step_intervals,
    steps_blocked_by_pool,
)
from .tick_location import defs as location_defs

pytestmark = pytest.mark.slow


def _pools() -> dict[str, str]:
    """op name -> pool, from the code location itself (assets and asset checks)."""
    d = location_defs()
    nodes = [*d.assets, *(d.asset_checks or [])]
    return {n.op.name: n.op.pool for n in nodes if hasattr(n, "op") and n.op.pool}


def test_pool_limits_are_set_by_the_deploy_script(deployment, instance):
    limits = {pool: instance.event_log_storage.get_concurrency_info(pool).slot_count
              for pool in ("salesforce_api", "deal_warehouse")}
    assert limits == {"salesforce_api": SALESFORCE_API_SLOTS, "deal_warehouse": 1}
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"


def test_backfill_and_every_tick_succeed(scenario, instance):
    assert scenario.backfill_status == "COMPLETED_SUCCESS", scenario
    assert scenario.ticks_during_backfill >= 1, "the schedule never ticked while the backfill ran"
    statuses = Counter(t["status"] for t in scenario.ticks)
    assert statuses["SUCCESS"] >= 2 and set(statuses) <= {"SUCCESS", "SKIPPED"}, [
        (t["status"], t["error"]) for t in scenario.ticks if t["status"] == "FAILURE"]
    runs = instance.get_runs()
    failed = [(r.job_name, r.run_id, r.status.value) for r in runs
              if r.status != dg.DagsterRunStatus.SUCCESS]
    assert not failed, failed
    tick_runs = [r for r in runs if r.tags.get("dagster/schedule_name")]
    assert len(tick_runs) >= 2


def test_no_lock_or_concurrency_errors(scenario, instance, deployment):
    errors = lock_or_concurrency_errors(instance, [r.run_id for r in instance.get_runs()])
    assert not errors, "\n".join(errors[:20])
    assert not scenario.sampler_errors
    for process in deployment.processes():  # the daemon's and webserver's own logs too
        log = process.log_path.read_text(errors="replace")
        assert not LOCK_OR_CONCURRENCY_ERROR.search(log), f"{process.name}: {process.tail()}"


def test_pools_and_run_limits_held(scenario, instance):
    runs = [r.run_id for r in instance.get_runs()]
    by_pool = overlap_by_pool(step_intervals(instance, runs), _pools())
    assert by_pool["salesforce_api"]["max_concurrent"] <= SALESFORCE_API_SLOTS, by_pool
    assert by_pool["deal_warehouse"]["max_concurrent"] <= 1, by_pool
    # The instance's own slot table agrees.
    assert scenario.pools["salesforce_api"]["claimed"] <= SALESFORCE_API_SLOTS, scenario.pools
    assert scenario.pools["deal_warehouse"]["claimed"] <= 1, scenario.pools
    records = instance.get_run_records()
    runs_at_once = {"backfill": run_overlap(records, lambda r: "dagster/backfill" in r.tags),
                    "tick": run_overlap(records, lambda r: r.tags.get("dealsync/mode")
                                        == "incremental"),
                    "all": run_overlap(records, lambda r: True)}
    assert runs_at_once["backfill"] <= 2 and runs_at_once["tick"] <= 1, runs_at_once
    assert runs_at_once["all"] <= 4, runs_at_once
    blocked = steps_blocked_by_pool(instance, runs)
    (ARTIFACTS / "ops_limits.json").write_text(json.dumps(
        {"steps_at_once": by_pool, "slots_sampled": scenario.pools, "runs_at_once": runs_at_once,
         "steps_that_waited": dict(blocked)}, indent=2))
    print(f"\npool peaks (step overlap from the event log): {by_pool}"
          f"\npool peaks (sampled slot table): {scenario.pools}"
          f"\nsteps that waited for a slot: {dict(blocked)}"
          f"\nmost runs at once: {runs_at_once}")


def test_backfill_resumed_after_the_daemon_was_killed_without_duplicates(scenario, instance,
                                                                        ops_warehouse, ops_env):
    assert scenario.backfill_runs_at_kill >= 1
    assert scenario.status_at_kill == "REQUESTED"  # killed mid-backfill
    runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill":
                                                         scenario.backfill_id}))
    # One run per partition range, and one per unpartitioned asset set (the deal models)
    ranges = Counter((r.tags.get("dagster/asset_partition_range_start"),
                      r.tags.get("dagster/asset_partition_range_end"),
                      frozenset(k.to_user_string() for k in r.asset_selection or ()))
                     for r in runs)
    assert all(n == 1 for n in ranges.values()), ranges
    seen = materializations_per_partition(instance, [r.run_id for r in runs])
    extracted = {key: n for key, n in seen.items() if key[1] is not None}
    objects = load_settings(ops_env["DEALSYNC_CONFIG"]).enabled_objects()
    assert len(extracted) == len(objects) * len(scenario.partitions)
    assert set(extracted.values()) == {1}, {k: n for k, n in extracted.items() if n != 1}
    for name in objects:
        assert duplicate_versions(ops_warehouse, name) == 0, name


def test_warehouse_equals_the_org(scenario, live_emulator, ops_warehouse, ops_env):
    control = live_emulator["control"]
    for name in load_settings(ops_env["DEALSYNC_CONFIG"]).enabled_objects():
        org, staged = org_state(control, name), staged_state(ops_warehouse, name)
        missing = org.keys() - staged.keys()
        stale = {i for i in org.keys() & staged.keys() if org[i] != staged[i]}
        assert not missing and not stale and staged.keys() <= org.keys(), (
            f"{name}: {len(missing)} missing, {len(stale)} stale, "
            f"{len(staged.keys() - org.keys())} unknown; e.g. "
            f"{[(i, org[i], staged.get(i)) for i in list(missing | stale)[:3]]}")

