"""Staging table layouts from a Salesforce describe, and the schema-drift rules.

Tables are created from the `fields` of the first land. Later a new field becomes a new nullable
column, a field no longer sent keeps its column, and a change of storage type is refused before
anything is written, because casting staged history in place could silently corrupt it.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from transforms import sql

from .naming import SCHEMA, column_name, quote, table_name
from .types import BOOLEAN, TIMESTAMP, VARCHAR, canonical_type, warehouse_type

# Landing metadata: which window, run and API produced a version, and when it was landed.
METADATA_COLUMNS = (("_window_start", TIMESTAMP), ("_window_end", TIMESTAMP), ("_run_id", VARCHAR),
                    ("_extracted_at", TIMESTAMP), ("_api", VARCHAR))
HARD_DELETED_AT = ("_hard_deleted_at", TIMESTAMP)
IS_DELETED = "is_deleted"


class SchemaDriftError(ValueError):
    """A field's storage type changed; staged data is left untouched until someone decides."""


class BatchSchemaError(ValueError):
    """A batch does not match the `fields` it was landed with (an extractor bug, not drift)."""


@dataclass(frozen=True)
class Column:
    field: str            # Salesforce API name
    name: str             # warehouse column name
    salesforce_type: str
    type: str             # warehouse storage type


@dataclass(frozen=True)
class ObjectSchema:
    object_name: str
    table: str
    columns: tuple[Column, ...]

    @classmethod
    def from_fields(cls, object_name: str, fields: dict[str, str]) -> "ObjectSchema":
        columns = tuple(Column(f, column_name(f), t, warehouse_type(t)) for f, t in fields.items())
        by_name: dict[str, str] = {}
        for col in columns:
            if col.name in by_name:
                raise ValueError(f"{object_name} fields {by_name[col.name]!r} and {col.field!r} "
                                 f"both map to column {col.name!r}")
            by_name[col.name] = col.field
        schema = cls(object_name, table_name(object_name), columns)
        schema._require("id", "id")
        schema._require("system_modstamp", "timestamp")
        return schema

    def _require(self, name: str, storage: str) -> None:
        col = self.column(name)
        if col is None or (storage == "timestamp" and col.type != TIMESTAMP):
            raise ValueError(f"{self.object_name} fields must include "
                             f"{'Id' if name == 'id' else 'SystemModstamp (datetime)'}")

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def versions_table(self) -> str:
        return f"{self.table}_versions"

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def versions_layout(self) -> list[tuple[str, str]]:
        return [(c.name, c.type) for c in self.columns] + list(METADATA_COLUMNS)

    def current_layout(self) -> list[tuple[str, str]]:
        extra = [] if self.column(IS_DELETED) else [(IS_DELETED, BOOLEAN)]
        return [(c.name, c.type) for c in self.columns] + extra + list(METADATA_COLUMNS) + [
            HARD_DELETED_AT]


@dataclass
class SchemaChanges:
    added_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)


def existing_columns(connection: sa.Connection, table: str) -> dict[str, str]:
    """Column name -> canonical storage type; empty when the table does not exist."""
    rows = sql.execute(connection, "staging/select_columns", {"schema": SCHEMA, "table": table})
    return {name: canonical_type(data_type) for name, data_type in rows}


def column_definitions(layout: list[tuple[str, str]]) -> str:
    return ", ".join(f"{quote(name)} {storage}" for name, storage in layout)


def prepare_tables(connection: sa.Connection, engine: str, schema: ObjectSchema) -> SchemaChanges:
    """Create or widen the versions and current tables; raise on type drift before any change."""
    tables = {schema.versions_table: schema.versions_layout(), schema.table: schema.current_layout()}
    existing = {table: existing_columns(connection, table) for table in tables}
    _refuse_type_changes(schema, tables, existing)

    changes = SchemaChanges()
    for table, layout in tables.items():
        if not existing[table]:
            sql.execute(connection, "staging/create_object_table", table=quote(table),
                         column_definitions=column_definitions(layout))
            continue
        for name, storage in layout:
            if name not in existing[table]:
                sql.execute(connection, "staging/add_object_column", table=quote(table),
                             column=quote(name), column_type=storage)
                if name not in changes.added_columns:
                    changes.added_columns.append(name)
    if engine == "postgres":
        # Merges look rows up by key; DuckDB scans fast enough and its indexes slow bulk loads.
        sql.execute(connection, "staging/create_postgres_indexes", table=schema.table,
                     versions=quote(schema.versions_table), current=quote(schema.table))
    sent = set(schema.names)
    changes.missing_columns = [name for name in existing[schema.versions_table]
                               if not name.startswith("_") and name not in sent]
    return changes


def _refuse_type_changes(schema: ObjectSchema, tables: dict[str, list[tuple[str, str]]],
                         existing: dict[str, dict[str, str]]) -> None:
    problems: dict[str, str] = {}
    for table, layout in tables.items():
        for name, storage in layout:
            old = existing[table].get(name)
            if old is None or old == storage or name in problems:
                continue
            col = schema.column(name)
            described = f"{col.field} as {col.salesforce_type} ({storage})" if col else storage
            problems[name] = (f"column {SCHEMA}.{table}.{name} is {old} but Salesforce now "
                              f"describes {described}")
    if problems:
        obj = schema.object_name
        raise SchemaDriftError(
            f"Schema drift in {obj}: " + "; ".join(problems.values())
            + f". Nothing was written for {obj}. "
            f"Fix: drop/rename the column in {SCHEMA}.{schema.versions_table} and "
            f"{SCHEMA}.{schema.table} (e.g. alter table ... rename column <c> to <c>_old), "
            f"or run a full re-extract of {obj} after dropping both tables.")
