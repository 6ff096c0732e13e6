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


def test_progress_shows_per_object_while_the_run_goes_and_ends_complete(emulator, control,
                                                                        duckdb_warehouse):
    """Records landed against Salesforce's COUNT(), as AssetObservations on each object's asset
    (what the UI's run log and asset pages show, and what `make demo` draws its bars from):
    a few per object, not one per page, and the last one complete."""
    import dagster as dg

    control.fault(kind="latency", match="/query", seconds=0.3, next=40)  # a run that takes time
    result = extract(emulator, duckdb_warehouse)
    observations = [e.event_specific_data.asset_observation
                    for e in result.all_events
                    if e.event_type == dg.DagsterEventType.ASSET_OBSERVATION]
    by_object: dict[str, list[dict]] = {}
    for o in observations:
        by_object.setdefault(o.asset_key.path[-1], []).append(
            {k: v.value for k, v in o.metadata.items()})
    assert set(by_object) == {"user", "opportunity_stage", "record_type", "opportunity",
                              "account", "contact", "opportunity_contact_role", "task", "event",
                              "email_message"}
    for name, reports in by_object.items():
        last = reports[-1]
        assert last["state"] == "completed" and last["records_landed"] > 0, (name, reports)
        if "records_expected" in last:  # windowed objects are counted first
            assert last["records_landed"] == last["records_expected"], (name, last)
        assert len(reports) <= 6, (name, len(reports))  # throttled: not one per page
    assert by_object["opportunity"][0]["state"] == "in progress"  # shown while it lands
    landed = {e.asset_key.path[-1]: e.materialization.metadata["rows_landed"].value
              for e in result.get_asset_materialization_events()}
    assert {n: r[-1]["records_landed"] for n, r in by_object.items()} == landed
