"""Bulk API 2.0 query jobs, streamed one CSV result page at a time.

Each step (create, every status poll, every result page) is its own retried call, so a page lost
to a dropped connection is fetched again by its locator instead of starting a new job and
landing duplicate pages.
"""

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from . import bulk2
from .errors import BulkUnavailable, SalesforceCallError

if TYPE_CHECKING:
    from .client import SalesforceClient

BULK_REFUSED_STATUS = {400, 403, 404}  # job creation refused: INVALIDENTITY, API_ERROR, disabled
MAX_POLL_SECONDS = 2.0  # as simple-salesforce's own wait: a finished job is seen soon


def bulk_query_pages(client: "SalesforceClient", soql: str, *, object: str,
                     include_deleted: bool = False, max_records: int = 50_000) -> Iterator[bytes]:
    try:
        job = client.call(lambda: bulk2.create_query_job(client.sf, soql,
                                                         include_deleted=include_deleted),
                          call="bulk job create", object=object, api="bulk")
    except SalesforceCallError as exc:
        if exc.status in BULK_REFUSED_STATUS:
            raise BulkUnavailable(f"Salesforce refused a Bulk 2.0 query job on {object}: {exc}; "
                                  "query this slice over REST instead", object=object,
                                  code=exc.code) from exc
        raise
    job_id = job["id"]
    state, message = _wait(client, job_id, object)
    if state != "JobComplete":
        raise BulkUnavailable(f"Salesforce Bulk 2.0 job {job_id} on {object} ended {state}"
                              f"{': ' + message if message else ''}; query this slice over REST "
                              "instead", object=object)
    client.log.info(f"Salesforce: Bulk 2.0 job {job_id} on {object} complete")
    locator = ""
    while True:
        page, locator = client.call(
            lambda loc=locator: bulk2.query_results(client.sf, job_id, loc, max_records),
            call="bulk results", object=object, api="bulk")
        yield page
        if not locator:
            return


def _wait(client: "SalesforceClient", job_id: str, object: str) -> tuple[str, str]:
    """Poll until the job ends, the interval doubling from bulk_poll_seconds up to 2 s."""
    interval = max(client.settings.bulk_poll_seconds, 0.01)
    ceiling = max(MAX_POLL_SECONDS, interval)
    while True:
        time.sleep(interval)
        info = client.call(lambda: bulk2.job_info(client.sf, bulk2.QUERY, job_id),
                           call="bulk job wait", object=object, api="bulk")
        if info["state"] in bulk2.FINAL:
            return info["state"], info.get("errorMessage") or ""
        interval = min(ceiling, interval * 2)
