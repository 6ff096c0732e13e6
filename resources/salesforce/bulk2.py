"""Bulk API 2.0 job requests, one HTTP call each, through the client's simple-salesforce session.

simple-salesforce's own Bulk 2.0 helpers either run a whole job in one generator (a page lost to a
dropped connection means a new job) or sit behind a private handler. These are the same
documented requests (Bulk API 2.0 Developer Guide, "Query Jobs" and "Ingest Jobs":
https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0.htm)
made with simple-salesforce's public `session`, `headers`, `bulk2_url` and `call_salesforce`, so
each step can be retried, recorded or resumed on its own, and errors arrive as the client's typed
exceptions that the retry core already understands.
"""

import json

from simple_salesforce import Salesforce
from simple_salesforce.util import call_salesforce

JSON = "application/json"
CSV = "text/csv; charset=UTF-8"
QUERY, INGEST = "query", "ingest"
OPEN = "Open"
RUNNING = ("UploadComplete", "InProgress")
FINAL = ("JobComplete", "Failed", "Aborted")


def _request(sf: Salesforce, method: str, path: str, *, accept: str = JSON,
             content_type: str = JSON, **kwargs):
    headers = {**sf.headers, "Content-Type": content_type, "Accept": accept}
    return call_salesforce(url=sf.bulk2_url + path, method=method, session=sf.session,
                           headers=headers, **kwargs)


def create_query_job(sf: Salesforce, soql: str, *, include_deleted: bool) -> dict:
    body = {"operation": "queryAll" if include_deleted else "query", "query": soql,
            "columnDelimiter": "COMMA", "lineEnding": "LF"}
    return _request(sf, "POST", QUERY, data=json.dumps(body)).json()


def create_ingest_job(sf: Salesforce, object_name: str, operation: str,
                      external_id_field: str | None = None) -> dict:
    body = {"object": object_name, "operation": operation, "contentType": "CSV",
            "columnDelimiter": "COMMA", "lineEnding": "LF"}
    if external_id_field:
        body["externalIdFieldName"] = external_id_field
    return _request(sf, "POST", INGEST, data=json.dumps(body)).json()


def job_info(sf: Salesforce, kind: str, job_id: str) -> dict:
    return _request(sf, "GET", f"{kind}/{job_id}").json()


def set_state(sf: Salesforce, kind: str, job_id: str, state: str) -> dict:
    """Close an ingest job (UploadComplete) or abort any job (Aborted)."""
    return _request(sf, "PATCH", f"{kind}/{job_id}", data=json.dumps({"state": state})).json()


def query_results(sf: Salesforce, job_id: str, locator: str,
                  max_records: int) -> tuple[bytes, str]:
    """(CSV bytes with the header row, next locator or "" at the end) of one result page.
    Bytes, not text: a value that is not UTF-8 must not cost the page (the extraction sets
    that record aside and lands the rest)."""
    params = {"maxRecords": max_records}
    if locator:
        params["locator"] = locator
    response = _request(sf, "GET", f"{QUERY}/{job_id}/results", accept=CSV, params=params)
    following = response.headers.get("Sforce-Locator", "")
    # PostgreSQL-bound text cannot hold NUL; Salesforce can return it in long text fields.
    return response.content.replace(b"\x00", b""), (
        "" if following in ("", "null") else following)


def upload(sf: Salesforce, job_id: str, csv_text: str) -> None:
    _request(sf, "PUT", f"{INGEST}/{job_id}/batches", content_type=CSV,
             data=csv_text.encode("utf-8"))


def ingest_results(sf: Salesforce, job_id: str, kind: str) -> str:
    """`successfulResults`, `failedResults` or `unprocessedrecords` of an ingest job, as CSV."""
    return _request(sf, "GET", f"{INGEST}/{job_id}/{kind}", accept=CSV).text
