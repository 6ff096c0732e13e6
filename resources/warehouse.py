"""WarehouseResource: the DuckDB file or PostgreSQL database that staging and the deals live in.

One SQL code path (SQLAlchemy; duckdb-engine or psycopg2) with a bulk path per engine, short-lived
connections so DuckDB's single writer lock is held only per unit of work, and the staging
operations the extraction assets need: land versions, keep current state, sync state, hard
deletes. Internals live in resources/staging/; SQL in transforms/staging/.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow as pa
import sqlalchemy as sa
from pydantic import Field, PrivateAttr

from resources.secrets import known_secrets, redact
from resources.staging import current, landing, org_state, sync_state
from resources.staging import rejects as rejects_table
from resources.staging.connections import (
    ENGINES,
    WarehouseConfigError,
    WarehouseLockTimeout,
    build_engine,
    retry_on_ddl_race,
    transaction,
)
from resources.staging.landing import LandResult
from resources.staging.naming import column_name, quote, table_name
from resources.staging.schema import BatchSchemaError, SchemaDriftError
from transforms import sql

__all__ = ["WarehouseResource", "WAREHOUSE_POOL", "LandResult", "SchemaDriftError", "BatchSchemaError",
           "WarehouseConfigError", "WarehouseLockTimeout", "table_name", "column_name"]

_log = dg.get_dagster_logger("dealsync.warehouse")

# The Dagster pool of every step that writes the deal warehouse (transforms, checks, the outbox,
# purges): DuckDB has one writer, so deploy/set-pools.sh gives it one slot.
WAREHOUSE_POOL = "deal_warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """Warehouse connections plus the staging layer (every extracted version + current state)."""

    engine: str = Field(default="duckdb", description="'duckdb' or 'postgres'.")
    duckdb_path: str = Field(default="data/dealsync.duckdb",
                             description="DuckDB database file (engine='duckdb').")
    postgres_url: str | None = Field(
        default=None, description="SQLAlchemy URL for engine='postgres'; pass "
        "dg.EnvVar('DEALSYNC_WAREHOUSE_URL'). Never logged.")
    lock_timeout_seconds: float = Field(
        default=120.0, description="How long opening a DuckDB connection waits while another "
        "process holds the file lock before failing.")

    _engines: dict = PrivateAttr(default_factory=dict)
    _staging_ready: bool = PrivateAttr(default=False)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._check_config()

    def __repr_args__(self):
        """Tracebacks and debug output show the resource; they must not show the password."""
        for name, value in super().__repr_args__():
            if name == "postgres_url" and isinstance(value, str):
                value = sa.engine.make_url(value).render_as_string(hide_password=True)
            yield name, value

    # ----- connections -----------------------------------------------------------------------

    @contextmanager
    def connection(self, read_only: bool = False) -> Iterator[sa.Connection]:
        """A connection in a transaction for one unit of work; committed and closed on exit.

        read_only connections let several reader processes share a DuckDB file (when no writer
        holds it) and refuse writes on both engines. Don't nest a read-only connection inside a
        read-write one in the same process: DuckDB would make the inner one wait for the outer.
        """
        if not read_only:
            self._ensure_staging_schema()
        with transaction(self._sa_engine(read_only), timeout_s=self.lock_timeout_seconds,
                         label=self._label(), log=_log) as connection:
            yield connection

    def _sa_engine(self, read_only: bool) -> sa.Engine:
        if read_only not in self._engines:
            self._check_config()
            self._engines[read_only] = build_engine(self.engine, self.duckdb_path,
                                                    self.postgres_url, read_only)
        return self._engines[read_only]

    def _check_config(self) -> None:
        if self.engine not in ENGINES:
            raise WarehouseConfigError(
                f"WarehouseResource.engine is {self.engine!r}; allowed values: "
                + ", ".join(repr(e) for e in ENGINES))
        if self.engine == "postgres" and not self.postgres_url:
            raise WarehouseConfigError(
                "WarehouseResource.postgres_url is required when engine is 'postgres' "
                "(set DEALSYNC_WAREHOUSE_URL to a postgresql:// URL)")

    def _label(self) -> str:
        """Names the database in messages without revealing the Postgres URL."""
        return str(Path(self.duckdb_path).resolve()) if self.engine == "duckdb" else "postgres"

    def _ensure_staging_schema(self) -> None:
        if self._staging_ready:
            return

        def create() -> None:
            with transaction(self._sa_engine(False), timeout_s=self.lock_timeout_seconds,
                             label=self._label(), log=_log) as connection:
                sql.execute(connection, "staging/create_schema")
                sql.execute(connection, "staging/create_sync_tables")

        retry_on_ddl_race(create)
        self._staging_ready = True

    # ----- generic SQL helpers (the same SQL text runs on both engines) ----------------------

    def execute(self, statement: str, params: dict | None = None) -> None:
        with self.connection() as connection:
            connection.execute(sa.text(statement), params or {})

    def query(self, statement: str, params: dict | None = None, *,
              read_only: bool = False) -> list[dict[str, Any]]:
        with self.connection(read_only) as connection:
            result = connection.execute(sa.text(statement), params or {})
            return [dict(row) for row in result.mappings()]

    def scalar(self, statement: str, params: dict | None = None, *,
               read_only: bool = False) -> Any:
        with self.connection(read_only) as connection:
            return connection.execute(sa.text(statement), params or {}).scalar()

    def table_exists(self, schema: str, name: str) -> bool:
        with self.connection() as connection:
            return bool(sql.execute(connection, "staging/select_table_exists",
                                     {"schema": schema, "name": name}).scalar())

    def row_count(self, schema: str, name: str) -> int:
        return int(self.scalar(f"select count(*) from {quote(schema)}.{quote(name)}"))

    # ----- staging ---------------------------------------------------------------------------

    def land(self, object_name: str, fields: dict[str, str], batches: Iterable[pa.Table], *,
             window_start: datetime, window_end: datetime, run_id: str, api: str) -> LandResult:
        """Land every record version of a window into staging.<t>_versions and update staging.<t>.

        `fields` maps Salesforce API field names to Salesforce types; batches are Arrow tables
        keyed by the same API names. Re-running a window converges (merge on id +
        system_modstamp). Raises SchemaDriftError before writing if a field changed type.
        """
        return landing.land(self.connection, self.engine, object_name, fields, batches,
                            window_start=window_start, window_end=window_end, run_id=run_id,
                            api=api, log=_log)

    def rebuild_current(self, object_name: str) -> int:
        """Rebuild staging.<t> from the whole version history; returns its row count."""
        with self.connection() as connection:
            return current.rebuild_current(connection, object_name)

    def compare_with_org(self, object_name: str, fields: dict[str, str],
                         org: Iterable[pa.Table],
                         history_start: datetime) -> org_state.OrgDiff | None:
        """What staging must read again to equal Salesforce, by reason; marks the records
        Salesforce purged (org_state.py). `org` streams every record's Id, SystemModstamp,
        IsDeleted and formula fields, typed by `fields`."""
        diff = org_state.compare(self.connection, self.engine, object_name, fields, org,
                                 history_start)
        if diff is not None and diff.purged:
            _log.info("Marked %d %s rows hard-deleted (purged from Salesforce)", diff.purged,
                      object_name)
        return diff

    # ----- sync state ------------------------------------------------------------------------

    def get_high_water_mark(self, object_name: str) -> datetime | None:
        """The SystemModstamp (naive UTC) up to which `object_name` has been landed."""
        with self.connection() as connection:
            return sync_state.get_high_water_mark(connection, object_name)

    def set_high_water_mark(self, object_name: str, ts: datetime, *, force: bool = False) -> datetime:
        """Move the mark forward (never back unless force=True); returns the stored mark."""
        with self.connection() as connection:
            return sync_state.set_high_water_mark(connection, object_name, ts, force)

    def get_high_water_marks(self, object_names: list[str]) -> dict[str, datetime | None]:
        with self.connection() as connection:
            return sync_state.get_high_water_marks(connection, object_names)

    def field_catalog(self) -> dict[str, dict[str, str]]:
        """Object -> {field: Salesforce type} it was last extracted with (the tick's field list)."""
        with self.connection() as connection:
            return sync_state.load_field_catalog(connection)

    def record_sync_success(self, object_name: str, *, record_count: int, run_id: str | None = None,
                            window_start: datetime | None = None,
                            window_end: datetime | None = None, api: str | None = None,
                            api_calls: int = 0, fields: dict[str, str] | None = None,
                            high_water_mark: datetime | None = None,
                            rejects: list[dict] | None = None,
                            windows: list[tuple[datetime, datetime]] | None = None) -> None:
        """One object's successful run, in one transaction: its field list, its mark (moved
        forward only), its health row and its rejects agree, whatever happens to the process
        after. `rejects` (records set aside) clears those that landed since (rejects.py)."""
        with self.connection() as connection:
            if rejects is not None and run_id is not None:
                rejects_table.record(connection, object_name, run_id, rejects, windows or [])
            if high_water_mark is not None:
                sync_state.set_high_water_mark(connection, object_name, high_water_mark, False)
            sync_state.record_success(connection, object_name, record_count=record_count,
                                      run_id=run_id, window_start=window_start,
                                      window_end=window_end, api=api, api_calls=api_calls,
                                      fields=fields)

    def record_sync_failure(self, object_name: str, error_text: str, *, run_id: str | None = None,
                            api_calls: int = 0) -> None:
        """Store a (redacted, truncated) error so staging.sync_status shows the sync failing."""
        error = redact(error_text, known_secrets(self.postgres_url))
        with self.connection() as connection:
            sync_state.record_failure(connection, object_name, error, run_id=run_id,
                                      api_calls=api_calls)

    def record_rejects(self, object_name: str, run_id: str, rejects: list[dict],
                       windows: list[tuple[datetime, datetime]]) -> None:
        """The object's records this run could not stage; clears those that landed since."""
        with self.connection() as connection:
            rejects_table.record(connection, object_name, run_id, rejects, windows)

    def rejects(self) -> dict[str, list[dict]]:
        """object -> its records that could not be staged, newest first."""
        with self.connection() as connection:
            return rejects_table.by_object(connection)

    def record_progress(self, object_name: str, *, run_id: str, landed: int,
                        expected: int | None) -> None:
        """How far a running sync of the object got (`dealsync status` shows it)."""
        with self.connection() as connection:
            sync_state.record_progress(connection, object_name, run_id=run_id, landed=landed,
                                       expected=expected)

    def record_api_usage(self, used: int, daily_max: int) -> None:
        """The org's daily API usage as Salesforce last reported it."""
        with self.connection() as connection:
            sync_state.record_api_usage(connection, used, daily_max)

    def get_sync_status(self, object_name: str) -> dict[str, Any] | None:
        with self.connection() as connection:
            return sync_state.get_status(connection, object_name)
