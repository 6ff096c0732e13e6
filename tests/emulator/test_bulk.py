"""Bulk API 2.0 query and ingest jobs through simple-salesforce's bulk2 client."""

import csv
import io

import pytest
import requests
from simple_salesforce.exceptions import SalesforceMalformedRequest


def _rows(pages) -> list[dict]:
    rows = []
    for page in pages:
        rows.extend(csv.DictReader(io.StringIO(page)))
    return rows


def test_bulk_query_pages_match_rest_totals(sf):
    total = sf.query("SELECT COUNT() FROM Opportunity")["totalSize"]
    pages = list(sf.bulk2.Opportunity.query(
        "SELECT Id, Name, StageName, Amount, CloseDate, SystemModstamp, IsDeleted, Owner.Email "
        "FROM Opportunity", max_records=1500, wait=0.05))
    assert len(pages) == -(-total // 1500)
    rows = _rows(pages)
    assert len(rows) == total == len({r["Id"] for r in rows})
    header = next(csv.reader(io.StringIO(pages[0])))
    assert header == ["Id", "Name", "StageName", "Amount", "CloseDate", "SystemModstamp",
                      "IsDeleted", "Owner.Email"]
    assert pages[0].startswith('"Id","Name"')
    sample = rows[0]
    assert sample["SystemModstamp"].endswith(".000Z") and sample["IsDeleted"] == "false"
    assert any(r["Amount"] == "" for r in rows)  # null is an empty value


def test_bulk_query_all_includes_deleted(sf):
    rows = _rows(sf.bulk2.Opportunity.query_all("SELECT Id, IsDeleted FROM Opportunity", wait=0.05))
    assert any(r["IsDeleted"] == "true" for r in rows)


def test_bulk_rejects_what_bulk_cannot_do(sf):
    with pytest.raises(SalesforceMalformedRequest):
        list(sf.bulk2.Account.query("SELECT Id, BillingAddress FROM Account", wait=0.05))
    with pytest.raises(SalesforceMalformedRequest):
        list(sf.bulk2.Account.query("SELECT COUNT() FROM Account", wait=0.05))


def test_results_before_completion_are_412_and_locator_is_literal_null(sf, emulator):
    base = f"{emulator.base_url}/services/data/v59.0/jobs/query"
    headers = dict(sf.headers)
    job = sf.session.post(base, headers=headers, json={
        "operation": "query", "query": "SELECT Id FROM User", "columnDelimiter": "COMMA",
        "lineEnding": "LF"}).json()
    assert job["id"].startswith("750") and job["state"] in ("UploadComplete", "InProgress", "JobComplete")
    for _ in range(100):
        info = sf.session.get(f"{base}/{job['id']}", headers=headers).json()
        if info["state"] == "JobComplete":
            break
    result = sf.session.get(f"{base}/{job['id']}/results", headers=headers)
    assert result.headers["Sforce-Locator"] == "null"
    assert int(result.headers["Sforce-NumberOfRecords"]) == info["numberRecordsProcessed"]


def test_bulk_ingest_insert_reports_success_and_failure(sf):
    opp = sf.query("SELECT Id FROM Opportunity LIMIT 1")["records"][0]
    records = [{"Subject": "Bulk ingest ok", "WhatId": opp["Id"], "Status": "Not Started",
                "Priority": "Normal"},
               {"Subject": "Bulk ingest bad", "WhatId": opp["Id"], "Status": "Not Started",
                "Priority": "Urgent"}]
    result = sf.bulk2.Task.insert(records=records, wait=0.05)
    assert result[0]["numberRecordsProcessed"] == 2 and result[0]["numberRecordsFailed"] == 1
    failed = sf.bulk2.Task.get_failed_records(result[0]["job_id"])
    assert "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" in failed
    ok = sf.bulk2.Task.get_successful_records(result[0]["job_id"])
    assert '"sf__Id","sf__Created"' in ok.splitlines()[0]


def test_bulk_calls_are_metered(sf, control):
    control.reset_counters()
    list(sf.bulk2.User.query("SELECT Id FROM User", wait=0.05))
    assert control.counters()["by_kind"]["bulk_create"] == 1
    assert control.counters()["api_calls"] >= 3


def test_unknown_job_is_404(sf, emulator):
    response = requests.get(f"{emulator.base_url}/services/data/v59.0/jobs/query/7505g0000000zzzAAA",
                            headers=sf.headers, verify=str(emulator.ca_path))
    assert response.status_code == 404
