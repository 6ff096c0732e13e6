"""`dealsync status` (the console script, run as a user runs it) and the `sync_status` asset:
the same numbers as the warehouse itself, failures shown with their scrubbed error, exit codes
a monitor can use."""

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from assets.keys import SYNC_STATUS_KEY
from assets.operations.sync_status import build_sync_status_asset
from resources.settings import load_settings
from resources.staging.naming import table_name
from resources.warehouse import WarehouseResource

from .processes import ROOT, wait_until
from .scenario import REPOSITORY

pytestmark = pytest.mark.slow

DEALSYNC = Path(sys.executable).parent / "dealsync"


def dealsync(env: dict, *args: str) -> subprocess.CompletedProcess:
    assert DEALSYNC.exists(), f"{DEALSYNC} missing: reinstall with `pip install -e '.[dev]'`"
    return subprocess.run([str(DEALSYNC), *args], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


def test_a_failing_object_is_shown_with_its_scrubbed_error_and_exit_1(postgres_url):
    warehouse = WarehouseResource(engine="postgres", postgres_url=postgres_url)
    warehouse.record_sync_success("Opportunity", record_count=12, api_calls=3)
    warehouse.record_sync_failure("Task", "INVALID_SESSION_ID: Bearer 00D5g000004abcd!AQ8Abc.xyz "
                                  "expired", api_calls=1)
    env = {"DEALSYNC_WAREHOUSE": "postgres", "DEALSYNC_WAREHOUSE_URL": postgres_url,
           "DEALSYNC_CONFIG": str(ROOT / "tests" / "fixtures" / "settings" / "test.yaml")}
    done = dealsync(env, "status")
    assert done.returncode == 1, done.stdout + done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    assert " ok " in rows["Opportunity"] and " 3 " in rows["Opportunity"]
    assert "failing" in rows["Task"] and "never synced" in rows["Account"]
    assert "Task failing since" in done.stdout and "00D5g000004abcd!" not in done.stdout
    report = json.loads(dealsync(env, "status", "--json").stdout)
    task = next(o for o in report["objects"] if o["object"] == "Task")
    assert task["state"] == "failing" and task["api_calls_today"] == 1
    assert report["deals"] is None and report["sync_back"] is None  # not built yet: said so


def test_a_missing_setting_is_named_with_its_fix():
    env = {"DEALSYNC_WAREHOUSE": "postgres", "DEALSYNC_WAREHOUSE_URL": "",
           "DEALSYNC_CONFIG": str(ROOT / "tests" / "fixtures" / "settings" / "test.yaml")}
    done = dealsync(env, "status")
    assert done.returncode == 2
    assert "DEALSYNC_WAREHOUSE_URL" in done.stderr and "Traceback" not in done.stderr


def test_a_bad_warehouse_password_is_not_printed(postgres_server):
    url = f"postgresql+psycopg2://nobody:s3cret-pw@{postgres_server.host}:{postgres_server.port}/x"
    env = {"DEALSYNC_WAREHOUSE": "postgres", "DEALSYNC_WAREHOUSE_URL": url,
           "DEALSYNC_CONFIG": str(ROOT / "tests" / "fixtures" / "settings" / "test.yaml")}
    done = dealsync(env, "status")
    assert done.returncode == 2 and "s3cret-pw" not in done.stdout + done.stderr, done.stderr


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
