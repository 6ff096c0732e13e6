"""Formula fields that change while SystemModstamp stands still, the org's movable today,
undelete from the recycle bin, and late commits (writes stamped in the past)."""

from datetime import date, datetime, timedelta, timezone

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest


@pytest.fixture
def clock(control):
    yield control
    control.reset_clock()


def _opp(sf, where: str = "IsDeleted = false AND AccountId != null") -> dict:
    return sf.query(f"SELECT Id, AccountId, CreatedDate, SystemModstamp, Account_Industry__c, "
                    f"Days_Open__c FROM Opportunity WHERE {where} ORDER BY Id LIMIT 1")["records"][0]


def test_formula_fields_in_describe(sf):
    fields = {f["name"]: f for f in sf.Opportunity.describe()["fields"]}
    industry, days = fields["Account_Industry__c"], fields["Days_Open__c"]
    assert (industry["type"], days["type"]) == ("string", "double")
    for f in (industry, days):
        assert f["calculated"] is True and f["custom"] is True
        assert f["createable"] is False and f["updateable"] is False
    assert industry["calculatedFormula"] == "TEXT(Account.Industry)"
    assert days["calculatedFormula"] == "TODAY() - DATEVALUE(CreatedDate)"


def test_cross_object_formula_changes_without_the_modstamp(sf, control):
    opp = _opp(sf)
    account = sf.Account.get(opp["AccountId"])
    new = "Finance" if account["Industry"] != "Finance" else "Retail"
    control.update("Account", opp["AccountId"], {"Industry": new})
    try:
        after = _opp(sf, f"Id = '{opp['Id']}'")
        assert after["Account_Industry__c"] == new
        assert after["SystemModstamp"] == opp["SystemModstamp"]
        rows = sf.bulk2.Opportunity.query(f"SELECT Id, Account_Industry__c FROM Opportunity "
                                          f"WHERE Id = '{opp['Id']}'", wait=0.05)
        assert f'"{new}"' in "".join(rows)
    finally:
        control.update("Account", opp["AccountId"], {"Industry": account["Industry"]})


def test_today_formula_follows_the_org_clock(sf, clock):
    opp = _opp(sf)
    created = datetime.strptime(opp["CreatedDate"][:10], "%Y-%m-%d").date()
    today = datetime.now(timezone.utc).date()
    assert opp["Days_Open__c"] == (today - created).days
    moved = clock.set_today(days=30)
    assert moved["today"] == (today + timedelta(days=30)).isoformat()
    later = _opp(sf, f"Id = '{opp['Id']}'")
    assert later["Days_Open__c"] == opp["Days_Open__c"] + 30
    assert later["SystemModstamp"] == opp["SystemModstamp"]
    clock.set_today(today="2040-01-01")
    assert _opp(sf, f"Id = '{opp['Id']}'")["Days_Open__c"] == (date(2040, 1, 1) - created).days
    assert sf.query("SELECT COUNT() FROM Opportunity WHERE CreatedDate = TODAY")["totalSize"] == 0


def test_writing_formula_and_read_only_fields_names_the_field(sf):
    opp = _opp(sf)["Id"]
    for field in ("Account_Industry__c", "Days_Open__c", "IsClosed", "ExpectedRevenue"):
        with pytest.raises(SalesforceMalformedRequest) as info:
            sf.Opportunity.update(opp, {field: 1})
        error = info.value.content[0]
        assert error["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE" and error["fields"] == [field]
        assert f"Unable to update fields: {field}" in error["message"]


def test_plain_profile_has_no_formula_fields(sf, control):
    control.profile("plain")
    try:
        names = {f["name"] for f in sf.Opportunity.describe()["fields"]}
        assert not {"Account_Industry__c", "Days_Open__c"} & names
    finally:
        control.reset_profile()


def test_undelete_restores_cascade_and_moves_the_modstamp(sf, control, emulator):
    opp = sf.Opportunity.create({"Name": "Undelete me", "StageName": "Prospecting",
                                 "CloseDate": "2031-01-01"})["id"]
    task = sf.Task.create({"Subject": "Child", "WhatId": opp})["id"]
    store, when = emulator.store, datetime(2021, 1, 1, 12, 0, 0)
    for name, record_id in (("Opportunity", opp), ("Task", task)):  # a cascade: one moment
        store.delete(store.objects[name], record_id, stamp=when)
    gone = sf.query_all(f"SELECT IsDeleted, SystemModstamp FROM Opportunity WHERE Id = '{opp}'",
                        include_deleted=True)["records"][0]
    assert gone["IsDeleted"] is True and gone["SystemModstamp"] == "2021-01-01T12:00:00.000+0000"
    assert control.undelete("Opportunity", opp) == [opp, task]
    back = sf.query_all(f"SELECT IsDeleted, SystemModstamp FROM Opportunity WHERE Id = '{opp}'",
                        include_deleted=True)["records"][0]
    assert back["IsDeleted"] is False and back["SystemModstamp"] > gone["SystemModstamp"]
    assert sf.Task.get(task)["IsDeleted"] is False
    utc = when.replace(tzinfo=timezone.utc)
    deleted = sf.Opportunity.deleted(utc - timedelta(days=1), utc + timedelta(days=1))
    assert opp not in [d["id"] for d in deleted["deletedRecords"]]
    response = control.session.post(f"{control.base}/undelete/Opportunity/{opp}")
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "UNDELETE_FAILED"
    control.delete("Opportunity", opp, purge=True)
    control.delete("Task", task, purge=True)


def test_late_commits_are_possible(sf, control):
    """A write committed late: SystemModstamp in the past, behind a sync's high-water mark."""
    (created,) = control.insert("Account", [{"Name": "Late commit",
                                            "SystemModstamp": "2021-03-04T05:06:07Z"}])
    row = sf.query(f"SELECT SystemModstamp FROM Account WHERE Id = '{created}'")["records"][0]
    assert row["SystemModstamp"] == "2021-03-04T05:06:07.000+0000"
    control.update("Account", created, {"Phone": "555", "SystemModstamp": "2021-03-05T00:00:00Z"})
    row = sf.query(f"SELECT Phone, SystemModstamp FROM Account WHERE Id = '{created}'")["records"][0]
    assert (row["Phone"], row["SystemModstamp"]) == ("555", "2021-03-05T00:00:00.000+0000")
    control.delete("Account", created, purge=True)
