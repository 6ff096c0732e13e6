"""The two instance profiles: the local SQLite default and the PostgreSQL deployment file share
their queue, pool and retry settings, and both load as Dagster instances."""

import shutil
from pathlib import Path

import dagster as dg
import pytest
import yaml

from .support import ROOT

LOCAL = ROOT / "dagster.yaml"
DEPLOYED = ROOT / "deploy" / "postgres" / "dagster.yaml"
SHARED = ("concurrency", "run_queue", "run_retries", "telemetry", "run_launcher",
          "run_monitoring")


def test_both_profiles_share_queue_pools_and_retries():
    local, deployed = (yaml.safe_load(p.read_text()) for p in (LOCAL, DEPLOYED))
    assert "storage" not in local  # zero setup: SQLite under $DAGSTER_HOME
    for block in SHARED:
        assert local[block] == deployed[block], f"{block} differs between {LOCAL} and {DEPLOYED}"
    limits = {(t["key"], t.get("value")): t["limit"]
              for t in local["concurrency"]["runs"]["tag_concurrency_limits"]}
    assert limits == {("dagster/backfill", None): 2, ("dealsync/mode", "incremental"): 1}
    assert local["run_retries"]["enabled"] and local["concurrency"]["pools"]["granularity"] == "op"
    # A dead run is detected and its slots given back (the tick after a kill -9 is not blocked).
    assert local["run_monitoring"]["enabled"]
    assert local["run_monitoring"]["free_slots_after_run_end_seconds"] > 0


def test_the_local_profile_is_a_queued_instance(tmp_path):
    shutil.copy(LOCAL, tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
        assert instance.run_retries_max_retries == 2
        assert type(instance.run_launcher).__name__ == "LocalRunLauncher"
        assert instance.run_launcher.supports_check_run_worker_health


def test_the_postgres_profile_names_a_missing_variable(tmp_path, monkeypatch):
    shutil.copy(DEPLOYED, tmp_path / "dagster.yaml")
    for name in ("DAGSTER_PG_HOST", "DAGSTER_PG_PORT", "DAGSTER_PG_DB", "DAGSTER_PG_USERNAME",
                 "DAGSTER_PG_PASSWORD"):
        monkeypatch.setenv(name, "x" if name != "DAGSTER_PG_PORT" else "5432")
    monkeypatch.delenv("DAGSTER_PG_HOST")
    with pytest.raises(Exception, match="DAGSTER_PG_HOST"):
        dg.DagsterInstance.from_config(str(tmp_path))


def test_the_deployment_workspace_points_at_a_code_server():
    workspace = yaml.safe_load((ROOT / "deploy" / "workspace.yaml").read_text())
    server = workspace["load_from"][0]["grpc_server"]
    assert server["location_name"] == "dealsync"
    assert Path(ROOT / "deploy" / "set-pools.sh").stat().st_mode & 0o111
