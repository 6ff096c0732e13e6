"""What the previous run used, and whether this one is full or incremental.

transform_state keeps when the last run started (an incremental run re-reads staging rows
landed since then, minus a lookback), its as_of, and fingerprints: the settings (the sensors
compare it), the model code, and the build (settings + code + stages and record types + the
staging columns). A changed build fingerprint makes the run a full rebuild; a changed model code
fingerprint (or a missing table) also tells dbt to recreate the tables (--full-refresh).
"""

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from resources.staging.types import canonical_type
from transforms import sql

from .project import PROJECT_DIR, code_fingerprint

WAREHOUSE_VERSION = "2"  # bump to force a full rebuild after a change Python makes, not dbt
SOURCE_TABLES = ("user", "opportunity_stage", "record_type", "opportunity", "opportunity_versions",
                 "account", "contact", "opportunity_contact_role", "task", "event",
                 "email_message")
REQUIRED_TABLES = ("user", "opportunity_stage", "opportunity")
# Every column the stages model reads: with the settings, they are the build fingerprint, and a
# change to it makes the next run a full rebuild.
STAGE_COLUMNS = ("api_name", "master_label", "is_active", "sort_order", "is_closed", "is_won",
                 "forecast_category", "default_probability", "is_deleted", "_hard_deleted_at")
# PostgreSQL lookups incremental runs make (DuckDB scans; its indexes slow bulk loads).
STAGING_INDEXES = [("opportunity", "_extracted_at"), ("opportunity", "_hard_deleted_at"),
                   ("opportunity", "owner_id"), ("opportunity", "account_id"),
                   ("opportunity_versions", "_extracted_at"), ("opportunity_versions", "id"),
                   ("task", "what_id"), ("task", "_extracted_at"), ("event", "what_id"),
                   ("event", "_extracted_at"), ("email_message", "related_to_id"),
                   ("email_message", "_extracted_at"),
                   ("opportunity_contact_role", "opportunity_id"),
                   ("opportunity_contact_role", "contact_id"),
                   ("opportunity_contact_role", "_extracted_at"), ("contact", "_extracted_at"),
                   ("account", "_extracted_at"), ("event", "start_date_time"),
                   ("event", "activity_date"), ("email_message", "message_date"),
                   ("task", "owner_id"), ("event", "owner_id"), ("user", "_extracted_at")] + [
                   (table, "_hard_deleted_at") for table in (
                       "task", "event", "email_message", "opportunity_contact_role", "contact",
                       "account", "user")]


class MissingStagingError(RuntimeError):
    """A staging table the deal warehouse cannot do without has not been extracted yet."""


class WarehouseNameError(ValueError):
    """The DuckDB file name would shadow the `warehouse` schema."""


def check_catalog_name(warehouse) -> None:
    """DuckDB names a database after its file, and `warehouse.deals` is then ambiguous."""
    if warehouse.engine == "duckdb" and Path(warehouse.duckdb_path).stem.lower() in (
            "warehouse", "staging", "warehouse_internal"):
        raise WarehouseNameError(
            f"WarehouseResource.duckdb_path is {warehouse.duckdb_path}: DuckDB names the "
            "database after the file, which clashes with the 'warehouse' schema "
            "(\"warehouse.deals\" becomes ambiguous). Rename the file, e.g. set "
            "DEALSYNC_DUCKDB_PATH=data/dealsync.duckdb")


def staging_columns(connection: sa.Connection) -> dict[str, dict[str, str]]:
    """staging table -> {column: canonical type}, every table (histories included)."""
    rows = connection.execute(sa.text(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'staging' order by table_name, ordinal_position"))
    tables: dict[str, dict[str, str]] = {}
    for table, column, kind in rows:
        tables.setdefault(table, {})[column] = canonical_type(kind)
    return tables


def prepare(connection: sa.Connection, engine: str, staged: dict) -> None:
    """State tables; on PostgreSQL the staging indexes and fresh planner statistics."""
    missing = [t for t in REQUIRED_TABLES if t not in staged]
    if missing:
        raise MissingStagingError(
            f"staging.{missing[0]} does not exist: the deal warehouse needs User, "
            "OpportunityStage and Opportunity extracted first (materialize the salesforce "
            "assets, e.g. run the incremental_sync job)")
    sql.execute(connection, "state/create_tables")
    if engine == "postgres":
        for table, column in STAGING_INDEXES:
            if column in staged.get(table, {}):
                connection.execute(sa.text(f'create index if not exists {table}_{column}_idx '
                                           f'on staging."{table}" ({column})'))
        analyze_stale_tables(connection)


def analyze_stale_tables(connection: sa.Connection) -> None:
    """PostgreSQL: refresh statistics a backfill (or a switched-off autovacuum) left stale.
    Without them the planner takes a million-row staging table for an empty one and nests
    loops over it; ANALYZE samples, so it costs well under a second per table."""
    stale = connection.execute(sa.text(
        "select schemaname, relname from pg_stat_user_tables "
        "where schemaname in ('staging', 'warehouse', 'warehouse_internal') "
        "and n_mod_since_analyze > greatest(1000, n_live_tup / 10)")).all()
    for schema, table in stale:
        connection.execute(sa.text(f'analyze "{schema}"."{table}"'))


def read_state(connection: sa.Connection) -> dict[str, str]:
    rows = connection.execute(sa.text("select name, value from warehouse.transform_state"))
    return {name: value for name, value in rows}


def build_fingerprint(connection: sa.Connection, settings_fp: str, staged: dict,
                      project_dir: Path = PROJECT_DIR) -> str:
    """Settings, model code, the staging columns, and the small setup tables every deal
    depends on (stages, record types): a change in any of them re-classifies every deal."""
    digest = hashlib.sha256(f"{WAREHOUSE_VERSION}:{settings_fp}".encode())
    digest.update(code_fingerprint(project_dir, include_analyst=False).encode())
    read = {table: columns for table, columns in staged.items() if table in SOURCE_TABLES}
    digest.update(json.dumps(read, sort_keys=True).encode())
    for table, columns in (("opportunity_stage", STAGE_COLUMNS),
                           ("record_type", ("id", "developer_name", "name", "is_deleted",
                                            "_hard_deleted_at"))):
        present = [c for c in columns if c in staged.get(table, {})]
        if not present:
            continue
        text = ", ".join(f"cast({c} as varchar)" for c in present)
        rows = connection.execute(sa.text(
            f"select concat_ws('|', {text}) from staging.{table} order by 1")).scalars().all()
        digest.update("\n".join(r or "" for r in rows).encode())
    return digest.hexdigest()


def choose_mode(connection: sa.Connection, state: dict[str, str], build_fp: str,
                requested: bool, expected_tables: list[str], project_dir: Path = PROJECT_DIR
                ) -> tuple[str, str, bool]:
    """(mode, why, recreate): recreate asks dbt to drop and recreate the tables."""
    code_fp = code_fingerprint(project_dir, include_analyst=False)
    existing = {f"{s}.{t}" for s, t in connection.execute(sa.text(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('warehouse', 'warehouse_internal')"))}
    missing = [t for t in expected_tables if t not in existing]
    if "last_started_at" not in state:
        return "full", "first run", True
    if "run_in_progress" in state:
        # dbt commits model by model: a run that stopped half way left some tables newer
        # than others, which only a rebuild of every deal brings back in step.
        return "full", "the previous run did not finish", recreate_after_failure(state, code_fp)
    if missing:
        return "full", f"{missing[0]} is missing", True
    recreate = state.get("code_fingerprint") != code_fp
    if requested:
        return "full", "full rebuild requested", recreate
    if state.get("build_fingerprint") != build_fp:
        return "full", ("settings, licensed users, stages, record types or model code "
                        "changed"), recreate
    return "incremental", "only changed opportunities", False


def recreate_after_failure(state: dict[str, str], code_fp: str) -> bool:
    return state.get("code_fingerprint") != code_fp


def mark_in_progress(connection: sa.Connection, started: datetime) -> None:
    """Recorded before dbt starts; save_state replaces it when the run succeeds."""
    connection.execute(sa.text("delete from warehouse.transform_state "
                               "where name = 'run_in_progress'"))
    connection.execute(sa.text(
        "insert into warehouse.transform_state (name, value, updated_at) "
        "values ('run_in_progress', :value, :updated_at)"),
        {"value": started.isoformat(), "updated_at": started})


def since(state: dict[str, str], settings) -> datetime:
    started = datetime.fromisoformat(state["last_started_at"])
    return started - timedelta(minutes=settings.warehouse.incremental_lookback_minutes)


def save_state(connection: sa.Connection, *, started: datetime, as_of: datetime,
               settings_fp: str, build_fp: str, mode: str,
               project_dir: Path = PROJECT_DIR) -> None:
    sql.execute(connection, "state/save_state", {
        "last_started_at": started.isoformat(), "last_as_of": as_of.isoformat(),
        "settings_fingerprint": settings_fp, "build_fingerprint": build_fp,
        "code_fingerprint": code_fingerprint(project_dir, include_analyst=False), "mode": mode,
        "as_of": as_of})
