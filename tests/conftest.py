"""Shared fixtures. Warehouse tests run against real DuckDB files and a real PostgreSQL server."""

import os
from pathlib import Path

import pytest
from salesforce_emulator.client import Control
from salesforce_emulator.server import Emulator

from resources.warehouse import WarehouseResource
from tests.support.postgres import PostgresServer, PostgresUnavailable, start_postgres

# The suite's settings, wherever the code location is loaded (nothing reads them at import).
os.environ["DEALSYNC_CONFIG"] = str(Path(__file__).parent / "fixtures" / "settings" / "test.yaml")

# ##### POSTGRES / WAREHOUSE FIXTURES


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    """127.0.0.1:5432 if it answers, else a throwaway cluster; a failure (never a skip) if neither."""
    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, uniquely named database for one test, dropped afterwards."""
    database = postgres_server.create_database()
    yield postgres_server.url(database)
    postgres_server.drop_database(database)


@pytest.fixture
def duckdb_warehouse(tmp_path) -> WarehouseResource:
    return WarehouseResource(engine="duckdb", duckdb_path=str(tmp_path / "dealsync.duckdb"))


@pytest.fixture
def postgres_warehouse(postgres_url: str) -> WarehouseResource:
    return WarehouseResource(engine="postgres", postgres_url=postgres_url)


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request) -> WarehouseResource:
    """The same test on both engines; Postgres is only started when a postgres case runs."""
    return request.getfixturevalue(f"{request.param}_warehouse")


# ##### EMULATOR FIXTURES


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    """One demo org for the suites that only read it or undo what they change (emulator
    fidelity, resources). Suites that need an org of their own override this fixture."""
    with Emulator(org="demo", scale="small", seed=7,
                  state_dir=tmp_path_factory.mktemp("emulator")) as emu:
        yield emu


@pytest.fixture
def control(emulator):
    """The emulator's control API, starting each test with no armed faults and zeroed counters,
    and leaving the org healthy (no faults, quota restored) for the next test."""
    ctl = Control(emulator.base_url, emulator.ca_path)
    ctl.clear_faults()
    ctl.reset_counters()
    yield ctl
    ctl.clear_faults()
    ctl.limits(daily_max=1_000_000, used=0)


# ##### PROCESS EXIT

_exit_status = 0


def pytest_sessionfinish(session, exitstatus):
    global _exit_status
    _exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Leave without interpreter teardown once pytest has reported: DuckDB 2.0's bindings print
    pages of spurious "nanobind: leaked" lines at teardown, burying pytest's summary line."""
    from pipelines.process_exit import exit_now
    exit_now(_exit_status)
