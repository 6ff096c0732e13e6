"""`dealsync status`, run as a user runs it (the console script): failures shown once, dated
and scrubbed; a sync in progress shown as running; dealsync's own API calls beside the org's;
exit codes a monitor can use; a fresh deployment is not an error."""

import json
import os
import subprocess
from datetime import timedelta

import dagster as dg
import pytest

from assets.operations.sync_status import build_sync_status_asset
from resources.clock import utc_now
from resources.warehouse import WarehouseResource

from .support import DEALSYNC, ROOT, SETTINGS, dealsync


def _postgres_env(url: str) -> dict:
    return {"DEALSYNC_WAREHOUSE": "postgres", "DEALSYNC_WAREHOUSE_URL": url,
            "DEALSYNC_CONFIG": SETTINGS}


def test_a_failing_object_is_shown_with_its_scrubbed_error_and_exit_1(postgres_url):
    warehouse = WarehouseResource(engine="postgres", postgres_url=postgres_url)
    warehouse.record_sync_success("Opportunity", record_count=12, api_calls=3)
    warehouse.record_sync_failure("Task", "INVALID_SESSION_ID: Bearer 00D5g000004abcd!AQ8Abc.xyz "
                                  "expired", api_calls=1)
    env = _postgres_env(postgres_url)
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


def test_a_fresh_deployment_is_never_synced_not_an_error(tmp_path):
    path = tmp_path / "not_yet.duckdb"
    env = {"DEALSYNC_WAREHOUSE": "duckdb", "DEALSYNC_DUCKDB_PATH": str(path),
           "DEALSYNC_CONFIG": SETTINGS}
    done = dealsync(env, "status")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Objects: 0 ok, 0 failing, 10 never synced" in done.stdout
    assert "Traceback" not in done.stderr and not path.exists()  # a status check creates nothing
    # The sync_status asset (its schedule runs before the first sync) does not go red either.
    warehouse = WarehouseResource(engine="duckdb", duckdb_path=str(path))
    result = dg.materialize([build_sync_status_asset(["Opportunity", "Account"])],
                            resources={"warehouse": warehouse})
    assert result.success and not path.exists()


def test_one_error_stopping_many_objects_is_printed_once_and_dated(postgres_url):
    warehouse = WarehouseResource(engine="postgres", postgres_url=postgres_url)
    for name in ("Opportunity", "Account", "Contact"):
        warehouse.record_sync_failure(name, "quota stop: REQUEST_LIMIT_EXCEEDED", api_calls=0)
    done = dealsync(_postgres_env(postgres_url), "status")
    assert done.returncode == 1
    assert done.stdout.count("REQUEST_LIMIT_EXCEEDED") == 4  # three table cells, one paragraph
    assert "Opportunity, Account, Contact failing since " in done.stdout
    today = utc_now().date().isoformat()
    row = next(line for line in done.stdout.splitlines() if line.startswith("Account "))
    assert f"{today} " in row.split("failing", 1)[1]  # the error cell carries its date


@pytest.mark.slow
def test_a_sync_in_progress_shows_as_running_with_its_progress(postgres_url):
    warehouse = WarehouseResource(engine="postgres", postgres_url=postgres_url)
    warehouse.record_sync_success("Task", record_count=5)
    warehouse.record_progress("Opportunity", run_id="r1", landed=2000, expected=5000)
    warehouse.record_progress("Task", run_id="r1", landed=10, expected=None)
    warehouse.record_progress("Contact", run_id="r0", landed=7, expected=9)
    warehouse.execute("update staging.sync_status set progress_at = :t where object = 'Contact'",
                      {"t": utc_now() - timedelta(hours=1)})  # a killed run's leftover
    report = json.loads(dealsync(_postgres_env(postgres_url), "status", "--json").stdout)
    states = {o["object"]: o for o in report["objects"]}
    assert states["Opportunity"]["state"] == "running"
    assert states["Opportunity"]["running"]["landed"] == 2000
    assert states["Task"]["state"] == "running" and states["Contact"]["state"] == "never synced"
    text = dealsync(_postgres_env(postgres_url), "status").stdout
    assert "running 2000 of 5000" in text and "running 10 " in text

    warehouse.record_sync_success("Opportunity", record_count=5000)  # done: no longer running
    report = json.loads(dealsync(_postgres_env(postgres_url), "status", "--json").stdout)
    assert next(o for o in report["objects"] if o["object"] == "Opportunity")["state"] == "ok"


def test_dealsync_calls_are_shown_beside_the_orgs_total(postgres_url):
    warehouse = WarehouseResource(engine="postgres", postgres_url=postgres_url)
    warehouse.record_sync_success("Opportunity", record_count=1, api_calls=4)
    done = dealsync(_postgres_env(postgres_url), "status")
    assert "API calls today: 4 by dealsync (the org's total shows after a sync" in done.stdout
    warehouse.record_api_usage(used=640, daily_max=15000)
    done = dealsync(_postgres_env(postgres_url), "status")
    assert "API calls today: 4 by dealsync; the org's total (every integration) was 640 of " \
           "15000 at " in done.stdout


def test_piping_the_report_into_head_ends_quietly(postgres_url):
    env = {**os.environ, **_postgres_env(postgres_url)}
    done = subprocess.run(["bash", "-c", f"{DEALSYNC} status --json | head -n 2; "
                                         "echo exit=${PIPESTATUS[0]}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert "exit=0" in done.stdout and "Traceback" not in done.stderr, done.stderr
