"""Checks a record write the way Salesforce does, and converts JSON values to stored values.

The error codes and messages are the ones clients branch on (REST API Developer Guide, "Status
Codes and Error Responses":
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm):
INVALID_FIELD, INVALID_FIELD_FOR_INSERT_UPDATE, REQUIRED_FIELD_MISSING, MALFORMED_ID,
FIELD_INTEGRITY_EXCEPTION, INVALID_CROSS_REFERENCE_KEY, INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST,
STRING_TOO_LONG and JSON_PARSER_ERROR.
"""

import base64
import binascii
from datetime import date, datetime, timezone

from . import ids
from .errors import ApiError
from .schema import Field, ObjectDef, picklist_values

# Required fields Salesforce fills in when a create leaves them out.
CREATE_DEFAULTS = {
    ("Task", "Status"): "Not Started", ("Task", "Priority"): "Normal",
    ("Task", "TaskSubtype"): "Task", ("Event", "EventSubtype"): "Event",
    ("Event", "ShowAs"): "Busy", ("EmailMessage", "Status"): "3",
    ("User", "TimeZoneSidKey"): "America/Los_Angeles",
    ("ContentVersion", "ContentLocation"): "S", ("ContentDocumentLink", "ShareType"): "V",
    ("ContentDocumentLink", "Visibility"): "AllUsers",
}
OWNED = "OwnerId"


def _label(f: Field) -> str:
    return {"WhatId": "Related To ID", "WhoId": "Name ID"}.get(f.name, f.name)


def parse_datetime(value: str) -> datetime:
    text = value.strip().replace("Z", "+00:00")
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]  # +0000 -> +00:00
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed.replace(microsecond=parsed.microsecond // 1000 * 1000)


def _convert(obj: ObjectDef, f: Field, value):
    """JSON value -> stored Python value, or JSON_PARSER_ERROR as Salesforce's parser reports."""
    if value is None:
        return None
    try:
        if f.type == "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            raise ValueError
        if f.type == "int":
            return int(value)
        if f.type in ("double", "currency", "percent"):
            return float(value)
        if f.type == "date":
            if len(str(value)) != 10:
                raise ValueError
            return date.fromisoformat(str(value))
        if f.type == "datetime":
            return parse_datetime(str(value))
        if f.type == "base64":
            return value if isinstance(value, bytes) else base64.b64decode(value, validate=True)
        return str(value)
    except (ValueError, binascii.Error):
        raise ApiError(400, "JSON_PARSER_ERROR",
                       f"Cannot deserialize instance of {f.type} from VALUE_STRING value {value} "
                       f"or request may be missing a required field at [line:1, column:1]",
                       [f.name]) from None


def check_record(store, obj: ObjectDef, values: dict, mode: str) -> dict:
    """Validate a create/update body; returns {field API name: stored value}.

    `mode` is "create" or "update". Errors name the field, as Salesforce's `fields` array does.
    """
    out: dict = {}
    for key, value in values.items():
        if key == "attributes":
            continue
        f = obj.field(key)
        if f is None:
            raise ApiError(400, "INVALID_FIELD",
                           f"No such column '{key}' on sobject of type {obj.name}", [key])
        allowed = f.createable if mode == "create" else f.updateable
        if not allowed and not (f.name == "Id" and mode == "update"):
            verb = "create" if mode == "create" else "update"
            raise ApiError(400, "INVALID_FIELD_FOR_INSERT_UPDATE",
                           f"Unable to {verb} fields: {f.name}. Please check the security settings "
                           "of this field and verify that it is read/write for your profile or "
                           "permission set.", [f.name])
        out[f.name] = _convert(obj, f, value)
    if mode == "create":
        for (obj_name, name), default in CREATE_DEFAULTS.items():
            if obj_name == obj.name and out.get(name) is None:
                out[name] = _active_default(store, obj, name, default)
        missing = [f.name for f in obj.fields.values()
                   if f.required and f.createable and out.get(f.name) in (None, "")
                   and f.name != OWNED]
        if missing:
            raise ApiError(400, "REQUIRED_FIELD_MISSING",
                           f"Required fields are missing: [{', '.join(missing)}]", missing)
    for name, value in out.items():
        f = obj.fields[name]
        if mode == "update" and f.required and value in (None, ""):
            raise ApiError(400, "REQUIRED_FIELD_MISSING",
                           f"Required fields are missing: [{name}]", [name])
        if value is None:
            continue
        if f.type == "reference":
            out[name] = _check_reference(store, f, value)
        elif f.type in ("picklist", "multipicklist") and f.restricted:
            _check_picklist(store, obj, f, value)
        elif isinstance(value, str) and f.length and len(value) > f.length:
            raise ApiError(400, "STRING_TOO_LONG",
                           f"{f.name}: data value too large: {value[:40]} (max length={f.length})",
                           [name])
    if obj.name == "Opportunity" and "StageName" in out and out["StageName"] not in {
            s for s, _ in store.stages()}:
        raise ApiError(400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                       f"Stage: bad value for restricted picklist field: {out['StageName']}",
                       ["StageName"])
    return out


def _check_reference(store, f: Field, value: str) -> str:
    full = ids.normalize(value)
    if full is None:
        raise ApiError(400, "MALFORMED_ID",
                       f"{_label(f)}: id value of incorrect type: {value}", [f.name])
    targets = [store.objects[t] for t in f.reference_to if t in store.objects]
    target = next((t for t in targets if full.startswith(t.key_prefix)), None)
    if target is None:
        if not targets:  # points at an object this org does not emulate (e.g. Case)
            return full
        raise ApiError(400, "FIELD_INTEGRITY_EXCEPTION",
                       f"{_label(f)}: id value of incorrect type: {value}", [f.name])
    if not store.exists(target, full):
        raise ApiError(400, "INVALID_CROSS_REFERENCE_KEY",
                       "invalid cross reference id", [f.name])
    return full


def _check_picklist(store, obj: ObjectDef, f: Field, value: str) -> None:
    stages = store.stages() if f.picklist == "Stage" else None  # a query; only StageName needs it
    active = {v for v, is_active in picklist_values(obj, f, stages) if is_active}
    if value not in active:
        raise ApiError(400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                       f"{f.name}: bad value for restricted picklist field: {value}", [f.name])


def _active_default(store, obj: ObjectDef, name: str, default: str) -> str:
    """The org's default value; where the usual one is inactive, its first active value."""
    f = obj.fields.get(name)
    if f is None or default not in f.inactive:
        return default
    stages = store.stages() if f.picklist == "Stage" else None
    return next((v for v, active in picklist_values(obj, f, stages) if active), default)


def owner_default(values: dict, obj: ObjectDef, user_id: str) -> dict:
    """Records created without an owner belong to the caller, as in Salesforce."""
    if OWNED in obj.fields and not values.get(OWNED):
        values[OWNED] = user_id
    return values
