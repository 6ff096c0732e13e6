"""The chaos suite's deployment, once per warehouse engine: the emulator (not live: the
driver makes every change), a PostgreSQL-backed Dagster instance with the deployment's run
launcher and run monitoring, a code server, webserver and daemon running the production code
location, and the engine's warehouse. `make chaos` runs it; `make test` does not (it takes
about 35 minutes per engine at 50 rounds), so its figures go to bench/RESULTS.md.
"""

import os
import shutil
from pathlib import Path

import pytest
import yaml

from tests.ops.processes import ROOT, Dagster, emulator

ENGINES = [e for e in os.environ.get("CHAOS_ENGINES", "duckdb,postgres").split(",") if e]
# Detection and slot release at 10 s instead of the deployment's 30 s: the suite kills five
# runs, and what it checks is that nothing stays stuck, not how fast (tests/ops measures that
# with the deployment's own numbers).
MONITORING = {"poll_interval_seconds": 10, "free_slots_after_run_end_seconds": 10}


def pytest_configure(config):
    config.addinivalue_line("markers", "chaos: the chaos suite (make chaos)")


def _instance_config(home: Path) -> None:
    config = yaml.safe_load((ROOT / "deploy" / "postgres" / "dagster.yaml").read_text())
    config["run_monitoring"].update(MONITORING)
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))


def _settings(path: Path, control) -> tuple[Path, list[str]]:
    """All history of a 20-day range; half the active users licensed (deals and skips); the
    demo's sync-back rule, which the driver's new deals match."""
    users = sorted((u["Email"], u["Id"]) for u in control.records("User")
                   if u["IsActive"] and u["Email"])
    licensed = users[::2]
    demo = yaml.safe_load((ROOT / "pipelines" / "demo_settings.yaml").read_text())
    path.write_text(yaml.safe_dump({
        "extraction": {"start_date": "20 days ago", "backfill_period": "all",
                       "safety_lag_minutes": 0, "lookback_minutes": 10},
        "licensed_users": {"emails": [email for email, _ in licensed]},
        # Retries due within seconds, and an in-flight row left alone for 20 s, not 5 minutes:
        # the quiet ticks at the end must deliver what the rounds left retrying.
        "sync_back": {**demo["sync_back"], "retry_backoff_seconds": 5,
                      "retry_backoff_max_seconds": 10, "in_flight_grace_seconds": 20},
    }))
    return path, [user_id for _, user_id in licensed]


@pytest.fixture(scope="module", params=ENGINES)
def chaos_deployment(request, postgres_server, tmp_path_factory):
    from salesforce_emulator.api.app import Credentials
    from salesforce_emulator.client import Control

    engine = request.param
    base = tmp_path_factory.mktemp(f"chaos-{engine}")
    logs = ROOT / "tests" / "artifacts" / f"chaos-{engine}"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    home = base / "dagster_home"
    home.mkdir()
    _instance_config(home)
    org, url = emulator(base / "emulator", logs, 0.0)
    control = Control(url, base / "emulator" / "ca.pem")
    settings, owners = _settings(base / "settings.yaml", control)
    databases = {"instance": postgres_server.create_database(),
                 "warehouse": postgres_server.create_database()}
    credentials = Credentials()
    env = {
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_HOST": postgres_server.host, "DAGSTER_PG_PORT": str(postgres_server.port),
        "DAGSTER_PG_DB": databases["instance"], "DAGSTER_PG_USERNAME": postgres_server.user,
        "DAGSTER_PG_PASSWORD": "",
        "DEALSYNC_CONFIG": str(settings), "DEALSYNC_WAREHOUSE": engine,
        "DEALSYNC_DUCKDB_PATH": str(base / "dealsync.duckdb"),
        "SALESFORCE_INSTANCE_URL": url, "SALESFORCE_CA_BUNDLE": str(base / "emulator" / "ca.pem"),
        "SALESFORCE_CLIENT_ID": credentials.client_id,
        "SALESFORCE_CLIENT_SECRET": credentials.client_secret,
        "SALESFORCE_RETRY_BASE_DELAY": "0.2", "SALESFORCE_RETRY_MAX_DELAY": "2",
        "SALESFORCE_BULK_POLL_SECONDS": "0.2",
    }
    if engine == "postgres":
        env["DEALSYNC_WAREHOUSE_URL"] = postgres_server.url(databases["warehouse"])
    dagster = Dagster({**os.environ, **env}, logs, "pipelines.definitions")
    dagster.set_pools()
    try:
        dagster.start_servers()
        dagster.start_daemon()
        yield {"engine": engine, "dagster": dagster, "control": control, "env": env,
               "owners": owners, "logs": logs}
    except Exception as exc:
        raise RuntimeError(f"chaos deployment ({engine}): {exc}\n{dagster.logs()}") from exc
    finally:
        dagster.stop()
        org.stop()
        for name in databases.values():
            postgres_server.drop_database(name)
