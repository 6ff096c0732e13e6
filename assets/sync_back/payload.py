"""Outbox row -> Salesforce Task payload, after the checks a row must pass to be sent at all.

Only the shape is checked locally (Id format, a link, a subject, a real YYYY-MM-DD date);
what only the org knows (picklist values, whether an Id exists) is Salesforce's to reject, and
its reason is logged per row.
"""

import re
from datetime import date

from resources.salesforce.ids import normalize_id

TASK_FIELDS = {  # outbox column -> Task field
    "what_id": "WhatId", "who_id": "WhoId", "owner_id": "OwnerId", "subject": "Subject",
    "description": "Description", "activity_date": "ActivityDate", "status": "Status",
    "priority": "Priority", "task_subtype": "TaskSubtype",
}
ID_COLUMNS = ("what_id", "who_id", "owner_id")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_KEY = 255


class RowProblem(ValueError):
    """Why a row cannot be sent; becomes a `failed` log entry (code INVALID_OUTBOX_ROW)."""

    code = "INVALID_OUTBOX_ROW"


def task_payload(row: dict, keys) -> dict:
    """The Task fields to send for one outbox row (Ids in 18-character form, nulls left out),
    with its sync key where `keys` (task_keys.py) keeps it."""
    key = row.get("sync_key") or ""
    if not key.strip() or len(key) > MAX_KEY or any(c.isspace() or c == "]" for c in key):
        raise RowProblem(f"sync_key must be 1-{MAX_KEY} characters without spaces or ']' (it "
                         f"is stored {keys.where}), got {key!r}")
    values = {}
    for column in ID_COLUMNS:
        try:
            values[column] = normalize_id(row.get(column))
        except ValueError as exc:
            raise RowProblem(f"{column}: {exc}") from None
    if values["what_id"] is None and values["who_id"] is None:
        raise RowProblem("the row needs a what_id (opportunity) or a who_id (contact)")
    subject = row.get("subject")
    if subject is None or not subject.strip():
        raise RowProblem("subject is empty")
    due = row.get("activity_date")
    if due is None or not _valid_date(due):
        raise RowProblem(f"activity_date {due!r} is not a date in YYYY-MM-DD form")
    payload = {}
    for column, field in TASK_FIELDS.items():
        value = values[column] if column in values else row.get(column)
        if value is not None:
            payload[field] = value
    return keys.stamp(payload, key)


def _valid_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
