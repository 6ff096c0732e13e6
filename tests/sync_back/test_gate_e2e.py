"""The whole chain in one Dagster run, as the incremental schedule runs it: extraction tick ->
deal warehouse -> Great Expectations checks -> outbox -> sink, against the emulator.

A failed blocking check (ERROR) stops the sink in that run; a warning does not.
"""

import time
from datetime import timedelta
from pathlib import Path

import dagster as dg
import pytest
from salesforce_emulator.client import Control
from salesforce_emulator.server import Emulator

from assets.keys import MODE_TAG
from pipelines.definitions import build_definitions
from resources.settings.deal_rules import LicensedUsers
from tests.support.pipeline import extract, salesforce_for, today_key

from .org import write_org
from .support import (
    SINK_NODE,
    log,
    outbox,
    queue,
    record_ids,
    salesforce_tasks,
    settings_with,
    task_row,
    today,
)

pytestmark = pytest.mark.slow

LICENSED = ["alice.martin@acme-demo.com", "bob.nunez@acme-demo.com"]


@pytest.fixture
def org(tmp_path):
    with Emulator(org=str(write_org(tmp_path, today())), state_dir=tmp_path / "emu") as emu:
        yield emu


def _settings(tmp_path, **checks):
    settings = settings_with(checks={"data_docs_dir": str(tmp_path / "docs"), **checks})
    return settings.model_copy(update={"licensed_users": LicensedUsers(emails=LICENSED)})


def _tick(org, warehouse, settings):
    """One incremental_sync run (the 10-minute schedule's job) over the real definitions."""
    defs = build_definitions(settings, {"salesforce": salesforce_for(org),
                                        "warehouse": warehouse})
    return defs.resolve_job_def("incremental_sync").execute_in_process(
        partition_key=today_key(), tags={MODE_TAG: "incremental"}, raise_on_error=False)


def _checks(result) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.asset_key.to_user_string(): e for e in result.get_asset_check_evaluations()}


def test_rules_become_tasks_through_the_whole_chain_and_a_warning_does_not_block(
        org, postgres_warehouse, tmp_path):
    warehouse = postgres_warehouse  # GX validates in PostgreSQL here; DuckDB in the next test
    settings = _settings(tmp_path, outbox_max_invalid_share=0.5, data_docs=True)
    extract(org, warehouse, settings)
    opps, contacts, users = (record_ids(org, o) for o in ("Opportunity", "Contact", "User"))
    queue(warehouse, [  # rows another system queued: one fine (15-character Id), one bad
        task_row("meeting-1", opps["Globex - Pilot"][:15], subject="Send the deck"),
        task_row("meeting-2", opps["Globex - Pilot"], activity_date="next week")])

    result = _tick(org, warehouse, settings)

    assert result.success
    checks = _checks(result)
    assert all(e.passed for k, e in checks.items() if k != "sync_back/sync_back_tasks")
    assert (checks["sync_back/sync_back_tasks"].passed,
            checks["sync_back/sync_back_tasks"].severity) == (False, dg.AssetCheckSeverity.WARN)
    docs = checks["deal_warehouse/deals"].metadata["data_docs"].value
    assert Path(docs.removeprefix("file://")).is_file()
    assert result.asset_materializations_for_node(SINK_NODE)

    tasks = {t["key"].split(":")[0]: t for t in salesforce_tasks(org, "")}
    stale, overdue = tasks["stale_deal"], tasks["close_date_passed"]
    assert (stale["WhatId"], stale["WhoId"], stale["OwnerId"]) == (
        opps["Globex - Renewal"], contacts["Hank Scorpio"], users["bob@acme-demo.com"])
    assert stale["ActivityDate"] == today() + timedelta(days=2)
    assert stale["Subject"] == "Follow up on Globex - Renewal"
    assert (overdue["WhatId"], overdue["WhoId"], overdue["OwnerId"]) == (
        opps["Globex - Expansion"], None, users["alice@acme-demo.com"])
    assert (overdue["ActivityDate"], overdue["Priority"]) == (today() + timedelta(days=1), "High")
    assert tasks["meeting-1"]["WhatId"] == opps["Globex - Pilot"]
    assert "meeting-2" not in tasks
    assert [(e["status"], e["error_code"]) for e in log(warehouse, "meeting-2")] == [
        ("failed", "INVALID_OUTBOX_ROW")]


def test_a_failing_blocking_check_stops_the_sink(org, duckdb_warehouse, tmp_path):
    warehouse = duckdb_warehouse
    settings = _settings(tmp_path, data_docs=False)
    extract(org, warehouse, settings)
    opps = record_ids(org, "Opportunity")
    queue(warehouse, [task_row("meeting-1", opps["Globex - Pilot"])])
    # Bad data reaches the warehouse: a negative amount fails the deals suite (critical).
    Control(org.base_url, org.ca_path).update("Opportunity", opps["Globex - Pilot"],
                                              {"Amount": -50.0})
    time.sleep(1.1)  # a tick reads up to the current second: let the change fall inside it

    result = _tick(org, warehouse, settings)

    assert not result.success
    deals = _checks(result)["deal_warehouse/deals"]
    assert (deals.passed, deals.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert deals.metadata["sample_ids"].value == [opps["Globex - Pilot"]]
    assert deals.metadata["unexpected_count"].value == 1
    assert result.asset_materializations_for_node(SINK_NODE) == []
    assert "sync_back/sync_back_tasks" not in _checks(result)  # the outbox never ran either
    assert salesforce_tasks(org, "") == []
    assert outbox(warehouse, "meeting-")["meeting-1"]["sync_status"] == "pending"
