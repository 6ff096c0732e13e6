"""REST query: paging, queryAll, COUNT(), errors, usage headers and limits, as the client sees them."""

import pytest
import requests
from salesforce_emulator.org import ids
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceRefusedRequest


def test_query_all_iter_follows_relative_next_records_urls(sf, emulator):
    total = emulator.store.con.execute(
        'SELECT count(*) FROM "Opportunity" WHERE NOT "IsDeleted"').fetchone()[0]
    first = sf.query("SELECT Id, Name, StageName FROM Opportunity")
    assert first["totalSize"] == total and first["done"] is False
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/01g")
    assert first["nextRecordsUrl"].endswith("-2000") and len(first["records"]) == 2000
    second = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert second["totalSize"] == total
    seen = [r["Id"] for r in sf.query_all_iter("SELECT Id FROM Opportunity")]
    assert len(seen) == total == len(set(seen))


def test_batch_size_header_is_honoured_within_200_to_2000(sf):
    page = sf.query("SELECT Id FROM Contact", headers={"Sforce-Query-Options": "batchSize=500"})
    assert len(page["records"]) == 500 and page["nextRecordsUrl"].endswith("-500")
    tiny = sf.query("SELECT Id FROM Contact", headers={"Sforce-Query-Options": "batchSize=5"})
    assert len(tiny["records"]) == 200


def test_record_shape_attributes_parent_paths_and_explicit_nulls(sf):
    rec = sf.query("SELECT Id, Name, Amount, CloseDate, SystemModstamp, Owner.Email, Account.Name "
                   "FROM Opportunity WHERE Amount = null AND AccountId != null LIMIT 1")["records"][0]
    assert list(rec) == ["attributes", "Id", "Name", "Amount", "CloseDate", "SystemModstamp",
                         "Owner", "Account"]
    assert rec["attributes"] == {"type": "Opportunity",
                                 "url": f"/services/data/v59.0/sobjects/Opportunity/{rec['Id']}"}
    assert rec["Amount"] is None
    assert len(rec["CloseDate"]) == 10 and rec["SystemModstamp"].endswith(".000+0000")
    assert rec["Owner"]["attributes"]["type"] == "User" and "@" in rec["Owner"]["Email"]
    assert len(rec["Id"]) == 18 and ids.to18(rec["Id"][:15]) == rec["Id"]


def test_empty_lookup_renders_as_null(sf):
    created = sf.Opportunity.create({"Name": "No account", "StageName": "Prospecting",
                                     "CloseDate": "2030-01-31"})
    rec = sf.query(f"SELECT Id, Account.Name FROM Opportunity WHERE Id = '{created['id']}'")
    assert rec["records"][0]["Account"] is None


def test_query_all_returns_deleted_rows_that_query_hides(sf):
    live = sf.query("SELECT COUNT() FROM Opportunity")["totalSize"]
    every = sf.query_all("SELECT Id, IsDeleted FROM Opportunity", include_deleted=True)
    deleted = [r for r in every["records"] if r["IsDeleted"]]
    assert deleted and len(every["records"]) == live + len(deleted)
    first = sf.query("SELECT Id FROM Opportunity WHERE IsDeleted = true", include_deleted=True)
    assert first["totalSize"] == len(deleted)


def test_count_query_shape(sf):
    body = sf.query("SELECT COUNT() FROM Account")
    assert body["done"] is True and body["records"] == [] and body["totalSize"] > 0


@pytest.mark.parametrize("soql, code", [
    ("SELECT Id FRM Account", "MALFORMED_QUERY"),
    ("SELECT Nope__c FROM Account", "INVALID_FIELD"),
    ("SELECT Id FROM Xyzzy", "INVALID_TYPE"),
    ("SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'", "MALFORMED_QUERY"),
])
def test_bad_soql_raises_malformed_request_with_salesforce_error(sf, soql, code):
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.query(soql)
    assert info.value.content[0]["errorCode"] == code
    assert info.value.status == 400


def test_usage_header_is_parsed_by_the_client_and_limits_agree(sf, control):
    control.reset_counters()
    sf.query("SELECT COUNT() FROM User")
    assert sf.api_usage["api-usage"].used == 1
    limits = sf.limits()
    assert limits["DailyApiRequests"]["Max"] == 1_000_000
    assert limits["DailyApiRequests"]["Remaining"] == 1_000_000 - 2


def test_exhausted_daily_limit_is_refused_with_request_limit_exceeded(sf, control):
    control.limits(daily_max=100, used=100)
    with pytest.raises(SalesforceRefusedRequest) as info:
        sf.query("SELECT COUNT() FROM User")
    assert info.value.content == [{"message": "TotalRequests Limit exceeded.",
                                   "errorCode": "REQUEST_LIMIT_EXCEEDED"}]


def test_unknown_locator_is_an_error(sf, emulator):
    response = sf.session.get(f"{emulator.base_url}/services/data/v59.0/query/01g5g0000000zzzAAA-2000",
                              headers=sf.headers)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_a_retried_page_returns_the_same_rows(sf):
    first = sf.query("SELECT Id FROM Task", headers={"Sforce-Query-Options": "batchSize=200"})
    url = first["nextRecordsUrl"]
    again_a = sf.query_more(url, identifier_is_url=True)
    again_b = sf.query_more(url, identifier_is_url=True)
    assert [r["Id"] for r in again_a["records"]] == [r["Id"] for r in again_b["records"]]


def test_describe_routes(sf):
    glob = sf.describe()
    names = {o["name"] for o in glob["sobjects"]}
    assert {"Opportunity", "OpportunityStage", "OpportunityContactRole", "Project__c"} <= names
    opp = sf.Opportunity.describe()
    stage = next(f for f in opp["fields"] if f["name"] == "StageName")
    assert any(not v["active"] for v in stage["picklistValues"])
    assert sf.Opportunity.metadata()["objectDescribe"]["keyPrefix"] == "006"


def test_versions_resource_is_not_metered(emulator, control):
    control.reset_counters()
    requests.get(f"{emulator.base_url}/services/data/", verify=str(emulator.ca_path))
    assert control.counters()["api_calls"] == 0
