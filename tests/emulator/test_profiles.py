"""Org profiles: orgs that lack custom fields, Enhanced Email, picklist values, write access,
field visibility or API access, driven through simple-salesforce as the product will see them."""


import pytest
import requests
from salesforce_emulator.__main__ import main
from salesforce_emulator.client import connect
from salesforce_emulator.server import Emulator
from simple_salesforce.exceptions import SalesforceError, SalesforceMalformedRequest


@pytest.fixture
def org(control):
    """The shared org, put back to the full org after the test."""
    yield control
    control.reset_profile()


def _fields(sf, sobject: str) -> dict[str, dict]:
    return {f["name"]: f for f in getattr(sf, sobject).describe()["fields"]}


def _error(info) -> dict:
    return info.value.content[0]


def test_plain_org_has_no_custom_fields_or_objects(sf, org):
    org.profile("plain")
    names = {o["name"] for o in sf.describe()["sobjects"]}
    assert "Project__c" not in names and "Opportunity" in names
    assert not [n for n in _fields(sf, "Opportunity") if n.endswith("__c")]
    assert "Dealsync_Key__c" not in _fields(sf, "Task")
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.query("SELECT Id, Region__c FROM Opportunity LIMIT 1")
    assert _error(info)["errorCode"] == "INVALID_FIELD"
    assert "No such column 'Region__c' on entity 'Opportunity'" in _error(info)["message"]
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.query("SELECT Id FROM Project__c")
    assert _error(info)["errorCode"] == "INVALID_TYPE"


def test_plain_org_refuses_writes_naming_custom_fields_per_record(sf, org):
    opp = sf.query("SELECT Id FROM Opportunity LIMIT 1")["records"][0]["Id"]
    org.profile("plain")
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.Task.create({"Subject": "Key", "WhatId": opp, "Dealsync_Key__c": "k-1"})
    assert (_error(info)["errorCode"], _error(info)["fields"]) == ("INVALID_FIELD", ["Dealsync_Key__c"])
    results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": False, "records": [
        {"attributes": {"type": "Task"}, "Subject": "Plain task", "WhatId": opp},
        {"attributes": {"type": "Task"}, "Subject": "Keyed", "Dealsync_Key__c": "k-2"}]})
    assert results[0]["success"] is True
    assert results[1]["errors"][0]["statusCode"] == "INVALID_FIELD"
    created = sf.Task.get(results[0]["id"])  # a Task write-back works without custom fields
    assert created["Subject"] == "Plain task" and "Dealsync_Key__c" not in created
    sf.Task.delete(results[0]["id"])


def test_no_enhanced_email_hides_email_message(sf, org):
    org.profile("no_enhanced_email")
    assert "EmailMessage" not in {o["name"] for o in sf.describe()["sobjects"]}
    response = sf.session.get(f"{sf.base_url}sobjects/EmailMessage/describe", headers=sf.headers)
    assert response.status_code == 404 and response.json()[0]["errorCode"] == "NOT_FOUND"
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.query("SELECT Id FROM EmailMessage")
    assert _error(info)["errorCode"] == "INVALID_TYPE"


def test_restricted_task_picklists(sf, org):
    opp = sf.query("SELECT Id FROM Opportunity LIMIT 1")["records"][0]["Id"]
    org.profile("restricted_task_picklists")
    task = _fields(sf, "Task")
    priority = {p["value"]: p["active"] for p in task["Priority"]["picklistValues"]}
    status = {p["value"]: p["active"] for p in task["Status"]["picklistValues"]}
    assert priority["High"] is False and priority["Normal"] is True
    assert status["Not Started"] is False
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.Task.create({"Subject": "Follow up", "WhatId": opp, "Priority": "High"})
    assert _error(info)["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert _error(info)["fields"] == ["Priority"]
    created = sf.Task.create({"Subject": "Defaults", "WhatId": opp})  # default: first active value
    assert sf.Task.get(created["id"])["Status"] == "In Progress"
    sf.Task.delete(created["id"])
    org.profile("restricted_task_picklists", inactive_picklist_values={"Task": {"TaskSubtype": ["Task"]}})
    subtype = {p["value"]: p["active"] for p in _fields(sf, "Task")["TaskSubtype"]["picklistValues"]}
    assert subtype["Task"] is False


def test_read_only_user_cannot_write_tasks(sf, org):
    task = sf.query("SELECT Id FROM Task LIMIT 1")["records"][0]["Id"]
    org.profile("read_only_user")
    entry = next(o for o in sf.describe()["sobjects"] if o["name"] == "Task")
    assert (entry["createable"], entry["updateable"], entry["deletable"]) == (False, False, False)
    described = sf.Task.describe()
    assert described["createable"] is False and described["updateable"] is False
    assert not any(f["createable"] or f["updateable"] for f in described["fields"])
    for call in (lambda: sf.Task.create({"Subject": "x"}),
                 lambda: sf.Task.update(task, {"Subject": "x"}), lambda: sf.Task.delete(task)):
        with pytest.raises(SalesforceMalformedRequest) as info:
            call()
        assert _error(info)["errorCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"
    assert sf.Task.get(task)["Id"] == task  # reading still works
    results = sf.restful("composite/sobjects", method="PATCH", json={"allOrNone": False, "records": [
        {"attributes": {"type": "Task"}, "Id": task, "Subject": "x"}]})
    assert results[0]["errors"][0]["statusCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"


def test_hidden_fields_default_and_configured(sf, org):
    org.profile("hidden_fields")
    assert "NextStep" not in _fields(sf, "Opportunity") and "Email" not in _fields(sf, "Contact")
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.query("SELECT Id, NextStep FROM Opportunity LIMIT 1")
    assert _error(info)["errorCode"] == "INVALID_FIELD"
    with pytest.raises(SalesforceMalformedRequest):
        sf.query("SELECT Id, Account.Name, Owner.Email FROM Contact WHERE Email != null LIMIT 1")
    snapshot = org.profile("hidden_fields", hidden_fields={"Account": ["Industry", "Phone"]})
    assert snapshot["hidden_fields"] == {"Account": ["Industry", "Phone"]}
    assert not {"Industry", "Phone"} & set(_fields(sf, "Account"))
    assert "NextStep" in _fields(sf, "Opportunity")
    assert org.session.get(f"{org.base}/profile").json()["profiles"] == ["hidden_fields"]


@pytest.mark.parametrize("profile, code", [("no_api", "API_CURRENTLY_DISABLED"),
                                           ("no_api_org", "API_DISABLED_FOR_ORG")])
def test_no_api_refuses_every_data_call(sf, org, emulator, profile, code):
    org.profile(profile)
    for call in (lambda: sf.query("SELECT Id FROM Account LIMIT 1"), lambda: sf.describe(),
                 lambda: sf.Account.describe()):
        with pytest.raises(SalesforceError) as info:
            call()
        assert info.value.status == 403 and _error(info)["errorCode"] == code
    bulk1 = requests.get(f"{emulator.base_url}/services/async/59.0/job/7505g000000AAAAAAA",
                         headers={"X-SFDC-Session": sf.session_id, "Content-Type": "application/json"},
                         verify=str(emulator.ca_path))
    assert bulk1.status_code == 403 and bulk1.json()["exceptionCode"] == code
    org.reset_profile()
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] > 0


def test_profiles_combine_and_reset(sf, org):
    org.profile("plain", "no_enhanced_email")
    names = {o["name"] for o in sf.describe()["sobjects"]}
    assert not {"EmailMessage", "Project__c"} & names
    org.reset_profile()
    names = {o["name"] for o in sf.describe()["sobjects"]}
    assert {"EmailMessage", "Project__c"} <= names
    response = org.session.post(f"{org.base}/profile", json={"profiles": ["nope"]})
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "INVALID_PROFILE"


def test_emulator_argument_and_data_generation(tmp_path):
    with Emulator(org="demo", scale="small", state_dir=tmp_path, profiles="plain,no_enhanced_email",
                  ) as emulator:
        sf = connect(emulator)
        assert emulator.counts["Opportunity"] == 5_000
        assert sf.query("SELECT COUNT() FROM Opportunity")["totalSize"] > 4_000
        assert "Region__c" not in {f["name"] for f in sf.Opportunity.describe()["fields"]}
        assert "plain" in emulator.banner()


def test_cli_flag_is_documented_and_checked(capsys):
    with pytest.raises(SystemExit) as info:
        main(["serve", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "--org-profile" in out and "restricted_task_picklists" in out
    with pytest.raises(SystemExit) as info:
        main(["serve", "--org-profile", "plain,nope"])
    assert info.value.code == 2 and "unknown org profile nope" in capsys.readouterr().err
