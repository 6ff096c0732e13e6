"""The sink against the emulator: Tasks with the right links, one log row per result, nothing
sent twice, bad rows failed with their reason, and nothing written but Tasks."""

import json

import pytest

from assets.sync_back.outbox import sent_tasks

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
    today,
)

pytestmark = pytest.mark.slow


def test_outbox_rows_become_tasks_linked_to_deal_contact_and_owner(emulator, warehouse, control,
                                                                   prefix):
    opps, contacts, users = (record_ids(emulator, o) for o in ("Opportunity", "Contact", "User"))
    stale, hank = opps["Globex - Renewal"], contacts["Hank Scorpio"]
    bob = users["bob@acme-demo.com"]
    queue(warehouse, [
        task_row(prefix + "a", stale[:15], bob[:15], who_id=hank[:15], priority="High",
                 description="Ask about the renewal", activity_date="2031-02-03"),
        task_row(prefix + "b", None, bob, who_id=hank, task_subtype="Call"),
    ])

    result, metadata = run_sink(emulator, warehouse, settings_with())

    assert result.success
    tasks = salesforce_tasks(emulator, prefix)
    assert [(t["key"], t["WhatId"], t["WhoId"], t["OwnerId"]) for t in tasks] == [
        (prefix + "a", stale, hank, bob), (prefix + "b", None, hank, bob)]
    assert str(tasks[0]["ActivityDate"]) == "2031-02-03"
    # No custom field by default: the key is the Description's last line, after the text.
    assert tasks[0]["Priority"] == "High" and tasks[0]["Dealsync_Key__c"] is None
    assert tasks[0]["Description"] == f"Ask about the renewal\n\n[dealsync:{prefix}a]"
    assert tasks[1]["Description"] == f"[dealsync:{prefix}b]"
    assert tasks[1]["TaskSubtype"] == "Call"
    entries = log(warehouse, prefix)
    assert [(e["sync_key"], e["status"], e["task_id"], e["error_code"]) for e in entries] == [
        (prefix + "a", "sent", tasks[0]["Id"], None), (prefix + "b", "sent", tasks[1]["Id"], None)]
    rows = outbox(warehouse, prefix)
    assert rows[prefix + "a"]["what_id"] == stale  # the 15-character Id was normalised to 18
    assert {r["sync_status"] for r in rows.values()} == {"sent"}
    assert (metadata["sent"], metadata["failed"], metadata["api_calls"]) == (2, 0, 1)
    assert {r["task_id"] for r in sent_tasks(warehouse)} == {t["Id"] for t in tasks}


def test_rerun_with_nothing_new_sends_nothing(emulator, warehouse, control, prefix):
    opps = record_ids(emulator, "Opportunity")
    queue(warehouse, [task_row(prefix + str(i), opps["Globex - Pilot"]) for i in range(3)])
    run_sink(emulator, warehouse, settings_with())
    control.reset_counters()

    _, metadata = run_sink(emulator, warehouse, settings_with())

    assert control.counters()["api_calls"] == 0
    assert (metadata["sent"], metadata["api_calls"]) == (0, 0)
    assert len(salesforce_tasks(emulator, prefix)) == 3
    assert len(log(warehouse, prefix)) == 3


@pytest.mark.parametrize("change, code", [
    ({"priority": "Urgent"}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
    ({"status": "Done"}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
    ({"what_id": "0065g0000000001AAB"}, "MALFORMED_ID"),          # checksum does not match
    ({"owner_id": "OPPORTUNITY"}, "FIELD_INTEGRITY_EXCEPTION"),   # an Opportunity as owner
])
def test_permanent_salesforce_errors_fail_the_row_once_and_spare_the_others(
        emulator, duckdb_warehouse, control, prefix, change, code):
    warehouse = duckdb_warehouse
    good = record_ids(emulator, "Opportunity")["Globex - Pilot"]
    bad = {**task_row(prefix + "2", good), **change}
    if bad["owner_id"] == "OPPORTUNITY":
        bad["owner_id"] = good
    queue(warehouse, [task_row(prefix + "1", good), bad, task_row(prefix + "3", good)])

    _, first = run_sink(emulator, warehouse, settings_with())
    control.reset_counters()
    _, second = run_sink(emulator, warehouse, settings_with())

    assert [t["key"] for t in salesforce_tasks(emulator, prefix)] == [prefix + "1", prefix + "3"]
    failed = [e for e in log(warehouse, prefix) if e["status"] == "failed"]
    assert [(e["sync_key"], e["error_code"]) for e in failed] == [(prefix + "2", code)]
    assert "Fix:" in failed[0]["message"] and f"sync_key = '{prefix}2'" in failed[0]["message"]
    assert outbox(warehouse, prefix)[prefix + "2"]["sync_status"] == "failed"
    assert (first["sent"], first["failed"]) == (2, 1)
    assert (second["sent"], second["failed"], control.counters()["api_calls"]) == (0, 0, 0)


@pytest.mark.parametrize("options, setting", [
    ({"key_field": "CompletedDateTime"}, "sync_back.key_field"),
    ({"external_id_field": "Missing_Key__c"}, "sync_back.external_id_field"),
])
def test_a_key_field_that_does_not_fit_the_org_stops_the_run_and_keeps_the_rows(
        emulator, duckdb_warehouse, control, prefix, options, setting):
    warehouse = duckdb_warehouse
    pilot = record_ids(emulator, "Opportunity")["Globex - Pilot"]
    queue(warehouse, [task_row(prefix + "1", pilot)])

    result, _ = run_sink(emulator, warehouse, settings_with(**options), raise_on_error=False)

    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert setting in failure.event_specific_data.error.to_string()
    assert outbox(warehouse, prefix)[prefix + "1"]["sync_status"] == "retrying"
    assert salesforce_tasks(emulator, prefix) == []


def test_a_task_already_holding_the_key_is_adopted_not_duplicated_or_overwritten(
        emulator, duckdb_warehouse, control, prefix):
    """Another writer got there first: the upsert reaches the existing Task (and Salesforce
    refuses to update its TaskSubtype), so the sink records that Task instead."""
    warehouse = duckdb_warehouse
    opp = record_ids(emulator, "Opportunity")["Globex - Pilot"]
    (existing,) = control.insert("Task", [{"Dealsync_Key__c": prefix + "1", "Subject": "Mine",
                                           "WhatId": opp, "Status": "Completed",
                                           "Priority": "Normal", "TaskSubtype": "Call"}])
    queue(warehouse, [task_row(prefix + "1", opp)])

    _, metadata = run_sink(emulator, warehouse, settings_with(**PATHS["upsert"]))

    (task,) = salesforce_tasks(emulator, prefix)
    assert (task["Id"], task["Subject"], task["Status"]) == (existing, "Mine", "Completed")
    assert outbox(warehouse, prefix)[prefix + "1"]["task_id"] == existing
    assert [(e["status"], e["api"]) for e in log(warehouse, prefix)] == [("sent", "lookup")]
    assert metadata["sent"] == 1


def test_rows_that_cannot_be_tasks_fail_locally_without_an_api_call(
        emulator, duckdb_warehouse, control, prefix):
    warehouse = duckdb_warehouse
    opp = record_ids(emulator, "Opportunity")["Globex - Pilot"]
    queue(warehouse, [
        task_row(prefix + "no-link", None),
        task_row(prefix + "no-subject", opp, subject="  "),
        task_row(prefix + "bad-date", opp, activity_date="2025-02-30"),
        task_row(prefix + "bad-id", "006-NOT-AN-ID", ),
    ])

    _, metadata = run_sink(emulator, warehouse, settings_with())

    entries = {e["sync_key"]: e for e in log(warehouse, prefix)}
    assert {e["status"] for e in entries.values()} == {"failed"}
    assert {e["error_code"] for e in entries.values()} == {"INVALID_OUTBOX_ROW"}
    assert "what_id" in entries[prefix + "bad-id"]["message"]
    assert "YYYY-MM-DD" in entries[prefix + "bad-date"]["message"]
    assert control.counters()["api_calls"] == 0 and metadata["failed"] == 4
    assert salesforce_tasks(emulator, prefix) == []


def test_the_sink_writes_nothing_but_tasks(emulator, duckdb_warehouse, control, prefix):
    warehouse = duckdb_warehouse
    opps = record_ids(emulator, "Opportunity")
    cursor = emulator.store.con.cursor()
    objects = [o for o in emulator.store.objects if o != "Task"]

    def snapshot():
        return {o: cursor.execute(f'select count(*), max("SystemModstamp") from "{o}"').fetchone()
                for o in objects}

    before = snapshot()
    queue(warehouse, [task_row(prefix + str(i), opps["Globex - Renewal"]) for i in range(3)])
    run_sink(emulator, warehouse, settings_with())
    assert snapshot() == before
    assert len(salesforce_tasks(emulator, prefix)) == 3


def test_sync_back_is_off_by_default(emulator, duckdb_warehouse, control, prefix):
    warehouse = duckdb_warehouse
    pilot = record_ids(emulator, "Opportunity")["Globex - Pilot"]
    queue(warehouse, [task_row(prefix + "1", pilot)])
    settings = settings_with()
    settings.sync_back.enabled = False
    assert type(settings.sync_back)().enabled is False

    result, metadata = run_sink(emulator, warehouse, settings)

    assert result.success and metadata["enabled"] is False and metadata["outbox_pending"] >= 1
    assert control.counters()["api_calls"] == 0
    assert outbox(warehouse, prefix)[prefix + "1"]["sync_status"] == "pending"


def test_dry_run_shows_what_would_be_created_and_why_without_calling_salesforce(
        emulator, warehouse, control, prefix):
    opp = record_ids(emulator, "Opportunity")["Globex - Pilot"]
    queue(warehouse, [task_row(prefix + "ok", opp, reason="analyst: meeting action item"),
                      task_row(prefix + "bad", None)])

    _, metadata = run_sink(emulator, warehouse, settings_with(dry_run=True))

    assert control.counters()["api_calls"] == 0 and salesforce_tasks(emulator, prefix) == []
    assert (metadata["dry_run"], metadata["would_send"], metadata["api_calls"]) == (True, 1, 0)
    preview = {r["sync_key"]: r for r in warehouse.query(
        "select * from sync_back.sync_back_preview where sync_key like :p", {"p": prefix + "%"})}
    assert preview[prefix + "ok"]["operation"] == "create Task (key in its Description)"
    assert preview[prefix + "ok"]["reason"] == "analyst: meeting action item"
    assert json.loads(preview[prefix + "ok"]["payload"]) == {
        "WhatId": opp, "Subject": f"Follow up {prefix}ok", "ActivityDate": today().isoformat(),
        "Status": "Not Started", "Priority": "Normal", "TaskSubtype": "Task",
        "Description": f"[dealsync:{prefix}ok]"}
    assert "what_id" in preview[prefix + "bad"]["problem"]
    assert prefix + "ok" in metadata["preview"]
    assert {r["sync_status"] for r in outbox(warehouse, prefix).values()} == {"pending"}
