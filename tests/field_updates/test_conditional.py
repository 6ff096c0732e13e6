"""A send of a single record uses PATCH with If-Unmodified-Since: Salesforce refuses (412) when
the record changed since it was staged; the sink then reads the record and decides per field."""

import pytest
from salesforce_emulator.client import Control

from tests.support.crash import run_killed

from .support import desired, log, opportunities, run_fields, settings_with, stage, state

pytestmark = pytest.mark.slow  # real extraction + emulator per test


def test_412_on_an_edited_field_is_a_conflict(emulator, warehouse):
    stage(emulator, warehouse)
    renewal = opportunities(emulator)["Globex - Renewal"]["Id"]
    control = Control(emulator.base_url, emulator.ca_path)
    control.update("Opportunity", renewal, {"NextStep": "Owner: wait for budget"})
    desired(warehouse, [{"opportunity_id": renewal, "next_step": "Call Hank"}])
    control.reset_counters()

    _, metadata = run_fields(emulator, warehouse, settings_with())

    assert opportunities(emulator)["Globex - Renewal"]["NextStep"] == "Owner: wait for budget"
    assert (metadata["sent"], metadata["conflict"]) == (0, 1)
    assert control.counters()["by_kind"] == {"describe": 1, "rest": 2}  # 412 PATCH, then a read
    (entry,) = log(warehouse)
    assert (entry["status"], entry["salesforce_value"], entry["after_value"]) == (
        "conflict", "Owner: wait for budget", "Call Hank")


def test_412_for_another_field_reads_and_sends_once_more(emulator, duckdb_warehouse):
    warehouse = duckdb_warehouse
    stage(emulator, warehouse)
    renewal = opportunities(emulator)["Globex - Renewal"]["Id"]
    control = Control(emulator.base_url, emulator.ca_path)
    control.update("Opportunity", renewal, {"Amount": 1200.0})
    desired(warehouse, [{"opportunity_id": renewal, "next_step": "Call Hank"}])

    _, metadata = run_fields(emulator, warehouse, settings_with())

    opp = opportunities(emulator)["Globex - Renewal"]
    assert (opp["NextStep"], opp["Amount"]) == ("Call Hank", 1200.0)
    assert (metadata["sent"], metadata["conflict"]) == (1, 0)
    assert [(r["status"], r["api"]) for r in log(warehouse)] == [("sent", "rest")]


def test_a_single_record_killed_after_its_patch_is_not_written_again(emulator,
                                                                     duckdb_warehouse):
    warehouse = duckdb_warehouse
    stage(emulator, warehouse)
    renewal = opportunities(emulator)["Globex - Renewal"]["Id"]
    desired(warehouse, [{"opportunity_id": renewal, "next_step": "Call Hank"}])
    control = Control(emulator.base_url, emulator.ca_path)
    control.reset_counters()
    assert run_killed("tests.field_updates.crash_fields", emulator, warehouse).returncode == -9
    assert control.counters()["by_kind"]["rest"] == 1

    control.reset_counters()
    _, metadata = run_fields(emulator, warehouse, settings_with())

    assert control.counters()["by_kind"] == {"describe": 1, "rest": 1}  # a read, no PATCH
    assert (metadata["recovered"], metadata["conflict"]) == (1, 0)
    assert state(warehouse)[(renewal, "NextStep")]["status"] == "sent"
