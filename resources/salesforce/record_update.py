"""Field updates of existing records: sObject Collections PATCH by Id (200 per call,
allOrNone=false) with the one query that tells which records changed in Salesforce since a
moment (the conflict check made before each batch), and for a few records a conditional PATCH
(If-Unmodified-Since: 412 when the record changed since) with a one-record read after a 412.

A collections update is sent once per run, as collections.write_records is: an answer that does
not prove Salesforce ignored it becomes an ambiguous CallFailure, and the caller compares the
records' current values before it writes again.

https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest_conditional_requests.htm
"""

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from .collections import MAX_RECORDS, CallFailure, failure_from, once
from .errors import SalesforceCallError

PRECONDITION_FAILED = 412


def update_records(client, object_name: str, updates: dict[str, dict]) -> list[dict]:
    """One collections call updating {record Id: {field: value}}; per-record results in order."""
    if len(updates) > MAX_RECORDS:
        raise ValueError(f"sObject Collections take at most {MAX_RECORDS} records per call")
    records = [{"attributes": {"type": object_name}, "Id": record_id, **values}
               for record_id, values in updates.items()]
    body = {"allOrNone": False, "records": records}
    try:
        results = once(client, lambda: client.sf.restful("composite/sobjects", method="PATCH",
                                                         json=body),
                       call=f"{object_name} field update", object=object_name, api="composite")
    except SalesforceCallError as exc:
        raise failure_from(exc.__cause__ or exc, ambiguous=False) from exc
    if not isinstance(results, list) or len(results) != len(records):
        raise CallFailure("UNEXPECTED_RESPONSE", f"Salesforce answered {len(records)} "
                          f"{object_name} updates with {type(results).__name__}",
                          ambiguous=True, transient=True)
    return results


def changed_since(client, object_name: str, fields: list[str],
                  since: datetime) -> Iterator[dict]:
    """Records of `object_name` whose SystemModstamp is after `since`, with `fields`: one REST
    query, paged by 2,000 (a call per page). Usually few: what changed since the last staging."""
    columns = ", ".join(dict.fromkeys(["Id", "SystemModstamp", *fields]))
    soql = (f"SELECT {columns} FROM {object_name} WHERE SystemModstamp > {soql_datetime(since)} "
            "ORDER BY SystemModstamp")
    for page in client.query_pages(soql, object=object_name):
        yield from page


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def soql_datetime(moment: datetime) -> str:
    return utc(moment).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"



def update_if_unmodified(client, object_name: str, record_id: str, values: dict,
                         unmodified_since: datetime) -> bool:
    """PATCH one record unless it changed after `unmodified_since` (If-Unmodified-Since): True
    when written, False when Salesforce answered 412 Precondition Failed (nothing changed)."""
    header = {"If-Unmodified-Since": http_date(unmodified_since)}
    sobject = getattr(client.sf, object_name)
    try:
        once(client, lambda: sobject.update(record_id, values, headers=header),
             call=f"{object_name} {record_id} conditional update", object=object_name,
             api="rest")
    except SalesforceCallError as exc:
        if exc.status == PRECONDITION_FAILED:
            return False
        raise failure_from(exc.__cause__ or exc, ambiguous=False) from exc
    return True


def read_record(client, object_name: str, record_id: str, fields: list[str]) -> dict:
    """One record's SystemModstamp and `fields` (one REST call)."""
    columns = ",".join(dict.fromkeys(["Id", "SystemModstamp", *fields]))
    return client.call(lambda: client.sf.restful(f"sobjects/{object_name}/{record_id}",
                                                 params={"fields": columns}),
                       call=f"{object_name} {record_id} read", object=object_name, api="rest")


def http_date(moment: datetime) -> str:
    """An HTTP date has whole seconds: round *up*, or a record last modified at .500 of the
    staged second would always look modified (an edit within that same second is the blind
    spot, as it is for any HTTP-date precondition)."""
    moment = utc(moment).astimezone(timezone.utc)
    if moment.microsecond:
        moment = moment.replace(microsecond=0) + timedelta(seconds=1)
    return format_datetime(moment, usegmt=True)
