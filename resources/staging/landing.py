"""Land extracted record versions, then bring current state up to date for the ids touched.

Each batch is its own short transaction: the batch iterator (Salesforce paging) runs while no
warehouse connection is open, so a concurrent DuckDB writer waits seconds, not a whole
extraction. Every step is keyed on (id, system_modstamp), so whatever a failed run left behind,
re-running the window converges.
"""

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from resources.clock import to_utc_naive, utc_now
from transforms import sql

from .arrow_batches import conform_batch
from .arrow_copy import copy_into
from .connections import Connect, retry_on_ddl_race
from .naming import SCHEMA, quote
from .schema import HARD_DELETED_AT, IS_DELETED, ObjectSchema, column_definitions, prepare_tables


@dataclass
class LandResult:
    """What one land() call did; `metadata()` is ready for dg.MaterializeResult."""

    object_name: str
    table: str
    rows_landed: int = 0
    batches: int = 0
    # Current-state changes, summed over batches. A Salesforce query returns each Id once, so
    # these are distinct Ids; an Id landed with several versions in one call (one per batch)
    # counts once per batch in which it changed.
    inserted: int = 0        # ids new to current state
    updated: int = 0         # existing ids replaced by a strictly newer version
    deleted: int = 0         # ids whose current row became is_deleted (new or existing)
    min_system_modstamp: datetime | None = None
    max_system_modstamp: datetime | None = None
    added_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)

    def metadata(self) -> dict:
        values = asdict(self)
        for key in ("min_system_modstamp", "max_system_modstamp"):
            values[key] = values[key].isoformat() if values[key] else None
        for key in ("added_columns", "missing_columns"):
            values[key] = ", ".join(values[key])
        return {"dagster/row_count": self.rows_landed, **values}


def sql_identifiers(schema: ObjectSchema) -> dict[str, str]:
    """Placeholder values for the landing SQL files of one object (see their header comments)."""
    other = [quote(n) for n in schema.names if n != IS_DELETED]
    current = [quote(n) for n, _ in schema.current_layout() if n != HARD_DELETED_AT[0]]
    has_is_deleted = schema.column(IS_DELETED) is not None
    return {
        "versions": quote(schema.versions_table),
        "current": quote(schema.table),
        "columns": ", ".join(quote(n) for n in schema.names),
        "other_columns": ", ".join(other),
        "current_columns": ", ".join(current),
        "is_deleted": "coalesce(is_deleted, false)" if has_is_deleted else "false",
        "column_definitions": column_definitions([(c.name, c.type) for c in schema.columns]),
    }


def land(connect: Connect, engine: str, object_name: str, fields: dict[str, str],
         batches: Iterable[pa.Table], *, window_start: datetime, window_end: datetime,
         run_id: str, api: str, log: logging.Logger) -> LandResult:
    schema = ObjectSchema.from_fields(object_name, fields)

    def prepare():
        with connect() as connection:
            return prepare_tables(connection, engine, schema)

    changes = retry_on_ddl_race(prepare)
    result = LandResult(object_name, f"{SCHEMA}.{schema.table}",
                        added_columns=changes.added_columns,
                        missing_columns=changes.missing_columns)
    if changes.missing_columns:
        log.warning("%s no longer sends %s; the columns stay in %s with nulls for new rows",
                    object_name, ", ".join(changes.missing_columns), result.table)
    identifiers = sql_identifiers(schema)
    params = {"window_start": to_utc_naive(window_start), "window_end": to_utc_naive(window_end),
              "run_id": run_id, "api": api, "extracted_at": utc_now()}

    for batch in batches:
        rows = conform_batch(schema, _as_table(batch))
        if rows.num_rows == 0:
            continue
        low, high = pc.min_max(rows.column("system_modstamp")).values()
        with connect() as connection:
            inserted, updated, deleted = _land_rows(
                connection, engine, rows, identifiers,
                {**params, "min_modstamp": low.as_py(), "max_modstamp": high.as_py()})
        result.batches += 1
        result.rows_landed += rows.num_rows
        result.inserted += inserted
        result.updated += updated
        result.deleted += deleted
        result.min_system_modstamp = min(filter(None, (result.min_system_modstamp, low.as_py())))
        result.max_system_modstamp = max(filter(None, (result.max_system_modstamp, high.as_py())))

    log.info("Landed %d %s versions into %s_versions in %d batches: %d new ids, %d updated, "
             "%d deleted", result.rows_landed, object_name, result.table, result.batches,
             result.inserted, result.updated, result.deleted)
    return result


def _as_table(batch: pa.Table | pa.RecordBatch) -> pa.Table:
    return pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch


def _land_rows(connection, engine: str, rows: pa.Table, identifiers: dict[str, str],
               params: dict) -> tuple[int, int, int]:
    sql.execute(connection, "staging/create_land_batch", **identifiers)
    copy_into(connection, engine, "_land_batch", rows)
    sql.execute(connection, "staging/merge_versions", params, **identifiers)
    sql.execute(connection, "staging/create_latest_versions", params, **identifiers)
    inserted, updated, deleted = sql.execute(connection, "staging/select_current_changes", params,
                                         **identifiers).one()
    sql.execute(connection, "staging/apply_current_changes", params, **identifiers)
    return int(inserted), int(updated), int(deleted)
