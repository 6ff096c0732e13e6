"""Bulk API 1.0 (`/services/async/{version}/job...`), which simple-salesforce's `sf.bulk` and
many loaders speak: jobs (query, queryAll, insert, update, upsert, delete, hardDelete) with
JSON or CSV content, batches processed as they arrive (Queued -> InProgress -> Completed |
Failed), batch results, and query results by result Id. Authenticated by the `X-SFDC-Session`
header. ("Bulk API Reference", Bulk API Developer Guide:
https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_reference.htm)

simple-salesforce sends concurrencyMode as 0 or 1: it is read as Parallel or Serial. XML record
batches (contentType XML, the guide's default) are not modelled: such a job is refused.
"""

import json
import threading
from datetime import datetime, timezone
from xml.dom import minidom
from xml.parsers.expat import ExpatError

from ..org import ids
from ..org.errors import ApiError
from . import bulk1_batch
from .bulk1_format import BATCH_ORDER, JOB_ORDER, dml_results, info, result_list
from .http import Request, Response

ASYNC = r"/services/async/(?P<version>\d+\.\d)/job"
JOB = r"(?P<job>750\w+)"
BATCH = r"(?P<batch>751\w+)"
STAMP = "%Y-%m-%dT%H:%M:%S.000+0000"
OPERATIONS = ("query", "queryAll", "insert", "update", "upsert", "delete", "hardDelete")
SERIAL_BASE = 1_000_000  # keeps 1.0 job Ids apart from Bulk 2.0's
QUICK_BATCH_SECONDS = 1.0


class Registry:
    def __init__(self):
        self.jobs: dict[str, dict] = {}
        self.batches: dict[str, dict] = {}
        self.lock = threading.Lock()
        self.serial = SERIAL_BASE

    def new_id(self, prefix: str) -> str:
        with self.lock:
            self.serial += 1
            return ids.mint(prefix, self.serial)


def register(router, app) -> None:
    app.bulk1 = Registry()

    def add(method, pattern, handler, kind="bulk1"):
        handler.kind = kind
        router.add(method, f"{ASYNC}{pattern}", handler)

    add("POST", r"", lambda r: create_job(app, r), "bulk1_job")
    add("GET", rf"/{JOB}", lambda r: job_response(app, r, _job(app, r)))
    add("POST", rf"/{JOB}", lambda r: change_job(app, r))
    add("POST", rf"/{JOB}/batch", lambda r: add_batch(app, r), "bulk1_batch")
    add("GET", rf"/{JOB}/batch", lambda r: list_batches(app, r))
    add("GET", rf"/{JOB}/batch/{BATCH}", lambda r: batch_response(r, _batch(app, r)))
    add("GET", rf"/{JOB}/batch/{BATCH}/request", lambda r: batch_request(app, r))
    add("GET", rf"/{JOB}/batch/{BATCH}/result", lambda r: batch_result(app, r))
    add("GET", rf"/{JOB}/batch/{BATCH}/result/(?P<result>752\w+)", lambda r: query_result(app, r))


def now() -> str:
    return datetime.now(timezone.utc).strftime(STAMP)


def _job_spec(request: Request) -> dict:
    """The JobInfo of a create or state change: a JSON object or an XML jobInfo element."""
    if "json" in request.headers.get("content-type", "").lower():
        body = request.json()
        if not isinstance(body, dict):
            raise ApiError(400, "InvalidJob", "the job must be a JSON object")
        return body
    try:
        root = minidom.parseString(request.body or b"<jobInfo/>").documentElement
    except ExpatError as exc:
        raise ApiError(400, "XmlRead", f"Failed to parse XML: {exc}") from None
    return {n.tagName: "".join(t.data for t in n.childNodes if t.nodeType == t.TEXT_NODE)
            for n in root.childNodes if n.nodeType == n.ELEMENT_NODE}


def _job(app, request: Request) -> dict:
    job = app.bulk1.jobs.get(request.params["job"])
    if job is None:
        raise ApiError(400, "InvalidJob", f"Invalid job id: {request.params['job']}")
    request.sobject = job["object"]
    request.bulk_format = job["contentType"]
    return job


def _batch(app, request: Request) -> dict:
    job = _job(app, request)
    batch = app.bulk1.batches.get(request.params["batch"])
    if batch is None or batch["jobId"] != job["id"]:
        raise ApiError(400, "InvalidBatch", f"Invalid batch id: {request.params['batch']}")
    return batch


def create_job(app, request: Request) -> Response:
    spec = _job_spec(request)
    operation, content = spec.get("operation"), spec.get("contentType") or "XML"
    if operation not in OPERATIONS:
        raise ApiError(400, "InvalidJob", f"Invalid operation: {operation}")
    if content not in ("JSON", "CSV"):
        raise ApiError(400, "InvalidJob", f"contentType {content} is not modelled: use JSON or CSV")
    obj = app.object(str(spec.get("object", "")))
    if obj is None:
        raise ApiError(400, "InvalidEntity", f"Entity '{spec.get('object')}' is not supported by "
                       "the Bulk API.")
    if operation == "upsert" and not spec.get("externalIdFieldName"):
        raise ApiError(400, "InvalidJob", "External ID was blank for upsert")
    mode = str(spec.get("concurrencyMode", "Parallel"))
    request.sobject = obj.name
    job = {"id": app.bulk1.new_id("750"), "operation": operation, "object": obj.name,
           "createdById": request.user_id, "createdDate": now(), "systemModstamp": now(),
           "state": "Open", "externalIdFieldName": spec.get("externalIdFieldName"),
           "concurrencyMode": "Serial" if mode in ("1", "Serial") else "Parallel",
           "contentType": content, "apiVersion": float(request.params["version"]),
           "assignmentRuleId": None, "fastPathEnabled": False, "numberRetries": 0,
           "totalProcessingTime": 0, "apiActiveProcessingTime": 0, "apexProcessingTime": 0}
    with app.bulk1.lock:
        app.bulk1.jobs[job["id"]] = job
    request.bulk_format = content if "json" in request.headers.get("content-type", "") else "XML"
    return job_response(app, request, job, 201)


def _counts(app, job: dict) -> dict:
    batches = [b for b in app.bulk1.batches.values() if b["jobId"] == job["id"]]
    states = [b["state"] for b in batches]
    return {"numberBatchesQueued": states.count("Queued"),
            "numberBatchesInProgress": states.count("InProgress"),
            "numberBatchesCompleted": states.count("Completed"),
            "numberBatchesFailed": states.count("Failed") + states.count("NotProcessed"),
            "numberBatchesTotal": len(batches),
            "numberRecordsProcessed": sum(b["numberRecordsProcessed"] for b in batches),
            "numberRecordsFailed": sum(b["numberRecordsFailed"] for b in batches)}


def job_response(app, request: Request, job: dict, status: int = 200) -> Response:
    return info(request, "jobInfo", {**job, **_counts(app, job)}, JOB_ORDER, status)


def change_job(app, request: Request) -> Response:
    job = _job(app, request)
    state = _job_spec(request).get("state")
    if state not in ("Closed", "Aborted"):
        raise ApiError(400, "InvalidJobState", f"Invalid state: {state}")
    if job["state"] != "Open":
        raise ApiError(400, "InvalidJobState", f"Job is already {job['state']}")
    job["state"], job["systemModstamp"] = state, now()
    if state == "Aborted":
        for batch in app.bulk1.batches.values():
            if batch["jobId"] == job["id"] and batch["state"] == "Queued":
                batch["state"] = "NotProcessed"
    return job_response(app, request, job)


def add_batch(app, request: Request) -> Response:
    job = _job(app, request)
    if job["state"] != "Open":
        raise ApiError(400, "InvalidJobState", f"Job {job['id']} is not open: {job['state']}")
    batch = {"id": app.bulk1.new_id("751"), "jobId": job["id"], "state": "Queued",
             "createdDate": now(), "systemModstamp": now(), "numberRecordsProcessed": 0,
             "numberRecordsFailed": 0, "totalProcessingTime": 0, "apiActiveProcessingTime": 0,
             "apexProcessingTime": 0, "_request": request.body, "_results": None}
    with app.bulk1.lock:
        app.bulk1.batches[batch["id"]] = batch
    response = batch_response(request, batch, 201)  # the batch as queued
    worker = threading.Thread(target=bulk1_batch.run, args=(app, job, batch, request.user_id),
                              daemon=True)
    worker.start()
    worker.join(QUICK_BATCH_SECONDS)  # a small batch is done by the client's first poll
    return response


def batch_response(request: Request, batch: dict, status: int = 200) -> Response:
    return info(request, "batchInfo", {k: v for k, v in batch.items() if not k.startswith("_")},
                BATCH_ORDER, status)


def list_batches(app, request: Request) -> Response:
    job = _job(app, request)
    batches = [{k: v for k, v in b.items() if not k.startswith("_")}
               for b in app.bulk1.batches.values() if b["jobId"] == job["id"]]
    if job["contentType"] == "JSON":
        return Response.json({"batchInfo": batches})
    from .bulk1_format import NS, xml
    inner = "".join(batch_response(request, b).body.decode().split("?>", 1)[1] for b in batches)
    return xml(f'<batchInfoList xmlns="{NS}">{inner}</batchInfoList>')


def batch_request(app, request: Request) -> Response:
    batch = _batch(app, request)
    kind = "application/json" if request.bulk_format == "JSON" else "text/csv"
    return Response(200, batch["_request"], {"Content-Type": kind})


def _completed(batch: dict) -> None:
    if batch["state"] != "Completed":
        raise ApiError(400, "InvalidBatch", f"Batch not completed: {batch['state']}")


def batch_result(app, request: Request) -> Response:
    job, batch = _job(app, request), _batch(app, request)
    _completed(batch)
    if job["operation"] in ("query", "queryAll"):
        return result_list(request, list(batch["_results"]))
    return dml_results(request, batch["_results"])


def query_result(app, request: Request) -> Response:
    batch = _batch(app, request)
    _completed(batch)
    result = (batch["_results"] or {}).get(request.params["result"])
    if result is None:
        raise ApiError(400, "InvalidBatch", f"Invalid result id: {request.params['result']}")
    if request.bulk_format == "JSON":
        return Response(200, result, {"Content-Type": "application/json"})
    return Response(200, result, {"Content-Type": "text/csv"})


def parse_json_records(body: bytes) -> list[dict]:
    records = json.loads(body or b"[]")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValueError("a JSON batch is an array of records")
    return records
