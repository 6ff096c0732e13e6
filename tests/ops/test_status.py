"""`dealsync status` and the `sync_status` asset after the busy hour: the same numbers as the
warehouse itself (the quick cases are in tests/operations/test_status_command.py)."""

import json

import dagster as dg
import pytest

from assets.keys import SYNC_STATUS_KEY
from assets.operations.sync_status import build_sync_status_asset
from resources.settings import load_settings
from resources.staging.naming import table_name
from tests.operations.support import dealsync

from .processes import wait_until
from .scenario import REPOSITORY

pytestmark = pytest.mark.slow


def test_status_matches_the_warehouse_after_the_busy_hour(scenario, ops_env, ops_warehouse,
                                                          live_emulator):
    done = dealsync(ops_env, "status", "--check-connection")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Salesforce: connected to " + live_emulator["url"] in done.stdout
    report = json.loads(dealsync(ops_env, "status", "--json").stdout)
    for o in report["objects"]:
        assert o["state"] == "ok" and o["last_success_at"], o
        assert o["records_staged"] == ops_warehouse.row_count("staging", table_name(o["object"]))
        assert o["api_calls_today"] > 0
    deals = ops_warehouse.scalar("select count(*) from warehouse.deals")
    skips = {r["reason"]: r["n"] for r in ops_warehouse.query(
        "select reason, count(*) as n from warehouse.deal_skips group by reason")}
    assert deals > 0 and report["deals"]["deals"] == deals
    assert {r: n for r, n in report["deals"]["skips_by_reason"].items() if n} == skips
    outbox = ops_warehouse.scalar("select count(*) from sync_back.sync_back_tasks")
    assert sum(report["sync_back"].values()) == outbox
    print("\n" + done.stdout)


def test_the_sync_status_asset_shows_the_same_numbers(scenario, ops_env, ops_warehouse):
    settings = load_settings(ops_env["DEALSYNC_CONFIG"])
    result = dg.materialize([build_sync_status_asset(settings.enabled_objects())],
                            resources={"warehouse": ops_warehouse})
    metadata = result.asset_materializations_for_node("operations__sync_status")[0].metadata
    cli = json.loads(dealsync(ops_env, "status", "--json").stdout)
    shown = metadata["report"].value
    for report in (shown, cli):
        report.pop("generated_at")
        for o in report["objects"]:
            o.pop("last_attempt_at")  # a quiet org still gets its sync_status ticks
    assert shown == cli
    assert metadata["records_staged"].value == cli["totals"]["records_staged"]
    assert metadata["deals"].value == cli["deals"]["deals"]
    assert metadata["sync_back_pending"].value == cli["sync_back"]["pending"]


LAUNCH_RUN = """
mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
    __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }"""


def test_the_ui_can_refresh_sync_status(deployment, instance, scenario):
    """Needs `ops_definitions` merged into pipelines/definitions.py."""
    result = deployment.graphql(LAUNCH_RUN, {"params": {
        "selector": {**REPOSITORY, "jobName": "sync_status"}, "runConfigData": {}}})
    launched = result["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", (
        f"{launched}: add the sync_status asset to pipelines/definitions.py")
    run_id = launched["run"]["runId"]
    run = wait_until(lambda: (lambda r: r if r and r.is_finished else None)(
        instance.get_run_by_id(run_id)), 300, "the sync_status run to finish", interval_s=2)
    assert run.status == dg.DagsterRunStatus.SUCCESS
    event = instance.get_latest_materialization_event(SYNC_STATUS_KEY)
    assert event.asset_materialization.metadata["objects_failing"].value == 0
