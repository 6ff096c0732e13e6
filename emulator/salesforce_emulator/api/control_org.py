"""Control routes that change what kind of org this is (local only, no token):

  POST   /control/profile                 {"profiles": [...] | "a,b", "hidden_fields": {Object:
                                          [fields]}, "inactive_picklist_values": {Object: {Field:
                                          [values]}}}: the active profiles (org/profiles.py)
  GET    /control/profile                 the active profiles and their settings
  DELETE /control/profile                 back to the full org
  POST   /control/clock                   {"today": "YYYY-MM-DD"} or {"days": N}: the org's today
                                          (TODAY() formulas, SOQL date literals) moves
  GET    /control/clock | DELETE /control/clock   read it | back to the real date
  POST   /control/poison/{Object}         {"kind", "field"?, "value"?, "values"?}: a poison record
  GET    /control/poison                  every poison record with its wire overrides
  DELETE /control/poison/{Object}/{Id}    fix it: overrides dropped, SystemModstamp moves; an
                                          optional JSON body of values is written in the same fix
  POST   /control/undelete/{Object}/{Id}  restore from the recycle bin (org/undelete.py)
"""

from datetime import date, datetime, timedelta, timezone

from ..org.errors import ApiError
from ..org.profiles import parse_names
from .control import _object, _stamp, _stored_values
from .http import Request, Response

C = "/control"


def register(router, app) -> None:
    router.add("POST", rf"{C}/profile", lambda r: set_profile(app, r))
    router.add("GET", rf"{C}/profile", lambda r: Response.json(app.profiles.snapshot()))
    router.add("DELETE", rf"{C}/profile", lambda r: (app.profiles.set(()), Response(204))[1])
    router.add("POST", rf"{C}/clock", lambda r: set_clock(app, r))
    router.add("GET", rf"{C}/clock", lambda r: Response.json(_clock(app)))
    router.add("DELETE", rf"{C}/clock", lambda r: (setattr(app, "today_shift", timedelta(0)),
                                                   Response(204))[1])
    router.add("POST", rf"{C}/poison/(?P<sobject>\w+)", lambda r: add_poison(app, r))
    router.add("GET", rf"{C}/poison", lambda r: Response.json(app.store.poison.snapshot()))
    router.add("DELETE", rf"{C}/poison/(?P<sobject>\w+)/(?P<id>\w+)", lambda r: fix_poison(app, r))
    router.add("POST", rf"{C}/undelete/(?P<sobject>\w+)/(?P<id>\w+)", lambda r: undelete(app, r))


def _body(request: Request) -> dict:
    body = request.json() or {}
    if not isinstance(body, dict):
        raise ApiError(400, "JSON_PARSER_ERROR", "the body must be a JSON object")
    return body


def set_profile(app, request: Request) -> Response:
    body = _body(request)
    try:
        app.profiles.set(parse_names(body.get("profiles", [])), body.get("hidden_fields"),
                         body.get("inactive_picklist_values"))
    except ValueError as exc:
        raise ApiError(400, "INVALID_PROFILE", str(exc)) from None
    return Response.json(app.profiles.snapshot())


def _clock(app) -> dict:
    return {"today": app.now().date().isoformat(), "shift_days": app.today_shift.days}


def set_clock(app, request: Request) -> Response:
    body = _body(request)
    real = datetime.now(timezone.utc).date()
    try:
        if "today" in body:
            app.today_shift = timedelta(days=(date.fromisoformat(body["today"]) - real).days)
        else:
            app.today_shift = timedelta(days=int(body.get("days", 0)))
    except (TypeError, ValueError):
        raise ApiError(400, "INVALID_TYPE", "give {\"today\": \"YYYY-MM-DD\"} or {\"days\": N}") from None
    return Response.json(_clock(app))


def add_poison(app, request: Request) -> Response:
    obj = _object(app, request)
    body = _body(request)
    field, wire, stored = app.store.poison.plan(obj, body.get("kind"), body.get("field"),
                                                body.get("value"))
    values = {**_stored_values(obj, body.get("values") or {}), **stored}
    record_id = app.store.insert(obj, values, stamp=_stamp(values))
    app.store.poison.add(obj.name, record_id, body["kind"], field, wire)
    return Response.json({"id": record_id, "object": obj.name, "kind": body["kind"],
                          "field": field, "wire_value": wire}, 201)


def fix_poison(app, request: Request) -> Response:
    obj = _object(app, request)
    values = _stored_values(obj, request.json() or {})
    if not app.store.poison.clear(obj.name, request.params["id"]):
        raise ApiError(404, "NOT_FOUND", f"{request.params['id']} is not a poison {obj.name}")
    app.store.update(obj, request.params["id"], values, stamp=_stamp(values))
    return Response(204)


def undelete(app, request: Request) -> Response:
    obj = _object(app, request)
    restored = app.store.undelete(obj, request.params["id"])
    return Response.json({"restored": restored})
