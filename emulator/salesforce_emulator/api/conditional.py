"""Conditional request headers on sObject Rows (REST API Developer Guide, "Conditional Request
Headers": https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest_conditional_requests.htm).

- If-Unmodified-Since / If-Modified-Since (HTTP dates, e.g. `Mon, 30 Nov 2020 08:34:54 GMT`)
  compare against the record's LastModifiedDate, on every object: a PATCH of a record modified
  after If-Unmodified-Since is 412 and changes nothing; a GET of a record not modified after
  If-Modified-Since is 304.
- ETag, If-Match and If-None-Match are documented for Account records only ("sObject Rows
  (account records only)"), so only Account reads and updates carry an ETag and honour them;
  on other objects the headers have no effect, as documented.
- An If-Match, If-None-Match or If-Unmodified-Since value that cannot be read is a 400.

The documentation gives the statuses, not the 412 body: the emulator answers Salesforce's usual
error array with errorCode PRECONDITION_FAILED.
"""

import base64
import hashlib
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import orjson

from ..org.errors import ApiError
from .http import Request, Response

ETAG_OBJECTS = {"Account"}


def etag(row: dict) -> str:
    """A hash of the record's content, quoted, in the `...=--gzip` form Salesforce sends."""
    payload = orjson.dumps({k: str(v) for k, v in sorted(row.items())})
    return '"' + base64.b64encode(hashlib.sha256(payload).digest()).decode() + '--gzip"'


def _tags(header: str) -> list[str]:
    tags = [t.strip() for t in header.split(",") if t.strip()]
    if not tags or any(t != "*" and not (t.startswith('"') and t.endswith('"')) for t in tags):
        raise ApiError(400, "INVALID_HEADER_TYPE", f"Invalid entity tag list: {header}")
    return tags


def _http_date(name: str, value: str) -> datetime:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise ApiError(400, "INVALID_HEADER_TYPE", f"{name}: not an HTTP date: {value}") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def _modified(row: dict) -> datetime:
    return row.get("LastModifiedDate") or row["SystemModstamp"]


def _failed(what: str) -> ApiError:
    return ApiError(412, "PRECONDITION_FAILED", f"The precondition in {what} was not met: the "
                    "record has been modified; re-read it and try again.")


def check_update(obj, row: dict, request: Request) -> None:
    """Raise 412 (or 400) unless every precondition of a PATCH holds."""
    h = request.headers
    if h.get("if-unmodified-since"):
        if _modified(row) > _http_date("If-Unmodified-Since", h["if-unmodified-since"]):
            raise _failed("If-Unmodified-Since")
    if obj.name not in ETAG_OBJECTS:
        return
    tag = etag(row)
    if h.get("if-match"):
        tags = _tags(h["if-match"])
        if "*" not in tags and tag not in tags:
            raise _failed("If-Match")
    if h.get("if-none-match"):
        tags = _tags(h["if-none-match"])
        if "*" in tags or tag in tags:
            raise _failed("If-None-Match")


def read_response(obj, row: dict, body: dict, request: Request) -> Response:
    """GET sObject Rows: the record, or 304 / 412 when a precondition says so."""
    h = request.headers
    headers = {}
    if obj.name in ETAG_OBJECTS:
        tag = headers["ETag"] = etag(row)
        if h.get("if-none-match"):
            tags = _tags(h["if-none-match"])
            if "*" in tags or tag in tags:
                return Response(304, b"", headers)
        if h.get("if-match"):
            tags = _tags(h["if-match"])
            if "*" not in tags and tag not in tags:
                return Response.error(_failed("If-Match"))
    if h.get("if-modified-since"):
        if _modified(row) <= _http_date("If-Modified-Since", h["if-modified-since"]):
            return Response(304, b"", headers)
    if h.get("if-unmodified-since"):
        if _modified(row) > _http_date("If-Unmodified-Since", h["if-unmodified-since"]):
            return Response.error(_failed("If-Unmodified-Since"))
    return Response.json(body, headers=headers)


def updated_headers(app, obj, record_id: str) -> dict:
    """An Account update answers with the record's new ETag."""
    if obj.name not in ETAG_OBJECTS:
        return {}
    return {"ETag": etag(app.store.get(obj, record_id))}
