"""The control API (local only): what tests and demos use to change the org and break things.

  POST   /control/records/{Object}            insert records (list or one); may set SystemModstamp
  PATCH  /control/records/{Object}/{Id}       mutate; a given SystemModstamp backdates the commit
  DELETE /control/records/{Object}/{Id}       soft delete; ?purge=true empties the recycle bin too
  GET    /control/records/{Object}            every record, deleted ones included (JSON list)
  POST   /control/fields/{Object}             add a field {"name","type","length"...} (schema drift)
  DELETE /control/fields/{Object}/{Field}     remove a field
  POST   /control/faults | DELETE /control/faults | GET /control/faults
  GET    /control/counters | POST /control/counters/reset
  POST   /control/tokens/expire               every issued access token becomes invalid
  POST   /control/limits                      {"daily_max": N, "used": M} ("used" = max exhausts it)
  POST   /control/live                        {"rate": changes per second} (0 stops)
  profile, clock, poison and undelete routes: control_org.py

Record writes skip the API's validation rules but not types: a value its field cannot hold is a
400 with Salesforce's error array, naming the object and the field.
"""

from datetime import date

from ..org.errors import ApiError
from ..org.schema import Field
from ..org.validation import parse_datetime
from .http import Request, Response
from .records import record_json

C = "/control"
NUMBER_TYPES = ("int", "double", "currency", "percent")


def register(router, app) -> None:
    router.add("POST", rf"{C}/records/(?P<sobject>\w+)", lambda r: insert(app, r))
    router.add("GET", rf"{C}/records/(?P<sobject>\w+)", lambda r: export(app, r))
    router.add("PATCH", rf"{C}/records/(?P<sobject>\w+)/(?P<id>\w+)", lambda r: mutate(app, r))
    router.add("DELETE", rf"{C}/records/(?P<sobject>\w+)/(?P<id>\w+)", lambda r: remove(app, r))
    router.add("POST", rf"{C}/fields/(?P<sobject>\w+)", lambda r: add_field(app, r))
    router.add("DELETE", rf"{C}/fields/(?P<sobject>\w+)/(?P<field>\w+)", lambda r: drop_field(app, r))
    router.add("POST", rf"{C}/faults", lambda r: Response.json(vars(app.faults.add(r.json() or {})), 201))
    router.add("GET", rf"{C}/faults", lambda r: Response.json(app.faults.snapshot()))
    router.add("DELETE", rf"{C}/faults", lambda r: (app.faults.clear(), Response(204))[1])
    router.add("GET", rf"{C}/counters", lambda r: Response.json(app.usage.snapshot()))
    router.add("POST", rf"{C}/counters/reset", lambda r: (app.usage.reset(), Response(204))[1])
    router.add("POST", rf"{C}/tokens/expire", lambda r: Response.json({"expired": app.expire_tokens()}))
    router.add("POST", rf"{C}/limits", lambda r: set_limits(app, r))
    router.add("POST", rf"{C}/live", lambda r: live(app, r))


def _object(app, request: Request):
    obj = app.store.object(request.params["sobject"])
    if obj is None:
        raise ApiError(404, "NOT_FOUND", f"no object {request.params['sobject']} in this org")
    return obj


def _stored_values(obj, values) -> dict:
    """Control writes skip API validation but still store typed values."""
    if not isinstance(values, dict):
        raise ApiError(400, "JSON_PARSER_ERROR", f"a {obj.name} record must be a JSON object")
    out = {}
    for key, value in values.items():
        f = obj.field(key)
        if f is None:
            raise ApiError(400, "INVALID_FIELD", f"No such column '{key}' on {obj.name}", [key])
        if not f.stored:
            raise ApiError(400, "INVALID_FIELD", f"{obj.name}.{f.name} is computed, not stored",
                           [f.name])
        out[f.name] = _typed(obj, f, value)
    return out


def _typed(obj, f, value):
    """The value the store keeps for a JSON value, or a 400 naming the object and the field.

    Values of the right JSON type pass unchanged (dates and datetimes are parsed); numbers and
    booleans may also come as text, as CSV-minded callers send them.
    """
    if value is None:
        return None
    try:
        if isinstance(value, (dict, list)):
            raise TypeError
        if f.type in ("date", "datetime"):
            if not isinstance(value, str):
                raise TypeError
            return date.fromisoformat(value) if f.type == "date" else parse_datetime(value)
        if f.type == "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            raise TypeError
        if f.type in NUMBER_TYPES:
            if isinstance(value, bool):
                raise TypeError
            if isinstance(value, str):
                return int(value) if f.type == "int" else float(value)
    except (TypeError, ValueError):
        raise ApiError(400, "INVALID_TYPE_ON_FIELD_IN_RECORD",
                       f"{obj.name}.{f.name}: value not of required type {f.type}: {value!r}",
                       [f.name]) from None
    return value


def _stamp(values: dict):
    return values.pop("SystemModstamp", None)


def insert(app, request: Request) -> Response:
    obj = _object(app, request)
    body = request.json()
    records = body if isinstance(body, list) else [body]
    rows = [_stored_values(obj, record) for record in records]  # all checked before any write
    created = [app.store.insert(obj, values, stamp=_stamp(values)) for values in rows]
    return Response.json({"ids": created}, 201)


def mutate(app, request: Request) -> Response:
    obj = _object(app, request)
    values = _stored_values(obj, request.json() or {})
    app.store.update(obj, request.params["id"], values, stamp=_stamp(values))
    app.store.poison.clear(obj.name, request.params["id"], list(values))  # a fix of that field
    return Response(204)


def remove(app, request: Request) -> Response:
    obj = _object(app, request)
    if request.query.get("purge") == "true":
        app.store.purge(obj, request.params["id"])
    else:
        app.store.delete(obj, request.params["id"])
    return Response(204)


def export(app, request: Request) -> Response:
    obj = _object(app, request)
    cols = [f.name for f in obj.stored_fields()]
    rows = app.store.con.cursor().execute(
        f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{obj.name}" ORDER BY "Id"').fetchall()
    return Response.json([record_json(obj, dict(zip(cols, row)), "59.0") for row in rows])


def add_field(app, request: Request) -> Response:
    obj = _object(app, request)
    spec = request.json() or {}
    if not spec.get("name") or not spec.get("type"):
        raise ApiError(400, "INVALID_FIELD", "a field needs a name and a type")
    if obj.field(spec["name"]):
        raise ApiError(400, "DUPLICATE_DEVELOPER_NAME", f"{obj.name}.{spec['name']} exists")
    app.store.add_field(obj.name, Field(name=spec["name"], type=spec["type"],
                                        length=int(spec.get("length", 0)),
                                        custom=spec["name"].endswith("__c"),
                                        external_id=bool(spec.get("external_id", False))))
    return Response.json({"object": obj.name, "field": spec["name"]}, 201)


def drop_field(app, request: Request) -> Response:
    obj = _object(app, request)
    f = obj.field(request.params["field"])
    if f is None:
        raise ApiError(404, "NOT_FOUND", f"no field {request.params['field']} on {obj.name}")
    app.store.remove_field(obj.name, f.name)
    return Response(204)


def set_limits(app, request: Request) -> Response:
    body = request.json() or {}
    if "daily_max" in body:
        app.usage.daily_max = int(body["daily_max"])
    if "used" in body:
        app.usage.used = min(int(body["used"]), app.usage.daily_max)
    return Response.json(app.usage.snapshot())


def live(app, request: Request) -> Response:
    rate = float((request.json() or {}).get("rate", 0))
    app.live.set_rate(rate)
    return Response.json({"rate": rate})
