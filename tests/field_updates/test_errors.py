"""Per-row errors carry their fix; transient ones are retried with backoff in a later run,
permanent ones wait for a new value instead of being resent."""

import pytest
from salesforce_emulator.client import Control

from .support import desired, log, opportunities, run_fields, settings_with, stage, state

pytestmark = pytest.mark.slow  # real extraction + emulator per test

FIELDS = {"NextStep": {"column": "next_step"}, "OwnerId": {"column": "owner_id"},
          "ForecastCategoryName": {"column": "forecast"}}
TYPES = {"owner_id": "varchar", "forecast": "varchar"}


def test_each_error_code_is_logged_with_its_fix(emulator, warehouse):
    stage(emulator, warehouse)
    opps = opportunities(emulator)
    renewal, overdue, pilot, won = (opps[n] for n in (
        "Globex - Renewal", "Globex - Expansion", "Globex - Pilot", "Globex - Won"))
    account = renewal["AccountId"]
    control = Control(emulator.base_url, emulator.ca_path)
    # Records go out in source order; each armed fault fails the next Opportunity write.
    control.fault(kind="record_error", object="Opportunity", next=1,
                  code="INVALID_FIELD_FOR_INSERT_UPDATE",
                  message="Unable to update fields: NextStep. Please check the security "
                          "settings of this field")
    control.fault(kind="record_error", object="Opportunity", next=1, code="UNABLE_TO_LOCK_ROW",
                  message="unable to obtain exclusive access to this record")
    desired(warehouse, [
        {"opportunity_id": renewal["Id"], "next_step": "a", "owner_id": renewal["OwnerId"],
         "forecast": "Pipeline"},
        {"opportunity_id": overdue["Id"], "next_step": "b", "owner_id": overdue["OwnerId"],
         "forecast": "Pipeline"},
        {"opportunity_id": pilot["Id"], "owner_id": account, "forecast": "Pipeline"},
        {"opportunity_id": won["Id"], "owner_id": won["OwnerId"], "forecast": "Bogus"}], TYPES)

    _, first = run_fields(emulator, warehouse, settings_with(FIELDS))

    entries = {(r["record_id"], r["field"]): r for r in log(warehouse)}
    expected = {
        (renewal["Id"], "NextStep"): ("failed", "INVALID_FIELD_FOR_INSERT_UPDATE",
                                      "field-level edit access"),
        (overdue["Id"], "NextStep"): ("retrying", "UNABLE_TO_LOCK_ROW", "retried automatically"),
        (pilot["Id"], "OwnerId"): ("failed", "FIELD_INTEGRITY_EXCEPTION", "Id of the wrong "
                                   "object in a lookup"),
        (won["Id"], "ForecastCategoryName"): ("failed", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                                              "activate the value")}
    assert set(entries) == set(expected)
    for key, (status, code, fix) in expected.items():
        entry = entries[key]
        assert (entry["status"], entry["error_code"]) == (status, code)
        assert key[0] in entry["message"] and "Fix: " in entry["message"] and fix in \
            entry["message"]
    assert entries[(won["Id"], "ForecastCategoryName")]["api"] == "local"  # caught before a call
    assert (first["sent"], first["failed"], first["retrying"]) == (0, 3, 1)
    assert opportunities(emulator)["Globex - Pilot"]["OwnerId"] == pilot["OwnerId"]

    control.reset_counters()
    _, second = run_fields(emulator, warehouse, settings_with(FIELDS))

    assert (second["sent"], second["failed"], second["skipped_failed_waiting"]) == (1, 0, 3)
    # One record left to send: one conditional PATCH (If-Unmodified-Since), no query.
    assert control.counters()["by_kind"] == {"describe": 1, "rest": 1}
    assert opportunities(emulator)["Globex - Expansion"]["NextStep"] == "b"
    retried = [(r["status"], r["attempt"]) for r in log(warehouse)
               if r["record_id"] == overdue["Id"]]
    assert retried == [("retrying", 1), ("sent", 2)]
    assert state(warehouse)[(renewal["Id"], "NextStep")]["status"] == "failed"


def test_a_locked_row_gives_up_after_max_attempts(emulator, duckdb_warehouse):
    warehouse = duckdb_warehouse
    stage(emulator, warehouse)
    renewal = opportunities(emulator)["Globex - Renewal"]["Id"]
    control = Control(emulator.base_url, emulator.ca_path)
    control.fault(kind="record_error", object="Opportunity", next=2, code="UNABLE_TO_LOCK_ROW")
    desired(warehouse, [{"opportunity_id": renewal, "next_step": "Call"}])
    settings = settings_with(max_attempts=2)

    run_fields(emulator, warehouse, settings)
    _, second = run_fields(emulator, warehouse, settings)

    assert second["failed"] == 1
    assert "gave up after 2 attempts" in log(warehouse)[-1]["message"]
    assert opportunities(emulator)["Globex - Renewal"]["NextStep"] is None
