"""A read-only copy of the warehouse schema for analysts, published after each DuckDB run.

DuckDB lets one process write a file, and a reader blocks the pipeline's writer (and vice
versa). Analysts therefore read `<warehouse>_snapshot.duckdb`: written to a temporary file and
renamed into place, so a reader sees the previous copy or the new one, never half of one.
PostgreSQL needs none of this: deals and deal_skips are views over one table
(int_deal_placement), so a reader sees one committed state of both.
"""

import os
from pathlib import Path

import sqlalchemy as sa

from resources.staging.naming import quote

SCHEMA = "warehouse"


def snapshot_path(duckdb_path: str) -> Path:
    path = Path(duckdb_path)
    return path.with_name(f"{path.stem}_snapshot{path.suffix or '.duckdb'}")


def publish_snapshot(warehouse, tables: list[str]) -> Path | None:
    """Copy the warehouse models analysts read (`tables`; not staging: it holds email bodies)
    to the snapshot file."""
    if warehouse.engine != "duckdb":
        return None
    target = snapshot_path(warehouse.duckdb_path)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with warehouse.connection() as connection:
        existing = set(connection.execute(sa.text(
            "select table_name from information_schema.tables where table_schema = :schema"),
            {"schema": SCHEMA}).scalars())
        connection.execute(sa.text("set enable_progress_bar = false"))  # not into run logs
        connection.execute(sa.text(f"attach '{_literal(partial)}' as analyst_snapshot"))
        connection.execute(sa.text(f"create schema analyst_snapshot.{SCHEMA}"))
        for name in tables:
            if name in existing:
                table = quote(name)
                connection.execute(sa.text(f"create table analyst_snapshot.{SCHEMA}.{table} as "
                                           f"select * from {SCHEMA}.{table}"))
        # DuckDB detaches only after the copy is committed; the context manager then commits
        # the (empty) transaction opened after it.
        connection.execute(sa.text("commit"))
        connection.execute(sa.text("detach analyst_snapshot"))
        connection.execute(sa.text("begin"))
    os.replace(partial, target)
    return target


def _literal(path: Path) -> str:
    return str(path.resolve()).replace("'", "''")
