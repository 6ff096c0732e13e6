"""SQL the pipeline runs itself around dbt (state tables, tombstones, purges), from
transforms/state/ and transforms/purge/."""

from functools import cache
from pathlib import Path

import sqlalchemy as sa

from resources.staging.sql_files import split_statements

SQL_DIR = Path(__file__).resolve().parents[2] / "transforms"


@cache
def load(name: str) -> str:
    """transforms/<folder>/<file>.sql by its "folder/file" name."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run(connection: sa.Connection, name: str, params: dict | None = None) -> None:
    for statement in split_statements(load(name)):
        connection.execute(sa.text(statement), params or {})
