"""Record writes: create, read, update, delete, upsert, validation errors and change feeds."""

from datetime import datetime, timedelta, timezone

import pytest
from salesforce_emulator.org import ids
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound


def _an(sf, soql):
    return sf.query(soql)["records"][0]


def test_create_read_update_delete_roundtrip_with_modstamps(sf, control):
    opp = _an(sf, "SELECT Id, OwnerId FROM Opportunity WHERE IsClosed = false LIMIT 1")
    created = sf.Task.create({"Subject": "Follow up", "WhatId": opp["Id"], "OwnerId": opp["OwnerId"],
                              "ActivityDate": "2030-02-01", "Priority": "High"})
    assert created["success"] is True and created["errors"] == [] and created["id"].startswith("00T")
    task = sf.Task.get(created["id"])
    assert task["Status"] == "Not Started" and task["IsHighPriority"] is True
    assert task["CreatedDate"] == task["SystemModstamp"]
    # Backdate the record so the update's new SystemModstamp is visibly later (whole seconds).
    control.update("Task", created["id"], {"SystemModstamp": "2020-01-01T00:00:00Z"})
    task = sf.Task.get(created["id"])
    assert sf.Task.update(created["id"], {"Status": "Completed"}) == 204
    done = sf.Task.get(created["id"])
    assert done["IsClosed"] is True and done["SystemModstamp"] > task["SystemModstamp"]
    control.update("Task", created["id"], {"SystemModstamp": "2020-01-01T00:00:00Z"})
    assert sf.Task.delete(created["id"]) == 204
    with pytest.raises(SalesforceResourceNotFound):
        sf.Task.get(created["id"])
    gone = sf.query_all(f"SELECT Id, IsDeleted, SystemModstamp FROM Task WHERE Id = '{created['id']}'",
                        include_deleted=True)["records"][0]
    assert gone["IsDeleted"] is True and gone["SystemModstamp"] > "2020-01-01T00:00:00.000+0000"


def test_fifteen_character_ids_are_accepted_on_input(sf):
    opp = _an(sf, "SELECT Id FROM Opportunity LIMIT 1")
    assert sf.Opportunity.get(opp["Id"][:15])["Id"] == opp["Id"]
    assert sf.query(f"SELECT Id FROM Opportunity WHERE Id = '{opp['Id'][:15]}'")["totalSize"] == 1


def test_upsert_by_external_id_creates_then_updates(sf):
    opp = _an(sf, "SELECT Id FROM Opportunity LIMIT 1")
    body = {"Subject": "Upserted", "WhatId": opp["Id"], "Status": "Not Started", "Priority": "Normal"}
    assert sf.Task.upsert("Dealsync_Key__c/key-1", body) == 201
    assert sf.Task.upsert("Dealsync_Key__c/key-1", {"Subject": "Upserted again"}) == 200
    found = sf.Task.get_by_custom_id("Dealsync_Key__c", "key-1")
    assert found["Subject"] == "Upserted again"
    assert sf.query("SELECT COUNT() FROM Task WHERE Dealsync_Key__c = 'key-1'")["totalSize"] == 1


def test_upsert_on_unknown_external_field_is_not_found(sf):
    with pytest.raises(SalesforceResourceNotFound) as info:
        sf.Task.upsert("Nope__c/x", {"Subject": "x"})
    assert "Provided external ID field does not exist" in info.value.content[0]["message"]


@pytest.mark.parametrize("body, code, field", [
    ({"Subject": "x", "Priority": "Urgent"}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Priority"),
    ({"Subject": "x", "WhatId": "006B000002nBrQ"}, "MALFORMED_ID", "WhatId"),
    ({"Subject": "x", "IsClosed": True}, "INVALID_FIELD_FOR_INSERT_UPDATE", "IsClosed"),
    ({"Subject": "x", "Bogus__c": 1}, "INVALID_FIELD", "Bogus__c"),
])
def test_task_validation_errors_match_salesforce(sf, body, code, field):
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.Task.create(body)
    error = info.value.content[0]
    assert error["errorCode"] == code and error["fields"] == [field]


def test_reference_to_the_wrong_object_is_a_field_integrity_exception(sf):
    user = _an(sf, "SELECT Id FROM User LIMIT 1")
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.Task.create({"Subject": "x", "WhatId": user["Id"]})
    assert info.value.content[0]["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"


def test_required_field_missing(sf):
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.Opportunity.create({"Name": "No stage"})
    assert info.value.content[0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert set(info.value.content[0]["fields"]) == {"StageName", "CloseDate"}


def test_deleted_and_updated_change_feeds(sf):
    start = datetime.now(timezone.utc) - timedelta(seconds=5)
    created = sf.Contact.create({"LastName": "Feed"})
    sf.Contact.update(created["id"], {"FirstName": "Change"})
    sf.Contact.delete(created["id"])
    end = datetime.now(timezone.utc) + timedelta(seconds=5)
    deleted = sf.Contact.deleted(start, end)
    assert created["id"] in [d["id"] for d in deleted["deletedRecords"]]
    assert deleted["deletedRecords"][0]["deletedDate"].endswith("+0000")
    other = sf.Contact.create({"LastName": "Still here"})
    updated = sf.Contact.updated(start, end + timedelta(seconds=5))
    assert other["id"] in updated["ids"] and created["id"] not in updated["ids"]


def test_ids_carry_key_prefixes_and_a_valid_checksum(sf):
    prefixes = {"Account": "001", "Contact": "003", "User": "005", "Opportunity": "006",
                "OpportunityContactRole": "00K", "Task": "00T", "Event": "00U",
                "EmailMessage": "02s", "RecordType": "012", "OpportunityStage": "01J"}
    for sobject, prefix in prefixes.items():
        rec = _an(sf, f"SELECT Id FROM {sobject} LIMIT 1")
        assert rec["Id"].startswith(prefix) and ids.normalize(rec["Id"]) == rec["Id"]
