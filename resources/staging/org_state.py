"""Staging against Salesforce, record by record: what the daily reconciliation reads again.

The caller streams what Salesforce holds now for one object, recycle bin included: Id,
SystemModstamp, IsDeleted where the object has it, and the formula fields, as typed Arrow
tables keyed by API names. They are spooled to a local Arrow file first, so a DuckDB write
lock is held only for the load and the comparison, not for the whole Salesforce query. The
comparison is SQL on both engines (transforms/staging/reconcile/).
"""

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from resources.clock import utc_now
from transforms import sql

from .arrow_batches import conform_batch
from .arrow_copy import copy_into
from .connections import Connect
from .naming import quote
from .schema import IS_DELETED, ObjectSchema, column_definitions, existing_columns
from .types import ARROW_TYPES

STATE_COLUMNS = ("id", "system_modstamp", IS_DELETED)


@dataclass
class OrgDiff:
    org_records: int
    read_again: dict[str, list[str]] = field(default_factory=dict)  # reason -> Ids
    purged: int = 0  # staged, but gone from Salesforce for good: marked hard-deleted

    def ids(self) -> list[str]:
        return sorted(i for ids in self.read_again.values() for i in ids)


def compare(connect: Connect, engine: str, object_name: str, fields: dict[str, str],
            org: Iterable[pa.Table], history_start: datetime) -> OrgDiff | None:
    """What staging must read again to equal Salesforce; marks what Salesforce purged. None
    when the object has no staging table yet (nothing to reconcile). `fields` maps the API
    names the tables carry to Salesforce types; a record older than `history_start` that
    staging never held is not missing (the backfill period left it out)."""
    schema = ObjectSchema.from_fields(object_name, fields)
    with tempfile.TemporaryDirectory(prefix="dealsync-org-state-") as spool_dir:
        count, path = _spool(schema, org, Path(spool_dir) / "org.arrow")
        with connect() as connection:
            staged = existing_columns(connection, schema.table)
            if not staged:
                return None
            sql.execute(connection, "staging/reconcile/create_org_records",
                        column_definitions=column_definitions(
                            [(c.name, c.type) for c in schema.columns]))
            _load(connection, engine, path)
            diff = OrgDiff(count)
            for row in sql.rows(connection, "staging/reconcile/read_again",
                                {"history_start": history_start},
                                current=quote(schema.table), **_differs(schema, staged)):
                diff.read_again.setdefault(row["reason"], []).append(row["id"])
            if count:  # an empty answer is not taken as "everything was purged"
                diff.purged = int(sql.execute(connection, "staging/reconcile/mark_purged",
                                              {"detected_at": utc_now()},
                                              current=quote(schema.table)).scalar_one())
    return diff


def _differs(schema: ObjectSchema, staged: dict[str, str]) -> dict[str, str]:
    """SQL conditions over o (Salesforce) and c (staging): deleted state, formula values."""
    deleted = (f"coalesce(c.{IS_DELETED}, false) <> o.{IS_DELETED}"
               if schema.column(IS_DELETED) else "false")
    values = [f"c.{quote(c.name)} is distinct from o.{quote(c.name)}" for c in schema.columns
              if c.name not in STATE_COLUMNS and c.name in staged]
    return {"deleted_differs": deleted, "values_differ": " or ".join(values) or "false"}


def _spool(schema: ObjectSchema, tables: Iterable[pa.Table], path: Path) -> tuple[int, Path]:
    arrow = pa.schema([(c.name, ARROW_TYPES[c.type]) for c in schema.columns])
    count = 0
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, arrow) as writer:
        for table in tables:
            rows = conform_batch(schema, table).cast(arrow)
            writer.write_table(rows)
            count += rows.num_rows
    return count, path


def _load(connection, engine: str, path: Path) -> None:
    with pa.memory_map(str(path)) as source:
        reader = pa.ipc.open_file(source)
        for index in range(reader.num_record_batches):
            copy_into(connection, engine, "_org_records",
                      pa.Table.from_batches([reader.get_batch(index)]))
