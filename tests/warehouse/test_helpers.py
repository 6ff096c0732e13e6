"""The generic SQL helpers the transforms use: same SQL text on both engines."""

import pytest
import sqlalchemy as sa

from resources.staging.sql_files import split_statements


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


def test_run_sql_file_runs_every_statement_in_one_transaction(warehouse, tmp_path):
    script = tmp_path / "build_scores.sql"
    script.write_text(
        "-- Scores per region; a comment with a ; in it.\n"
        "create table staging.region_scores (region varchar, score double precision);\n"
        "insert into staging.region_scores values ('EMEA', :base), ('AMER', :base * 2);\n"
        "/* block comment; still one statement */\n"
        "select region, score from staging.region_scores where score > :floor order by region\n",
        encoding="utf-8")

    rows = warehouse.run_sql_file(script, base=1.5, floor=2)

    assert rows == [{"region": "AMER", "score": 3.0}]
    assert warehouse.row_count("staging", "region_scores") == 2


def test_a_failing_sql_file_leaves_nothing_behind(warehouse, tmp_path):
    script = tmp_path / "broken.sql"
    script.write_text("create table staging.half_done (id varchar);\nselect * from nowhere;\n",
                      encoding="utf-8")

    with pytest.raises(sa.exc.DBAPIError):
        warehouse.run_sql_file(script)
    assert not warehouse.table_exists("staging", "half_done")


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
