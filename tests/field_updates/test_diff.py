"""Only changed fields are sent, and a run with nothing new makes no API call at all."""

import pytest
from salesforce_emulator.client import Control

from .support import desired, log, opportunities, run_fields, settings_with, stage, state

pytestmark = pytest.mark.slow  # real extraction + emulator per test


def test_only_changes_are_sent_and_a_rerun_sends_nothing(emulator, warehouse):
    stage(emulator, warehouse)
    opps = opportunities(emulator)
    renewal, pilot, won = (opps[n]["Id"] for n in ("Globex - Renewal", "Globex - Pilot",
                                                   "Globex - Won"))
    control = Control(emulator.base_url, emulator.ca_path)
    control.reset_counters()
    desired(warehouse, [
        {"opportunity_id": renewal, "next_step": "Call Hank about the renewal"},
        {"opportunity_id": pilot[:15], "next_step": "Send the pilot report",  # a 15-char Id
         "description": "Pilot with 3 teams"},
        {"opportunity_id": won, "next_step": "", "description": None}])  # as staged: no change

    _, first = run_fields(emulator, warehouse, settings_with())

    opps = opportunities(emulator)
    assert opps["Globex - Renewal"]["NextStep"] == "Call Hank about the renewal"
    assert (opps["Globex - Pilot"]["NextStep"], opps["Globex - Pilot"]["Description"]) == (
        "Send the pilot report", "Pilot with 3 teams")
    assert opps["Globex - Won"]["SystemModstamp"] == opportunities(emulator)["Globex - Won"][
        "SystemModstamp"]
    assert (first["sent"], first["conflict"], first["failed"]) == (3, 0, 0)
    assert control.counters()["by_kind"].get("composite") == 1  # one collections PATCH
    assert sorted((r["record_id"], r["field"], r["status"], r["before_value"], r["after_value"])
                  for r in log(warehouse)) == sorted([
        (renewal, "NextStep", "sent", None, "Call Hank about the renewal"),
        (pilot, "NextStep", "sent", None, "Send the pilot report"),
        (pilot, "Description", "sent", None, "Pilot with 3 teams")])

    control.reset_counters()
    _, again = run_fields(emulator, warehouse, settings_with())  # staging has not caught up
    assert (again["sent"], again["api_calls"], again["skipped_awaiting_staging"]) == (0, 0, 3)

    stage(emulator, warehouse, tick=True)                         # now it has
    control.reset_counters()
    _, caught_up = run_fields(emulator, warehouse, settings_with())
    assert (caught_up["sent"], caught_up["api_calls"]) == (0, 0)
    assert control.counters()["api_calls"] == 0
    assert len(log(warehouse)) == 3
    assert {r["status"] for r in state(warehouse).values()} == {"sent"}


def test_a_changed_desired_value_is_sent_again(emulator, duckdb_warehouse):
    warehouse = duckdb_warehouse
    stage(emulator, warehouse)
    renewal = opportunities(emulator)["Globex - Renewal"]["Id"]
    desired(warehouse, [{"opportunity_id": renewal, "next_step": "Call"}])
    run_fields(emulator, warehouse, settings_with())
    desired(warehouse, [{"opportunity_id": renewal, "next_step": "Call again"}])

    _, metadata = run_fields(emulator, warehouse, settings_with())

    assert metadata["sent"] == 1
    assert opportunities(emulator)["Globex - Renewal"]["NextStep"] == "Call again"
    assert [r["after_value"] for r in log(warehouse)] == ["Call", "Call again"]
