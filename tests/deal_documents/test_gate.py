"""The document sink in the incremental_sync run, after the deal warehouse and its checks: it
attaches when the checks pass, and a failing blocking check stops it in that run."""

import time

import dagster as dg
import pytest
from salesforce_emulator.client import Control
from salesforce_emulator.server import Emulator

from assets.keys import MODE_TAG
from pipelines.definitions import build_definitions
from resources.settings import Settings
from tests.support.pipeline import extract, salesforce_for, today_key

from .support import NODE, RENEWAL, ledger, opportunity_id, settings_with, today, versions

pytestmark = pytest.mark.slow


@pytest.fixture
def org(tmp_path):
    from tests.sync_back.org import write_org
    with Emulator(org=str(write_org(tmp_path, today())), state_dir=tmp_path / "emu") as emu:
        yield emu


def _tick(org, warehouse, settings):
    """One incremental_sync run over the real definitions (the document asset among them)."""
    resources = {"salesforce": salesforce_for(org), "warehouse": warehouse}
    defs = build_definitions(settings, resources)  # the document asset is part of it
    return defs.resolve_job_def("incremental_sync").execute_in_process(
        partition_key=today_key(), tags={MODE_TAG: "incremental"}, raise_on_error=False)


def _settings(tmp_path, rule_name):
    base = settings_with(rule_name).model_dump()
    base["sync_back"]["checks"] = {"data_docs": False, "data_docs_dir": str(tmp_path / "docs")}
    return Settings.model_validate(base)


def test_the_incremental_run_attaches_documents_when_the_checks_pass(org, duckdb_warehouse,
                                                                     tmp_path, rule_name):
    settings = _settings(tmp_path, rule_name)
    extract(org, duckdb_warehouse, settings)

    result = _tick(org, duckdb_warehouse, settings)

    assert result.success
    assert result.asset_materializations_for_node(NODE)
    (version,) = versions(org, rule_name)
    assert version["FirstPublishLocationId"] == opportunity_id(org, RENEWAL)


def test_a_failing_blocking_check_stops_the_document_sink(org, postgres_warehouse, tmp_path,
                                                          rule_name):
    warehouse = postgres_warehouse
    settings = _settings(tmp_path, rule_name)
    extract(org, warehouse, settings)
    # Bad data reaches the warehouse: a negative amount fails the deals suite (critical).
    Control(org.base_url, org.ca_path).update("Opportunity", opportunity_id(org, RENEWAL),
                                              {"Amount": -50.0})
    time.sleep(1.1)  # a tick reads up to the current second: let the change fall inside it

    result = _tick(org, warehouse, settings)

    assert not result.success
    deals = {e.asset_key.to_user_string(): e for e in result.get_asset_check_evaluations()}[
        "deal_warehouse/deals"]
    assert (deals.passed, deals.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert result.asset_materializations_for_node(NODE) == []
    assert versions(org, rule_name) == []
    assert not warehouse.table_exists("sync_back", "deal_documents") or \
        ledger(warehouse, rule_name) == {}
