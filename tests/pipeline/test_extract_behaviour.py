"""Extraction behaviours a user relies on: the tick's API budget, Bulk fallback, schema drift,
hard deletes, and the schedule's run requests."""

import time
from datetime import datetime, timezone

import dagster as dg
import pytest

from pipelines.definitions import defs
from tests.support.pipeline import emulator_rows, extract, reconcile, staged_rows, suite_settings

pytestmark = pytest.mark.slow


def _a(emulator, object_name: str, n: int = 0) -> str:
    return sorted(emulator_rows(emulator, object_name, ["IsDeleted"]))[n]


def test_a_tick_costs_two_api_calls_for_ten_objects(emulator, control, duckdb_warehouse):
    assert extract(emulator, duckdb_warehouse).success
    control.update("Opportunity", _a(emulator, "Opportunity"), {"Amount": 1.0})
    time.sleep(1.1)
    control.reset_counters()
    result = extract(emulator, duckdb_warehouse, incremental=True)
    assert result.success
    assert len({e.asset_key for e in result.get_asset_materialization_events()}) == 10
    assert control.counters()["api_calls"] == 2
    assert control.counters()["by_kind"] == {"composite": 2}


def test_refused_bulk_job_falls_back_to_rest(emulator, control, duckdb_warehouse):
    control.fault(kind="error", rate=1.0, status=400, code="API_ERROR", method="POST",
                  message="Implementation restriction: Bulk API is not enabled", match="/jobs/query")
    result = extract(emulator, duckdb_warehouse, suite_settings(bulk_threshold=100))
    assert result.success
    apis = {e.materialization.metadata["api"].value for e in result.get_asset_materialization_events()}
    assert "bulk" not in apis and "rest" in apis
    fields = ["SystemModstamp", "IsDeleted"]
    assert staged_rows(duckdb_warehouse, "Task", fields) == emulator_rows(emulator, "Task", fields)


def test_a_removed_field_keeps_its_column_with_nulls_and_a_warning(emulator, control, warehouse):
    assert extract(emulator, warehouse).success
    control.drop_field("Opportunity", "NextStep")
    opp = _a(emulator, "Opportunity", 5)
    control.update("Opportunity", opp, {"Amount": 77.0})
    time.sleep(1.1)
    result = extract(emulator, warehouse, incremental=True)
    assert result.success
    event = next(e for e in result.get_asset_materialization_events()
                 if e.asset_key.path[-1] == "opportunity")
    assert "next_step" in str(event.materialization.metadata["missing_columns"].value)
    row = warehouse.query("select amount, next_step from staging.opportunity where id = :id",
                          {"id": opp})
    assert row == [{"amount": 77.0, "next_step": None}]


def test_a_type_change_fails_that_object_only_and_keeps_staged_data(emulator, control,
                                                                    duckdb_warehouse):
    assert extract(emulator, duckdb_warehouse).success
    before = staged_rows(duckdb_warehouse, "Opportunity", ["NextStep", "SystemModstamp"])
    control.drop_field("Opportunity", "NextStep")
    control.add_field("Opportunity", "NextStep", "double")
    control.update("Opportunity", _a(emulator, "Opportunity"), {"NextStep": 3.5})
    control.update("Task", _a(emulator, "Task"), {"Subject": "Still syncing"})
    time.sleep(1.1)
    result = extract(emulator, duckdb_warehouse, incremental=True, raise_on_error=False)
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.error.message
    assert "Opportunity" in failure and "NextStep" in failure
    assert staged_rows(duckdb_warehouse, "Opportunity", ["NextStep", "SystemModstamp"]) == before
    task = duckdb_warehouse.query("select subject from staging.task where id = :id",
                                  {"id": _a(emulator, "Task")})
    assert task == [{"subject": "Still syncing"}]


def test_reconciliation_marks_records_purged_from_the_recycle_bin(emulator, control, warehouse):
    assert extract(emulator, warehouse).success
    purged = _a(emulator, "Contact", 7)
    control.delete("Contact", purged, purge=True)
    result = reconcile(emulator, warehouse)
    assert result.success
    metadata = result.get_asset_materialization_events()[0].materialization.metadata
    assert metadata["by_object"].value["Contact"]["purged"] == 1
    row = warehouse.query("select is_deleted, _hard_deleted_at from staging.contact where id = :id",
                          {"id": purged})
    assert row[0]["is_deleted"] is True and row[0]["_hard_deleted_at"] is not None


def test_schedule_requests_todays_partition_as_an_incremental_run():
    incremental_sync_schedule = next(s for s in defs().schedules
                                     if s.name == "incremental_sync_schedule")
    when = datetime(2026, 11, 21, 0, 10, tzinfo=timezone.utc)
    with dg.instance_for_test() as instance, dg.build_schedule_context(
            scheduled_execution_time=when, instance=instance) as context:
        request = incremental_sync_schedule(context)
    assert request.partition_key == "2026-11-01"  # the month it falls in
    assert request.tags == {"dealsync/mode": "incremental"}
    assert incremental_sync_schedule.cron_schedule == "*/10 * * * *"
