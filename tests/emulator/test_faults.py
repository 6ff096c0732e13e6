"""Injected faults: errors on the next N calls or at a rate, latency, dropped connections,
stalled answers after a write."""

import time

import pytest
import requests
from simple_salesforce.exceptions import SalesforceGeneralError, SalesforceMalformedRequest


def test_error_on_next_n_calls_then_recovery(sf, control):
    control.fault(kind="error", next=2, status=503, code="SERVER_UNAVAILABLE",
                  message="Server Unavailable", match="/query")
    for _ in range(2):
        with pytest.raises(SalesforceGeneralError) as info:
            sf.query("SELECT COUNT() FROM User")
        assert info.value.status == 503
    assert sf.query("SELECT COUNT() FROM User")["totalSize"] > 0


def test_error_at_a_rate_fires_about_that_often(sf, control):
    control.fault(kind="error", rate=0.5, status=500, code="UNKNOWN_EXCEPTION",
                  message="An unexpected error occurred", match="/limits")
    failures = 0
    for _ in range(40):
        try:
            sf.limits()
        except SalesforceGeneralError:
            failures += 1
    assert 8 <= failures <= 32


def test_query_timeout_fault_carries_salesforce_code(sf, control):
    control.fault(kind="error", next=1, status=400, code="QUERY_TIMEOUT",
                  message="Your query request was running for too long.", match="/query")
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.query("SELECT Id FROM Opportunity")
    assert info.value.content[0]["errorCode"] == "QUERY_TIMEOUT"


def test_latency_fault_delays_the_answer(sf, control):
    control.fault(kind="latency", next=1, seconds=0.6, match="/limits")
    started = time.perf_counter()
    sf.limits()
    assert time.perf_counter() - started >= 0.6


def test_dropped_connection_mid_response_surfaces_as_a_connection_error(sf, control):
    control.fault(kind="drop", next=1, after_bytes=100, match="/query")
    with pytest.raises((requests.exceptions.ChunkedEncodingError,
                        requests.exceptions.ConnectionError)):
        sf.query("SELECT Id, Name FROM Opportunity")
    assert sf.query("SELECT COUNT() FROM Opportunity")["totalSize"] > 0


def test_record_error_fails_one_row_of_a_collection(sf, control):
    control.fault(kind="record_error", next=1, code="UNABLE_TO_LOCK_ROW", status=400,
                  message="unable to obtain exclusive access to this record", object="Task")
    records = [{"attributes": {"type": "Task"}, "Subject": f"lock {i}"} for i in range(3)]
    results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": False, "records": records})
    assert [r["success"] for r in results] == [False, True, True]
    assert results[0]["errors"][0]["statusCode"] == "UNABLE_TO_LOCK_ROW"


def test_counters_report_calls_by_kind_and_object(sf, control):
    control.reset_counters()
    sf.query("SELECT COUNT() FROM User")
    sf.Opportunity.describe()
    counters = control.counters()
    assert counters["api_calls"] == 2
    assert counters["by_kind"] == {"query": 1, "describe": 1}
    assert counters["by_object"] == {"User": 1, "Opportunity": 1}


def test_a_stalled_write_has_committed_before_it_answers(sf, control):
    """`stall` answers late after the write took effect: what a client killed while waiting
    leaves behind (a Task in Salesforce that its sender never heard about)."""
    control.fault(kind="stall", next=1, seconds=0.8, match="/sobjects/Task", method="POST")
    started = time.perf_counter()
    created = sf.Task.create({"Subject": "Stalled but saved"})["id"]
    assert time.perf_counter() - started >= 0.8
    assert sf.Task.get(created)["Subject"] == "Stalled but saved"
    assert [f["fired"] for f in control.faults() if f["kind"] == "stall"] == [1]
    sf.Task.delete(created)
