"""Write-back paths: conditional PATCH, per-field errors for read-only and formula fields on every
write route, sObject Collections updates by Id, and UNABLE_TO_LOCK_ROW on updates."""

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from simple_salesforce.exceptions import SalesforceError, SalesforceMalformedRequest


def _ids(sf, sobject: str, n: int) -> list[str]:
    return [r["Id"] for r in sf.query(f"SELECT Id FROM {sobject} WHERE IsDeleted = false "
                                      f"ORDER BY Id LIMIT {n}")["records"]]


def _http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


def test_if_unmodified_since_guards_an_update(sf, control):
    (opp,) = _ids(sf, "Opportunity", 1)
    control.update("Opportunity", opp, {"SystemModstamp": "2024-01-01T00:00:00Z"})
    modified = sf.Opportunity.get(opp)["LastModifiedDate"]
    last = datetime.strptime(modified, "%Y-%m-%dT%H:%M:%S.%f%z")
    with pytest.raises(SalesforceError) as info:
        sf.Opportunity.update(opp, {"NextStep": "Too late"},
                              headers={"If-Unmodified-Since": _http_date(last - timedelta(hours=1))})
    assert info.value.status == 412 and info.value.content[0]["errorCode"] == "PRECONDITION_FAILED"
    assert sf.Opportunity.get(opp)["NextStep"] != "Too late"
    assert sf.Opportunity.update(opp, {"NextStep": "In time"},
                                 headers={"If-Unmodified-Since": _http_date(last)}) == 204
    assert sf.Opportunity.get(opp)["NextStep"] == "In time"
    with pytest.raises(SalesforceMalformedRequest):
        sf.Opportunity.update(opp, {"NextStep": "x"}, headers={"If-Unmodified-Since": "yesterday"})


def test_if_modified_since_on_read_is_304(sf):
    (opp,) = _ids(sf, "Opportunity", 1)
    response = sf.session.get(f"{sf.base_url}sobjects/Opportunity/{opp}", headers={
        **sf.headers, "If-Modified-Since": _http_date(datetime.now(timezone.utc) + timedelta(days=1))})
    assert response.status_code == 304 and response.content == b""


def test_account_etag_and_if_match(sf):
    (account,) = _ids(sf, "Account", 1)
    response = sf.session.get(f"{sf.base_url}sobjects/Account/{account}", headers=sf.headers)
    etag = response.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('--gzip"')
    stale = '"AAAA--gzip"'
    with pytest.raises(SalesforceError) as info:
        sf.Account.update(account, {"Phone": "1"}, headers={"If-Match": stale})
    assert info.value.status == 412
    updated = sf.session.patch(f"{sf.base_url}sobjects/Account/{account}", json={"Phone": "2"},
                               headers={**sf.headers, "If-Match": etag})
    assert updated.status_code == 204 and updated.headers["ETag"] != etag
    cached = sf.session.get(f"{sf.base_url}sobjects/Account/{account}",
                            headers={**sf.headers, "If-None-Match": updated.headers["ETag"]})
    assert cached.status_code == 304
    (opp,) = _ids(sf, "Opportunity", 1)  # documented for Account only: no effect elsewhere
    assert sf.Opportunity.update(opp, {"NextStep": "x"}, headers={"If-Match": stale}) == 204


READ_ONLY = ["IsClosed", "ExpectedRevenue", "Account_Industry__c", "Days_Open__c", "Is_Large_Deal__c"]


def test_collections_update_by_id_reports_per_record(sf):
    opps = _ids(sf, "Opportunity", len(READ_ONLY) + 1)
    records = [{"attributes": {"type": "Opportunity"}, "Id": opps[0], "NextStep": "Collections"}]
    records += [{"attributes": {"type": "Opportunity"}, "Id": i, f: 1} for i, f in zip(opps[1:], READ_ONLY)]
    results = sf.restful("composite/sobjects", method="PATCH",
                         json={"allOrNone": False, "records": records})
    assert results[0] == {"id": opps[0], "success": True, "errors": []}
    for result, field in zip(results[1:], READ_ONLY):
        (error,) = result["errors"]
        assert (error["statusCode"], error["fields"]) == ("INVALID_FIELD_FOR_INSERT_UPDATE", [field])
    assert sf.Opportunity.get(opps[0])["NextStep"] == "Collections"


def test_collections_update_of_200_records(sf):
    tasks = _ids(sf, "Task", 200)
    records = [{"attributes": {"type": "Task"}, "Id": t, "Description": "bulk"} for t in tasks]
    results = sf.restful("composite/sobjects", method="PATCH", json={"allOrNone": False, "records": records})
    assert len(results) == 200 and all(r["success"] for r in results)


def test_unable_to_lock_row_applies_to_updates(sf, control):
    opps = _ids(sf, "Opportunity", 3)
    control.fault(kind="record_error", match="update", next=1, code="UNABLE_TO_LOCK_ROW",
                  message="unable to obtain exclusive access to this record", object="Opportunity")
    results = sf.restful("composite/sobjects", method="PATCH", json={"allOrNone": False, "records": [
        {"attributes": {"type": "Opportunity"}, "Id": i, "NextStep": "Locked?"} for i in opps]})
    assert results[0]["errors"][0]["statusCode"] == "UNABLE_TO_LOCK_ROW"
    assert [r["success"] for r in results] == [False, True, True]


def test_bulk2_ingest_reports_read_only_fields_per_row(sf):
    opps = _ids(sf, "Opportunity", 2)
    result = sf.bulk2.Opportunity.update(records=[{"Id": opps[0], "NextStep": "Bulk"},
                                                  {"Id": opps[1], "Days_Open__c": "3"}], wait=0.05)
    assert result[0]["numberRecordsFailed"] == 1
    failed = sf.bulk2.Opportunity.get_failed_records(result[0]["job_id"])
    assert "INVALID_FIELD_FOR_INSERT_UPDATE" in failed and "Days_Open__c" in failed
