"""Transient failures are retried (5xx, dropped connections, timeouts); real errors are not."""

import pytest

from resources.salesforce import SalesforceCallError

SOQL = "SELECT Id, Name, StageName, Amount FROM Opportunity ORDER BY Id"


def all_ids(pages) -> list[str]:
    return [record["Id"] for page in pages for record in page]


@pytest.fixture
def clean_ids(make_resource, control):
    """The rows a fault-free run reads, to compare every faulty run with."""
    with make_resource().client() as sf:
        rows = all_ids(sf.query_pages(SOQL, object="Opportunity"))
    assert len(rows) > 4000, "the demo org should need several REST pages"
    return rows


def test_503_storm_is_retried_to_success_and_counted(client, control):
    control.fault(kind="error", next=3, status=503, code="SERVER_UNAVAILABLE",
                  message="Server Unavailable", match="/query")
    assert client.count("Account") > 0
    acc = client.accounting()
    assert acc["retries"] == {"http_503": 3}
    assert acc["api_calls"] == 4 and acc["by_object"]["Account"] == {"rest": 4}
    # Salesforce counts a call it answers with an error; the emulator meters all four too.
    assert control.counters()["api_calls"] == 4


def test_retries_are_bounded(make_resource, control):
    control.fault(kind="error", next=10, status=500, code="UNKNOWN_EXCEPTION",
                  message="An unexpected error occurred", match="/query")
    with make_resource(max_attempts=3).client() as sf:
        with pytest.raises(SalesforceCallError) as info:
            sf.count("Contact")
        assert sf.accounting()["retried_attempts"] == 2
    assert info.value.attempts == 3 and info.value.status == 500
    assert "Contact count failed" in str(info.value) and "gave up after 3 attempts" in str(info.value)


def test_dropped_connection_mid_page_loses_and_repeats_nothing(make_resource, control, clean_ids):
    # Cut the second page after 100 bytes of its body: a retried nextRecordsUrl must return it whole.
    control.fault(kind="drop", next=1, after_bytes=100, match=r"/query/01g\w+-\d+")
    with make_resource().client() as sf:
        rows = all_ids(sf.query_pages(SOQL, object="Opportunity"))
        assert sf.accounting()["retried_attempts"] == 1
    assert rows == clean_ids
    assert len(set(rows)) == len(rows)


def test_dropped_first_page_is_retried_too(make_resource, control, clean_ids):
    control.fault(kind="drop", next=2, after_bytes=10, match=r"/query/?$")
    with make_resource().client() as sf:
        assert all_ids(sf.query_pages(SOQL, object="Opportunity")) == clean_ids
        assert sf.accounting()["retried_attempts"] == 2


def test_slow_answer_within_the_timeout_is_just_slow(make_resource, control):
    control.fault(kind="latency", seconds=0.3, next=1, match="/query")
    with make_resource(request_timeout="5").client() as sf:
        assert sf.count("User") > 0
        assert sf.accounting()["retried_attempts"] == 0


def test_answer_slower_than_the_timeout_is_retried(make_resource, control):
    control.fault(kind="latency", seconds=1.5, next=1, match="/query")
    with make_resource(request_timeout="0.5").client() as sf:
        assert sf.count("User") > 0
        assert sf.accounting()["retries"] == {"ReadTimeout": 1}


def test_malformed_query_is_raised_at_once_with_object_and_fix(client, control):
    with pytest.raises(SalesforceCallError) as info:
        list(client.query_pages("SELECT Id FRM Account", object="Account"))
    error = info.value
    assert error.code == "MALFORMED_QUERY" and error.status == 400 and error.attempts == 1
    assert str(error).startswith("Salesforce Account query failed: HTTP 400 MALFORMED_QUERY")
    assert "Fix: check the SOQL syntax" in str(error)
    assert client.accounting()["retried_attempts"] == 0


def test_unknown_field_error_says_to_re_describe(client, control):
    with pytest.raises(SalesforceCallError) as info:
        client.count("Account", "Nope__c = 1")
    assert info.value.code == "INVALID_FIELD"
    assert "re-describe the object" in str(info.value)
