"""Bulk 2.0 query jobs and /composite batches, on top of the client's retry core.

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

COMPOSITE_MAX_SUBREQUESTS = 25  # Salesforce's limits per /composite call
COMPOSITE_MAX_QUERIES = 5
BULK_REFUSED_STATUS = {400, 403, 404}  # job creation refused: INVALIDENTITY, API_ERROR, disabled
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


# ----- Bulk 2.0 ---------------------------------------------------------------------------
def bulk_query_pages(client: "SalesforceClient", soql: str, *, object: str,
                     include_deleted: bool = False, max_records: int = 50_000) -> Iterator[str]:
    def jobs():
        # Built per attempt: after a re-login the handler must carry the new token.
        return getattr(client.sf.bulk2, object)._client

    operation = Operation.query_all if include_deleted else Operation.query
    try:
        job = client.call(lambda: jobs().create_job(operation, soql), call="bulk job create",
                          object=object, api="bulk")
    except SalesforceCallError as exc:
        if exc.status in BULK_REFUSED_STATUS:
            raise BulkUnavailable(f"Salesforce refused a Bulk 2.0 query job on {object}: {exc}; "
                                  "query this slice over REST instead", object=object,
                                  code=exc.code) from exc
        raise
    job_id = job["id"]
    try:
        client.call(lambda: jobs().wait_for_job(job_id, True, client.settings.bulk_poll_seconds),
                    call="bulk job wait", object=object, api="bulk")
    except SalesforceOperationError as exc:  # job Failed or Aborted; the message is Salesforce's
        raise BulkUnavailable(f"Salesforce Bulk 2.0 job {job_id} on {object} did not complete: "
                              f"{exc}; query this slice over REST instead", object=object) from exc
    client.log.info(f"Salesforce: Bulk 2.0 job {job_id} on {object} complete")
    locator = ""
    while True:
        page = client.call(lambda loc=locator: jobs().get_query_results(job_id, loc, max_records),
                           call="bulk results", object=object, api="bulk")
        yield page["records"]
        locator = page["locator"]
        if not locator:
            return


# ----- /composite -------------------------------------------------------------------------
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
