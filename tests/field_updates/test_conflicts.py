"""A newer edit made in Salesforce is never overwritten: it is logged per field with both values
and not sent; a `both` field keeps Salesforce's edit even after staging sees it."""

import pytest
from salesforce_emulator.client import Control

from .support import desired, log, opportunities, run_fields, settings_with, stage, state

pytestmark = pytest.mark.slow  # real extraction + emulator per test


def test_an_edit_made_after_staging_is_a_conflict_not_overwritten(emulator, warehouse):
    stage(emulator, warehouse)
    opps = opportunities(emulator)
    renewal, pilot = opps["Globex - Renewal"]["Id"], opps["Globex - Pilot"]["Id"]
    control = Control(emulator.base_url, emulator.ca_path)
    control.update("Opportunity", renewal, {"NextStep": "Owner: wait for budget"})
    control.update("Opportunity", pilot, {"Amount": 2500.0})  # another field: no conflict
    desired(warehouse, [{"opportunity_id": renewal, "next_step": "Call Hank"},
                        {"opportunity_id": pilot, "next_step": "Send the report"}])
    control.reset_counters()

    _, first = run_fields(emulator, warehouse, settings_with())

    opps = opportunities(emulator)
    assert opps["Globex - Renewal"]["NextStep"] == "Owner: wait for budget"
    assert (opps["Globex - Pilot"]["NextStep"], opps["Globex - Pilot"]["Amount"]) == (
        "Send the report", 2500.0)
    assert (first["sent"], first["conflict"]) == (1, 1)
    (conflict,) = [r for r in log(warehouse) if r["status"] == "conflict"]
    assert (conflict["record_id"], conflict["field"], conflict["before_value"],
            conflict["after_value"], conflict["salesforce_value"]) == (
        renewal, "NextStep", None, "Call Hank", "Owner: wait for budget")
    assert "Owner: wait for budget" in conflict["message"] and "Call Hank" in conflict["message"]
    assert "NextStep" in first["problems"] and "Owner: wait for budget" in first["problems"]
    assert control.counters()["by_kind"]["composite"] == 1  # only the pilot's PATCH

    control.reset_counters()
    _, again = run_fields(emulator, warehouse, settings_with())  # not retried blindly
    assert (again["api_calls"], again["skipped_conflict_waiting"]) == (0, 1)
    assert len([r for r in log(warehouse) if r["status"] == "conflict"]) == 1

    # Once staging holds the edit the warehouse decides on fresh data: NextStep is the
    # warehouse's (`to_salesforce`), so its value goes out.
    stage(emulator, warehouse, tick=True)
    _, fresh = run_fields(emulator, warehouse, settings_with())
    assert fresh["sent"] == 1
    assert opportunities(emulator)["Globex - Renewal"]["NextStep"] == "Call Hank"


def test_salesforce_wins_on_a_field_edited_on_both_sides(emulator, warehouse):
    stage(emulator, warehouse)
    renewal = opportunities(emulator)["Globex - Renewal"]["Id"]
    control = Control(emulator.base_url, emulator.ca_path)
    desired(warehouse, [{"opportunity_id": renewal, "description": "Renewal at risk"}])
    run_fields(emulator, warehouse, settings_with())
    assert opportunities(emulator)["Globex - Renewal"]["Description"] == "Renewal at risk"

    control.update("Opportunity", renewal, {"Description": "Renewal signed verbally"})
    stage(emulator, warehouse, tick=True)
    control.reset_counters()
    _, unchanged = run_fields(emulator, warehouse, settings_with())  # warehouse did not change
    assert (unchanged["sent"], unchanged["api_calls"], unchanged["skipped_salesforce_newer"]) \
        == (0, 0, 1)

    desired(warehouse, [{"opportunity_id": renewal, "description": "Renewal at high risk"}])
    _, both = run_fields(emulator, warehouse, settings_with())

    assert opportunities(emulator)["Globex - Renewal"]["Description"] == \
        "Renewal signed verbally"
    assert (both["sent"], both["conflict"]) == (0, 1)
    conflict = log(warehouse)[-1]
    assert (conflict["status"], conflict["salesforce_value"], conflict["after_value"]) == (
        "conflict", "Renewal signed verbally", "Renewal at high risk")
    assert "Salesforce wins" in conflict["message"]
    assert state(warehouse)[(renewal, "Description")]["status"] == "conflict"
