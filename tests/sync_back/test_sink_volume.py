"""How rows go out: 200 per sObject Collections call, one Bulk 2.0 job above the threshold, and
a clean stop when the API budget runs out. (bench/bench_sink.py sends 10,000.)"""

import pytest

from .support import log, outbox, queue, record_ids, run_sink, salesforce_tasks, settings_with, task_row

pytestmark = pytest.mark.slow


def test_a_bulk_job_above_the_threshold_reports_each_row(emulator, warehouse, control, prefix):
    opp = record_ids(emulator, "Opportunity")["Globex - Renewal"]
    queue(warehouse, [task_row(prefix + f"{i:02d}", opp) for i in range(18)]
          + [task_row(prefix + "bad", opp, priority="Urgent")])
    control.fault(kind="record_error", code="UNABLE_TO_LOCK_ROW", next=1, object="Task")
    settings = settings_with(bulk_threshold=10)

    _, first = run_sink(emulator, warehouse, settings)

    assert (first["sent"], first["failed"], first["retried"]) == (17, 1, 1)
    kinds = control.counters()["by_kind"]
    assert "composite" not in kinds and kinds["bulk_create"] == 1
    assert first["api_calls"] <= 12   # create, upload, close, a few polls, three result files
    entries = log(warehouse, prefix)
    assert {e["api"] for e in entries} == {"bulk"}
    bad = [e for e in entries if e["sync_key"] == prefix + "bad"]
    assert bad[0]["error_code"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    task_ids = {t["key"]: t["Id"] for t in salesforce_tasks(emulator, prefix)}
    assert {k: r["task_id"] for k, r in outbox(warehouse, prefix).items()
            if r["sync_status"] == "sent"} == task_ids

    _, second = run_sink(emulator, warehouse, settings)   # one row left: below the threshold
    assert (second["sent"], second["api_calls"]) == (1, 1)
    assert len(salesforce_tasks(emulator, prefix)) == 18


def test_200_rows_per_call_and_a_spent_api_budget_stops_the_run_cleanly(
        emulator, duckdb_warehouse, control, prefix):
    """A run allowed one API call sends the first 200 rows in it, then stops before the next
    call; the next run sends the rest."""
    warehouse = duckdb_warehouse
    opp = record_ids(emulator, "Opportunity")["Globex - Renewal"]
    queue(warehouse, [task_row(prefix + f"{i:03d}", opp) for i in range(201)])

    result, first = run_sink(emulator, warehouse, settings_with(), run_call_cap=1)

    assert result.success and "run_call_cap" in first["stopped"]
    assert (first["sent"], first["retried"], control.counters()["by_kind"]) == (
        200, 1, {"composite": 1})
    assert outbox(warehouse, prefix)[prefix + "200"]["sync_status"] == "retrying"
    _, second = run_sink(emulator, warehouse, settings_with())
    assert second["sent"] == 1 and len(salesforce_tasks(emulator, prefix)) == 201
