"""The quota guard stops a run before it eats the org's API limit, and the run's calls add up."""

import pytest

from resources.salesforce import QuotaStop


def test_stops_once_org_usage_reaches_the_quota_share(make_resource, control):
    control.limits(daily_max=100, used=79)
    with make_resource(quota_share="0.8").client() as sf:
        sf.count("Account")  # answered with Sforce-Limit-Info: api-usage=80/100
        with pytest.raises(QuotaStop) as info:
            sf.count("Contact")
    stop = info.value
    assert (stop.reason, stop.used, stop.daily_max) == ("org_share", 80, 100)
    assert "80 of 100" in str(stop) and "quota_share=0.8" in str(stop)
    assert control.counters()["api_calls"] == 80, "the stopped call must not reach Salesforce"


def test_a_higher_share_keeps_going(make_resource, control):
    control.limits(daily_max=100, used=79)
    with make_resource(quota_share="0.9").client() as sf:
        for _ in range(3):
            sf.count("Account")
        assert sf.accounting()["org_api_usage"] == "82/100"


def test_request_limit_exceeded_becomes_quota_stop(make_resource, control):
    control.limits(daily_max=100, used=100)
    with make_resource(quota_share="1").client() as sf:
        with pytest.raises(QuotaStop) as info:
            sf.count("Account")
        assert sf.accounting()["retried_attempts"] == 0, "a spent daily limit is not retried"
    assert info.value.reason == "limit_exceeded"
    assert "REQUEST_LIMIT_EXCEEDED" in str(info.value)


def test_run_call_cap(make_resource, control):
    with make_resource(run_call_cap=3).client() as sf:
        for _ in range(3):
            sf.count("User")
        with pytest.raises(QuotaStop) as info:
            sf.describe("Account")
    assert info.value.reason == "run_cap" and info.value.run_calls == 3
    assert "run_call_cap=3" in str(info.value)
    assert control.counters()["api_calls"] == 3


def test_run_call_cap_also_guards_bulk_polls_and_pages(make_resource, control):
    with make_resource(run_call_cap=2).client() as sf:
        with pytest.raises(QuotaStop):
            list(sf.bulk_query_pages("SELECT Id FROM Account", object="Account"))
    assert control.counters()["api_calls"] == 2


def test_accounting_matches_the_emulator_counters(client, control):
    for name in ("Account", "Contact", "Contact"):
        client.describe(name)
    client.global_describe()
    client.limits()
    assert client.count("Opportunity") > 0
    pages = list(client.query_pages("SELECT Id FROM Task", object="Task"))
    client.composite_queries([f"SELECT Id FROM {o} LIMIT 5" for o in ("Account", "Contact")],
                             objects=["Account", "Contact"])
    list(client.bulk_query_pages("SELECT Id FROM Event", object="Event", max_records=5000))

    ours, theirs = client.accounting(), control.counters()
    assert ours["api_calls"] == theirs["api_calls"]
    kinds = theirs["by_kind"]
    assert ours["by_api"] == {
        "rest": sum(kinds.get(k, 0) for k in ("query", "describe", "limits", "rest")),
        "bulk": kinds.get("bulk", 0) + kinds.get("bulk_create", 0),
        "composite": kinds.get("composite", 0)}
    assert ours["by_api"]["composite"] == 1
    # The emulator attributes each call to the object it touched (composite calls excepted).
    for name, calls in theirs["by_object"].items():
        assert sum(ours["by_object"][name].values()) >= calls
    assert ours["by_object"]["Task"] == {"rest": len(pages)}
    assert ours["by_object"]["Contact"] == {"rest": 2, "composite": 0.5}
    assert ours["by_object"]["Opportunity"] == {"rest": 1}
    assert sum(v for apis in ours["by_object"].values() for v in apis.values()) == \
        ours["api_calls"] - 2, "global describe and limits belong to no object"
