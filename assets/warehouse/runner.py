"""Build the warehouse models in one transaction: incremental by default, full when needed.

One transaction means readers (PostgreSQL, or the DuckDB snapshot) never see deals and
deal_skips out of step. An incremental run rebuilds only the opportunities whose inputs
changed since the previous run (deal_scope); a full rebuild, run when asked, on the first run,
or when the rules or the model code changed, rebuilds everything. deal_imports (retention) and
the purge tables survive both.
"""

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from resources.clock import utc_now
from transforms.sql import split_statements

from . import tombstones
from .columns import schema_columns
from .models import SCHEMA, Model, models, step_sql, tables
from .seeds import apply_custom_rules, licensed_rows, rule_columns, settings_fingerprint, write_seeds
from .sources import refresh_source_views

EPOCH = datetime(1970, 1, 1)
WAREHOUSE_VERSION = "1"  # bump to force a full rebuild after a change Python makes, not SQL
_log = logging.getLogger("dealsync.warehouse")

# PostgreSQL lookups incremental runs make (DuckDB scans; its indexes slow bulk loads).
STAGING_INDEXES = [("opportunity", "_extracted_at"), ("opportunity", "_hard_deleted_at"),
                   ("opportunity", "owner_id"),
                   ("opportunity", "account_id"), ("opportunity_versions", "_extracted_at"),
                   ("opportunity_versions", "id"), ("task", "what_id"), ("task", "_extracted_at"),
                   ("event", "what_id"), ("event", "_extracted_at"),
                   ("email_message", "related_to_id"), ("email_message", "_extracted_at"),
                   ("opportunity_contact_role", "opportunity_id"),
                   ("opportunity_contact_role", "contact_id"),
                   ("opportunity_contact_role", "_extracted_at"), ("contact", "_extracted_at"),
                   ("account", "_extracted_at"), ("event", "start_date_time"),
                   ("event", "activity_date"), ("email_message", "message_date"),
                   ("task", "owner_id"), ("event", "owner_id")] + [
                   (table, "_hard_deleted_at") for table in (
                       "task", "event", "email_message", "opportunity_contact_role", "contact",
                       "account")]


@dataclass
class RunResult:
    """What one warehouse run did; asset.py turns it into Dagster metadata."""

    mode: str
    why: str
    as_of: datetime
    scope: int = 0
    row_counts: dict[str, int] = field(default_factory=dict)
    filled_columns: dict[str, list[str]] = field(default_factory=dict)
    licensed_users: int = 0
    tombstoned_rows: int = 0
    warnings: list[str] = field(default_factory=list)


def run_transforms(warehouse, settings, *, full_rebuild: bool = False,
                   as_of: datetime | None = None, extra_scope: Iterable[str] = (),
                   before: Callable[[sa.Connection], Iterable[str]] | None = None,
                   log: logging.Logger = _log) -> RunResult:
    """Build every model. `before(connection)` runs first in the same transaction (a purge)
    and returns opportunity ids to rebuild on top of the changed ones."""
    check_catalog_name(warehouse)
    started = utc_now()
    as_of = as_of or started
    with warehouse.connection() as connection:
        if warehouse.engine == "duckdb":
            connection.execute(sa.text("set enable_progress_bar = false"))  # not into run logs
        create_tables(connection, warehouse.engine)
        state = read_state(connection)
        filled = refresh_source_views(connection, rule_columns(settings))
        extra_scope = list(extra_scope) + list(before(connection) if before else [])
        licensed = licensed_rows(connection, settings)
        write_seeds(connection, settings, licensed)
        settings_fp = settings_fingerprint(settings, licensed)
        build_fp = build_fingerprint(connection, settings_fp, filled)
        mode, why = choose_mode(connection, state, build_fp, full_rebuild)
        since = EPOCH if mode == "full" else _since(state, settings)
        result = RunResult(mode, why, as_of, filled_columns=filled, licensed_users=len(licensed))
        log.info(f"Warehouse run: {mode} ({why}); changes since {since.isoformat()}")
        result.warnings = mapping_warnings(connection)
        result.tombstoned_rows = tombstones.apply(connection, since)
        previous = datetime.fromisoformat(state.get("last_as_of") or as_of.isoformat())
        params = {"as_of": as_of, "since": since, "previous_as_of": previous,
                  "next_day_after_previous": _next_midnight(previous),
                  "next_day_after_as_of": _next_midnight(as_of),
                  "pipeline_daily_days": settings.warehouse.pipeline_daily_days}
        _build_all(connection, warehouse.engine, settings, mode, params, extra_scope)
        result.scope = int(connection.execute(sa.text("select count(*) from deal_scope")).scalar())
        _save_state(connection, started, as_of, settings_fp, build_fp, mode)
        result.row_counts = {m.name: int(connection.execute(sa.text(
            f"select count(*) from {SCHEMA}.{m.name}")).scalar()) for m in models()}
    log.info(f"Warehouse run done: {result.scope} opportunities in scope, "
             f"{result.row_counts.get('deals', 0)} deals, "
             f"{result.row_counts.get('deal_skips', 0)} skips")
    return result


class WarehouseNameError(ValueError):
    """The DuckDB file name would shadow the `warehouse` schema."""


def check_catalog_name(warehouse) -> None:
    """DuckDB names a database after its file, and `warehouse.deals` is then ambiguous."""
    if warehouse.engine == "duckdb" and Path(warehouse.duckdb_path).stem.lower() in (
            SCHEMA, "staging"):
        raise WarehouseNameError(
            f"WarehouseResource.duckdb_path is {warehouse.duckdb_path}: DuckDB names the "
            f"database after the file, which clashes with the {SCHEMA!r} schema "
            f"(\"{SCHEMA}.deals\" becomes ambiguous). Rename the file, e.g. set "
            "DEALSYNC_DUCKDB_PATH=data/dealsync.duckdb")


def mapping_warnings(connection: sa.Connection) -> list[str]:
    """stage_mapping keys that match no Salesforce stage exactly (names are case-sensitive)."""
    rows = connection.execute(sa.text(
        "select m.stage_name, min(s.api_name) as near from warehouse.stage_mapping as m "
        "left join src_opportunity_stage as s on lower(s.api_name) = lower(m.stage_name)"
        " where not exists (select 1 from src_opportunity_stage as e "
        "where e.api_name = m.stage_name) group by m.stage_name order by m.stage_name"))
    return [f"stage_mapping: {name!r} is not a Salesforce stage"
            + (f"; did you mean {near!r}? Stage names are case-sensitive" if near else "")
            for name, near in rows]


def create_tables(connection: sa.Connection, engine: str) -> None:
    connection.execute(sa.text(f"create schema if not exists {SCHEMA}"))
    for table in tables():
        for statement in split_statements(table.sql):
            connection.execute(sa.text(statement))
    if engine == "postgres":
        staged = schema_columns(connection, "staging")
        for table, column in STAGING_INDEXES:
            if column in staged.get(table, {}):
                connection.execute(sa.text(f"create index if not exists {table}_{column}_idx "
                                           f"on staging.{table} ({column})"))
        analyze_stale_tables(connection)


def analyze_stale_tables(connection: sa.Connection) -> None:
    """PostgreSQL: refresh statistics that a backfill (or a switched-off autovacuum) left
    stale. Without them the planner takes a million-row staging table for an empty one and
    nests loops over it; ANALYZE samples, so it costs well under a second per table."""
    stale = connection.execute(sa.text(
        "select schemaname, relname from pg_stat_user_tables "
        "where schemaname in ('staging', 'warehouse') "
        "and n_mod_since_analyze > greatest(1000, n_live_tup / 10)")).all()
    for schema, table in stale:
        connection.execute(sa.text(f'analyze "{schema}"."{table}"'))


def read_state(connection: sa.Connection) -> dict[str, str]:
    rows = connection.execute(sa.text(f"select name, value from {SCHEMA}.transform_state"))
    return {name: value for name, value in rows}


def build_fingerprint(connection: sa.Connection, settings_fp: str,
                      filled: dict[str, list[str]]) -> str:
    """Settings, model code, and the small setup tables every deal depends on (stages,
    record types): a change in any of them re-classifies every deal, so it means a full run."""
    digest = hashlib.sha256(f"{WAREHOUSE_VERSION}:{settings_fp}".encode())
    for model in (*models(), *tables()):
        digest.update(model.sql.encode())
    for name in ("custom_rule_failures", "create_scope_changed", "register_imports",
                 "create_scoped_deals"):
        digest.update(step_sql(name).encode())
    setup = connection.execute(sa.text(
        "select concat_ws('|', api_name, cast(is_active as varchar), cast(is_closed as varchar), "
        "cast(is_won as varchar), cast(sort_order as varchar), forecast_category, "
        "cast(cast(default_probability as bigint) as varchar), cast(is_removed as varchar)) as r "
        "from src_opportunity_stage union all "
        "select concat_ws('|', id, developer_name, name, cast(is_removed as varchar)) "
        "from src_record_type order by 1")).scalars().all()
    digest.update("\n".join(setup).encode())
    digest.update(json.dumps(filled, sort_keys=True).encode())
    return digest.hexdigest()


def choose_mode(connection: sa.Connection, state: dict[str, str], build_fp: str,
                requested: bool) -> tuple[str, str]:
    if requested:
        return "full", "full rebuild requested"
    if "last_started_at" not in state:
        return "full", "first run"
    if state.get("build_fingerprint") != build_fp:
        return "full", "settings, licensed users, stages, record types or model code changed"
    built = schema_columns(connection, SCHEMA)
    for model in models():
        if model.name not in built:
            return "full", f"{SCHEMA}.{model.name} is missing"
    return "incremental", "only changed opportunities"


def _next_midnight(moment: datetime) -> datetime:
    return datetime.combine(moment.date() + timedelta(days=1), datetime.min.time())


def _since(state: dict[str, str], settings) -> datetime:
    started = datetime.fromisoformat(state["last_started_at"])
    return started - timedelta(minutes=settings.warehouse.incremental_lookback_minutes)


def _run_step(connection: sa.Connection, name: str, params: dict | None = None) -> None:
    for statement in split_statements(step_sql(name)):
        connection.execute(sa.text(statement), params or {})


def _build_all(connection: sa.Connection, engine: str, settings, mode: str, params: dict,
               extra_scope: list[str]) -> None:
    incremental = mode == "incremental"
    built = schema_columns(connection, SCHEMA)
    had_owners = "owners" in built
    if incremental and had_owners:
        _run_step(connection, "snapshot_owners")
    for model in models():
        if model.name == "deal_classification":  # owners and stages are built: find the scope
            _prepare_scope(connection, settings, incremental and had_owners, params, extra_scope)
        build_model(connection, engine, model, incremental, params, built.get(model.name, {}))
        if model.name == "deal_classification":
            _run_step(connection, "register_imports", params)
            _run_step(connection, "create_scoped_deals")


def _prepare_scope(connection: sa.Connection, settings, incremental: bool, params: dict,
                   extra_scope: list[str]) -> None:
    """deal_scope (the opportunities to rebuild) and the custom-rule failures among them."""
    _run_step(connection, "create_work_tables")
    if extra_scope:
        connection.execute(sa.text("insert into extra_scope (opportunity_id) values (:id)"),
                           [{"id": i} for i in extra_scope])
    if incremental:
        _run_step(connection, "diff_owners")
        _run_step(connection, "create_scope_changed", params)
    else:
        _run_step(connection, "create_scope_full", params)
    apply_custom_rules(connection, settings)


def build_model(connection: sa.Connection, engine: str, model: Model, incremental: bool,
                params: dict, existing: dict[str, str]) -> None:
    """Incremental: replace the in-scope rows. Otherwise replace every row, recreating the
    table only when its columns no longer match the model (so dependent views survive)."""
    (select,) = split_statements(model.sql)
    table = f"{SCHEMA}.{model.name}"
    if incremental and model.incremental:
        connection.execute(sa.text(f"delete from {table} where opportunity_id in "
                                   "(select opportunity_id from deal_scope)"))
        connection.execute(sa.text(f"insert into {table} {select}"), params)
        return
    declared = {c.name: c.type for c in model.columns}
    if existing == declared:
        connection.execute(sa.text(f"delete from {table}"))
        connection.execute(sa.text(f"insert into {table} {select}"), params)
    else:
        connection.execute(sa.text(f"drop table if exists {table}"))
        connection.execute(sa.text(f"create table {table} as {select}"), params)
        if engine == "postgres" and "opportunity_id" in declared:
            connection.execute(sa.text(f"create index if not exists {model.name}_opportunity_idx "
                                       f"on {table} (opportunity_id)"))
    if engine == "postgres":
        # The next models (and the next incremental run, before autovacuum gets to it) plan
        # their joins on these statistics; without them PostgreSQL guesses tiny tables and
        # picks nested loops over millions of rows.
        connection.execute(sa.text(f"analyze {table}"))


def _save_state(connection: sa.Connection, started: datetime, as_of: datetime, settings_fp: str,
                build_fp: str, mode: str) -> None:
    _run_step(connection, "save_state", {
        "last_started_at": started.isoformat(), "last_as_of": as_of.isoformat(),
        "settings_fingerprint": settings_fp,
        "build_fingerprint": build_fp, "mode": mode, "as_of": as_of})
