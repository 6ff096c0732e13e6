"""Fixtures for the deal-warehouse tests: fixture orgs extracted by the real extraction asset
into a real DuckDB file or PostgreSQL database."""

import pytest

from .support import ORGS, OrgRun


def _org_run(name, engine, tmp_path_factory, request):
    server = request.getfixturevalue("postgres_server") if engine == "postgres" else None
    run = OrgRun(ORGS / name, engine, tmp_path_factory.mktemp(f"{engine}_org"), server)
    request.addfinalizer(run.close)
    return run


@pytest.fixture(scope="module")
def rules_org_duckdb(tmp_path_factory, request) -> OrgRun:
    return _org_run("deal_rules.json", "duckdb", tmp_path_factory, request)


@pytest.fixture(scope="module")
def rules_org_postgres(tmp_path_factory, request) -> OrgRun:
    return _org_run("deal_rules.json", "postgres", tmp_path_factory, request)


@pytest.fixture(params=["duckdb", "postgres"])
def rules_org(request) -> OrgRun:
    """The rules org, extracted once per module and engine; tests reset the warehouse schema."""
    return request.getfixturevalue(f"rules_org_{request.param}")


@pytest.fixture(params=["duckdb", "postgres"])
def org(request, tmp_path) -> OrgRun:
    """A fresh copy of the rules org per test, for tests that change it in Salesforce."""
    server = request.getfixturevalue("postgres_server") if request.param == "postgres" else None
    run = OrgRun(ORGS / "deal_rules.json", request.param, tmp_path, server)
    yield run
    run.close()
