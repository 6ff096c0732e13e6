"""Poison records: null and malformed Ids, values their field cannot hold, and text that cannot be
stored, as REST query and Bulk 2.0 CSV deliver them; then fixed, they land on a later sync."""

import csv
import io
import json

import pytest


@pytest.fixture
def poisoned(control):
    """Poison records made by a test, fixed (if still poisoned) and purged afterwards."""
    made = []

    def make(sobject: str, kind: str, **spec) -> dict:
        record = control.poison(sobject, kind, **spec)
        made.append(record)
        return record

    yield make
    for record in made:
        control.session.delete(f"{control.base}/poison/{record['object']}/{record['id']}", json={})
        control.delete(record["object"], record["id"], purge=True)


def _rest(sf, soql: str) -> list[dict]:
    return sf.query_all(soql)["records"]


def _bulk_csv(sf, soql: str) -> bytes:
    """Bulk 2.0 result bytes as they come off the wire."""
    base = f"{sf.base_url}jobs/query"
    job = sf.session.post(base, headers=sf.headers, json={"operation": "query", "query": soql}).json()
    for _ in range(200):
        if sf.session.get(f"{base}/{job['id']}", headers=sf.headers).json()["state"] == "JobComplete":
            break
    return sf.session.get(f"{base}/{job['id']}/results", headers=sf.headers).content


def test_null_and_malformed_ids_reach_rest_bulk_and_count(sf, poisoned):
    before = sf.query("SELECT COUNT() FROM Account")["totalSize"]
    null = poisoned("Account", "null_id", values={"Name": "Null id account"})
    bad = poisoned("Account", "malformed_id", values={"Name": "Bad id account"})
    assert null["field"] == "Id" and null["wire_value"] is None
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] == before + 2
    rows = {r["Name"]: r for r in _rest(sf, "SELECT Id, Name FROM Account WHERE Name LIKE '% id account'")}
    assert rows["Null id account"]["Id"] is None
    assert rows["Bad id account"]["Id"] == bad["wire_value"] and len(bad["wire_value"]) not in (15, 18)
    bulk = list(csv.DictReader(io.StringIO(_bulk_csv(
        sf, "SELECT Id, Name FROM Account WHERE Name LIKE '% id account'").decode())))
    assert {r["Name"]: r["Id"] for r in bulk} == {"Null id account": "",
                                                   "Bad id account": bad["wire_value"]}


@pytest.mark.parametrize("field, wire", [("Amount", "12,5"), ("CloseDate", "31/12/2024"),
                                         ("IsPrivate", "yes"),
                                         ("LastStageChangeDate", "2024-13-45T25:61:00.000+0000")])
def test_a_value_its_field_cannot_hold(sf, poisoned, field, wire):
    record = poisoned("Opportunity", "bad_type", field=field,
                      values={"Name": f"Bad {field}", "StageName": "Prospecting"})
    assert record["wire_value"] == wire
    (rest,) = _rest(sf, f"SELECT Id, Name, {field} FROM Opportunity WHERE Name = 'Bad {field}'")
    assert rest[field] == wire
    rows = list(csv.DictReader(io.StringIO(_bulk_csv(
        sf, f"SELECT Id, {field}, Name FROM Opportunity WHERE Name LIKE 'Bad %'").decode())))
    assert {r["Name"]: r[field] for r in rows}[f"Bad {field}"] == wire


def test_text_that_cannot_be_stored(sf, poisoned):
    surrogate = poisoned("Contact", "unpaired_surrogate", value="Lone half", field="LastName")
    nul = poisoned("Contact", "nul_byte", value="Nul byte", field="LastName")
    soql = (f"SELECT Id, LastName FROM Contact WHERE Id IN ('{surrogate['id']}', '{nul['id']}') "
            "ORDER BY Id")
    raw = sf.session.get(f"{sf.base_url}query", params={"q": soql}, headers=sf.headers).content
    assert b"\\ud800" in raw and b"\\u0000" in raw  # escapes as JSON carries them
    names = [r["LastName"] for r in json.loads(raw)["records"]]
    assert names == ["Lone\ud800 half", "Nul \x00byte"]
    body = _bulk_csv(sf, soql.replace(" ORDER BY Id", ""))
    assert b"Lone\xed\xa0\x80 half" in body and b"Nul \x00byte" in body  # not valid UTF-8


def test_a_fixed_record_lands_on_a_later_sync(sf, control, poisoned):
    record = poisoned("Opportunity", "bad_type", field="Amount",
                      values={"Name": "Fix me", "StageName": "Prospecting",
                              "SystemModstamp": "2020-01-01T00:00:00Z"})
    (before,) = _rest(sf, "SELECT Id, Amount, SystemModstamp FROM Opportunity WHERE Name = 'Fix me'")
    control.fix_poison("Opportunity", record["id"], {"Amount": 1250.5})
    (after,) = _rest(sf, "SELECT Id, Amount, SystemModstamp FROM Opportunity WHERE Name = 'Fix me'")
    assert (before["Amount"], after["Amount"]) == ("12,5", 1250.5)
    assert after["SystemModstamp"] > before["SystemModstamp"]
    assert control.session.get(f"{control.base}/poison").json() == []
    null = poisoned("Account", "null_id", values={"Name": "Patched later"})
    control.update("Account", null["id"], {"Name": "Patched later"})  # not the poisoned field
    assert _rest(sf, "SELECT Id FROM Account WHERE Name = 'Patched later'")[0]["Id"] is None
    control.fix_poison("Account", null["id"])
    assert _rest(sf, "SELECT Id FROM Account WHERE Name = 'Patched later'")[0]["Id"] == null["id"]


def test_unknown_kind_or_field_is_a_400(control):
    response = control.session.post(f"{control.base}/poison/Account", json={"kind": "cursed"})
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "INVALID_POISON_KIND"
    response = control.session.post(f"{control.base}/poison/Account",
                                     json={"kind": "bad_type", "field": "Name"})
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "INVALID_FIELD"
