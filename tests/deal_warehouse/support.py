"""Helpers for the deal-warehouse tests: settings, running the real Dagster assets, reading
what an analyst would query."""

from pathlib import Path

import dagster as dg
import sqlalchemy as sa
from salesforce_emulator.server import Emulator

from assets.deal_warehouse.asset import build_warehouse_asset
from assets.deal_warehouse.project import manifest_dict
from resources.settings import Settings, load_settings
from resources.warehouse import WarehouseResource
from tests.support.pipeline import extract

ORGS = Path(__file__).resolve().parents[1] / "fixtures" / "orgs"
# The rules org's licensed users, written the way people type them: case and spaces vary.
LICENSED = ["ann.lee@acme-demo.com", "  BEN.Ortiz@Acme-Demo.com ", "dan.wu@acme-demo.com",
            "Eve.Moreau@acme-demo.com"]


def warehouse_settings(licensed=None, **overrides) -> Settings:
    """The suite's settings with the warehouse keys replaced (as the YAML would set them)."""
    base = load_settings().model_dump()
    base["licensed_users"] = {"emails": LICENSED if licensed is None else licensed}
    # The analyst snapshot has its own test; elsewhere it only costs time.
    base["warehouse"]["publish_snapshot"] = False
    base.update(overrides)
    return Settings.model_validate(base)


def transform(warehouse: WarehouseResource, settings: Settings, *, full_rebuild: bool = False,
              as_of=None, instance=None, raise_on_error: bool = True
              ) -> dg.ExecuteInProcessResult:
    """Materialize the deal_warehouse assets, as a run of the transform job does."""
    config = {"full_rebuild": full_rebuild}
    if as_of is not None:
        config["as_of"] = as_of.isoformat()
    return dg.materialize([build_warehouse_asset(settings)], resources={"warehouse": warehouse},
                          run_config={"ops": {"deal_warehouse": {"config": config}}},
                          instance=instance, raise_on_error=raise_on_error)


def metadata(result: dg.ExecuteInProcessResult, model: str) -> dict:
    for event in result.get_asset_materialization_events():
        if event.asset_key.path[-1] == model:
            return {k: v.value for k, v in event.materialization.metadata.items()}
    raise KeyError(model)


def rows(warehouse: WarehouseResource, sql: str, **params) -> list[dict]:
    return warehouse.query(sql, params)


def by_id(warehouse: WarehouseResource, table: str, key: str = "opportunity_id") -> dict:
    return {r[key]: r for r in rows(warehouse, f"select * from warehouse.{table}")}


def ids_by_name(warehouse: WarehouseResource) -> dict[str, str]:
    """Opportunity name -> Id, from staging (deleted ones included)."""
    return {r["name"]: r["id"] for r in rows(warehouse, "select id, name from staging.opportunity")}


def placement_problems(warehouse: WarehouseResource) -> list[str]:
    """The invariant: each non-deleted opportunity is in exactly one of deals and deal_skips,
    and nothing else is in either."""
    live = {r["id"] for r in rows(warehouse, "select id from staging.opportunity "
                                              "where not coalesce(is_deleted, false)")}
    deals = [r["opportunity_id"] for r in rows(warehouse,
                                                "select opportunity_id from warehouse.deals")]
    skips = [r["opportunity_id"] for r in rows(warehouse,
                                               "select opportunity_id from warehouse.deal_skips")]
    problems = [f"{i} is in deals and deal_skips" for i in set(deals) & set(skips)]
    problems += [f"{i} is in neither" for i in live - set(deals) - set(skips)]
    problems += [f"{i} is not a live opportunity" for i in (set(deals) | set(skips)) - live]
    problems += [f"{i} is duplicated" for i in {i for i in deals + skips
                                                  if (deals + skips).count(i) > 1}]
    return problems


def reset_warehouse(warehouse: WarehouseResource) -> None:
    """Forget every run (including retention), keeping staging: a fresh install's first run."""
    with warehouse.connection() as connection:
        connection.execute(sa.text("drop schema if exists warehouse cascade"))
        connection.execute(sa.text("drop schema if exists warehouse_internal cascade"))


def documented_models(folder: str = "marts") -> dict[str, dict[str, str]]:
    """The dbt models of models/<folder>/ -> {column: type} as their YAML documents them."""
    nodes = manifest_dict("duckdb")["nodes"].values()
    return {n["name"]: {c["name"]: c["data_type"] for c in n["columns"].values()}
            for n in nodes if n["resource_type"] == "model" and n["fqn"][1:2] == [folder]}


def documented_state_tables() -> dict[str, dict[str, str]]:
    """The tables the pipeline keeps itself (dbt source dealsync_state) -> {column: type}."""
    sources = manifest_dict("duckdb")["sources"].values()
    return {s["name"]: {c["name"]: c["data_type"] for c in s["columns"].values()}
            for s in sources if s["source_name"] == "dealsync_state"}


def dump(warehouse: WarehouseResource, skip_columns=()) -> dict[str, list[tuple]]:
    """Every model analysts read, rows sorted, for comparing two runs or two engines."""
    out = {}
    for name, documented in documented_models().items():
        columns = [c for c in documented if c not in skip_columns]
        data = rows(warehouse, f"select {', '.join(columns)} from warehouse.{name}")
        out[name] = sorted((tuple(r[c] for c in columns) for r in data), key=repr)
    return out


class OrgRun:
    """An emulated org extracted once into one warehouse (module-scoped in the tests)."""

    def __init__(self, org: Path, engine: str, tmp: Path, postgres_server=None):
        self.engine = engine
        self.emulator = Emulator(org=str(org), state_dir=tmp / "emulator").start()
        self.database = None
        if engine == "postgres":
            self.database = postgres_server.create_database()
            self.warehouse = WarehouseResource(engine="postgres",
                                               postgres_url=postgres_server.url(self.database))
        else:
            self.warehouse = WarehouseResource(engine="duckdb",
                                               duckdb_path=str(tmp / "dealsync.duckdb"))
        self._server = postgres_server
        extract(self.emulator, self.warehouse)

    def build(self, settings: Settings, key: str) -> dg.ExecuteInProcessResult:
        """A fresh first run with `settings`, unless the last build here was the same `key`
        (tests that only read share one build)."""
        if getattr(self, "_last", (None, None))[0] != key:
            reset_warehouse(self.warehouse)
            self._last = (key, transform(self.warehouse, settings))
        return self._last[1]

    def close(self) -> None:
        self.emulator.stop()
        if self.database:
            self._server.drop_database(self.database)
