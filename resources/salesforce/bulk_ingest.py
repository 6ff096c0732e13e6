"""Record writes through a Bulk API 2.0 ingest job: one CSV upload instead of a call per 200 rows.

The steps (create, upload, close, status, results) are made one by one, so the caller can store
the job Id on its rows before any data is uploaded, and a run that dies mid-job leaves rows
that name their job: the next run asks the job what happened. Status is polled with a doubling
interval so a long job stays cheap in API calls. Uploads and closes are never resent blindly: a
second upload could duplicate the rows.
"""

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import bulk2
from .collections import CallFailure, failure_from, once

MAX_POLL_SECONDS = 30.0
OPEN, IN_PROGRESS, FINAL = bulk2.OPEN, bulk2.RUNNING, bulk2.FINAL


@dataclass
class JobResults:
    job_id: str
    ok: dict[str, tuple[str, bool]] = field(default_factory=dict)      # key -> (Id, created)
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)   # key -> (code, message)
    unprocessed: set[str] = field(default_factory=set)


def to_csv(payloads: list[dict], columns: list[str]) -> str:
    """The upload body: `columns` that any payload uses, in the given order; None is empty."""
    used = {name for payload in payloads for name in payload}
    header = [c for c in columns if c in used]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for payload in payloads:
        writer.writerow(["" if payload.get(c) is None else payload[c] for c in header])
    return out.getvalue()


def create_job(client, object_name: str, external_id_field: str | None) -> str:
    """An Open insert job, or an upsert job by `external_id_field`; returns its Id."""
    operation = "upsert" if external_id_field else "insert"
    job = client.call(lambda: bulk2.create_ingest_job(client.sf, object_name, operation,
                                                      external_id_field),
                      call="bulk ingest create", object=object_name, api="bulk")
    return job["id"]


def run_job(client, object_name: str, job_id: str, csv_text: str,
            key_of: Callable[[dict], str | None], poll_seconds: float) -> JobResults:
    """Upload, close, wait and read the results of an Open job.

    Raises CallFailure; `ambiguous` is False only when the job provably wrote nothing (it was
    still Open, and has been aborted).
    """
    try:
        once(client, lambda: bulk2.upload(client.sf, job_id, csv_text),
             call="bulk ingest upload", object=object_name, api="bulk")
        once(client, lambda: bulk2.set_state(client.sf, bulk2.INGEST, job_id, "UploadComplete"),
             call="bulk ingest close", object=object_name, api="bulk")
    except Exception as exc:
        if job_state(client, object_name, job_id) == OPEN:
            abort(client, object_name, job_id)
            raise _as_failure(exc, ambiguous=False) from exc
        raise _as_failure(exc, ambiguous=True) from exc
    state = wait(client, object_name, job_id, poll_seconds)
    if state != "JobComplete":  # Failed or Aborted: read what it did anyway
        client.log.warning(f"Salesforce: Bulk 2.0 ingest job {job_id} ended {state}")
    return job_results(client, object_name, job_id, key_of)


def wait(client, object_name: str, job_id: str, first_interval: float,
         max_interval: float = MAX_POLL_SECONDS, timeout: float = 24 * 3600) -> str:
    """Poll until the job ends, doubling the interval up to `max_interval`: a job that runs for
    minutes costs a handful of status calls, not one every two seconds."""
    interval, deadline = max(first_interval, 0.01), time.monotonic() + timeout
    while True:
        time.sleep(interval)
        state = job_state(client, object_name, job_id)
        if state in FINAL:
            return state
        if time.monotonic() > deadline:
            raise CallFailure("BULK_TIMEOUT", f"Bulk 2.0 job {job_id} still {state} after "
                              f"{timeout:.0f} s", ambiguous=True, transient=True)
        interval = min(max_interval, interval * 2)


def _as_failure(exc: Exception, *, ambiguous: bool) -> CallFailure:
    if isinstance(exc, CallFailure):
        exc.ambiguous = ambiguous
        return exc
    return failure_from(exc.__cause__ or exc, ambiguous=ambiguous)


def job_state(client, object_name: str, job_id: str) -> str:
    return client.call(lambda: bulk2.job_info(client.sf, bulk2.INGEST, job_id),
                       call="bulk ingest status", object=object_name, api="bulk")["state"]


def abort(client, object_name: str, job_id: str) -> None:
    client.call(lambda: bulk2.set_state(client.sf, bulk2.INGEST, job_id, "Aborted"),
                call="bulk ingest abort", object=object_name, api="bulk")


def job_results(client, object_name: str, job_id: str,
                key_of: Callable[[dict], str | None]) -> JobResults:
    """Per-row results of a finished job, keyed by `key_of(row)`: the results echo each
    uploaded row, so the caller says where in it its own key is."""
    results = JobResults(job_id)

    def read(kind: str) -> list[dict]:
        text = client.call(lambda: bulk2.ingest_results(client.sf, job_id, kind),
                           call=f"bulk ingest {kind}", object=object_name, api="bulk")
        return list(csv.DictReader(io.StringIO(text)))

    for row in read("successfulResults"):
        results.ok[key_of(row)] = (row["sf__Id"], row.get("sf__Created", "").lower() == "true")
    for row in read("failedResults"):
        code, _, message = row.get("sf__Error", "").partition(":")
        results.errors[key_of(row)] = (code or "UNKNOWN", message.strip(":").strip())
    for row in read("unprocessedrecords"):
        if key_of(row):
            results.unprocessed.add(key_of(row))
    return results
