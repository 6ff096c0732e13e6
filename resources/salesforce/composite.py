"""`/composite` batches (one API call for up to 25 subrequests, five of them queries) and the
`attributes` envelope every REST record carries.

Composite resource reference: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
"""

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)

from .errors import call_failed
from .retry import is_expired_session, is_limit_exceeded, transient_reason

if TYPE_CHECKING:
    from .client import SalesforceClient

COMPOSITE_MAX_SUBREQUESTS = 25  # Salesforce's limits per /composite call
COMPOSITE_MAX_QUERIES = 5
EXCEPTION_BY_STATUS = {300: SalesforceMoreThanOneRecord, 400: SalesforceMalformedRequest,
                       401: SalesforceExpiredSession, 403: SalesforceRefusedRequest,
                       404: SalesforceResourceNotFound}


def strip_attributes(records: list[dict]) -> list[dict]:
    """Remove the `attributes` envelope from each record, parent and child record, in place.

    In place, because the records are freshly parsed for us and a copy of every page cost a
    quarter of REST throughput (bench/bench_salesforce_client.py).
    """
    for record in records:
        _strip(record)
    return records


def _strip(record: dict) -> None:
    record.pop("attributes", None)
    for value in record.values():
        if isinstance(value, dict):  # a parent record, or a child subquery's result
            _strip(value)
        elif isinstance(value, list):  # a child subquery's records
            for item in value:
                if isinstance(item, dict):
                    _strip(item)


def composite(client: "SalesforceClient", subrequests: list[dict], *, objects: list[str],
              all_or_none: bool = False) -> list[dict]:
    if len(subrequests) > COMPOSITE_MAX_SUBREQUESTS:
        raise ValueError(f"/composite takes at most {COMPOSITE_MAX_SUBREQUESTS} subrequests, "
                         f"got {len(subrequests)}")
    body = {"allOrNone": all_or_none, "compositeRequest": subrequests}
    # Only a batch of reads may be sent again; a batch with writes returns its failures as-is.
    read_only = all(sub.get("method", "GET").upper() == "GET" for sub in subrequests)

    def attempt() -> list[dict]:
        responses = client.sf.restful("composite", method="POST", json=body)["compositeResponse"]
        if read_only:
            for sub in responses:
                _raise_if_call_level(sub)
        return responses

    return client.call(attempt, call="composite", objects=objects, api="composite")


def _subrequest_error(sub: dict) -> Exception:
    """A failed subrequest as the simple-salesforce exception its status maps to."""
    status = sub["httpStatusCode"]
    return EXCEPTION_BY_STATUS.get(status, SalesforceGeneralError)(
        f"composite/{sub.get('referenceId')}", status, "composite", sub.get("body"))


def _raise_if_call_level(sub: dict) -> None:
    """Raise the failures the retry core acts on: transient, expired session, spent limit."""
    if sub["httpStatusCode"] >= 300:
        exc = _subrequest_error(sub)
        if transient_reason(exc) or is_expired_session(exc) or is_limit_exceeded(exc):
            raise exc


def composite_queries(client: "SalesforceClient", soqls: list[str], *, objects: list[str],
                      include_deleted: bool = False) -> list[dict]:
    if len(soqls) != len(objects):
        raise ValueError(f"composite_queries needs one object per query: got {len(soqls)} "
                         f"queries and {len(objects)} objects")
    resource = "queryAll" if include_deleted else "query"
    version = client.settings.api_version
    results = []
    for start in range(0, len(soqls), COMPOSITE_MAX_QUERIES):
        names = objects[start:start + COMPOSITE_MAX_QUERIES]
        subrequests = [
            {"method": "GET", "referenceId": f"q{i}",
             "url": f"/services/data/v{version}/{resource}/?{urlencode({'q': soql})}"}
            for i, soql in enumerate(soqls[start:start + COMPOSITE_MAX_QUERIES])]
        responses = composite(client, subrequests, objects=names)
        results.extend(_first_page(sub, name) for sub, name in zip(responses, names))
    return results


def _first_page(sub: dict, object: str) -> dict:
    if sub["httpStatusCode"] >= 300:
        raise call_failed(_subrequest_error(sub), object=object, call="composite query", attempts=1)
    page = sub["body"]
    return {"object": object, "totalSize": page["totalSize"], "done": page["done"],
            "nextRecordsUrl": page.get("nextRecordsUrl"),
            "records": strip_attributes(page["records"])}
