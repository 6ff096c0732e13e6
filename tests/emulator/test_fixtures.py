"""Fixtures state an org exactly; loading must keep every stated value and explain bad ones."""

import csv
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from salesforce_emulator.generator.demo import Scale, generate_org
from salesforce_emulator.org import ids
from salesforce_emulator.org.fixtures import load_fixture
from salesforce_emulator.org.store import DELETED_LOG, Store

MINIMAL = Path(__file__).parents[1] / "fixtures" / "minimal_org.json"
NOW = datetime(2025, 6, 1, 12, 0, 0)
USER = {"Username": "u@acme-demo.com", "LastName": "U", "Email": "u@acme-demo.com", "Alias": "u",
        "TimeZoneSidKey": "Europe/London"}


def _one(store: Store, sql: str, params=None):
    return store.con.execute(sql, params or []).fetchone()


def _load(records: dict, tmp_path: Path, store: Store | None = None) -> Store:
    store = store or Store()
    path = tmp_path / "org.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    load_fixture(store, path, now=NOW)
    return store


@pytest.fixture
def minimal() -> Store:
    store = Store()
    assert load_fixture(store, MINIMAL, now=NOW) == {
        "User": 2, "OpportunityStage": 10, "Account": 1, "Contact": 1, "Opportunity": 3,
        "OpportunityContactRole": 1, "Task": 1}
    return store


def test_json_fixture_resolves_refs_including_forward_ones(minimal):
    alice, bob = ids.mint("005", 1), ids.mint("005", 2)
    assert _one(minimal, 'SELECT "ManagerId" FROM "User" WHERE "Id" = ?', [alice]) == (bob,)
    owners = minimal.con.execute(
        'SELECT "Name", "OwnerId" FROM "Opportunity" ORDER BY "Id"').fetchall()
    assert owners == [("Globex - Platform renewal", alice), ("Globex - Pilot", bob),
                      ("Globex - Analytics add-on", alice)]
    role = _one(minimal,
                'SELECT "OpportunityId", "ContactId", "IsPrimary" FROM "OpportunityContactRole"')
    assert role == (ids.mint("006", 1), ids.mint("003", 1), True)
    task = _one(minimal, 'SELECT "WhatId", "WhoId", "AccountId", "IsHighPriority" FROM "Task"')
    assert task == (ids.mint("006", 1), ids.mint("003", 1), ids.mint("001", 1), True)


def test_json_fixture_keeps_stated_values_and_derives_the_rest(minimal):
    renewal = _one(minimal, '''SELECT "Probability", "ExpectedRevenue", "IsClosed",
        "ForecastCategoryName", "FiscalYear", "FiscalQuarter", "CloseDate", "IsDeleted"
        FROM "Opportunity" WHERE "Name" = ?''', ["Globex - Platform renewal"])
    assert renewal == (90, 108_000, False, "Commit", 2025, 1, date(2025, 3, 31), False)
    assert _one(minimal, 'SELECT "IsWon", "Probability" FROM "Opportunity" WHERE "Name" = ?',
                ["Globex - Pilot"]) == (True, 100)
    bob = _one(minimal, 'SELECT "Name", "Email", "IsActive" FROM "User" WHERE "Alias" = ?',
               ["bnune"])
    assert bob == ("Bob Núñez", " bob.nunez@acme-demo.com ", False)
    assert _one(minimal, 'SELECT "Name" FROM "Contact"') == ("Hank Scorpio",)


def test_system_fields_default_to_now_or_the_nearest_given_time(minimal):
    times = 'SELECT "CreatedDate", "LastModifiedDate", "SystemModstamp", "CreatedById" FROM '
    alice = ids.mint("005", 1)
    renewal = _one(minimal, times + '"Opportunity" WHERE "Name" = ?', ["Globex - Platform renewal"])
    assert renewal == (datetime(2025, 1, 15, 10), datetime(2025, 2, 1, 8, 30),
                       datetime(2025, 2, 1, 8, 30), alice)
    assert _one(minimal, times + '"Opportunity" WHERE "Name" = ?', ["Globex - Pilot"]) == (
        datetime(2024, 9, 1, 12), datetime(2024, 9, 1, 12), datetime(2024, 9, 1, 12), alice)
    assert _one(minimal, times + '"Task"') == (NOW, NOW, NOW, alice)
    assert _one(minimal, times + '"User" WHERE "Id" = ?', [alice])[3] == alice  # created itself


def test_store_continues_ids_after_the_fixture(minimal):
    opportunity = minimal.objects["Opportunity"]
    assert minimal.new_id(opportunity) == ids.mint("006", 4)


def test_csv_directory(tmp_path):
    tables = {
        "User": [{"_ref": "ann", **USER, "IsActive": "false"}],
        "OpportunityStage": [{"ApiName": "Closed Won", "IsClosed": "true", "IsWon": "true",
                              "DefaultProbability": "100", "ForecastCategoryName": "Closed"}],
        "Opportunity": [{"Name": "CSV deal", "StageName": "Closed Won", "CloseDate": "2025-02-28",
                         "Amount": "2500.5", "OwnerId": "@ann", "IsDeleted": "true",
                         "SystemModstamp": "2025-03-01T11:00:00.750+0100", "Description": ""}],
    }
    for name, rows in tables.items():
        with (tmp_path / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    store = Store()
    assert load_fixture(store, tmp_path) == {"User": 1, "OpportunityStage": 1, "Opportunity": 1}
    row = _one(store, '''SELECT "OwnerId", "Amount", "IsWon", "IsDeleted", "Description",
        "CreatedDate", "SystemModstamp" FROM "Opportunity"''')
    stamp = datetime(2025, 3, 1, 10)  # UTC, milliseconds dropped as Salesforce does
    assert row == (ids.mint("005", 1), 2500.5, True, True, None, stamp, stamp)
    assert _one(store, f"SELECT * FROM {DELETED_LOG}") == ("Opportunity", ids.mint("006", 1), stamp)
    assert _one(store, 'SELECT "IsActive" FROM "User"') == (False,)


def test_explicit_ids_are_kept_and_minted_ones_skip_them(tmp_path):
    taken = ids.mint("005", 5)
    store = _load({"User": [{**USER, "Id": taken[:15]}, {**USER, "Username": "v@acme-demo.com"}]},
                  tmp_path)
    found = [r[0] for r in store.con.execute('SELECT "Id" FROM "User" ORDER BY "Id"').fetchall()]
    assert found == [taken, ids.mint("005", 6)]


def test_fixture_on_top_of_a_generated_org(tmp_path):
    store = Store()
    generate_org(store, Scale(users=10, accounts=5, opportunities=20, tasks=10, events=5, emails=5),
                 now=NOW)
    _load({"Account": [{"Name": "Extra account"}]}, tmp_path, store)
    assert _one(store, 'SELECT "Id", "CreatedById" FROM "Account" WHERE "Name" = ?',
                ["Extra account"]) == (ids.mint("001", 6), ids.mint("005", 1))


@pytest.mark.parametrize("records, message", [
    ({"Oportunity": [{"Name": "x"}]}, "unknown object 'Oportunity'"),
    ({"User": [USER, {**USER, "_ref": "bad", "Nickname": "x"}]},
     "User record 1 (_ref 'bad'), field 'Nickname': unknown field"),
    ({"User": [{**USER, "Alias": None}]},
     "User record 0, field 'Alias': required field is missing"),
    ({"User": [{**USER, "_ref": "u", "ManagerId": "@nobody"}]},
     "User record 0 (_ref 'u'), field 'ManagerId': unresolved reference '@nobody'"),
    ({"User": [{**USER, "_ref": "u"}], "Account": [{"Name": "A", "ParentId": "@u"}]},
     "Account record 0, field 'ParentId': '@u' is a User, expected Account"),
    ({"User": [{**USER, "IsActive": "maybe"}]}, "User record 0, field 'IsActive': 'maybe' is not"),
    ({"Opportunity": [{"Name": "x", "StageName": "Prospecting", "CloseDate": "31/03/2025"}]},
     "Opportunity record 0, field 'CloseDate': Invalid isoformat"),
    ({"Account": [{"Name": "A", "OwnerId": "not-an-id"}]},
     "Account record 0, field 'OwnerId': 'not-an-id' is not a Salesforce ID"),
    ({"Opportunity": [{"Name": "x", "StageName": "Prospecting", "CloseDate": "2025-03-31",
                       "Is_Large_Deal__c": True}]},
     "field 'Is_Large_Deal__c': is computed by Salesforce"),
    ({"User": [{**USER, "_ref": "u"}, {**USER, "_ref": "u"}]},
     "'u' is already used by User record 0"),
    ({"Account": [{"Name": "A", "Id": ids.mint("006", 1)}]},
     "does not start with Account's key prefix"),
])
def test_bad_fixtures_name_object_record_and_field(tmp_path, records, message):
    store = Store()
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _load(records, tmp_path, store)
    assert all(store.count(obj) == 0 for obj in store.objects.values())  # nothing half-loaded


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no such fixture"):
        load_fixture(Store(), tmp_path / "absent.json")


def test_undated_records_are_visible_to_a_read_in_the_loading_second(tmp_path):
    """A window ends at the current second, exclusive: records loaded in that same second would be
    missed by a backfill started at once (it flaked on a fast CI machine), so they are stamped a
    second before."""
    path = tmp_path / "org.json"
    path.write_text(json.dumps({"User": [USER]}), encoding="utf-8")
    store = Store()
    load_fixture(store, path)
    window_end = store.stamp()  # the second a backfill started now would stop at
    (created, stamp), = store.con.execute(
        'SELECT "CreatedDate", "SystemModstamp" FROM "User"').fetchall()
    assert created == stamp < window_end
