"""Writing Tasks with a Bulk API 2.0 ingest job: one CSV upload instead of a call per 200 rows.

Steps are simple-salesforce's own (`bulk2.Task._client`: create, upload, close, status, results),
called one by one so the job Id can be stored on the rows before any data is uploaded, and
polled with a doubling interval so a long job stays cheap in API calls. A run
that dies mid-job leaves rows that name their job, and the next run asks the job what happened.
Uploads and closes are never resent blindly: a second upload could duplicate the rows.
"""

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from simple_salesforce.bulk2 import Operation, ResultsType

from .sobject_collections import CallFailure, is_ambiguous, DoNotRetry, failure_from
from .payload import TASK, TASK_FIELDS

OPEN, IN_PROGRESS = "Open", ("UploadComplete", "InProgress")
FINAL = ("JobComplete", "Failed", "Aborted")
MAX_POLL_SECONDS = 30.0


@dataclass
class JobResults:
    job_id: str
    ok: dict[str, tuple[str, bool]] = field(default_factory=dict)      # key -> (Task Id, created)
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)   # key -> (code, message)
    unprocessed: set[str] = field(default_factory=set)


def _jobs(client):
    # Looked up per call: after a re-login the handler must carry the new token.
    return getattr(client.sf.bulk2, TASK)._client


def _once(client, step: Callable, call: str):
    """A step that must not be repeated in this run when its outcome is unknown."""
    def attempt():
        try:
            return step()
        except Exception as exc:
            if is_ambiguous(exc):
                raise DoNotRetry(exc) from exc
            raise
    try:
        return client.call(attempt, call=call, object=TASK, api="bulk")
    except DoNotRetry as exc:
        raise failure_from(exc.cause, ambiguous=True) from exc.cause


def to_csv(payloads: list[dict], key_field: str) -> str:
    used = {name for payload in payloads for name in payload}
    columns = [key_field] + [f for f in TASK_FIELDS.values() if f in used]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for payload in payloads:
        writer.writerow(["" if payload.get(c) is None else payload[c] for c in columns])
    return out.getvalue()


def create_job(client, external_id_field: str | None) -> str:
    operation = Operation.upsert if external_id_field else Operation.insert
    job = client.call(lambda: _jobs(client).create_job(operation,
                                                       external_id_field=external_id_field),
                      call="bulk ingest create", object=TASK, api="bulk")
    return job["id"]


def run_job(client, job_id: str, payloads: list[dict], key_field: str,
            poll_seconds: float) -> JobResults:
    """Upload, close, wait and read the results of an Open job.

    Raises CallFailure; `ambiguous` is False only when the job provably wrote nothing (it was
    still Open, and has been aborted).
    """
    try:
        _once(client, lambda: _jobs(client).upload_job_data(job_id, to_csv(payloads, key_field)),
              "bulk ingest upload")
        _once(client, lambda: _jobs(client).close_job(job_id), "bulk ingest close")
    except Exception as exc:
        if job_state(client, job_id) == OPEN:
            abort(client, job_id)
            raise _as_failure(exc, ambiguous=False) from exc
        raise _as_failure(exc, ambiguous=True) from exc
    state = wait(client, job_id, poll_seconds)
    if state != "JobComplete":  # Failed or Aborted: read what it did anyway
        client.log.warning(f"Salesforce: Bulk 2.0 ingest job {job_id} ended {state}")
    return job_results(client, job_id, key_field)


def wait(client, job_id: str, first_interval: float, max_interval: float = MAX_POLL_SECONDS,
         timeout: float = 24 * 3600) -> str:
    """Poll until the job ends, doubling the interval up to `max_interval`: a job that runs for
    minutes costs a handful of status calls, not one every two seconds."""
    interval, deadline = max(first_interval, 0.01), time.monotonic() + timeout
    while True:
        time.sleep(interval)
        state = job_state(client, job_id)
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


def job_state(client, job_id: str) -> str:
    return client.call(lambda: _jobs(client).get_job(job_id, False), call="bulk ingest status",
                       object=TASK, api="bulk")["state"]


def abort(client, job_id: str) -> None:
    client.call(lambda: _jobs(client).abort_job(job_id, False), call="bulk ingest abort",
                object=TASK, api="bulk")


def job_results(client, job_id: str, key_field: str) -> JobResults:
    """Per-row results of a finished job, keyed by the sync key column."""
    results = JobResults(job_id)

    def read(kind: str) -> list[dict]:
        text = client.call(lambda: _jobs(client).get_ingest_results(job_id, kind),
                           call=f"bulk ingest {kind}", object=TASK, api="bulk")
        return list(csv.DictReader(io.StringIO(text)))

    for row in read(ResultsType.successful.value):
        results.ok[row[key_field]] = (row["sf__Id"], row.get("sf__Created", "").lower() == "true")
    for row in read(ResultsType.failed.value):
        code, _, message = row.get("sf__Error", "").partition(":")
        results.errors[row[key_field]] = (code or "UNKNOWN", message.strip(":").strip())
    for row in read(ResultsType.unprocessed.value):
        if row.get(key_field):
            results.unprocessed.add(row[key_field])
    return results
