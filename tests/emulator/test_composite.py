"""sObject Collections and /composite, called through simple-salesforce's restful()."""

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest


def _opp(sf):
    return sf.query("SELECT Id, OwnerId FROM Opportunity WHERE IsClosed = false LIMIT 1")["records"][0]


def test_collection_create_returns_per_record_results_in_order(sf):
    opp = _opp(sf)
    records = [{"attributes": {"type": "Task"}, "Subject": f"Bulk {i}", "WhatId": opp["Id"]}
               for i in range(3)]
    records.insert(1, {"attributes": {"type": "Task"}, "Subject": "bad", "Priority": "Urgent"})
    results = sf.restful("composite/sobjects", method="POST",
                         json={"allOrNone": False, "records": records})
    assert [r["success"] for r in results] == [True, False, True, True]
    assert results[1]["errors"][0]["statusCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert "id" not in results[1]


def test_collection_all_or_none_rolls_back_every_row(sf):
    before = sf.query("SELECT COUNT() FROM Task WHERE Subject LIKE 'AllOrNone%'")["totalSize"]
    records = [{"attributes": {"type": "Task"}, "Subject": "AllOrNone ok"},
               {"attributes": {"type": "Task"}, "Subject": "AllOrNone bad", "Priority": "Urgent"}]
    results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": True, "records": records})
    assert results[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert sf.query("SELECT COUNT() FROM Task WHERE Subject LIKE 'AllOrNone%'")["totalSize"] == before


def test_collection_upsert_by_external_id(sf):
    records = [{"attributes": {"type": "Task"}, "Dealsync_Key__c": f"coll-{i}", "Subject": "v1"}
               for i in range(2)]
    first = sf.restful("composite/sobjects/Task/Dealsync_Key__c", method="PATCH",
                       json={"allOrNone": False, "records": records})
    assert [r["created"] for r in first] == [True, True]
    again = sf.restful("composite/sobjects/Task/Dealsync_Key__c", method="PATCH",
                       json={"allOrNone": False, "records": records})
    assert [r["created"] for r in again] == [False, False]
    assert [r["id"] for r in again] == [r["id"] for r in first]


def test_collection_rejects_more_than_200_records(sf):
    records = [{"attributes": {"type": "Task"}, "Subject": "x"}] * 201
    with pytest.raises(SalesforceMalformedRequest):
        sf.restful("composite/sobjects", method="POST", json={"allOrNone": False, "records": records})


def test_composite_runs_five_queries_as_one_api_call(sf, control):
    control.reset_counters()
    objects = ["User", "Opportunity", "Account", "Contact", "Task"]
    body = {"compositeRequest": [
        {"method": "GET", "referenceId": o,
         "url": f"/services/data/v59.0/query/?q=SELECT+COUNT()+FROM+{o}"} for o in objects]}
    result = sf.restful("composite", method="POST", json=body)
    assert [r["httpStatusCode"] for r in result["compositeResponse"]] == [200] * 5
    assert all(r["body"]["totalSize"] > 0 for r in result["compositeResponse"])
    assert control.counters()["api_calls"] == 1


def test_composite_refuses_a_sixth_query(sf):
    body = {"compositeRequest": [
        {"method": "GET", "referenceId": f"q{i}",
         "url": "/services/data/v59.0/query/?q=SELECT+Id+FROM+User"} for i in range(6)]}
    with pytest.raises(SalesforceMalformedRequest):
        sf.restful("composite", method="POST", json=body)


def test_composite_reference_ids_chain_subrequests(sf):
    body = {"allOrNone": True, "compositeRequest": [
        {"method": "POST", "url": "/services/data/v59.0/sobjects/Account", "referenceId": "acct",
         "body": {"Name": "Composite Co"}},
        {"method": "POST", "url": "/services/data/v59.0/sobjects/Contact", "referenceId": "ct",
         "body": {"LastName": "Chain", "AccountId": "@{acct.id}"}}]}
    result = sf.restful("composite", method="POST", json=body)["compositeResponse"]
    assert [r["httpStatusCode"] for r in result] == [201, 201]
    contact = sf.Contact.get(result[1]["body"]["id"])
    assert contact["AccountId"] == result[0]["body"]["id"]
