"""The daily reconciliation leaves nothing stale: late commits beyond the tick lookback, missed
deletes and undeletes, purged records and formula values that moved without SystemModstamp."""

import time
from datetime import datetime, timedelta, timezone

import pytest
from salesforce_emulator.client import connect

from resources.settings import Settings
from tests.support.pipeline import (
    emulator_rows,
    extract,
    reconcile,
    staged_rows,
    suite_settings,
)

pytestmark = pytest.mark.slow  # end to end: make test runs it, make check does not

CHECKED = ["SystemModstamp", "IsDeleted", "LastName"]
FORMULAS = ["Account_Industry__c", "Days_Open__c"]


def _wire(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _metadata(result) -> dict:
    return result.get_asset_materialization_events()[0].materialization.metadata


def test_late_commits_deletes_and_undeletes_beyond_the_lookback_are_read_again(
        emulator, control, warehouse):
    store, contact = emulator.store, emulator.store.objects["Contact"]
    ids = sorted(emulator_rows(emulator, "Contact", ["IsDeleted"]))
    undeleted = ids[3]
    store.delete(contact, undeleted, stamp=datetime(2024, 5, 1))  # deleted before the first sync
    assert extract(emulator, warehouse).success
    assert staged_rows(warehouse, "Contact", CHECKED) == emulator_rows(emulator, "Contact", CHECKED)

    # Committed now, stamped 25 minutes ago: behind the mark by more than the 10-minute lookback.
    late = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=25)
    (inserted,) = control.insert("Contact", [{"LastName": "Late insert",
                                              "SystemModstamp": _wire(late)}])
    control.update("Contact", ids[0], {"LastName": "Late update", "SystemModstamp": _wire(late)})
    store.delete(contact, ids[1], stamp=late.replace(tzinfo=None))
    store.undelete(contact, undeleted, stamp=late.replace(tzinfo=None))
    control.delete("Contact", ids[2], purge=True)
    time.sleep(1.1)
    assert extract(emulator, warehouse, incremental=True).success
    staged = staged_rows(warehouse, "Contact", CHECKED)
    assert inserted not in staged and staged[ids[0]][2] != "Late update"  # the gap it closes

    result = reconcile(emulator, warehouse)

    assert result.success
    contacts = _metadata(result)["by_object"].value["Contact"]
    assert contacts["reasons"] == {"missing": 1, "older in staging": 3}
    assert contacts["purged"] == 1 and contacts["api"] == "rest"
    truth = emulator_rows(emulator, "Contact", CHECKED)
    staged = staged_rows(warehouse, "Contact", CHECKED)
    assert {i: row for i, row in staged.items() if i != ids[2]} == truth
    assert staged[ids[2]][1] is True  # purged: kept, marked deleted
    assert staged[undeleted][1] is False and staged[ids[1]][1] is True

    again = reconcile(emulator, warehouse)  # converged: nothing left to correct
    assert _metadata(again)["records_corrected"].value == 0


def _formula_settings() -> Settings:
    base = suite_settings().model_dump()
    base["objects"]["Opportunity"] = {"fields": "all"}
    return Settings.model_validate(base)


def _org_formulas(sf) -> dict[str, tuple]:
    rows = sf.query_all(f"SELECT Id, {', '.join(FORMULAS)} FROM Opportunity",
                        include_deleted=True)["records"]
    return {r["Id"]: tuple(r[f] for f in FORMULAS) for r in rows}


def test_formula_values_that_changed_without_the_modstamp_are_refreshed(emulator, control,
                                                                         warehouse):
    settings, sf_client = _formula_settings(), connect(emulator)
    assert extract(emulator, warehouse, settings).success
    before = staged_rows(warehouse, "Opportunity", ["SystemModstamp"])
    opportunity = sf_client.query("SELECT Id, AccountId FROM Opportunity WHERE AccountId != null "
                                  "AND IsDeleted = false LIMIT 1")["records"][0]
    account = sf_client.Account.get(opportunity["AccountId"])
    control.update("Account", account["Id"],
                   {"Industry": "Finance" if account["Industry"] != "Finance" else "Retail"})
    control.set_today(days=3)  # Days_Open__c = TODAY() - CreatedDate moves for every deal
    try:
        result = reconcile(emulator, warehouse, settings)
        truth = _org_formulas(sf_client)
    finally:
        control.reset_clock()

    assert result.success
    opportunities = _metadata(result)["by_object"].value["Opportunity"]
    assert opportunities["formula_fields"] == sorted([*FORMULAS, "Is_Large_Deal__c"])
    assert opportunities["reasons"] == {"formula values changed": len(truth)}
    assert staged_rows(warehouse, "Opportunity", FORMULAS) == truth
    assert staged_rows(warehouse, "Opportunity", ["SystemModstamp"]) == before  # same versions
    versions = warehouse.scalar("select count(*) from staging.opportunity_versions")
    assert versions == len(before)  # a refreshed formula rewrites its version, adds none


def test_records_older_than_the_synced_history_are_not_missing(emulator, warehouse):
    settings = suite_settings(backfill_period="skip")
    assert extract(emulator, warehouse, settings, incremental=True).success

    result = reconcile(emulator, warehouse, settings)

    assert result.success
    assert _metadata(result)["records_corrected"].value == 0
