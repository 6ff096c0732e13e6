"""Failures mid-extraction: dropped connections, 500 storms, a killed process, an exhausted
quota, QUERY_TIMEOUT. After each, a rerun converges to exactly the emulator's data."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from resources.settings import ObjectSettings
from resources.warehouse import WarehouseResource
from tests.support.pipeline import emulator_rows, extract, staged_rows, suite_settings

pytestmark = pytest.mark.slow

CHECKED = ["SystemModstamp", "StageName", "Amount", "IsDeleted"]
ROOT = Path(__file__).resolve().parents[2]


def _converged(emulator, warehouse) -> None:
    assert staged_rows(warehouse, "Opportunity", CHECKED) == emulator_rows(emulator, "Opportunity", CHECKED)
    dupes = warehouse.scalar("select count(*) - count(distinct id) from staging.opportunity")
    assert dupes == 0


def test_dropped_connections_and_a_short_500_storm_are_retried(emulator, control, warehouse):
    control.fault(kind="drop", next=1, after_bytes=300, match="query")
    control.fault(kind="error", next=2, status=500, code="UNKNOWN_EXCEPTION",
                  message="An unexpected error occurred", match="query")
    result = extract(emulator, warehouse)
    assert result.success
    _converged(emulator, warehouse)


def test_a_500_storm_longer_than_the_retries_fails_then_a_rerun_converges(emulator, control,
                                                                       duckdb_warehouse):
    control.fault(kind="error", rate=1.0, status=503, code="SERVER_UNAVAILABLE",
                  message="Server Unavailable", match="queryAll")
    failed = extract(emulator, duckdb_warehouse, raise_on_error=False)
    assert not failed.success
    status = duckdb_warehouse.get_sync_status("Opportunity")
    assert status["last_error"] and "503" in status["last_error"]
    control.clear_faults()
    assert extract(emulator, duckdb_warehouse).success
    _converged(emulator, duckdb_warehouse)


def test_query_timeout_halves_the_window(emulator, control, duckdb_warehouse):
    control.fault(kind="error", next=1, status=400, code="QUERY_TIMEOUT",
                  message="Your query request was running for too long.",
                  match=r"FROM\+Opportunity\+WHERE")
    result = extract(emulator, duckdb_warehouse)
    assert result.success
    _converged(emulator, duckdb_warehouse)
    # The timed-out window [1970, now) was split: its records landed from the second half.
    starts = duckdb_warehouse.query(
        "select distinct _window_start as s from staging.opportunity_versions")
    assert len(starts) == 1 and starts[0]["s"].year == 1998


def test_a_killed_process_then_a_rerun_gives_the_same_result(emulator, control, tmp_path):
    path = tmp_path / "warehouse.duckdb"
    control.fault(kind="latency", rate=1.0, seconds=0.15, match="query")
    script = (f"import sys; sys.path.insert(0, {str(ROOT)!r});"
              "from tests.support.pipeline import extract, RemoteEmulator;"
              "from resources.warehouse import WarehouseResource;"
              f"extract(RemoteEmulator({emulator.base_url!r}, {str(emulator.ca_path)!r}),"
              f" WarehouseResource(engine='duckdb', duckdb_path={str(path)!r}))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and control.counters()["by_kind"].get("query", 0) < 8:
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    control.clear_faults()
    warehouse = WarehouseResource(engine="duckdb", duckdb_path=str(path))
    assert extract(emulator, warehouse).success
    _converged(emulator, warehouse)


def test_exhausted_limit_fails_the_tick_naming_the_objects_and_the_next_tick_catches_up(
        emulator, control, duckdb_warehouse):
    assert extract(emulator, duckdb_warehouse).success
    opp = sorted(emulator_rows(emulator, "Opportunity", ["IsDeleted"]))[0]
    control.update("Opportunity", opp, {"StageName": "Closed Won"})
    mark_before = duckdb_warehouse.get_high_water_mark("Opportunity")
    control.limits(daily_max=1000, used=1000)
    stopped = extract(emulator, duckdb_warehouse, incremental=True, raise_on_error=False)
    # Red in the UI, not a green run with everything downstream skipped: the step fails,
    # naming the objects the quota stop kept from syncing and the quota.
    assert not stopped.success
    assert stopped.get_asset_materialization_events() == []
    (failure,) = [e for e in stopped.all_events if e.event_type_value == "STEP_FAILURE"]
    message = failure.step_failure_data.user_failure_data.description
    assert "Stopped before the API quota ran out; not synced: User, OpportunityStage" in message
    assert "REQUEST_LIMIT_EXCEEDED" in message
    status = duckdb_warehouse.get_sync_status("Opportunity")
    assert "quota" in status["last_error"]
    assert duckdb_warehouse.get_high_water_mark("Opportunity") == mark_before
    control.limits(daily_max=1_000_000, used=0)
    time.sleep(1.1)
    assert extract(emulator, duckdb_warehouse, incremental=True).success
    _converged(emulator, duckdb_warehouse)


def test_a_field_added_in_salesforce_becomes_a_column(emulator, control, warehouse):
    settings = suite_settings()
    settings.objects["Opportunity"] = ObjectSettings(fields="all")
    assert extract(emulator, warehouse, settings).success
    control.add_field("Opportunity", "Churn_Risk__c", "string", 40)
    opp = sorted(emulator_rows(emulator, "Opportunity", ["IsDeleted"]))[3]
    control.update("Opportunity", opp, {"Churn_Risk__c": "high"})
    time.sleep(1.1)
    result = extract(emulator, warehouse, settings, incremental=True)
    assert result.success
    row = warehouse.query("select churn_risk__c from staging.opportunity where id = :id", {"id": opp})
    assert row == [{"churn_risk__c": "high"}]
    materialization = next(e for e in result.get_asset_materialization_events()
                           if e.asset_key.path[-1] == "opportunity")
    assert "churn_risk__c" in str(materialization.materialization.metadata["added_columns"].value)
