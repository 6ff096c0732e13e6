"""The field sink in the real incremental_sync run, after the deal warehouse and its checks: a
failing blocking check (a negative amount fails the deals suite) stops it in that run, and once
the data is fixed the next tick writes the value. The mapping reads warehouse.deals itself."""

import time

import dagster as dg
import pytest
from salesforce_emulator.client import Control

from assets.keys import MODE_TAG
from pipelines.definitions import build_definitions
from resources.settings import Settings
from tests.deal_documents.support import LICENSED
from tests.deal_warehouse.support import warehouse_settings
from tests.support.pipeline import salesforce_for, today_key

from .support import NODE, opportunities, settings_with, stage, state

pytestmark = pytest.mark.slow  # real extraction, dbt and emulator per test

QUERY = ("select opportunity_id, 'Call Hank' as next_step from warehouse.deals "
         "where opportunity_name = 'Globex - Renewal'")


def _settings() -> Settings:
    """Licensed owners, so the renewal is a deal the checks see; one NextStep mapping."""
    base = warehouse_settings(licensed=LICENSED).model_dump()
    base["field_updates"] = settings_with({"NextStep": {"column": "next_step"}},
                                          query=QUERY).field_updates.model_dump()
    return Settings.model_validate(base)


def _tick(emulator, warehouse, settings) -> dg.ExecuteInProcessResult:
    time.sleep(1.1)  # a tick reads up to the current second: let the change fall inside it
    defs = build_definitions(settings, {"salesforce": salesforce_for(emulator),
                                        "warehouse": warehouse})
    return defs.resolve_job_def("incremental_sync").execute_in_process(
        partition_key=today_key(), tags={MODE_TAG: "incremental"}, raise_on_error=False)


def test_a_failing_blocking_check_stops_the_field_sink(emulator, warehouse):
    settings = _settings()
    stage(emulator, warehouse, settings=settings)
    renewal = opportunities(emulator)["Globex - Renewal"]
    control = Control(emulator.base_url, emulator.ca_path)
    control.update("Opportunity", renewal["Id"], {"Amount": -50.0})

    blocked = _tick(emulator, warehouse, settings)

    assert not blocked.success
    deals = {e.asset_key.to_user_string(): e for e in blocked.get_asset_check_evaluations()}[
        "deal_warehouse/deals"]
    assert (deals.passed, deals.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert blocked.asset_materializations_for_node(NODE) == []
    assert opportunities(emulator)["Globex - Renewal"]["NextStep"] is None
    assert not warehouse.table_exists("sync_back", "field_update_state")  # never started

    control.update("Opportunity", renewal["Id"], {"Amount": 50_000.0})
    passing = _tick(emulator, warehouse, settings)

    assert passing.success
    assert opportunities(emulator)["Globex - Renewal"]["NextStep"] == "Call Hank"
    assert state(warehouse)[(renewal["Id"], "NextStep")]["status"] == "sent"
