"""Per Salesforce object: the high-water mark (staging.sync_state), sync health (sync_status)
and the field list it was last extracted with (field_catalog).

sync_status is what a user queries to answer "is the sync working?", so failures land there
with their error text, after secrets are scrubbed from it.
"""

import json
import re
from datetime import datetime

import sqlalchemy as sa

from .clock import to_utc_naive, utc_now
from .sql_files import execute_file

MAX_ERROR_CHARS = 4000
_SECRET_PATTERNS = [
    # scheme://user:password@host -> scheme://user:***@host
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@", re.I), r"\1***@"),
    (re.compile(r"\b(Bearer|OAuth)\s+[A-Za-z0-9._~+/!=-]+", re.I), r"\1 ***"),
    (re.compile(r"\b(password|passwd|pwd|secret|client_secret|token|access_token|refresh_token|"
                r"security_token|session_?id|api_?key|authorization)(\s*[=:]\s*)"
                r"(\"[^\"]*\"|'[^']*'|[^\s,;&]+)", re.I), r"\1\2***"),
    # Salesforce session ids / access tokens: org id + '!' + opaque token.
    (re.compile(r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+"), "***"),
]


def redact(text: str, known_secrets: tuple[str, ...] = ()) -> str:
    """Error text without credentials, short enough to read in a table cell."""
    for secret in known_secrets:
        if secret:
            text = text.replace(secret, "***")
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS - 15] + "... [truncated]"


def get_high_water_mark(connection: sa.Connection, object_name: str) -> datetime | None:
    return execute_file(connection, "select_high_water_mark", {"object": object_name}).scalar()


def set_high_water_mark(connection: sa.Connection, object_name: str, mark: datetime,
                        force: bool) -> datetime:
    params = {"object": object_name, "high_water_mark": to_utc_naive(mark), "now": utc_now(),
              "force": force}
    return execute_file(connection, "upsert_high_water_mark", params).scalar_one()


def get_high_water_marks(connection: sa.Connection, object_names: list[str]
                         ) -> dict[str, datetime | None]:
    return {name: get_high_water_mark(connection, name) for name in object_names}


def load_field_catalog(connection: sa.Connection) -> dict[str, dict[str, str]]:
    """Object -> {field API name: Salesforce type} it was last extracted with."""
    rows = execute_file(connection, "select_field_catalog").mappings()
    return {row["object"]: json.loads(row["fields_json"]) for row in rows}


def record_success(connection: sa.Connection, object_name: str, *, record_count: int,
                   run_id: str | None, window_start: datetime | None,
                   window_end: datetime | None, api: str | None, api_calls: int,
                   fields: dict[str, str] | None = None) -> None:
    now = utc_now()
    if fields is not None:
        execute_file(connection, "upsert_field_catalog", {
            "object": object_name, "fields_json": json.dumps(fields), "now": now})
    execute_file(connection, "upsert_sync_success", {
        "object": object_name, "now": now, "today": now.date(), "record_count": record_count,
        "run_id": run_id, "window_start": to_utc_naive(window_start),
        "window_end": to_utc_naive(window_end), "api": api, "api_calls": api_calls})


def record_failure(connection: sa.Connection, object_name: str, error: str, *,
                   run_id: str | None, api_calls: int) -> None:
    now = utc_now()
    execute_file(connection, "upsert_sync_failure", {
        "object": object_name, "now": now, "today": now.date(), "error": error,
        "run_id": run_id, "api_calls": api_calls})


def get_status(connection: sa.Connection, object_name: str) -> dict | None:
    row = execute_file(connection, "select_sync_status", {"object": object_name}).mappings().first()
    return dict(row) if row else None
