"""One warehouse run: decide full or incremental, prepare staging, run dbt, record the state.

The step holds no warehouse connection while dbt runs: the preparation (state tables,
tombstones, a purge's erasure, the mode) commits and closes its connection before dbt starts,
and the state is written with a new connection after dbt finished, so the DuckDB file has one
writer at a time. dbt runs in this process (dbt_run.py).
"""

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from resources.clock import utc_now

from . import dbt_run, state, tombstones
from .dbt_run import DbtOutcome
from .project import PROJECT_DIR, manifest_dict
from .publish import publish_snapshot
from .settings_vars import licensed_rows, settings_fingerprint, settings_vars

EPOCH = datetime(1970, 1, 1)
SCOPE_MODEL = "int_deal_scope"
_log = logging.getLogger("dealsync.warehouse")


class WarehouseBuildError(RuntimeError):
    """dbt could not build every selected model, or one of their tests failed."""


@dataclass
class RunResult:
    """What one warehouse run did; asset.py turns it into Dagster metadata."""

    mode: str
    why: str
    as_of: datetime
    outcome: DbtOutcome = field(default_factory=lambda: DbtOutcome(False))
    scope: int = 0
    row_counts: dict[str, int] = field(default_factory=dict)
    licensed_users: int = 0
    tombstoned_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    snapshot: Path | None = None

    def raise_for_failure(self) -> None:
        if self.outcome.success:
            return
        failed = [f"{n.name}: {(n.message or n.status).strip()}" for n in self.outcome.failed()]
        raise WarehouseBuildError(
            "dbt did not build the deal warehouse"
            + (": " + "; ".join(failed) if failed else f": {self.outcome.error}")
            + ". The previous run's tables stay published; fix the model or data and re-run.")


def run_warehouse(warehouse, settings, *, models: list[str], full_rebuild: bool = False,
                  as_of: datetime | None = None,
                  before: Callable[[sa.Connection], Iterable[str]] | None = None,
                  published: list[str] = (), log: logging.Logger = _log,
                  project_dir: Path = PROJECT_DIR) -> RunResult:
    """Build `models` (dbt model names) and their tests. `before(connection)` runs in the
    preparation's transaction (a purge) and returns opportunity ids to rebuild as well.
    The state moves forward only when the run built the scope model (the deal models)."""
    state.check_catalog_name(warehouse)
    started = utc_now()
    as_of = as_of or started
    with warehouse.connection() as connection:
        if warehouse.engine == "duckdb":
            connection.execute(sa.text("set enable_progress_bar = false"))  # not into run logs
        staged = state.staging_columns(connection)
        state.prepare(connection, warehouse.engine, staged)
        previous = state.read_state(connection)
        licensed = licensed_rows(connection, settings)
        settings_fp = settings_fingerprint(settings, licensed)
        build_fp = state.build_fingerprint(connection, settings_fp, staged, project_dir)
        mode, why, recreate = state.choose_mode(
            connection, previous, build_fp, full_rebuild, expected_tables(project_dir),
            project_dir)
        since = EPOCH if mode == "full" else state.since(previous, settings)
        result = RunResult(mode, why, as_of, licensed_users=len(licensed))
        result.tombstoned_rows = tombstones.apply(connection, since, staged)
        extra = [i for i in (before(connection) if before else []) if i]
        result.warnings = mapping_warnings(connection, settings, staged)
        if SCOPE_MODEL in models:
            state.mark_in_progress(connection, started)
    log.info(f"Warehouse run: {mode} ({why}); changes since {since.isoformat()}")
    dbt_vars = {**settings_vars(settings, licensed), "as_of": as_of.isoformat(),
                "previous_as_of": previous.get("last_as_of") or as_of.isoformat(),
                "since": since.isoformat() if mode == "incremental" else None,
                "extra_scope": extra}
    args = ["build", "--vars", json.dumps(dbt_vars)]
    if mode == "incremental":
        if not settings.warehouse.dbt_tests_on_incremental_runs:
            args += ["--exclude-resource-type", "test"]
    args += ["--select", *models]
    result.outcome = dbt_run.invoke(warehouse, args + (["--full-refresh"] if recreate else []),
                                    project_dir=project_dir)
    if not result.outcome.success:
        return result
    built = {n.name for n in result.outcome.nodes if n.resource_type == "model"}
    with warehouse.connection() as connection:
        if SCOPE_MODEL in built:
            state.save_state(connection, started=started, as_of=as_of, settings_fp=settings_fp,
                             build_fp=build_fp, mode=mode, project_dir=project_dir)
            result.scope = int(connection.execute(sa.text(
                f"select count(*) from warehouse_internal.{SCOPE_MODEL}")).scalar())
        result.row_counts = row_counts(connection, built, project_dir)
    if warehouse.engine == "duckdb" and settings.warehouse.publish_snapshot and published:
        result.snapshot = publish_snapshot(warehouse, list(published))
    log.info(f"Warehouse run done: {result.scope} opportunities in scope, "
             f"{result.row_counts.get('deals', 0)} deals, "
             f"{result.row_counts.get('deal_skips', 0)} skips")
    return result


def expected_tables(project_dir: Path = PROJECT_DIR) -> list[str]:
    """schema.table of every incremental model: missing ones force dbt to recreate tables."""
    manifest = manifest_dict("duckdb", project_dir)
    return [f"{n['schema']}.{n['alias']}" for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["config"].get("materialized") == "incremental"
            and "analyst" not in n["fqn"]]


def model_locations(project_dir: Path = PROJECT_DIR) -> dict[str, str]:
    """dbt model name -> schema.table, from the manifest."""
    return {n["name"]: f"{n['schema']}.{n['alias']}"
            for n in manifest_dict("duckdb", project_dir)["nodes"].values()
            if n["resource_type"] == "model" and n["config"].get("materialized") != "ephemeral"}


def row_counts(connection: sa.Connection, models: Iterable[str],
               project_dir: Path = PROJECT_DIR) -> dict[str, int]:
    """Rows of each built model, in one statement."""
    locations = model_locations(project_dir)
    names = sorted(m for m in models if m in locations)
    if not names:
        return {}
    select = ", ".join(f"(select count(*) from {locations[n]}) as c{i}"
                       for i, n in enumerate(names))
    row = connection.execute(sa.text(f"select {select}")).one()
    return {name: int(row[i]) for i, name in enumerate(names)}


def mapping_warnings(connection: sa.Connection, settings, staged: dict) -> list[str]:
    """stage_mapping keys that match no Salesforce stage exactly (names are case-sensitive)."""
    mapping = settings.stage_mapping or {}
    if not mapping or "api_name" not in staged.get("opportunity_stage", {}):
        return []
    stages = set(connection.execute(sa.text(
        "select api_name from staging.opportunity_stage")).scalars())
    warnings = []
    for name in sorted(mapping):
        if name in stages:
            continue
        near = sorted(s for s in stages if s and s.lower() == name.lower())
        warnings.append(f"stage_mapping: {name!r} is not a Salesforce stage"
                        + (f"; did you mean {near[0]!r}? Stage names are case-sensitive"
                           if near else ""))
    return warnings


def deal_models(project_dir: Path = PROJECT_DIR) -> list[str]:
    """The project's models but the analysts' own (what a warehouse run builds)."""
    return sorted(n["name"] for n in manifest_dict("duckdb", project_dir)["nodes"].values()
                  if n["resource_type"] == "model" and "analyst" not in n["fqn"])


def published_tables(project_dir: Path = PROJECT_DIR) -> list[str]:
    """The models analysts read in the schema warehouse (copied to the DuckDB snapshot)."""
    return sorted(name for name, location in model_locations(project_dir).items()
                  if location.startswith("warehouse."))


def mart_models(project_dir: Path = PROJECT_DIR) -> list[str]:
    """The models analysts read (models/marts/): the assets deal_warehouse/<model>."""
    return sorted(n["name"] for n in manifest_dict("duckdb", project_dir)["nodes"].values()
                  if n["resource_type"] == "model" and n["fqn"][1:2] == ["marts"])
