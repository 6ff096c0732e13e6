"""staging.rejects: the records of an object that could not be staged, kept until they land.

The extraction hands over what it set aside (assets/salesforce/quarantine.py) after an
object's windows landed; this clears what landed after all, or was not met again in a window
read again, and records the rest.
"""

import hashlib
from datetime import datetime

import sqlalchemy as sa

from resources.clock import utc_now
from transforms import sql

from .naming import quote, table_name


def reject_key(record_id: str | None, field: str, value: str,
               system_modstamp: datetime | None) -> str:
    """The record's Id; for a record without a usable one, a hash of what it carried."""
    if record_id:
        return record_id
    seen = f"{field}|{value}|{system_modstamp}".encode("utf-8", "backslashreplace")
    return "no Id:" + hashlib.sha256(seen).hexdigest()[:20]


def record(connection: sa.Connection, object_name: str, run_id: str, rejects: list[dict],
           windows: list[tuple[datetime, datetime]]) -> None:
    """`rejects`: {record_id, field, value_excerpt, error, fix, system_modstamp} each."""
    table = quote(table_name(object_name))
    for start, end in windows or [(None, None)]:
        sql.execute(connection, "staging/rejects/clear_landed",
                    {"object": object_name, "run_id": run_id, "window_start": start,
                     "window_end": end}, table=table)
    now = utc_now()
    for reject in rejects:
        sql.execute(connection, "staging/rejects/upsert", {
            **reject, "object": object_name, "run_id": run_id, "now": now,
            "reject_key": reject_key(reject["record_id"], reject["field"],
                                     reject["value_excerpt"], reject["system_modstamp"])})


def by_object(connection: sa.Connection) -> dict[str, list[dict]]:
    """object -> its rejects, newest first."""
    found: dict[str, list[dict]] = {}
    for row in sql.rows(connection, "staging/rejects/select_all"):
        found.setdefault(row.pop("object"), []).append(row)
    return found
