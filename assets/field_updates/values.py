"""One text form per value, so a warehouse value, a staged value and Salesforce's JSON compare
equal when they mean the same thing (2024-05-01 vs datetime.date, 1000 vs 1000.0, '' vs null).

The kind comes from the staged column's storage type (resources/staging/types.py), which is
what the diff has before any Salesforce call; describe confirms it before a send.
"""

from datetime import date, datetime, timezone
from decimal import Decimal

from resources.staging.types import BIGINT, BOOLEAN, DATE, DOUBLE, TIMESTAMP

KINDS = {BOOLEAN: "boolean", BIGINT: "int", DOUBLE: "double", DATE: "date",
         TIMESTAMP: "datetime"}  # anything else: text
# Salesforce field type -> kind (describe), for the type check against the org.
SALESFORCE_KINDS = {"boolean": "boolean", "int": "int", "long": "int", "double": "double",
                    "currency": "double", "percent": "double", "date": "date",
                    "datetime": "datetime"}
# Python values a kind accepts from the mapping's source (a type mismatch otherwise).
ACCEPTS = {"boolean": (bool,), "int": (int,), "double": (int, float, Decimal),
           "date": (date, str), "datetime": (datetime, str), "text": (str, int, float, Decimal)}


class BadValue(ValueError):
    """A value that does not fit the field's type."""


def kind_of(storage_type: str) -> str:
    return KINDS.get(storage_type, "text")


def normalise(kind: str, value) -> str | None:
    """The comparable text of `value` for a field of `kind`; None for null and ''."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if kind == "boolean":
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower()
            if isinstance(value, bool | int):
                return "true" if value else "false"
            raise BadValue
        if kind == "int":
            if isinstance(value, bool):
                raise BadValue
            return str(int(value))
        if kind == "double":
            if isinstance(value, bool):
                raise BadValue
            return format(float(value), ".15g")
        if kind == "date":
            if isinstance(value, datetime):
                return value.date().isoformat()
            if isinstance(value, date):
                return value.isoformat()
            return date.fromisoformat(str(value)[:10]).isoformat()
        if kind == "datetime":
            moment = value if isinstance(value, datetime) else _parse(str(value))
            if moment.tzinfo is not None:
                moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
            return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    except (BadValue, ValueError, TypeError):
        raise BadValue(f"{value!r} is not a {kind}") from None
    return str(value)


def _parse(text: str) -> datetime:
    text = text.strip().replace("Z", "+00:00")
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]  # +0000 -> +00:00
    return datetime.fromisoformat(text)


def payload(kind: str, text: str | None):
    """The JSON value Salesforce expects for a normalised value."""
    if text is None:
        return None
    if kind == "boolean":
        return text == "true"
    if kind == "int":
        return int(text)
    if kind == "double":
        return float(text)
    return text


def fits(kind: str, value) -> bool:
    """Does a source value's Python type suit the kind (None always does)?"""
    return value is None or (isinstance(value, ACCEPTS[kind])
                             and not (kind != "boolean" and isinstance(value, bool)))
