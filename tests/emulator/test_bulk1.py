"""Bulk API 1.0 through simple-salesforce's `sf.bulk` (JSON jobs), and CSV / XML jobs by hand."""

import csv
import io
import xml.etree.ElementTree as ET

import requests

NS = "{http://www.force.com/2009/06/asyncapi/dataload}"


def test_query_and_query_all(sf):
    total = sf.query("SELECT COUNT() FROM Account")["totalSize"]
    records = sf.bulk.Account.query("SELECT Id, Name, CreatedDate, Owner.Email FROM Account", wait=0.05)
    assert len(records) == total
    first = records[0]
    assert first["attributes"]["type"] == "Account" and first["Id"].startswith("001")
    assert isinstance(first["CreatedDate"], int)  # Bulk 1.0 JSON: epoch milliseconds
    assert "Email" in first["Owner"]
    live = len(sf.bulk.Opportunity.query("SELECT Id FROM Opportunity", wait=0.05))
    everything = sf.bulk.Opportunity.query_all("SELECT Id, IsDeleted FROM Opportunity", wait=0.05)
    assert len(everything) > live and any(r["IsDeleted"] for r in everything)


def test_insert_update_upsert_end_to_end(sf):
    opp = sf.query("SELECT Id FROM Opportunity LIMIT 1")["records"][0]["Id"]
    inserted = sf.bulk.Task.insert([{"Subject": "Bulk 1.0 a", "WhatId": opp},
                                    {"Subject": "Bulk 1.0 b", "Priority": "Urgent"}])
    assert inserted[0]["success"] is True and inserted[0]["created"] is True
    assert inserted[1]["success"] is False
    assert inserted[1]["errors"][0]["statusCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    task = inserted[0]["id"]
    updated = sf.bulk.Task.update([{"Id": task, "Subject": "Bulk 1.0 updated"},
                                   {"Id": task, "IsClosed": True}])
    assert updated[0] == {"success": True, "created": False, "id": task, "errors": []}
    assert updated[1]["errors"][0]["statusCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert sf.Task.get(task)["Subject"] == "Bulk 1.0 updated"
    upserted = sf.bulk.Task.upsert([{"Dealsync_Key__c": "bulk1-key", "Subject": "Up", "WhatId": opp}],
                                   "Dealsync_Key__c")
    again = sf.bulk.Task.upsert([{"Dealsync_Key__c": "bulk1-key", "Subject": "Up again"}],
                                "Dealsync_Key__c")
    assert upserted[0]["created"] is True and again[0]["created"] is False
    assert again[0]["id"] == upserted[0]["id"]
    assert sf.Task.get(again[0]["id"])["Subject"] == "Up again"
    sf.bulk.Task.delete([{"Id": task}, {"Id": again[0]["id"]}])


def _call(sf, emulator, method, path, body=b"", kind="application/xml"):
    return requests.request(method, f"{emulator.base_url}/services/async/59.0/{path}", data=body,
                            headers={"X-SFDC-Session": sf.session_id, "Content-Type": kind},
                            verify=str(emulator.ca_path), timeout=60)


def _xml(response) -> dict:
    return {child.tag.replace(NS, ""): child.text for child in ET.fromstring(response.content)}


def test_csv_query_job_with_xml_job_info(sf, emulator, control):
    control.reset_counters()
    job = _xml(_call(sf, emulator, "POST", "job", b'<?xml version="1.0" encoding="UTF-8"?>'
                     b'<jobInfo xmlns="http://www.force.com/2009/06/asyncapi/dataload">'
                     b"<operation>query</operation><object>User</object>"
                     b"<contentType>CSV</contentType></jobInfo>"))
    assert job["state"] == "Open" and job["contentType"] == "CSV" and job["id"].startswith("750")
    batch = _xml(_call(sf, emulator, "POST", f"job/{job['id']}/batch",
                       b"SELECT Id, Username, IsActive FROM User", "text/csv"))
    assert batch["state"] == "Queued" and batch["id"].startswith("751")
    info = _xml(_call(sf, emulator, "GET", f"job/{job['id']}/batch/{batch['id']}"))
    assert info["state"] == "Completed"
    results = ET.fromstring(_call(sf, emulator, "GET", f"job/{job['id']}/batch/{batch['id']}/result").content)
    (result_id,) = [r.text for r in results]
    body = _call(sf, emulator, "GET", f"job/{job['id']}/batch/{batch['id']}/result/{result_id}").text
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == sf.query("SELECT COUNT() FROM User")["totalSize"]
    assert rows[0]["IsActive"] in ("true", "false")
    closed = _xml(_call(sf, emulator, "POST", f"job/{job['id']}",
                        b'<jobInfo xmlns="http://www.force.com/2009/06/asyncapi/dataload">'
                        b"<state>Closed</state></jobInfo>"))
    assert closed["state"] == "Closed" and closed["numberBatchesCompleted"] == "1"
    counters = control.counters()
    assert counters["by_kind"]["bulk1_job"] == 1 and counters["by_kind"]["bulk1_batch"] == 1
    assert counters["api_calls"] >= 6 and counters["by_object"]["User"] >= 6


def test_csv_insert_results(sf, emulator):
    job = _xml(_call(sf, emulator, "POST", "job",
                     b'<jobInfo xmlns="http://www.force.com/2009/06/asyncapi/dataload">'
                     b"<operation>insert</operation><object>Contact</object>"
                     b"<contentType>CSV</contentType></jobInfo>"))
    _call(sf, emulator, "POST", f"job/{job['id']}/batch",
          b"LastName,Email\nBulkOne,bulk.one@example.com\n,missing@example.com\n", "text/csv")
    batches = ET.fromstring(_call(sf, emulator, "GET", f"job/{job['id']}/batch").content)
    (batch_id,) = [b.find(f"{NS}id").text for b in batches]
    body = _call(sf, emulator, "GET", f"job/{job['id']}/batch/{batch_id}/result").text
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["Success"] for r in rows] == ["true", "false"]
    assert rows[0]["Id"].startswith("003") and rows[1]["Error"].startswith("REQUIRED_FIELD_MISSING:")
    sf.Contact.delete(rows[0]["Id"])


def test_errors_in_bulk_format(sf, emulator):
    bad = requests.get(f"{emulator.base_url}/services/async/59.0/job/7505g0000000001AAA",
                       headers={"X-SFDC-Session": "nope"}, verify=str(emulator.ca_path))
    assert bad.status_code == 400
    assert _xml(bad) == {"exceptionCode": "InvalidSessionId",
                         "exceptionMessage": "Session expired or invalid"}
    missing = _call(sf, emulator, "GET", "job/7505g0000000001AAA", kind="application/json")
    assert missing.status_code == 400 and missing.json()["exceptionCode"] == "InvalidJob"
    entity = _call(sf, emulator, "POST", "job", b'{"operation": "insert", "object": "Nope__c", '
                   b'"contentType": "JSON"}', "application/json")
    assert entity.json()["exceptionCode"] == "InvalidEntity"
