"""Load the sync-back SQL (transforms/sync_back/) and run it on a warehouse connection.

As in staging, files are templated only for identifiers and trusted settings text (`{condition}`
is a rule's `when`); values always travel as bind parameters.
"""

from functools import cache
from pathlib import Path

import sqlalchemy as sa

from resources.staging.sql_files import split_statements

SQL_DIR = Path(__file__).resolve().parents[2] / "transforms" / "sync_back"


@cache
def load(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def render(name: str, **identifiers: str) -> list[str]:
    """The statements of transforms/sync_back/<name>.sql, comments dropped, placeholders filled."""
    return [s.format_map(identifiers) if identifiers else s for s in split_statements(load(name))]


def execute(connection: sa.Connection, name: str, params: dict | list | None = None,
            **identifiers: str) -> sa.CursorResult:
    """Run every statement of a file on `connection`; returns the last result."""
    result = None
    for statement in render(name, **identifiers):
        result = connection.execute(sa.text(statement), params or {})
    return result


def rows(connection: sa.Connection, name: str, params: dict | None = None,
         **identifiers: str) -> list[dict]:
    return [dict(r) for r in execute(connection, name, params, **identifiers).mappings()]


def ensure_tables(warehouse) -> None:
    """Create the sync_back schema and tables if missing (idempotent, race-safe on PostgreSQL)."""
    from resources.staging.connections import retry_on_ddl_race

    def create() -> None:
        with warehouse.connection() as connection:
            execute(connection, "create_tables")

    retry_on_ddl_race(create)
