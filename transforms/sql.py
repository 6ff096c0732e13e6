"""Load `transforms/<area>/<name>.sql`, split it into statements, and run it.

Files are templated only for identifiers (`{versions}`, `{columns}`, ...), which the caller
quotes before formatting, and for trusted settings text (a rule's `{condition}`); values always
travel as bind parameters (`:run_id`). The same text runs on DuckDB and PostgreSQL.
"""

from functools import cache
from pathlib import Path

import sqlalchemy as sa

# Not `transforms.__file__` alone: an editable install can import a folder without __init__ as a
# namespace package; this module always has a file.
SQL_ROOT = Path(__file__).resolve().parent


@cache
def load(name: str) -> str:
    """The text of transforms/<name>.sql, e.g. load("staging/merge_versions")."""
    return (SQL_ROOT / f"{name}.sql").read_text(encoding="utf-8")


def statements(name: str, **identifiers: str) -> list[str]:
    """The statements of a file, comments dropped, placeholders filled (when any are given)."""
    return [s.format_map(identifiers) if identifiers else s
            for s in split_statements(load(name))]


def statement(name: str, **identifiers: str) -> str:
    """The single statement of a one-statement file."""
    (only,) = statements(name, **identifiers)
    return only


def execute(connection: sa.Connection, name: str, params: dict | list | None = None,
            **identifiers: str) -> sa.CursorResult:
    """Run every statement of a file on `connection`; returns the last result."""
    result = None
    for text in statements(name, **identifiers):
        result = connection.execute(sa.text(text), params or {})
    return result


def rows(connection: sa.Connection, name: str, params: dict | None = None,
         **identifiers: str) -> list[dict]:
    return [dict(r) for r in execute(connection, name, params, **identifiers).mappings()]


def split_statements(sql: str) -> list[str]:
    """Split on `;` outside quotes and comments, so one file can hold a statement family.

    SQLAlchemy's text() runs one statement at a time on both drivers.
    """
    statements_, current, i, n = [], [], 0, len(sql)
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
            statements_.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    statements_.append("".join(current))
    return [s.strip() for s in statements_ if s.strip()]
