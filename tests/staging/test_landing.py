"""Landing every version and keeping current state, on DuckDB and PostgreSQL."""

import math
from datetime import date, datetime, timedelta, timezone

import pyarrow as pa
import pytest

from resources.warehouse import BatchSchemaError, WarehouseResource
from tests.staging.records import (
    FEBRUARY,
    JANUARY,
    OPPORTUNITY_FIELDS,
    USER_FIELDS,
    compare_with_org,
    current_rows,
    duplicate_versions,
    land,
    opp_id,
    opportunity,
    sf_id,
    table,
)

T0 = datetime(2024, 1, 10, 9, 0)


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


def january_batches() -> list[pa.Table]:
    """Four batches; opportunity 2 changes twice within the window, 4 is deleted."""
    return [
        table([opportunity(1, minutes(1)), opportunity(2, minutes(2))]),
        table([opportunity(3, minutes(3)), opportunity(2, minutes(4), StageName="Qualification")]),
        table([opportunity(4, minutes(5)), opportunity(5, minutes(6))]),
        table([opportunity(4, minutes(7), IsDeleted=True),
               opportunity(2, minutes(8), StageName="Closed Won", IsWon=True)]),
    ]


def expected_current(batches: list[pa.Table]) -> list[dict]:
    latest: dict[str, dict] = {}
    for batch in batches:
        for row in batch.to_pylist():
            if row["Id"] not in latest or row["SystemModstamp"] > latest[row["Id"]]["SystemModstamp"]:
                latest[row["Id"]] = row
    return [{"id": r["Id"], "system_modstamp": r["SystemModstamp"], "is_deleted": r["IsDeleted"],
             "amount": r["Amount"]} for _, r in sorted(latest.items())]


def test_land_writes_every_version_and_the_latest_per_id(warehouse):
    result = land(warehouse, *january_batches())

    assert (result.rows_landed, result.batches) == (8, 4)
    # Per batch: 1,2 new | 3 new, 2 newer | 4,5 new | 4 newer and deleted, 2 newer.
    assert (result.inserted, result.updated, result.deleted) == (5, 3, 1)
    assert (result.min_system_modstamp, result.max_system_modstamp) == (minutes(1), minutes(8))
    assert result.table == "staging.opportunity"
    assert warehouse.row_count("staging", "opportunity_versions") == 8
    assert current_rows(warehouse) == expected_current(january_batches())
    stage = warehouse.scalar("select stage_name from staging.opportunity where id = :id",
                             {"id": opp_id(2)})
    assert stage == "Closed Won"
    meta = warehouse.query("select distinct _window_start, _window_end, _run_id, _api "
                           "from staging.opportunity_versions")
    assert meta == [{"_window_start": JANUARY[0], "_window_end": JANUARY[1], "_run_id": "run-1",
                     "_api": "bulk2"}]


def test_rerunning_a_window_replaces_versions_instead_of_duplicating(warehouse):
    land(warehouse, *january_batches())
    again = land(warehouse, *january_batches(), run_id="run-2")

    assert (again.rows_landed, again.inserted, again.updated, again.deleted) == (8, 0, 0, 0)
    assert warehouse.row_count("staging", "opportunity_versions") == 8
    assert duplicate_versions(warehouse) == 0
    assert current_rows(warehouse) == expected_current(january_batches())
    assert warehouse.query("select distinct _run_id from staging.opportunity_versions") == [
        {"_run_id": "run-2"}]


def test_a_run_that_dies_half_way_converges_after_a_full_rerun(warehouse):
    batches = january_batches()

    def dies_after_two_batches():
        yield batches[0]
        yield batches[1]
        raise ConnectionError("Salesforce went away")

    with pytest.raises(ConnectionError):
        warehouse.land("Opportunity", OPPORTUNITY_FIELDS, dies_after_two_batches(),
                       window_start=JANUARY[0], window_end=JANUARY[1], run_id="run-1", api="bulk2")
    # Committed batches stay, and current state already matches them.
    assert warehouse.row_count("staging", "opportunity_versions") == 4
    assert current_rows(warehouse) == expected_current(batches[:2])

    rerun = land(warehouse, *batches, run_id="run-2")

    assert warehouse.row_count("staging", "opportunity_versions") == 8
    assert duplicate_versions(warehouse) == 0
    assert current_rows(warehouse) == expected_current(batches)
    # Batches 1-2 are already there; 4 and 5 are new, then 4 (deleted) and 2 get newer versions.
    assert (rerun.inserted, rerun.updated, rerun.deleted) == (2, 2, 1)


def test_backfilling_an_older_window_keeps_history_but_not_current(warehouse):
    february = opportunity(1, datetime(2024, 2, 3), StageName="Negotiation")
    land(warehouse, table([february]), window=FEBRUARY)

    backfill = land(warehouse, table([opportunity(1, minutes(1))]), window=JANUARY, run_id="bf")

    assert (backfill.inserted, backfill.updated) == (0, 0)
    assert warehouse.row_count("staging", "opportunity_versions") == 2
    assert warehouse.query("select stage_name, _window_start from staging.opportunity") == [
        {"stage_name": "Negotiation", "_window_start": FEBRUARY[0]}]


def test_current_state_update_touches_only_the_ids_in_the_batch(warehouse):
    land(warehouse, table([opportunity(n, minutes(n)) for n in (1, 2, 3)]))

    result = land(warehouse, table([opportunity(2, minutes(30), Amount=5.0)]), run_id="run-2")

    assert (result.inserted, result.updated) == (0, 1)
    assert warehouse.query("select id, _run_id, amount from staging.opportunity order by id") == [
        {"id": opp_id(1), "_run_id": "run-1", "amount": 1000.0},
        {"id": opp_id(2), "_run_id": "run-2", "amount": 5.0},
        {"id": opp_id(3), "_run_id": "run-1", "amount": 3000.0},
    ]


def test_deleted_records_land_as_versions_and_flag_current_state(warehouse):
    land(warehouse, table([opportunity(1, minutes(1)), opportunity(2, minutes(2))]))

    deleted = land(warehouse, table([opportunity(1, minutes(10), IsDeleted=True)]), run_id="del")
    assert (deleted.updated, deleted.deleted) == (1, 1)
    assert warehouse.query("select id, is_deleted from staging.opportunity order by id") == [
        {"id": opp_id(1), "is_deleted": True}, {"id": opp_id(2), "is_deleted": False}]
    assert warehouse.row_count("staging", "opportunity_versions") == 3

    restored = land(warehouse, table([opportunity(1, minutes(20))]), run_id="undelete")
    assert (restored.updated, restored.deleted) == (1, 0)
    assert warehouse.scalar("select is_deleted from staging.opportunity where id = :id",
                            {"id": opp_id(1)}) is False


def test_objects_without_is_deleted_get_false(warehouse):
    users = table([{"Id": sf_id("005", 1), "Username": "ada@example.com", "IsActive": True,
                    "SystemModstamp": minutes(1)}], USER_FIELDS)

    result = land(warehouse, users, fields=USER_FIELDS, object_name="User")

    assert result.table == "staging.user"
    assert warehouse.query("select username, is_deleted, _hard_deleted_at from staging.user") == [
        {"username": "ada@example.com", "is_deleted": False, "_hard_deleted_at": None}]
    versions = warehouse.query("select column_name from information_schema.columns "
                               "where table_schema = 'staging' and table_name = 'user_versions'")
    assert "is_deleted" not in {row["column_name"] for row in versions}


def test_a_version_repeated_inside_a_batch_lands_once(warehouse):
    twice = table([opportunity(1, minutes(1), Amount=1.0), opportunity(1, minutes(1), Amount=2.0)])

    result = land(warehouse, twice)

    assert result.rows_landed == 1
    assert warehouse.query("select amount from staging.opportunity_versions") == [{"amount": 2.0}]


def test_rebuild_current_matches_incremental_state(warehouse):
    land(warehouse, *january_batches())
    land(warehouse, table([opportunity(3, datetime(2024, 2, 2), Amount=7.0)]), window=FEBRUARY)
    compare_with_org(warehouse, *({"Id": opp_id(n), "SystemModstamp": datetime(2024, 1, 5),
                                   "IsDeleted": False} for n in (1, 2, 4, 5)))  # 3 purged
    columns = "id, system_modstamp, is_deleted, amount, stage_name, _run_id, _hard_deleted_at"
    incremental = current_rows(warehouse, columns=columns)

    assert warehouse.rebuild_current("Opportunity") == 5
    assert current_rows(warehouse, columns=columns) == incremental


def test_batches_that_do_not_match_fields_are_rejected_before_writing(warehouse):
    land(warehouse, table([opportunity(1, minutes(1))]))
    missing_amount = table([opportunity(2, minutes(2))]).drop_columns(["Amount"])
    wrong_type = table([opportunity(3, minutes(3))]).set_column(
        4, "Amount", pa.array(["lots"], pa.string()))
    no_modstamp = table([opportunity(4, None)])

    for bad, message in ((missing_amount, "missing \\['Amount'\\]"),
                         (wrong_type, "Amount arrived as Arrow string"),
                         (no_modstamp, "without system_modstamp")):
        with pytest.raises(BatchSchemaError, match=message):
            land(warehouse, bad)
    assert warehouse.row_count("staging", "opportunity_versions") == 1


def test_aware_windows_and_record_batches_are_accepted(warehouse):
    batch = table([opportunity(1, minutes(1))]).to_batches()[0]
    warehouse.land("Opportunity", OPPORTUNITY_FIELDS, [batch],
                   window_start=datetime(2024, 1, 1, 1, tzinfo=timezone(timedelta(hours=1))),
                   window_end=datetime(2024, 2, 1, tzinfo=timezone.utc), run_id="r", api="rest")

    assert warehouse.query("select _window_start, _window_end from staging.opportunity") == [
        {"_window_start": datetime(2024, 1, 1), "_window_end": datetime(2024, 2, 1)}]


TRICKY_ROWS = [
    opportunity(1, datetime(2024, 1, 2, 3, 4, 5, 678000), Name="", Region__c=None),
    opportunity(2, datetime(2024, 1, 2, 3, 4, 6), Name='Quote "Q-1", phase\n2', Amount=None),
    opportunity(3, datetime(2024, 1, 2, 3, 4, 7), Name="Zürich — 東京 ✓", Amount=math.inf,
                Probability=-0.0, FiscalYear=-(2**53), CloseDate=date(1970, 1, 1)),
    opportunity(4, datetime(2024, 1, 2, 3, 4, 8), Name="nul\x00byte", IsWon=None,
                Amount=1e-12, LastStageChangeDate=None, FiscalYear=2**62),
]


def test_both_engines_store_identical_rows(duckdb_warehouse, postgres_warehouse):
    snapshots = []
    for warehouse in (duckdb_warehouse, postgres_warehouse):
        land(warehouse, table(TRICKY_ROWS[:2]), table(TRICKY_ROWS[2:]))
        land(warehouse, table([opportunity(2, datetime(2024, 1, 3), IsDeleted=True)]), run_id="r2")
        snapshots.append([
            warehouse.query("select * from staging.opportunity_versions "
                            "order by id, system_modstamp"),
            warehouse.query("select * from staging.opportunity order by id"),
        ])
    for snapshot in snapshots:  # landing time differs between the two runs by design
        for rows in snapshot:
            for row in rows:
                row.pop("_extracted_at")
    assert snapshots[0] == snapshots[1]
    versions = snapshots[0][0]
    assert [row["name"] for row in versions[:2]] == ["", 'Quote "Q-1", phase\n2']
    assert versions[0]["region__c"] is None and versions[0]["name"] == ""
    assert versions[-1]["name"] == "nulbyte"
    assert versions[0]["last_stage_change_date"] == datetime(2024, 1, 2, 3, 4, 5, 678000)


def test_land_inside_a_dagster_asset_reports_metadata(duckdb_warehouse):
    import dagster as dg

    @dg.asset
    def sf_opportunity(context: dg.AssetExecutionContext,
                       warehouse: WarehouseResource) -> dg.MaterializeResult:
        result = land(warehouse, *january_batches(), run_id=context.run.run_id)
        return dg.MaterializeResult(metadata=result.metadata())

    run = dg.materialize([sf_opportunity], resources={"warehouse": duckdb_warehouse})

    metadata = run.asset_materializations_for_node("sf_opportunity")[0].metadata
    assert metadata["dagster/row_count"].value == 8
    assert metadata["inserted"].value == 5
    assert metadata["max_system_modstamp"].value == minutes(8).isoformat()
    assert metadata["missing_columns"].value == ""


def test_a_window_without_changes_still_creates_the_tables(warehouse):
    result = land(warehouse)

    assert (result.rows_landed, result.batches, result.min_system_modstamp) == (0, 0, None)
    assert warehouse.row_count("staging", "opportunity_versions") == 0
    assert warehouse.row_count("staging", "opportunity") == 0
