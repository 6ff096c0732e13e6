"""The operations suite's deployment: PostgreSQL-backed Dagster (deploy/postgres/dagster.yaml),
a code server, the webserver and the daemon as real processes, the emulator in live mode, and
the PostgreSQL warehouse. One deployment and one busy-hour scenario serve every `ops` test.

Process logs are kept in tests/artifacts/ops/ for a failed run to be read afterwards.
"""

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from resources.warehouse import WarehouseResource

from .processes import ROOT, Dagster, deployment_instance, emulator
from .scenario import run_scenario, set_schedule

ARTIFACTS = ROOT / "tests" / "artifacts"
LOGS = ARTIFACTS / "ops"
LIVE_RATE = 2.0          # org changes per second while the backfill runs
SALESFORCE_API_SLOTS = 2  # deploy/set-pools.sh default, asserted in the tests
SCENARIO_TIMEOUT_S = 2400


def pytest_configure(config):
    config.addinivalue_line("markers", "ops: needs the real deployment (webserver, daemon, code "
                                       "server, PostgreSQL, live emulator)")


def pytest_collection_modifyitems(items):
    """Tests on the shared deployment are `ops` and get a long timeout (the busy-hour scenario
    runs once, inside the first of them)."""
    here = Path(__file__).parent
    for item in items:
        uses = set(getattr(item, "fixturenames", ()))
        if Path(str(item.fspath)).is_relative_to(here) and {"deployment", "scenario"} & uses:
            item.add_marker(pytest.mark.ops)
            item.add_marker(pytest.mark.timeout(SCENARIO_TIMEOUT_S))


@pytest.fixture(scope="session")
def ops_dirs(tmp_path_factory) -> dict[str, Path]:
    shutil.rmtree(LOGS, ignore_errors=True)
    LOGS.mkdir(parents=True)
    base = tmp_path_factory.mktemp("ops")
    dirs = {"base": base, "home": base / "dagster_home", "emulator": base / "emulator",
            "logs": LOGS}
    dirs["home"].mkdir()
    shutil.copy(ROOT / "deploy" / "postgres" / "dagster.yaml", dirs["home"] / "dagster.yaml")
    return dirs


@pytest.fixture(scope="session")
def live_emulator(ops_dirs):
    from salesforce_emulator.client import Control

    process, url = emulator(ops_dirs["emulator"], ops_dirs["logs"], LIVE_RATE)
    yield {"url": url, "ca": str(ops_dirs["emulator"] / "ca.pem"),
           "control": Control(url, ops_dirs["emulator"] / "ca.pem")}
    process.stop()


def _settings(path: Path, control) -> Path:
    """Six daily partitions, two per run (three runs, two at a time); half the active users
    licensed, so the warehouse has both deals and skips."""
    users = sorted(u["Email"] for u in control.records("User") if u["IsActive"] and u["Email"])
    path.write_text(yaml.safe_dump({
        "extraction": {"start_date": "5 days ago", "max_partitions_per_run": 2,
                       "safety_lag_minutes": 0, "lookback_minutes": 10},
        "licensed_users": {"emails": users[::2]},
    }))
    return path


@pytest.fixture(scope="session")
def ops_env(postgres_server, ops_dirs, live_emulator) -> dict:
    """The environment every dealsync and Dagster process gets, as a deployment sets it."""
    from salesforce_emulator.api.app import Credentials

    databases = {"instance": postgres_server.create_database(),
                 "warehouse": postgres_server.create_database()}
    credentials = Credentials()
    env = {
        "DAGSTER_HOME": str(ops_dirs["home"]),
        "DAGSTER_PG_HOST": postgres_server.host, "DAGSTER_PG_PORT": str(postgres_server.port),
        "DAGSTER_PG_DB": databases["instance"], "DAGSTER_PG_USERNAME": postgres_server.user,
        "DAGSTER_PG_PASSWORD": "",
        "DEALSYNC_CONFIG": str(_settings(ops_dirs["base"] / "settings.yaml",
                                         live_emulator["control"])),
        "DEALSYNC_WAREHOUSE": "postgres",
        "DEALSYNC_WAREHOUSE_URL": postgres_server.url(databases["warehouse"]),
        "SALESFORCE_INSTANCE_URL": live_emulator["url"],
        "SALESFORCE_CA_BUNDLE": live_emulator["ca"],
        "SALESFORCE_CLIENT_ID": credentials.client_id,
        "SALESFORCE_CLIENT_SECRET": credentials.client_secret,
        "DEALSYNC_SALESFORCE_API_SLOTS": str(SALESFORCE_API_SLOTS),
    }
    yield env
    for name in databases.values():
        postgres_server.drop_database(name)


@pytest.fixture(scope="session")
def instance(ops_env):
    """The deployment's Dagster instance, read from this process (as `dagster` CLI would)."""
    with deployment_instance(ops_env) as inst:
        yield inst


@pytest.fixture(scope="session")
def deployment(ops_env, ops_dirs):
    """Code server and webserver, the tick schedule switched off in the UI (the scenario
    switches it on), then the daemon."""
    dagster = Dagster({**os.environ, **ops_env}, ops_dirs["logs"], "tests.ops.tick_location")
    dagster.set_pools()
    try:
        dagster.start_servers()
        set_schedule(dagster, running=False)
        dagster.start_daemon()
    except Exception as exc:
        dagster.stop()
        raise RuntimeError(f"the deployment did not start: {exc}\n{dagster.logs()}") from exc
    yield dagster
    dagster.stop()


@pytest.fixture(scope="session")
def ops_warehouse(ops_env) -> WarehouseResource:
    return WarehouseResource(engine="postgres", postgres_url=ops_env["DEALSYNC_WAREHOUSE_URL"])


PARTITION_KEYS = """
{ assetNodeOrError(assetKey: {path: ["salesforce", "opportunity"]}) {
    __typename ... on AssetNode { partitionKeys } ... on Error { message } } }"""


@pytest.fixture(scope="session")
def scenario(deployment, instance, live_emulator):
    """Runs the busy hour once; the measurements go to tests/artifacts/ops_measurements.json."""
    node = deployment.graphql(PARTITION_KEYS)["assetNodeOrError"]
    if node["__typename"] != "AssetNode":
        raise RuntimeError(f"salesforce/opportunity is not in the UI: {node}")
    partitions = node["partitionKeys"]
    try:
        seen = run_scenario(deployment, instance, live_emulator["control"], partitions)
    except Exception as exc:
        raise RuntimeError(f"the scenario did not complete: {exc}\n{deployment.logs()}") from exc
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "ops_measurements.json").write_text(json.dumps(
        {k: v for k, v in vars(seen).items() if k != "ticks"}, indent=2, default=str))
    return seen
