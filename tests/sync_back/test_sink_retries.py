"""Transient failures are retried in later runs, with backoff, until the Task is written once."""

from datetime import datetime, timedelta

import pytest

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



@pytest.mark.parametrize("path", PATHS.values(), ids=PATHS)
def test_locked_rows_are_retried_in_the_next_run(emulator, warehouse, control, prefix, path):
    opp = record_ids(emulator, "Opportunity")["Globex - Renewal"]
    queue(warehouse, [task_row(prefix + str(i), opp) for i in range(4)])
    control.fault(kind="record_error", code="UNABLE_TO_LOCK_ROW", next=2, object="Task",
                  message="unable to obtain exclusive access to this record")

    _, first = run_sink(emulator, warehouse, settings_with(**path))
    _, second = run_sink(emulator, warehouse, settings_with(**path))

    assert (first["sent"], first["retried"]) == (2, 2)
    assert (second["sent"], second["sent_after_retry"], second["retried"]) == (2, 2, 0)
    assert len(salesforce_tasks(emulator, prefix)) == 4
    retried = [e for e in log(warehouse, prefix) if e["status"] == "retrying"]
    assert [(e["error_code"], e["attempt"]) for e in retried] == [("UNABLE_TO_LOCK_ROW", 1)] * 2
    for entry in retried:
        later = [e for e in log(warehouse, prefix) if e["sync_key"] == entry["sync_key"]]
        assert [(e["status"], e["attempt"]) for e in later] == [("retrying", 1), ("sent", 2)]


def test_backoff_holds_a_retrying_row_until_its_time(emulator, duckdb_warehouse, control, prefix):
    warehouse = duckdb_warehouse
    opp = record_ids(emulator, "Opportunity")["Globex - Renewal"]
    queue(warehouse, [task_row(prefix + "1", opp)])
    control.fault(kind="record_error", code="UNABLE_TO_LOCK_ROW", next=1, object="Task")
    settings = settings_with(retry_backoff_seconds=3600)

    run_sink(emulator, warehouse, settings)
    row = outbox(warehouse, prefix)[prefix + "1"]
    assert row["sync_status"] == "retrying"
    assert timedelta(minutes=59) < row["next_attempt_at"] - datetime.utcnow() < timedelta(hours=1)
    control.reset_counters()
    _, waiting = run_sink(emulator, warehouse, settings)
    assert (waiting["skipped"], waiting["sent"], control.counters()["api_calls"]) == (1, 0, 0)

    warehouse.execute("update sync_back.sync_back_tasks set next_attempt_at = :t "
                      "where sync_key = :k", {"t": datetime.utcnow() - timedelta(seconds=1),
                                              "k": prefix + "1"})
    _, due = run_sink(emulator, warehouse, settings)
    assert due["sent"] == 1 and len(salesforce_tasks(emulator, prefix)) == 1


@pytest.mark.parametrize("path", PATHS.values(), ids=PATHS)
def test_503s_are_retried_within_the_run_then_in_later_runs(
        emulator, duckdb_warehouse, control, prefix, path):
    warehouse = duckdb_warehouse
    opp = record_ids(emulator, "Opportunity")["Globex - Renewal"]
    queue(warehouse, [task_row(prefix + str(i), opp) for i in range(3)])
    # Five attempts per call (the client's max_attempts): 7 failures outlast the first run.
    control.fault(kind="error", status=503, code="SERVER_UNAVAILABLE", next=7,
                  match="composite/sobjects")

    _, first = run_sink(emulator, warehouse, settings_with(**path))
    assert (first["sent"], first["retried"]) == (0, 3)
    assert {(e["status"], e["error_code"]) for e in log(warehouse, prefix)} == {
        ("retrying", "SERVER_UNAVAILABLE")}
    _, second = run_sink(emulator, warehouse, settings_with(**path))

    assert second["sent"] == 3 and second["api_calls"] == 3  # two more 503s, then the write
    tasks = salesforce_tasks(emulator, prefix)
    assert [t["key"] for t in tasks] == [prefix + str(i) for i in range(3)]


def test_a_row_that_keeps_failing_is_given_up_with_the_reason(emulator, duckdb_warehouse, control,
                                                              prefix):
    warehouse = duckdb_warehouse
    opp = record_ids(emulator, "Opportunity")["Globex - Renewal"]
    queue(warehouse, [task_row(prefix + "1", opp)])
    control.fault(kind="record_error", code="UNABLE_TO_LOCK_ROW", next=3, object="Task")
    settings = settings_with(max_attempts=2)

    run_sink(emulator, warehouse, settings)
    _, second = run_sink(emulator, warehouse, settings)
    _, third = run_sink(emulator, warehouse, settings)

    assert [(e["status"], e["attempt"]) for e in log(warehouse, prefix)] == [
        ("retrying", 1), ("failed", 2)]
    assert "gave up after 2 attempts" in log(warehouse, prefix)[-1]["message"]
    assert (second["failed"], third["sent"], third["api_calls"]) == (1, 0, 0)


@pytest.mark.parametrize("path", PATHS.values(), ids=PATHS)
def test_a_write_whose_answer_is_lost_is_not_duplicated(emulator, duckdb_warehouse, control,
                                                        prefix, path):
    """The connection drops after Salesforce wrote the Tasks. Neither path resends blindly (an
    upsert would overwrite edits, and cannot update TaskSubtype): the next run finds the Tasks
    by key and records them."""
    warehouse = duckdb_warehouse
    opp = record_ids(emulator, "Opportunity")["Globex - Renewal"]
    queue(warehouse, [task_row(prefix + str(i), opp) for i in range(3)])
    control.fault(kind="drop", next=1, match="composite/sobjects", after_bytes=5)

    _, first = run_sink(emulator, warehouse, settings_with(**path))
    _, second = run_sink(emulator, warehouse, settings_with(**path))

    tasks = salesforce_tasks(emulator, prefix)
    assert [t["key"] for t in tasks] == [prefix + str(i) for i in range(3)]
    rows = outbox(warehouse, prefix)
    assert {r["sync_status"] for r in rows.values()} == {"sent"}
    assert sorted(r["task_id"] for r in rows.values()) == sorted(t["Id"] for t in tasks)
    assert (first["sent"], first["retried"], second["recovered"]) == (0, 3, 3)
    assert {e["api"] for e in log(warehouse, prefix) if e["status"] == "sent"} == {"lookup"}
    assert second["api_calls"] == 1  # one query found all three; nothing was written again
