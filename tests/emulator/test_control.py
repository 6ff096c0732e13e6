"""The control API answers every request: a value of the wrong type for its field is a 400 that
names the object and the field, and an unexpected error is a 500 JSON error, never a dropped
connection. The REST API keeps answering such values as Salesforce does."""

import http.client
import json
import ssl

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

DEAL = {"Name": "Typed deal", "StageName": "Prospecting", "CloseDate": "2025-06-30"}


def _count(emulator, name: str) -> int:
    return emulator.store.count(emulator.store.objects[name])


def _an_opportunity(emulator) -> dict:
    cols = '"Id", "CloseDate", "Amount", "IsPrivate", "SystemModstamp"'
    row = emulator.store.con.cursor().execute(
        f'SELECT {cols} FROM "Opportunity" WHERE NOT "IsDeleted" ORDER BY "Id" LIMIT 1').fetchone()
    return dict(zip(["Id", "CloseDate", "Amount", "IsPrivate", "SystemModstamp"], row))


def _refused(response, obj: str, field: str) -> None:
    assert response.status_code == 400, response.text
    (error,) = response.json()
    assert error["errorCode"] == "INVALID_TYPE_ON_FIELD_IN_RECORD"
    assert error["fields"] == [field]
    assert f"{obj}.{field}" in error["message"] and "type" in error["message"]


@pytest.mark.parametrize("field,value", [
    ("CloseDate", "next quarter"),         # text for a date
    ("CloseDate", 20250630),               # a number for a date
    ("Amount", "lots"),                    # text for a currency
    ("IsPrivate", "maybe"),                # text for a boolean
    ("TotalOpportunityQuantity", [1, 2]),  # a list for a number
    ("SystemModstamp", "yesterday"),       # text for a datetime
])
def test_insert_with_a_value_of_the_wrong_type_is_a_400_naming_the_field(emulator, control,
                                                                         field, value):
    before = _count(emulator, "Opportunity")
    response = control.session.post(f"{control.base}/records/Opportunity",
                                     json={**DEAL, field: value}, timeout=30)
    _refused(response, "Opportunity", field)
    assert _count(emulator, "Opportunity") == before


def test_a_bad_record_in_a_list_inserts_none_of_them(emulator, control):
    before = _count(emulator, "Opportunity")
    response = control.session.post(f"{control.base}/records/Opportunity",
                                     json=[DEAL, {**DEAL, "Amount": "n/a"}], timeout=30)
    _refused(response, "Opportunity", "Amount")
    assert _count(emulator, "Opportunity") == before


def test_update_with_a_value_of_the_wrong_type_is_a_400_and_changes_nothing(emulator, control):
    opp = _an_opportunity(emulator)
    for field, value in {"CloseDate": "soon", "Amount": "a lot", "IsPrivate": 3}.items():
        response = control.session.patch(f"{control.base}/records/Opportunity/{opp['Id']}",
                                         json={field: value}, timeout=30)
        _refused(response, "Opportunity", field)
    assert _an_opportunity(emulator) == opp


def test_values_of_the_right_type_still_go_through(emulator, control):
    """Numbers and booleans may come as text; dates and datetimes as ISO strings."""
    (created,) = control.insert("Opportunity", [{**DEAL, "Amount": "1500.5", "IsPrivate": "true",
                                                 "SystemModstamp": "2024-05-01T10:00:00Z"}])
    try:
        row = emulator.store.get(emulator.store.objects["Opportunity"], created)
        assert (row["Amount"], row["IsPrivate"], str(row["CloseDate"])) == (1500.5, True,
                                                                           "2025-06-30")
        assert row["SystemModstamp"].isoformat() == "2024-05-01T10:00:00"
    finally:
        control.delete("Opportunity", created, purge=True)


def test_a_record_that_is_not_an_object_is_a_400(control):
    response = control.session.post(f"{control.base}/records/Task", json=["not a record"],
                                    timeout=30)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_rest_api_answers_a_bad_date_as_salesforce_does(sf, emulator):
    before = _count(emulator, "Opportunity")
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.Opportunity.create({**DEAL, "CloseDate": "next quarter"})
    (error,) = info.value.content
    assert (error["errorCode"], error["fields"]) == ("JSON_PARSER_ERROR", ["CloseDate"])
    assert _count(emulator, "Opportunity") == before


def test_an_unexpected_error_in_a_handler_is_a_logged_500_on_a_live_connection(control, caplog):
    response = control.session.post(f"{control.base}/limits", json={"daily_max": "lots"},
                                     timeout=30)
    assert response.status_code == 500
    (error,) = response.json()
    assert error["errorCode"] == "UNKNOWN_EXCEPTION" and "lots" in error["message"]
    assert any(r.name == "salesforce_emulator" and r.exc_info for r in caplog.records)
    assert control.counters()["daily_max"] == 1_000_000  # the same session still works


def test_a_request_the_server_cannot_read_gets_an_answer(emulator):
    """A malformed Content-Length fails before any handler runs: still a 500 JSON error."""
    context = ssl.create_default_context(cafile=str(emulator.ca_path))
    conn = http.client.HTTPSConnection("127.0.0.1", emulator.port, context=context, timeout=30)
    try:
        conn.putrequest("POST", "/control/counters/reset")
        conn.putheader("Content-Length", "many")
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 500
        assert json.loads(response.read())[0]["errorCode"] == "UNKNOWN_EXCEPTION"
        assert response.getheader("Connection") == "close"
    finally:
        conn.close()
