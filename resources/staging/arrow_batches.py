"""Check and normalise one extracted Arrow batch before it touches the warehouse.

Everything that can reject a batch happens here, in memory, so a bad batch never leaves a
half-written window behind.
"""

import pyarrow as pa
import pyarrow.compute as pc

from .schema import BatchSchemaError, Column, ObjectSchema
from .types import ARROW_TYPES, BIGINT, BOOLEAN, DATE, DOUBLE, TIMESTAMP, VARCHAR

_ACCEPTS = {
    VARCHAR: lambda t: pa.types.is_string(t) or pa.types.is_large_string(t)
    or pa.types.is_string_view(t),
    BOOLEAN: pa.types.is_boolean,
    BIGINT: pa.types.is_integer,
    DOUBLE: lambda t: pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_decimal(t),
    DATE: pa.types.is_date,
    TIMESTAMP: pa.types.is_timestamp,
}


def conform_batch(schema: ObjectSchema, batch: pa.Table) -> pa.Table:
    """Warehouse column names and types, NUL-free strings, one row per (id, system_modstamp)."""
    sent, declared = set(batch.column_names), {c.field for c in schema.columns}
    if sent != declared:
        raise BatchSchemaError(
            f"{schema.object_name} batch columns do not match its fields: "
            f"missing {sorted(declared - sent)}, unexpected {sorted(sent - declared)}")
    rows = pa.table({c.name: _conform_column(schema, c, batch.column(c.field))
                     for c in schema.columns})
    for key in ("id", "system_modstamp"):
        if rows.column(key).null_count:
            raise BatchSchemaError(f"{schema.object_name} batch has rows without {key}")
    return _last_row_per_version(rows)


def _conform_column(schema: ObjectSchema, col: Column, values: pa.ChunkedArray) -> pa.ChunkedArray:
    source = values.type
    target = ARROW_TYPES[col.type]
    if pa.types.is_null(source):
        return pa.chunked_array([pa.nulls(len(values), target)])
    if not _ACCEPTS[col.type](source):
        raise BatchSchemaError(
            f"{schema.object_name}.{col.field} arrived as Arrow {source}, which does not fit its "
            f"Salesforce type {col.salesforce_type} ({col.type})")
    if col.type == TIMESTAMP:
        # Naive UTC; keep the unit (DuckDB and PostgreSQL both hold microseconds) except ns.
        target = pa.timestamp("us" if source.unit == "ns" else source.unit)
        return values.cast(target, safe=source.unit != "ns")
    values = values.cast(target)
    if col.type == VARCHAR and pc.any(pc.match_substring(values, "\x00")).as_py():
        # PostgreSQL text cannot hold NUL; strip it on both engines so they stay identical.
        values = pc.replace_substring(values, "\x00", "")
    return values


def _last_row_per_version(rows: pa.Table) -> pa.Table:
    keys = ["id", "system_modstamp"]
    if rows.group_by(keys).aggregate([]).num_rows == rows.num_rows:
        return rows
    numbered = rows.append_column("_row", pa.array(range(rows.num_rows), pa.int64()))
    last = numbered.group_by(keys).aggregate([("_row", "max")]).column("_row_max")
    return rows.take(pc.take(last, pc.sort_indices(last)))  # keep the batch's row order
