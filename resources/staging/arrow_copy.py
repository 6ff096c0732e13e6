"""The fast path for rows: Arrow straight into DuckDB, COPY FROM STDIN into PostgreSQL.

Row-by-row INSERTs through SQLAlchemy manage a few thousand rows a second; these paths manage
hundreds of thousands. Both write into an existing (usually temporary) table on the caller's
connection, so they share its transaction.
"""

import io
import uuid

import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa

from .naming import quote


def copy_into(connection: sa.Connection, engine: str, table: str, rows: pa.Table) -> None:
    """Append `rows` to `table`; Arrow column names must be the table's column names."""
    if rows.num_rows == 0:
        return
    if engine == "duckdb":
        _copy_into_duckdb(connection, table, rows)
    else:
        _copy_into_postgres(connection, table, rows)


def _column_list(rows: pa.Table) -> str:
    return ", ".join(quote(name) for name in rows.column_names)


def _copy_into_duckdb(connection: sa.Connection, table: str, rows: pa.Table) -> None:
    duckdb_connection = connection.connection.driver_connection
    view = f"_arrow_{uuid.uuid4().hex}"
    duckdb_connection.register(view, rows)
    try:
        columns = _column_list(rows)
        connection.execute(sa.text(f"insert into {table} ({columns}) select {columns} from {view}"))
    finally:
        duckdb_connection.unregister(view)


def _copy_into_postgres(connection: sa.Connection, table: str, rows: pa.Table) -> None:
    # CSV keeps NULL (unquoted empty) apart from '' (quoted empty), which COPY honours.
    buffer = io.BytesIO()
    pa_csv.write_csv(rows, buffer, pa_csv.WriteOptions(include_header=False, batch_size=8192))
    buffer.seek(0)
    with connection.connection.driver_connection.cursor() as cursor:
        cursor.copy_expert(f"copy {table} ({_column_list(rows)}) from stdin with (format csv)",
                           buffer)
