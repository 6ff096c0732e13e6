"""Where a written Task keeps its outbox row's sync key, so that a run interrupted between the
send and the commit finds the Task instead of writing it twice.

- In its Description (the default; an org needs no custom field): the last line reads
  `[dealsync:<sync key>]`. Lookups search recent Tasks on the row's WhatId or WhoId and read
  the marker back (Description is a long text field: SOQL cannot filter on it).
- In a Task field of the org's (`sync_back.key_field`), looked up with `WHERE field IN (...)`;
  when that field is an External ID (`sync_back.external_id_field`), writes are upserts.
"""

import re
from datetime import datetime, timedelta

from simple_salesforce.format import format_soql

from resources.settings import SyncBackSettings

TASK = "Task"
MAX_IN_LIST_CHARS = 3500  # stays inside SOQL's 4,000-character WHERE and URL limits
MARKER = re.compile(r"\[dealsync:([^\]\s]+)\]\s*\Z")
CREATED_SLACK = timedelta(minutes=10)  # clocks differ; a Task's CreatedDate precedes our commit


class KeyInDescription:
    field: str | None = None
    upsert = False
    where = "in its Description"

    def stamp(self, payload: dict, key: str) -> dict:
        description = payload.get("Description")
        marker = f"[dealsync:{key}]"
        return {**payload, "Description": f"{description}\n\n{marker}" if description else marker}

    def key_of(self, record: dict) -> str | None:
        match = MARKER.search(record.get("Description") or "")
        return match.group(1) if match else None

    def lookups(self, rows: list[dict]) -> list[str]:
        """Recent Tasks (deleted ones too) on the rows' WhatId/WhoId, oldest first."""
        since = min(r["in_flight_since"] or datetime.max for r in rows) - CREATED_SLACK
        literal = since.strftime("%Y-%m-%dT%H:%M:%SZ")  # naive UTC, as the warehouse keeps it
        links = sorted({v for r in rows for v in (r["what_id"], r["who_id"]) if v})
        return [format_soql(f"SELECT Id, Description FROM {TASK} WHERE CreatedDate >= {literal} "
                            "AND (WhatId IN {ids} OR WhoId IN {ids}) ORDER BY CreatedDate, Id",
                            ids=chunk) for chunk in _chunks(links)]


class KeyInField:
    where = None

    def __init__(self, field: str, upsert: bool):
        self.field, self.upsert = field, upsert
        self.where = f"in Task.{field}"

    def stamp(self, payload: dict, key: str) -> dict:
        return {self.field: key, **payload}

    def key_of(self, record: dict) -> str | None:
        return record.get(self.field)

    def lookups(self, rows: list[dict]) -> list[str]:
        keys = [r["sync_key"] for r in rows]
        return [format_soql(f"SELECT Id, {self.field} FROM {TASK} WHERE {self.field} IN {{keys}} "
                            "ORDER BY CreatedDate, Id", keys=chunk) for chunk in _chunks(keys)]


def task_keys(settings: SyncBackSettings) -> KeyInDescription | KeyInField:
    if settings.key_field is None:
        return KeyInDescription()
    return KeyInField(settings.key_field, upsert=settings.external_id_field is not None)


def _chunks(values: list[str]) -> list[list[str]]:
    chunks, chunk, size = [], [], 0
    for value in values:
        quoted = len(value) + 4
        if chunk and size + quoted > MAX_IN_LIST_CHARS:
            chunks.append(chunk)
            chunk, size = [], 0
        chunk.append(value)
        size += quoted
    return chunks + ([chunk] if chunk else [])
