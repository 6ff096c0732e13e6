"""Query helpers: COUNT(), REST pages, Bulk 2.0 CSV pages, /composite batches, describe, limits."""

import csv
import io

import pytest

from resources.salesforce import BulkUnavailable, SalesforceCallError

OBJECTS = ["Account", "Contact", "Opportunity", "Task", "Event"]


def csv_ids(pages: list[bytes]) -> list[str]:
    return [row["Id"] for page in pages
            for row in csv.DictReader(io.StringIO(page.decode("utf-8")))]


def rest_ids(client, soql: str, object: str, include_deleted: bool = False) -> list[str]:
    return [r["Id"] for page in client.query_pages(soql, object=object,
                                                   include_deleted=include_deleted) for r in page]


def test_count_matches_the_rows_a_query_returns(client, control):
    total = client.count("Opportunity")
    assert total == len(rest_ids(client, "SELECT Id FROM Opportunity", "Opportunity"))
    assert client.count("Opportunity", "IsClosed = true") < total
    assert client.count("Opportunity", include_deleted=True) >= total


def test_query_pages_stream_without_attributes(client, control):
    pages = client.query_pages("SELECT Id, Name, Account.Name FROM Contact", object="Contact")
    first = next(pages)
    assert len(first) == 2000
    assert "attributes" not in first[0] and set(first[0]) == {"Id", "Name", "Account"}
    assert first[0]["Account"] is None or set(first[0]["Account"]) == {"Name"}
    assert client.accounting()["by_object"]["Contact"] == {"rest": 1}, "pages are read lazily"


def test_include_deleted_uses_query_all(client, control):
    live = client.count("Task")
    everything = rest_ids(client, "SELECT Id, IsDeleted FROM Task", "Task", include_deleted=True)
    assert len(everything) >= live


def test_bulk_pages_match_rest_rows(client, control):
    soql = "SELECT Id, Name, StageName FROM Opportunity"
    pages = list(client.bulk_query_pages(soql, object="Opportunity", max_records=2000))
    assert len(pages) > 1 and all(page.startswith(b'"Id","Name","StageName"') for page in pages)
    assert sorted(csv_ids(pages)) == sorted(rest_ids(client, soql, "Opportunity"))
    assert client.accounting()["by_object"]["Opportunity"]["bulk"] >= 2 + len(pages)


def test_bulk_query_all_includes_deleted_rows(client, control):
    soql = "SELECT Id FROM Task"
    pages = list(client.bulk_query_pages(soql, object="Task", include_deleted=True))
    assert len(csv_ids(pages)) == len(rest_ids(client, soql, "Task", include_deleted=True))


def test_bulk_result_page_dropped_mid_body_is_fetched_again(client, control):
    soql = "SELECT Id FROM Contact"
    control.fault(kind="drop", next=1, after_bytes=200, match=r"/jobs/query/750\w+/results")
    pages = list(client.bulk_query_pages(soql, object="Contact", max_records=2000))
    ids = csv_ids(pages)
    assert len(ids) == len(set(ids)) == client.count("Contact")
    assert client.accounting()["retried_attempts"] == 1


def test_bulk_refusal_raises_bulk_unavailable(client, control):
    with pytest.raises(BulkUnavailable) as info:
        list(client.bulk_query_pages("SELECT Id, BillingAddress FROM Account", object="Account"))
    assert info.value.object == "Account" and info.value.code == "API_ERROR"
    assert "REST" in str(info.value)


def test_five_composite_queries_cost_one_api_call(client, control):
    results = client.composite_queries([f"SELECT Id FROM {o}" for o in OBJECTS], objects=OBJECTS)
    assert control.counters()["api_calls"] == 1
    assert [r["object"] for r in results] == OBJECTS
    accounting = client.accounting()
    assert accounting["by_api"]["composite"] == 1
    assert {name: apis["composite"] for name, apis in accounting["by_object"].items()} == \
        {name: 0.2 for name in OBJECTS}
    for result in results:
        assert result["totalSize"] == client.count(result["object"])
        assert "attributes" not in (result["records"] or [{}])[0]


def test_composite_first_page_plus_next_pages_equals_a_rest_query(client, control):
    soql = "SELECT Id FROM Task"
    [result] = client.composite_queries([soql], objects=["Task"])
    assert not result["done"]
    ids = [r["Id"] for r in result["records"]]
    ids += [r["Id"] for page in client.next_pages(result["nextRecordsUrl"], object="Task") for r in page]
    assert ids == rest_ids(client, soql, "Task")


def test_more_than_five_queries_take_one_composite_call_per_five(client, control):
    names = OBJECTS + ["User", "OpportunityContactRole"]
    results = client.composite_queries([f"SELECT COUNT() FROM {o}" for o in names], objects=names)
    assert [r["object"] for r in results] == names
    assert control.counters()["by_kind"] == {"composite": 2}


def test_composite_query_error_names_its_object(client, control):
    with pytest.raises(SalesforceCallError) as info:
        client.composite_queries(["SELECT Id FROM Account", "SELECT Nope FROM Contact"],
                                 objects=["Account", "Contact"])
    assert info.value.object == "Contact" and info.value.code == "INVALID_FIELD"
    assert str(info.value).startswith("Salesforce Contact composite query failed")


def test_composite_is_retried_as_a_whole_on_503(client, control):
    control.fault(kind="error", next=2, status=503, match="/composite$")
    results = client.composite_queries(["SELECT Id FROM User"], objects=["User"])
    assert results[0]["totalSize"] > 0
    assert client.accounting()["retries"] == {"http_503": 2}


def test_describe_global_describe_and_limits(client, control):
    described = client.describe("Opportunity")
    assert described["name"] == "Opportunity"
    assert "StageName" in {f["name"] for f in described["fields"]}
    assert "Account" in {o["name"] for o in client.global_describe()["sobjects"]}
    assert client.limits()["DailyApiRequests"]["Max"] > 0


def test_describe_of_an_unknown_object_says_what_to_check(client, control):
    with pytest.raises(SalesforceCallError) as info:
        client.describe("Nope__c")
    assert info.value.status == 404 and "Nope__c describe failed" in str(info.value)


def test_composite_mixes_describes_and_queries_in_one_call(client, control):
    base = "/services/data/v59.0"
    subrequests = [
        {"method": "GET", "referenceId": "describe_Account", "url": f"{base}/sobjects/Account/describe"},
        {"method": "GET", "referenceId": "query_Account",
         "url": f"{base}/queryAll/?q=SELECT+Id+FROM+Account"},
        {"method": "GET", "referenceId": "query_Contact", "url": f"{base}/query/?q=SELECT+Nope+FROM+Contact"},
    ]
    responses = client.composite(subrequests, objects=["Account", "Contact"])
    assert [r["httpStatusCode"] for r in responses] == [200, 200, 400]
    assert responses[0]["body"]["name"] == "Account"
    assert responses[1]["body"]["totalSize"] >= 500
    assert responses[2]["body"][0]["errorCode"] == "INVALID_FIELD", "a query error is the caller's"
    assert control.counters()["api_calls"] == 1
    assert client.accounting()["by_object"] == {"Account": {"composite": 0.5},
                                                "Contact": {"composite": 0.5}}


def test_composite_refuses_more_than_25_subrequests(client, control):
    subrequests = [{"method": "GET", "referenceId": f"d{i}",
                    "url": "/services/data/v59.0/sobjects/Account/describe"} for i in range(26)]
    with pytest.raises(ValueError, match="at most 25 subrequests"):
        client.composite(subrequests, objects=["Account"])
    assert control.counters()["api_calls"] == 0
