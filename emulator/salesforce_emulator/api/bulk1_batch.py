"""Processing of one Bulk API 1.0 batch on its own thread: DML rows through the same
write_record as every API write (so validation rules, profiles and record faults behave the
same), or a query into one result, JSON or CSV."""

import csv
import io
import time
from datetime import datetime, timezone

import pyarrow.csv as pa_csv

from ..org.errors import ApiError
from ..org.poison_wire import apply_records, apply_table, swap_bytes
from ..soql.engine import compile_soql
from ..soql.lexer import SoqlError
from .bulk1_format import epoch_ms
from .http import Response
from .records import write_record

STAMP = "%Y-%m-%dT%H:%M:%S.000+0000"


def run(app, job: dict, batch: dict, user_id: str) -> None:
    if batch["state"] != "Queued":  # the job was aborted first
        return
    started = time.monotonic()
    batch["state"] = "InProgress"
    try:
        if job["operation"] in ("query", "queryAll"):
            batch["_results"] = _query(app, job, batch)
        else:
            batch["_results"] = _dml(app, job, batch, user_id)
        batch["state"] = "Completed"
    except (ApiError, SoqlError, ValueError, csv.Error) as exc:
        code, message = getattr(exc, "code", "InvalidBatch"), getattr(exc, "message", str(exc))
        batch["state"], batch["stateMessage"] = "Failed", f"InvalidBatch : {code}: {message}"
    elapsed = int((time.monotonic() - started) * 1000)
    batch["totalProcessingTime"] = batch["apiActiveProcessingTime"] = elapsed
    batch["systemModstamp"] = datetime.now(timezone.utc).strftime(STAMP)


def _rows(job: dict, body: bytes) -> list[dict]:
    """Records of a DML batch; in CSV, `#N/A` sets null and an empty value leaves a field alone."""
    if job["contentType"] == "JSON":
        from .bulk1 import parse_json_records
        return [{k: v for k, v in r.items() if k != "attributes"} for r in parse_json_records(body)]
    reader = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    return [{k: (None if v == "#N/A" else v) for k, v in row.items() if v != ""} for row in reader]


def _dml(app, job: dict, batch: dict, user_id: str) -> list[dict]:
    obj = app.object(job["object"])
    if obj is None:
        raise ApiError(400, "InvalidEntity", f"Entity '{job['object']}' is not supported")
    op = {"hardDelete": "delete"}.get(job["operation"], job["operation"])
    ext = job.get("externalIdFieldName")
    results = []
    for row in _rows(job, batch["_request"]):
        key = row.get(ext) if op == "upsert" else row.get("Id")
        values = {k: v for k, v in row.items() if k != "Id"} if op != "delete" else {}
        try:
            r = write_record(app, obj, op, values, user_id, key, ext)
            results.append({"success": True, "created": r.get("created", op == "insert"),
                            "id": r["id"], "errors": []})
        except ApiError as exc:
            results.append({"success": False, "created": False, "id": None, "errors": [
                {"fields": exc.fields or [], "message": exc.message, "statusCode": exc.code}]})
    batch["numberRecordsProcessed"] = len(results)
    batch["numberRecordsFailed"] = sum(not r["success"] for r in results)
    return results


def _query(app, job: dict, batch: dict) -> dict[str, bytes]:
    soql = batch["_request"].decode("utf-8").strip()
    version = f"{job['apiVersion']:.1f}"
    kw = dict(include_deleted=job["operation"] == "queryAll", now=app.now(), api_version=version)
    bulk = compile_soql(soql, app.objects(), for_bulk=True, **kw)  # Bulk's restrictions first
    cur = app.store.con.cursor()
    if job["contentType"] == "JSON":
        compiled = compile_soql(soql, app.objects(), **kw)
        records = [compiled.to_record(row) for row in
                   cur.execute(compiled.sql, compiled.params).fetchall()]
        apply_records(app.store.poison, compiled.object.name, records)
        epoch_ms(compiled.columns, records)
        body, count = Response.json(records).body, len(records)
    else:
        table = f"_bulk1_{batch['id']}"
        try:
            cur.execute(f'CREATE OR REPLACE TABLE "{table}" AS {bulk.sql}', bulk.params)
            swaps = apply_table(app.store.poison, cur, table, bulk.csv_header(), bulk.object.name)
            arrow = cur.sql(f'SELECT * FROM "{table}" ORDER BY rowid').to_arrow_table()
        finally:
            cur.execute(f'DROP TABLE IF EXISTS "{table}"')
        out = io.BytesIO()
        pa_csv.write_csv(arrow.rename_columns(bulk.csv_header()), out,
                         pa_csv.WriteOptions(include_header=True, quoting_style="all_valid"))
        body, count = swap_bytes(out.getvalue(), swaps), arrow.num_rows
    batch["numberRecordsProcessed"] = count
    return {app.bulk1.new_id("752"): body}
