"""A sink killed between the Salesforce write and the local commit: the re-run finds exactly one
Task per row, whether the key is kept in the Task's Description (no custom field), in a key
field, or in an External ID field (upserts)."""

import subprocess

import pytest

from tests.support.crash import KILLED, run_killed

from .support import (
    PATHS,
    log,
    outbox,
    queue,
    record_ids,
    run_sink,
    salesforce_tasks,
    settings_with,
    task_row,
)

pytestmark = pytest.mark.slow


def _kill_sink_after_write(emulator, warehouse, options: dict) -> subprocess.CompletedProcess:
    return run_killed("tests.sync_back.crash_sink", emulator, warehouse, sync_back=options)


@pytest.mark.parametrize("engine, path", [("duckdb", "description"), ("postgres", "description"),
                                          ("duckdb", "key_field"), ("postgres", "upsert")])
def test_sink_killed_after_the_write_leaves_no_duplicate(emulator, control, prefix, request,
                                                         engine, path):
    warehouse = request.getfixturevalue(f"{engine}_warehouse")
    opp = record_ids(emulator, "Opportunity")["Globex - Renewal"]
    keys = [prefix + str(i) for i in range(5)]
    queue(warehouse, [task_row(k, opp) for k in keys])

    crashed = _kill_sink_after_write(emulator, warehouse, PATHS[path])

    assert crashed.returncode == -9, crashed.stdout + crashed.stderr
    assert KILLED in crashed.stdout
    assert len(salesforce_tasks(emulator, prefix)) == 5           # Salesforce has them...
    assert {r["sync_status"] for r in outbox(warehouse, prefix).values()} == {"in_flight"}
    assert log(warehouse, prefix) == []                           # ...the warehouse does not
    control.reset_counters()

    _, metadata = run_sink(emulator, warehouse, settings_with(**PATHS[path]))

    tasks = salesforce_tasks(emulator, prefix)
    assert [t["key"] for t in tasks] == keys          # exactly one Task per row
    rows = outbox(warehouse, prefix)
    assert {k: r["task_id"] for k, r in rows.items()} == {
        t["key"]: t["Id"] for t in tasks}
    assert {r["sync_status"] for r in rows.values()} == {"sent"}
    assert [(e["status"], e["api"]) for e in log(warehouse, prefix)] == [("sent", "lookup")] * 5
    assert (metadata["recovered"], metadata["api_calls"]) == (5, 1)  # one look-up, no write
    assert control.counters()["by_kind"] == {"composite": 1}


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_an_org_with_no_custom_fields_gets_each_task_once_across_a_kill(
        emulator, control, prefix, request, engine):
    """The default settings on an org with no custom fields at all (the emulator's `plain`
    profile): the key lives in each Task's Description, and a sink killed between the write
    and the commit still leaves exactly one Task per row."""
    warehouse = request.getfixturevalue(f"{engine}_warehouse")
    opp = record_ids(emulator, "Opportunity")["Globex - Renewal"]
    keys = [prefix + str(i) for i in range(4)]
    queue(warehouse, [task_row(k, opp, description="Ask for the renewal date") for k in keys])
    control.profile("plain")
    try:
        assert _kill_sink_after_write(emulator, warehouse, {}).returncode == -9
        assert len(salesforce_tasks(emulator, prefix)) == 4
        _, metadata = run_sink(emulator, warehouse, settings_with())
        _, again = run_sink(emulator, warehouse, settings_with())
    finally:
        control.reset_profile()

    tasks = salesforce_tasks(emulator, prefix)
    assert [t["key"] for t in tasks] == keys and {t["Dealsync_Key__c"] for t in tasks} == {None}
    assert {t["Description"] for t in tasks} == {
        f"Ask for the renewal date\n\n[dealsync:{k}]" for k in keys}
    assert (metadata["recovered"], metadata["sent"]) == (4, 4)
    assert (again["sent"], again["api_calls"]) == (0, 0)
    assert {r["sync_status"] for r in outbox(warehouse, prefix).values()} == {"sent"}


def test_in_flight_rows_wait_for_the_grace_period(emulator, duckdb_warehouse, control, prefix):
    """A row marked in flight moments ago may belong to a send still running elsewhere."""
    warehouse = duckdb_warehouse
    opp = record_ids(emulator, "Opportunity")["Globex - Renewal"]
    queue(warehouse, [task_row(prefix + "1", opp)])
    assert _kill_sink_after_write(emulator, warehouse, {}).returncode == -9
    control.reset_counters()

    _, waiting = run_sink(emulator, warehouse, settings_with(in_flight_grace_seconds=600))

    assert (waiting["skipped"], waiting["api_calls"]) == (1, 0)
    assert outbox(warehouse, prefix)[prefix + "1"]["sync_status"] == "in_flight"


def test_bulk_job_interrupted_by_a_failing_hook_is_recovered_from_its_results(
        emulator, duckdb_warehouse, control, prefix):
    warehouse = duckdb_warehouse
    opp = record_ids(emulator, "Opportunity")["Globex - Renewal"]
    keys = [prefix + f"{i:02d}" for i in range(12)]
    queue(warehouse, [task_row(k, opp) for k in keys])
    settings = settings_with(bulk_threshold=10)

    def fail(api, written):
        raise RuntimeError(f"hook: the process dies after {api} wrote {len(written)} rows")

    crashed, _ = run_sink(emulator, warehouse, settings, after_send=fail, raise_on_error=False)
    assert not crashed.success
    rows = outbox(warehouse, prefix)
    assert {r["sync_status"] for r in rows.values()} == {"in_flight"}
    assert len({r["bulk_job_id"] for r in rows.values()}) == 1

    _, metadata = run_sink(emulator, warehouse, settings)

    tasks = salesforce_tasks(emulator, prefix)
    assert [t["key"] for t in tasks] == keys
    assert metadata["recovered"] == 12
    assert {e["api"] for e in log(warehouse, prefix)} == {"bulk"}
    assert all("from an interrupted run" in e["message"] for e in log(warehouse, prefix))
