"""Configuration errors name the key and the allowed values; the Postgres URL never leaks."""

import dagster as dg
import pytest
import sqlalchemy as sa

from resources.warehouse import WarehouseConfigError, WarehouseResource


def test_an_unknown_engine_names_the_key_and_allowed_values():
    with pytest.raises(WarehouseConfigError) as raised:
        WarehouseResource(engine="sqlite").execute("select 1")
    assert str(raised.value) == ("WarehouseResource.engine is 'sqlite'; allowed values: "
                                 "'duckdb', 'postgres'")


def test_postgres_without_a_url_says_which_setting_is_missing():
    with pytest.raises(WarehouseConfigError, match="postgres_url is required.*DEALSYNC_WAREHOUSE_URL"):
        WarehouseResource(engine="postgres").query("select 1")


def test_a_bad_engine_fails_the_dagster_run_at_resource_setup():
    @dg.asset
    def needs_warehouse(warehouse: WarehouseResource) -> None:
        warehouse.execute("select 1")

    result = dg.materialize([needs_warehouse], resources={"warehouse": WarehouseResource(
        engine="oracle")}, raise_on_error=False)

    assert not result.success
    failure = next(e for e in result.all_events if e.is_failure)
    assert "WarehouseResource.engine is 'oracle'" in str(failure.event_specific_data.error)


def test_connection_errors_do_not_reveal_the_postgres_password(postgres_server, caplog):
    url = f"postgresql://postgres:Sup3r-Secret@{postgres_server.host}:1/nowhere"
    warehouse = WarehouseResource(engine="postgres", postgres_url=url)

    with pytest.raises(sa.exc.OperationalError) as raised:
        warehouse.execute("select 1")

    assert "Sup3r-Secret" not in str(raised.value)
    assert "Sup3r-Secret" not in caplog.text


def test_postgres_url_can_come_from_an_env_var(postgres_url, monkeypatch):
    monkeypatch.setenv("DEALSYNC_WAREHOUSE_URL", postgres_url)

    @dg.asset
    def probe(warehouse: WarehouseResource) -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"answer": warehouse.scalar("select 41 + 1")})

    resource = WarehouseResource(engine="postgres",
                                 postgres_url=dg.EnvVar("DEALSYNC_WAREHOUSE_URL"))
    result = dg.materialize([probe], resources={"warehouse": resource})

    assert result.asset_materializations_for_node("probe")[0].metadata["answer"].value == 42


def test_the_resource_repr_hides_the_postgres_password():
    resource = WarehouseResource(engine="postgres",
                                 postgres_url="postgresql://etl:Sup3r-Secret@db:5432/dw")

    assert "Sup3r-Secret" not in repr(resource)
    assert "etl:***@db:5432/dw" in repr(resource)
