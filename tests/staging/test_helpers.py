"""The generic SQL helpers and the one SQL loader: the same SQL text on both engines."""

import pytest
import sqlalchemy as sa

from transforms import sql
from transforms.sql import split_statements


def test_execute_query_scalar_and_counts(warehouse):
    warehouse.execute("create table staging.deal_notes (id varchar, note varchar, score bigint)")
    warehouse.execute("insert into staging.deal_notes values (:id, :note, :score)",
                      {"id": "a", "note": "it's; fine", "score": 3})

    assert warehouse.query("select * from staging.deal_notes") == [
        {"id": "a", "note": "it's; fine", "score": 3}]
    assert warehouse.scalar("select max(score) from staging.deal_notes") == 3
    assert warehouse.table_exists("staging", "deal_notes")
    assert not warehouse.table_exists("staging", "no_such_table")
    assert warehouse.row_count("staging", "deal_notes") == 1


@pytest.fixture
def sql_files(warehouse, tmp_path, monkeypatch):
    """transforms.sql reading from a scratch folder instead of transforms/ (once the warehouse
    has created its staging schema from the real files)."""
    warehouse.table_exists("staging", "sync_state")
    monkeypatch.setattr(sql, "SQL_ROOT", tmp_path)
    sql.load.cache_clear()
    yield tmp_path
    sql.load.cache_clear()


def test_a_sql_file_runs_every_statement_in_one_transaction(warehouse, sql_files):
    (sql_files / "scores").mkdir()
    (sql_files / "scores" / "build.sql").write_text(
        "-- Scores per region; a comment with a ; in it.\n"
        "create table {table} (region varchar, score double precision);\n"
        "insert into {table} values ('EMEA', :base), ('AMER', :base * 2);\n"
        "/* block comment; still one statement */\n"
        "select region, score from {table} where score > :floor order by region\n",
        encoding="utf-8")

    with warehouse.connection() as connection:
        result = sql.rows(connection, "scores/build", {"base": 1.5, "floor": 2},
                          table="staging.region_scores")

    assert result == [{"region": "AMER", "score": 3.0}]
    assert warehouse.row_count("staging", "region_scores") == 2


def test_a_failing_sql_file_leaves_nothing_behind(warehouse, sql_files):
    (sql_files / "broken.sql").write_text(
        "create table staging.half_done (id varchar);\nselect * from nowhere;\n",
        encoding="utf-8")

    with pytest.raises(sa.exc.DBAPIError):
        with warehouse.connection() as connection:
            sql.execute(connection, "broken")
    assert warehouse.query("select table_name from information_schema.tables "
                           "where table_name = 'half_done'") == []


def test_read_only_connections_read_but_refuse_writes(warehouse):
    warehouse.execute("create table staging.ro_check (id varchar)")
    warehouse.execute("insert into staging.ro_check values ('x')")

    assert warehouse.query("select id from staging.ro_check", read_only=True) == [{"id": "x"}]
    with pytest.raises(sa.exc.DBAPIError, match="read.only"):
        with warehouse.connection(read_only=True) as connection:
            connection.execute(sa.text("insert into staging.ro_check values ('y')"))
    assert warehouse.row_count("staging", "ro_check") == 1


def test_split_statements_respects_quotes_and_comments():
    sql = ("select 'a;b' as x; -- trailing; comment\n"
           "select \"odd;name\" from t /* ; */; select 'it''s;ok'")
    assert split_statements(sql) == ["select 'a;b' as x", 'select "odd;name" from t',
                                      "select 'it''s;ok'"]
