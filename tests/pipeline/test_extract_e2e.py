"""Backfill, then incremental ticks while the org changes: staging must equal the emulator."""

from datetime import datetime, timedelta

import pytest

from tests.support.pipeline import emulator_rows, extract, staged_rows

pytestmark = pytest.mark.slow

CHECKED = ["SystemModstamp", "StageName", "Amount", "IsDeleted", "Name"]


def _iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_backfill_then_ticks_converge_to_the_emulator(emulator, control, warehouse):
    result = extract(emulator, warehouse)
    assert result.success
    assert staged_rows(warehouse, "Opportunity", CHECKED) == emulator_rows(emulator, "Opportunity", CHECKED)

    # Changes between ticks: an update, an insert, a delete, and a late commit whose
    # SystemModstamp sits just behind the high-water mark the first tick will set.
    opps = sorted(emulator_rows(emulator, "Opportunity", ["IsDeleted"]))
    control.update("Opportunity", opps[0], {"StageName": "Negotiation/Review"})
    control.delete("Opportunity", opps[1])
    assert extract(emulator, warehouse, incremental=True).success
    mark = warehouse.get_high_water_mark("Opportunity")
    control.update("Opportunity", opps[2], {"Amount": 4242.0,
                                            "SystemModstamp": _iso(mark - timedelta(minutes=3))})
    control.insert("Opportunity", {"Name": "Late deal", "StageName": "Prospecting",
                                   "CloseDate": "2031-01-01", "OwnerId": _any_user(emulator)})
    import time
    time.sleep(1.1)  # the next tick's window ends at the current second
    assert extract(emulator, warehouse, incremental=True).success

    assert staged_rows(warehouse, "Opportunity", CHECKED) == emulator_rows(emulator, "Opportunity", CHECKED)
    staged = staged_rows(warehouse, "Opportunity", ["IsDeleted"])
    assert staged[opps[1]] == (True,)
    versions = warehouse.scalar("select count(*) from staging.opportunity_versions")
    distinct = warehouse.scalar("select count(*) from (select distinct id, system_modstamp "
                                "from staging.opportunity_versions) v")
    assert versions == distinct


def test_bulk_backfill_lands_the_same_rows_as_rest(emulator, duckdb_warehouse, tmp_path):
    """A threshold of 100 sends every window through Bulk 2.0 CSV (multi-line text included)."""
    from resources.warehouse import WarehouseResource
    from tests.support.pipeline import suite_settings
    bulk = extract(emulator, duckdb_warehouse, suite_settings(bulk_threshold=100))
    apis = {e.materialization.metadata["api"].value for e in bulk.get_asset_materialization_events()}
    assert "bulk" in apis
    rest_wh = WarehouseResource(engine="duckdb", duckdb_path=str(tmp_path / "rest.duckdb"))
    assert extract(emulator, rest_wh).success
    for obj, fields in [("Opportunity", CHECKED + ["Description", "CloseDate", "Probability"]),
                        ("Task", ["Subject", "Description", "ActivityDate", "IsClosed"]),
                        ("EmailMessage", ["TextBody", "MessageDate", "Incoming"])]:
        assert staged_rows(duckdb_warehouse, obj, fields) == staged_rows(rest_wh, obj, fields)


def _any_user(emulator) -> str:
    return emulator.store.con.execute('SELECT "Id" FROM "User" WHERE "IsActive" LIMIT 1').fetchone()[0]
