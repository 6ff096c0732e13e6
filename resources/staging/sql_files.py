"""Load the staging SQL from transforms/staging/*.sql and split files into statements.

Staging SQL is templated only for identifiers (`{versions}`, `{columns}`, ...), which Python
quotes before formatting; values always travel as bind parameters (`:run_id`).
"""

from functools import cache
from pathlib import Path

import sqlalchemy as sa

# `resources` and `transforms` are sibling top-level packages (source tree and wheel alike). Not
# `transforms.__file__`: the editable install can import it as a namespace package without one.
STAGING_SQL_DIR = Path(__file__).resolve().parents[2] / "transforms" / "staging"


@cache
def load_sql(name: str) -> str:
    return (STAGING_SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def render(name: str, **identifiers: str) -> list[str]:
    """The statements of transforms/staging/<name>.sql with identifier placeholders filled in.

    Comments are dropped first, so they may mention placeholders freely.
    """
    return [statement.format_map(identifiers) for statement in split_statements(load_sql(name))]


def split_statements(sql: str) -> list[str]:
    """Split on `;` outside quotes and comments, so one file can hold a statement family.

    SQLAlchemy's text() runs one statement at a time on both drivers.
    """
    statements, current, i, n = [], [], 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end == -1 else end
            continue
        if ch == "/" and sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end == -1 else end + 2
            current.append(" ")
            continue
        if ch in ("'", '"'):
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:  # doubled quote inside a literal
                        end += 2
                        continue
                    break
                end += 1
            current.append(sql[i:end + 1])
            i = end + 1
            continue
        if ch == ";":
            statements.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    statements.append("".join(current))
    return [s.strip() for s in statements if s.strip()]


def execute_file(connection: sa.Connection, name: str, params: dict | None = None,
                 **identifiers: str) -> sa.CursorResult:
    """Run every statement of a staging SQL file on `connection`; return the last result."""
    result = None
    for statement in render(name, **identifiers):
        result = connection.execute(sa.text(statement), params or {})
    return result
