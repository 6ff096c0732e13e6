"""sObject Collections (`composite/sobjects`) and the `/composite` batch resource.

Collections take up to 200 records per call with per-record results (errors carry `statusCode`,
not `errorCode`). `/composite` runs up to 25 subrequests, at most 5 of them queries, and is
metered as ONE API call: that is what lets an incremental tick over many objects stay cheap.
"""

import json
import re
from urllib.parse import parse_qs, urlsplit

from ..org import ids
from ..org.errors import ApiError
from .http import Request, Response
from .records import record_json, sobject, write_record

DATA = r"/services/data/v(?P<version>\d+\.\d)"
MAX_COLLECTION = 200
MAX_SUBREQUESTS = 25
MAX_QUERIES = 5
ROLLED_BACK = {"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
               "message": "Record rolled back because not all records were valid and the request "
                          "was using AllOrNone header", "fields": []}


def register(router, app) -> None:
    def add(method, pattern, handler, kind="composite"):
        handler.kind = kind
        router.add(method, f"{DATA}{pattern}", handler)

    add("POST", r"/composite/sobjects", lambda r: collection(app, r, "create"))
    add("PATCH", r"/composite/sobjects", lambda r: collection(app, r, "update"))
    add("PATCH", r"/composite/sobjects/(?P<sobject>\w+)/(?P<field>\w+)",
        lambda r: collection(app, r, "upsert"))
    add("DELETE", r"/composite/sobjects", lambda r: collection_delete(app, r))
    add("GET", r"/composite/sobjects/(?P<sobject>\w+)", lambda r: collection_read(app, r))
    add("POST", r"/composite", lambda r: composite(app, r))


def _records(request: Request) -> tuple[list[dict], bool]:
    body = request.json()
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise ApiError(400, "JSON_PARSER_ERROR",
                       "Request body must be {\"allOrNone\": bool, \"records\": [...]}")
    records = body["records"]
    if len(records) > MAX_COLLECTION:
        raise ApiError(400, "EXCEEDED_ID_LIMIT",
                       f"record limit reached. cannot submit more than {MAX_COLLECTION} records "
                       "into this call")
    return records, bool(body.get("allOrNone", False))


def collection(app, request: Request, op: str) -> Response:
    records, all_or_none = _records(request)
    fixed_obj = sobject(app, request) if op == "upsert" else None
    results = []
    with app.store.lock:
        if all_or_none:
            app.store.con.execute("BEGIN TRANSACTION")
        for record in records:
            try:
                obj = fixed_obj or _type_of(app, record)
                values = {k: v for k, v in record.items() if k not in ("attributes", "Id")}
                if op == "upsert":
                    ext = request.params["field"]
                    results.append(write_record(app, obj, "upsert", values, request.user_id,
                                                record.get(ext) if ext != "Id" else record.get("Id"), ext))
                else:
                    results.append(write_record(app, obj, op, values, request.user_id, record.get("Id")))
            except ApiError as exc:
                results.append({"success": False, "errors": [
                    {"statusCode": exc.code, "message": exc.message, "fields": exc.fields or []}]})
        failed = any(not r["success"] for r in results)
        if all_or_none:
            app.store.con.execute("ROLLBACK" if failed else "COMMIT")
            if failed:
                results = [r if not r["success"] else {"success": False, "errors": [ROLLED_BACK]}
                           for r in results]
                for r in results:
                    r.pop("id", None)
    return Response.json(results)


def _type_of(app, record: dict):
    name = (record.get("attributes") or {}).get("type")
    obj = app.object(name or "")
    if obj is None:
        raise ApiError(400, "INVALID_TYPE", f"sObject type '{name}' is not supported.")
    return obj


def collection_delete(app, request: Request) -> Response:
    record_ids = [i for i in request.query.get("ids", "").split(",") if i]
    if len(record_ids) > MAX_COLLECTION:
        raise ApiError(400, "EXCEEDED_ID_LIMIT", "too many ids")
    results = []
    for record_id in record_ids:
        obj = next((o for o in app.objects().values() if record_id.startswith(o.key_prefix)), None)
        try:
            if obj is None:
                raise ApiError(400, "MALFORMED_ID", f"malformed id {record_id}")
            results.append(write_record(app, obj, "delete", {}, request.user_id, record_id))
        except ApiError as exc:
            results.append({"id": record_id, "success": False, "errors": [
                {"statusCode": exc.code, "message": exc.message, "fields": exc.fields or []}]})
    return Response.json(results)


def collection_read(app, request: Request) -> Response:
    obj = sobject(app, request)
    fields = [f for f in request.query.get("fields", "").split(",") if f]
    out = []
    for record_id in [i for i in request.query.get("ids", "").split(",") if i]:
        full = ids.normalize(record_id)
        row = app.store.get(obj, full) if full else None
        out.append(record_json(obj, row, request.params["version"], fields or None) if row else None)
    return Response.json(out)


def composite(app, request: Request) -> Response:
    body = request.json() or {}
    subrequests = body.get("compositeRequest") or []
    if len(subrequests) > MAX_SUBREQUESTS:
        raise ApiError(400, "INVALID_BATCH_REQUEST", f"Limit of {MAX_SUBREQUESTS} subrequests exceeded")
    queries = sum(1 for s in subrequests if re.search(r"/(query|queryAll)/?\?", s.get("url", "")))
    if queries > MAX_QUERIES:
        raise ApiError(400, "INVALID_BATCH_REQUEST",
                       f"Limit of {MAX_QUERIES} query subrequests exceeded")
    results, refs, failed = [], {}, False
    for sub in subrequests:
        ref_id = sub.get("referenceId")
        if failed and body.get("allOrNone"):
            results.append({"body": [{"errorCode": "PROCESSING_HALTED",
                                      "message": "The transaction was rolled back since another "
                                                 "operation in the same transaction failed."}],
                            "httpHeaders": {}, "httpStatusCode": 400, "referenceId": ref_id})
            continue
        url = _substitute(sub.get("url", ""), refs)
        parts = urlsplit(url)
        inner = Request(sub.get("method", "GET").upper(), parts.path,
                        {k: v[-1] for k, v in parse_qs(parts.query).items()},
                        dict(request.headers), _substitute_body(sub.get("body"), refs))
        response = app.handle_data(inner, metered=False)
        payload = json.loads(response.body) if response.body else None
        if response.status < 300 and isinstance(payload, dict):
            refs[ref_id] = payload
        failed = failed or response.status >= 400
        headers = {k: v for k, v in response.headers.items() if k == "Location"}
        results.append({"body": payload, "httpHeaders": headers,
                        "httpStatusCode": response.status, "referenceId": ref_id})
    return Response.json({"compositeResponse": results})


def _substitute(text: str, refs: dict) -> str:
    def lookup(m):
        value = refs.get(m.group(1), {})
        for key in m.group(2).split("."):
            value = value.get(key) if isinstance(value, dict) else None
        return str(value)
    return re.sub(r"@\{(\w+)\.([\w.]+)\}", lookup, text)


def _substitute_body(body, refs) -> bytes:
    return _substitute(json.dumps(body), refs).encode() if body is not None else b""
