"""Full rebuild of an object's current state from its version history.

The incremental path (landing.py) is what runs every refresh; a rebuild repairs current state
after manual edits, a restore of the versions table, or a change to the current-state rules.
"""

import sqlalchemy as sa

from transforms import sql

from .naming import quote, table_name
from .schema import IS_DELETED, METADATA_COLUMNS, existing_columns


def rebuild_current(connection: sa.Connection, object_name: str) -> int:
    """Replace staging.<t> with the newest version per id; returns its row count."""
    table = table_name(object_name)
    versions = existing_columns(connection, f"{table}_versions")
    if not versions:
        raise ValueError(f"{object_name} has no staging.{table}_versions table; land it first")
    metadata = {name for name, _ in METADATA_COLUMNS}
    fields = [name for name in versions if name not in metadata]
    other = [quote(name) for name in fields if name != IS_DELETED]
    current_columns = other + [quote(IS_DELETED)] + [quote(name) for name, _ in METADATA_COLUMNS]
    result = sql.execute(connection, "staging/rebuild_current",
        versions=quote(f"{table}_versions"), current=quote(table),
        other_columns=", ".join(other), current_columns=", ".join(current_columns),
        is_deleted="coalesce(is_deleted, false)" if IS_DELETED in versions else "false")
    return int(result.scalar_one())
