"""Per Salesforce object: the high-water mark (staging.sync_state), sync health (sync_status)
and the field list it was last extracted with (field_catalog).

sync_status is what a user queries to answer "is the sync working?", so failures land there
with their error text, after secrets are scrubbed from it.
"""

import json
from datetime import datetime

import sqlalchemy as sa

from resources.clock import to_utc_naive, utc_now
from transforms import sql


def get_high_water_mark(connection: sa.Connection, object_name: str) -> datetime | None:
    return sql.execute(connection, "staging/select_high_water_mark", {"object": object_name}).scalar()


def set_high_water_mark(connection: sa.Connection, object_name: str, mark: datetime,
                        force: bool) -> datetime:
    params = {"object": object_name, "high_water_mark": to_utc_naive(mark), "now": utc_now(),
              "force": force}
    return sql.execute(connection, "staging/upsert_high_water_mark", params).scalar_one()


def get_high_water_marks(connection: sa.Connection, object_names: list[str]
                         ) -> dict[str, datetime | None]:
    return {name: get_high_water_mark(connection, name) for name in object_names}


def load_field_catalog(connection: sa.Connection) -> dict[str, dict[str, str]]:
    """Object -> {field API name: Salesforce type} it was last extracted with."""
    rows = sql.execute(connection, "staging/select_field_catalog").mappings()
    return {row["object"]: json.loads(row["fields_json"]) for row in rows}


def record_success(connection: sa.Connection, object_name: str, *, record_count: int,
                   run_id: str | None, window_start: datetime | None,
                   window_end: datetime | None, api: str | None, api_calls: int,
                   fields: dict[str, str] | None = None) -> None:
    now = utc_now()
    if fields is not None:
        sql.execute(connection, "staging/upsert_field_catalog", {
            "object": object_name, "fields_json": json.dumps(fields), "now": now})
    sql.execute(connection, "staging/upsert_sync_success", {
        "object": object_name, "now": now, "today": now.date(), "record_count": record_count,
        "run_id": run_id, "window_start": to_utc_naive(window_start),
        "window_end": to_utc_naive(window_end), "api": api, "api_calls": api_calls})


def record_failure(connection: sa.Connection, object_name: str, error: str, *,
                   run_id: str | None, api_calls: int) -> None:
    now = utc_now()
    sql.execute(connection, "staging/upsert_sync_failure", {
        "object": object_name, "now": now, "today": now.date(), "error": error,
        "run_id": run_id, "api_calls": api_calls})


def record_progress(connection: sa.Connection, object_name: str, *, run_id: str, landed: int,
                    expected: int | None) -> None:
    sql.execute(connection, "staging/upsert_sync_progress", {
        "object": object_name, "run_id": run_id, "landed": landed, "expected": expected,
        "now": utc_now()})


def record_api_usage(connection: sa.Connection, used: int, daily_max: int) -> None:
    sql.execute(connection, "staging/upsert_api_usage",
                {"used": used, "daily_max": daily_max, "now": utc_now()})


def get_status(connection: sa.Connection, object_name: str) -> dict | None:
    row = sql.execute(connection, "staging/select_sync_status", {"object": object_name}).mappings().first()
    return dict(row) if row else None
