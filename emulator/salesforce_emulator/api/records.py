"""sObject resources: describe, read, create, update, delete, upsert by external ID, and the
`deleted` / `updated` change feeds.

`write_record` is the one place a record is written through the API; sObject Collections,
/composite and Bulk ingest call it too, so a validation rule or an injected record fault
behaves the same on every path.
"""

from datetime import datetime, timedelta

from ..org import ids
from ..org.describe import global_describe, sobject_basic_info, sobject_describe
from ..org.errors import ApiError
from ..org.store import DELETED_LOG, quote
from ..org.validation import check_record, owner_default, parse_datetime
from . import conditional, content
from .http import Request, Response

DATA = r"/services/data/v(?P<version>\d+\.\d)"
OBJ = r"(?P<sobject>\w+)"
STAMP = "%Y-%m-%dT%H:%M:%S.000+0000"


def register(router, app) -> None:
    def add(method, pattern, handler, kind="rest"):
        handler.kind = kind
        router.add(method, f"{DATA}{pattern}", handler)

    add("GET", r"/sobjects", lambda r: Response.json(
        global_describe(app.objects(), r.params["version"])), "describe")
    add("GET", rf"/sobjects/{OBJ}/describe", lambda r: Response.json(
        sobject_describe(app.store, sobject(app, r), r.params["version"], objects=app.objects())),
        "describe")
    add("GET", rf"/sobjects/{OBJ}/deleted", lambda r: changed(app, r, deleted=True))
    add("GET", rf"/sobjects/{OBJ}/updated", lambda r: changed(app, r, deleted=False))
    add("GET", rf"/sobjects/{OBJ}", lambda r: Response.json(
        sobject_basic_info(app.store, sobject(app, r), r.params["version"])), "describe")
    add("POST", rf"/sobjects/{OBJ}", lambda r: create(app, r))
    add("GET", rf"/sobjects/{OBJ}/(?P<id>\w+)", lambda r: read(app, r))
    add("PATCH", rf"/sobjects/{OBJ}/(?P<id>\w+)", lambda r: update(app, r))
    add("DELETE", rf"/sobjects/{OBJ}/(?P<id>\w+)", lambda r: delete(app, r))
    add("GET", rf"/sobjects/{OBJ}/(?P<field>\w+)/(?P<value>[^/]+)", lambda r: read_by_external(app, r))
    add("PATCH", rf"/sobjects/{OBJ}/(?P<field>\w+)/(?P<value>[^/]*)", lambda r: upsert(app, r))
    add("POST", rf"/sobjects/{OBJ}/(?P<field>Id)/?", lambda r: create(app, r))


def sobject(app, request: Request):
    obj = app.object(request.params["sobject"])
    if obj is None:
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
    return obj


def record_json(obj, row: dict, version: str, fields: list[str] | None = None) -> dict:
    """A stored row as the REST API renders it: attributes first, every field, explicit nulls."""
    url = f"/services/data/v{version}/sobjects/{obj.name}/{row['Id']}"
    out = {"attributes": {"type": obj.name, "url": url}}
    names = fields or [f.name for f in obj.fields.values() if f.stored]
    for name in names:
        f = obj.field(name)
        if f is None:
            raise ApiError(400, "INVALID_FIELD", f"No such column '{name}' on entity '{obj.name}'")
        value = row.get(f.name)
        if f.type == "base64" and value is not None:  # the blob is read from its own url
            value = f"{url}/{f.name}"
        elif f.type == "datetime" and value is not None:
            value = value.strftime(STAMP)
        elif f.type == "date" and value is not None:
            value = value.isoformat()
        out[f.name] = value
    return out


def write_record(app, obj, op: str, values: dict, user_id: str, record_id: str | None = None,
                 ext_field: str | None = None) -> dict:
    """create | update | upsert | delete one record; returns {id, success, errors[, created]}."""
    fault = app.faults.take("record_error", "WRITE", f"/{obj.name}/{op}", obj.name)
    if fault:
        raise ApiError(fault.status if fault.status != 503 else 400, fault.code, fault.message, [])
    if obj.access_denied:  # the user's profile may read the object but not write it
        raise ApiError(400, "INSUFFICIENT_ACCESS_OR_READONLY",
                       f"insufficient access rights on object id: no {op} permission on {obj.name}")
    store = app.store
    if op == "delete":
        store.delete(obj, _existing_id(obj, record_id))
        return {"id": ids.normalize(record_id), "success": True, "errors": []}
    if op == "update":
        rid = _existing_id(obj, record_id)
        store.update(obj, rid, check_record(store, obj, values, "update"), user_id)
        return {"id": rid, "success": True, "errors": []}
    if op == "upsert":
        key = values.get(ext_field) if record_id is None else record_id
        matches = _match_external(store, obj, ext_field, key)
        if len(matches) > 1:
            raise ApiError(300, "MULTIPLE_CHOICES", f"Multiple records found for {ext_field}")
        body = {k: v for k, v in values.items() if k != ext_field or not matches}
        if matches:
            store.update(obj, matches[0], check_record(store, obj, body, "update"), user_id)
            return {"id": matches[0], "success": True, "errors": [], "created": False}
        if record_id is not None and ext_field != "Id":
            body[ext_field] = record_id
        new_id = _create(app, obj, body, user_id)
        return {"id": new_id, "success": True, "errors": [], "created": True}
    return {"id": _create(app, obj, values, user_id), "success": True, "errors": []}


def _create(app, obj, values: dict, user_id: str) -> str:
    if not obj.createable:
        raise ApiError(400, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
                       f"entity type {obj.name} does not support insert")
    checked = check_record(app.store, obj, owner_default(dict(values), obj, user_id), "create")
    if obj.name == "ContentVersion":
        return content.create_version(app, obj, checked, user_id)
    return app.store.insert(obj, checked, user_id)


def _existing_id(obj, record_id: str | None) -> str:
    full = ids.normalize(record_id or "")
    if full is None or not full.startswith(obj.key_prefix):
        raise ApiError(400, "MALFORMED_ID", f"{obj.name} ID: id value of incorrect type: {record_id}",
                       ["Id"])
    return full


def _match_external(store, obj, ext_field: str, value) -> list[str]:
    f = obj.field(ext_field)
    if f is None or not (f.external_id or f.name == "Id"):
        raise ApiError(404, "NOT_FOUND",
                       f"Provided external ID field does not exist or is not accessible: {ext_field}")
    if f.name == "Id":
        full = ids.normalize(value or "")
        return [full] if full and store.get(obj, full) else []
    return store.find_by(obj, f.name, value)


def create(app, request: Request) -> Response:
    obj = sobject(app, request)
    body = content.multipart_body(request) if content.is_multipart(request) else request.json() or {}
    if not isinstance(body, dict):
        raise ApiError(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of sObject from an array")
    return Response.json(write_record(app, obj, "create", body, request.user_id), 201)


def read(app, request: Request) -> Response:
    obj = sobject(app, request)
    full = ids.normalize(request.params["id"])
    row = app.store.get(obj, full) if full else None
    if row is None:
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
    fields = [f for f in request.query.get("fields", "").split(",") if f] or None
    body = record_json(obj, row, request.params["version"], fields)
    return conditional.read_response(obj, row, body, request)


def update(app, request: Request) -> Response:
    obj = sobject(app, request)
    full = ids.normalize(request.params["id"])
    row = app.store.get(obj, full) if full else None
    if row is not None:
        conditional.check_update(obj, row, request)
    result = write_record(app, obj, "update", request.json() or {}, request.user_id,
                          request.params["id"])
    return Response(204, b"", conditional.updated_headers(app, obj, result["id"]))


def delete(app, request: Request) -> Response:
    write_record(app, sobject(app, request), "delete", {}, request.user_id, request.params["id"])
    return Response(204)


def read_by_external(app, request: Request) -> Response:
    obj = sobject(app, request)
    matches = _match_external(app.store, obj, request.params["field"], request.params["value"])
    if not matches:
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
    if len(matches) > 1:
        return Response.json([f"/services/data/v{request.params['version']}/sobjects/{obj.name}/{m}"
                              for m in matches], 300)
    return Response.json(record_json(obj, app.store.get(obj, matches[0]), request.params["version"]))


def upsert(app, request: Request) -> Response:
    obj = sobject(app, request)
    if request.params["field"] == "Id" and not request.params["value"]:
        return create(app, request)
    result = write_record(app, obj, "upsert", request.json() or {}, request.user_id,
                          request.params["value"], request.params["field"])
    return Response.json(result, 201 if result["created"] else 200)


def changed(app, request: Request, deleted: bool) -> Response:
    """sobjects/X/deleted and /updated: Ids changed in [start, end], at most 30 days back."""
    obj = sobject(app, request)
    try:
        start, end = parse_datetime(request.query["start"]), parse_datetime(request.query["end"])
    except (KeyError, ValueError):
        raise ApiError(400, "INVALID_REPLICATION_DATE",
                       "start and end must be ISO-8601 datetimes") from None
    if end < start:
        raise ApiError(400, "INVALID_REPLICATION_DATE", "end date cannot be before start date")
    earliest = datetime.utcnow().replace(microsecond=0) - timedelta(days=15)
    cur = app.store.con.cursor()
    if deleted:
        rows = cur.execute(f"SELECT id, deleted_at FROM {DELETED_LOG} WHERE object = ? AND "
                           "deleted_at BETWEEN ? AND ? ORDER BY deleted_at",
                           [obj.name, start, end]).fetchall()
        body = {"deletedRecords": [{"id": r[0], "deletedDate": r[1].strftime(STAMP)} for r in rows],
                "earliestDateAvailable": earliest.strftime(STAMP),
                "latestDateCovered": end.strftime(STAMP)}
    else:
        where = ' AND NOT "IsDeleted"' if obj.has_is_deleted else ""
        rows = cur.execute(f'SELECT "Id" FROM {quote(obj.name)} WHERE "SystemModstamp" BETWEEN ? AND ?'
                           f'{where} ORDER BY "SystemModstamp"', [start, end]).fetchall()
        body = {"ids": [r[0] for r in rows], "latestDateCovered": end.strftime(STAMP)}
    return Response.json(body)
