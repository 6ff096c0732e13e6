"""A sink killed between the PATCH and the commit: the next run finds the values already in
Salesforce, records them as sent, and writes nothing again (exactly one PATCH per record)."""

import subprocess

import pytest
from salesforce_emulator.client import Control

from tests.support.crash import KILLED, run_killed

from .support import desired, log, opportunities, run_fields, settings_with, stage, state

pytestmark = pytest.mark.slow


def kill_after_patch(emulator, warehouse) -> subprocess.CompletedProcess:
    return run_killed("tests.field_updates.crash_fields", emulator, warehouse)


def test_killed_after_the_patch_each_record_is_updated_once(emulator, warehouse):
    stage(emulator, warehouse)
    opps = opportunities(emulator)
    ids = [opps[n]["Id"] for n in ("Globex - Renewal", "Globex - Expansion", "Globex - Pilot")]
    desired(warehouse, [{"opportunity_id": i, "next_step": f"Step {n}",
                         "description": f"Note {n}"} for n, i in enumerate(ids)])
    control = Control(emulator.base_url, emulator.ca_path)
    control.reset_counters()

    crashed = kill_after_patch(emulator, warehouse)

    assert crashed.returncode == -9, crashed.stdout + crashed.stderr
    assert KILLED in crashed.stdout
    assert control.counters()["by_kind"]["composite"] == 1        # Salesforce has them...
    assert [opportunities(emulator)[n]["NextStep"] for n in (
        "Globex - Renewal", "Globex - Expansion", "Globex - Pilot")] == ["Step 0", "Step 1",
                                                                       "Step 2"]
    assert {r["status"] for r in state(warehouse).values()} == {"in_flight"}
    assert log(warehouse) == []                                    # ...the warehouse does not

    _, metadata = run_fields(emulator, warehouse, settings_with())

    assert control.counters()["by_kind"]["composite"] == 1        # no second PATCH
    assert (metadata["sent"], metadata["recovered"], metadata["conflict"]) == (6, 6, 0)
    assert {(r["status"], r["api"]) for r in log(warehouse)} == {("sent", "lookup")}
    assert len(log(warehouse)) == 6
    assert {r["status"] for r in state(warehouse).values()} == {"sent"}

    _, again = run_fields(emulator, warehouse, settings_with())
    assert (again["sent"], again["api_calls"]) == (0, 0)


def test_a_crash_that_staging_caught_up_with_is_settled_without_a_call(emulator,
                                                                       duckdb_warehouse):
    warehouse = duckdb_warehouse
    stage(emulator, warehouse)
    renewal = opportunities(emulator)["Globex - Renewal"]["Id"]
    desired(warehouse, [{"opportunity_id": renewal, "next_step": "Call Hank"}])
    assert kill_after_patch(emulator, warehouse).returncode == -9
    stage(emulator, warehouse, tick=True)  # the next tick stages our write
    control = Control(emulator.base_url, emulator.ca_path)
    control.reset_counters()

    _, metadata = run_fields(emulator, warehouse, settings_with())

    assert (metadata["recovered"], metadata["api_calls"]) == (1, 0)
    assert control.counters()["api_calls"] == 0
    assert state(warehouse)[(renewal, "NextStep")]["status"] == "sent"
    assert [(r["status"], r["api"]) for r in log(warehouse)] == [("sent", "lookup")]
