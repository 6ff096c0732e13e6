"""Bulk 2.0 query jobs and /composite query batches, on top of the client's retry core.

Bulk 2.0 goes through the job client simple-salesforce's own `bulk2.<Object>.query()` uses
(`SFBulk2Type._client`: create_job, wait_for_job, get_query_results). The public generator
cannot resume: a page lost to a dropped connection would mean a new job and duplicate pages.
Calling the same three steps ourselves lets each result page be retried on its own locator.
"""

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from simple_salesforce.bulk2 import Operation
from simple_salesforce.exceptions import (SalesforceExpiredSession, SalesforceGeneralError,
                                          SalesforceMalformedRequest,
                                          SalesforceMoreThanOneRecord, SalesforceOperationError,
                                          SalesforceRefusedRequest, SalesforceResourceNotFound)

from .salesforce_errors import BulkUnavailable, SalesforceCallError, call_failed
from .salesforce_retry import is_expired_session, is_limit_exceeded, transient_reason

if TYPE_CHECKING:
    from .salesforce_client import SalesforceClient

COMPOSITE_MAX_QUERIES = 5  # Salesforce allows at most 5 query subrequests per /composite call
BULK_REFUSED_STATUS = {400, 403, 404}  # job creation refused: INVALIDENTITY, API_ERROR, disabled
EXCEPTION_BY_STATUS = {300: SalesforceMoreThanOneRecord, 400: SalesforceMalformedRequest,
                       401: SalesforceExpiredSession, 403: SalesforceRefusedRequest,
                       404: SalesforceResourceNotFound}


def strip_attributes(value):
    """Drop the `attributes` envelopes Salesforce puts on every record and parent record."""
    if isinstance(value, dict):
        return {key: strip_attributes(item) for key, item in value.items() if key != "attributes"}
    if isinstance(value, list):
        return [strip_attributes(item) for item in value]
    return value


# ----- Bulk 2.0 ---------------------------------------------------------------------------
def bulk_query_pages(client: "SalesforceClient", soql: str, *, object: str,
                     include_deleted: bool = False, max_records: int = 50_000) -> Iterator[str]:
    def jobs():
        # Built per attempt: after a re-login the handler must carry the new token.
        return getattr(client.sf.bulk2, object)._client

    operation = Operation.query_all if include_deleted else Operation.query
    try:
        job = client._call(lambda: jobs().create_job(operation, soql), call="bulk job create",
                           object=object, api="bulk")
    except SalesforceCallError as exc:
        if exc.status in BULK_REFUSED_STATUS:
            raise BulkUnavailable(f"Salesforce refused a Bulk 2.0 query job on {object}: {exc}; "
                                  "query this slice over REST instead", object=object,
                                  code=exc.code) from exc
        raise
    job_id = job["id"]
    try:
        client._call(lambda: jobs().wait_for_job(job_id, True, client.settings.bulk_poll_seconds),
                     call="bulk job wait", object=object, api="bulk")
    except SalesforceOperationError as exc:  # job Failed or Aborted; the message is Salesforce's
        raise BulkUnavailable(f"Salesforce Bulk 2.0 job {job_id} on {object} did not complete: "
                              f"{exc}; query this slice over REST instead", object=object) from exc
    client.log.info(f"Salesforce: Bulk 2.0 job {job_id} on {object} complete")
    locator = ""
    while True:
        page = client._call(lambda loc=locator: jobs().get_query_results(job_id, loc, max_records),
                            call="bulk results", object=object, api="bulk")
        yield page["records"]
        locator = page["locator"]
        if not locator:
            return


# ----- /composite -------------------------------------------------------------------------
def composite_queries(client: "SalesforceClient", soqls: list[str], *, objects: list[str],
                      include_deleted: bool = False) -> list[dict]:
    if len(soqls) != len(objects):
        raise ValueError(f"composite_queries needs one object per query: got {len(soqls)} "
                         f"queries and {len(objects)} objects")
    results = []
    for start in range(0, len(soqls), COMPOSITE_MAX_QUERIES):
        end = start + COMPOSITE_MAX_QUERIES
        results.extend(_composite_call(client, soqls[start:end], objects[start:end], include_deleted))
    return results


def _composite_call(client: "SalesforceClient", soqls: list[str], objects: list[str],
                    include_deleted: bool) -> list[dict]:
    resource = "queryAll" if include_deleted else "query"
    version = client.settings.api_version
    body = {"allOrNone": False, "compositeRequest": [
        {"method": "GET", "referenceId": f"q{i}",
         "url": f"/services/data/v{version}/{resource}/?{urlencode({'q': soql})}"}
        for i, soql in enumerate(soqls)]}

    def attempt() -> list[dict]:
        response = client.sf.restful("composite", method="POST", json=body)
        subresults = response["compositeResponse"]
        return [_first_page(sub, name) for sub, name in zip(subresults, objects)]

    return client._call(attempt, call="composite query", objects=objects, api="composite")


def _first_page(sub: dict, object: str) -> dict:
    """One subrequest's result, or the error it carries raised as simple-salesforce would."""
    status = sub["httpStatusCode"]
    if status >= 300:
        exc = EXCEPTION_BY_STATUS.get(status, SalesforceGeneralError)(
            f"composite/{sub.get('referenceId')}", status, "composite", sub.get("body"))
        if transient_reason(exc) or is_expired_session(exc) or is_limit_exceeded(exc):
            raise exc  # the whole (read-only) composite call is retried, re-logged or stopped
        raise call_failed(exc, object=object, call="composite query", attempts=1)
    page = sub["body"]
    return {"object": object, "totalSize": page["totalSize"], "done": page["done"],
            "nextRecordsUrl": page.get("nextRecordsUrl"),
            "records": strip_attributes(page["records"])}

