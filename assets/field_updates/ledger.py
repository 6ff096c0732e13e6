"""The field sink's bookkeeping: each field's state (sync_back.field_update_state), one log row
per result (sync_back.field_update_log) and the dry run's preview. Each write is one short
transaction: a field is `in_flight` from just before its send until its result is committed.
"""

from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

from resources.clock import utc_now
from resources.staging.arrow_copy import copy_into
from resources.staging.connections import retry_on_ddl_race
from transforms import sql

from .diff import Change


@dataclass
class Result:
    """What happened to one field of one record in this run."""

    change: Change
    status: str                     # in_flight | sent | conflict | failed | retrying
    api: str                        # composite | lookup | local
    salesforce_value: str | None = None
    error_code: str | None = None
    message: str | None = None
    attempt: int = 0
    next_attempt_at: datetime | None = None
    log: bool = True
    logged_at: datetime = field(default_factory=utc_now)


SCHEMA = pa.schema([
    ("mapping", pa.string()), ("object", pa.string()), ("record_id", pa.string()),
    ("field", pa.string()), ("status", pa.string()), ("before_value", pa.string()),
    ("after_value", pa.string()), ("salesforce_value", pa.string()), ("error_code", pa.string()),
    ("message", pa.string()), ("attempt", pa.int32()), ("api", pa.string()),
    ("next_attempt_at", pa.timestamp("us")), ("logged_at", pa.timestamp("us")),
    ("log", pa.bool_())])


def ensure_tables(warehouse) -> None:
    def create() -> None:
        with warehouse.connection() as connection:
            sql.execute(connection, "field_updates/create_tables")

    retry_on_ddl_race(create)


def _table(results: list[Result]) -> pa.Table:
    rows = [{"mapping": r.change.mapping, "object": r.change.object,
             "record_id": r.change.record_id, "field": r.change.field, "status": r.status,
             "before_value": r.change.before, "after_value": r.change.after,
             "salesforce_value": r.salesforce_value, "error_code": r.error_code,
             "message": (r.message or "")[:2000] or None, "attempt": r.attempt, "api": r.api,
             "next_attempt_at": r.next_attempt_at, "logged_at": r.logged_at, "log": r.log}
            for r in results]
    return pa.Table.from_pylist(rows, schema=SCHEMA)


class Ledger:
    def __init__(self, warehouse, run_id: str):
        self.warehouse, self.run_id = warehouse, run_id

    def record(self, results: list[Result]) -> None:
        """Store the fields' new states and log the results (one transaction)."""
        if not results:
            return
        with self.warehouse.connection() as connection:
            sql.execute(connection, "field_updates/create_results")
            copy_into(connection, self.warehouse.engine, "field_update_results", _table(results))
            sql.execute(connection, "field_updates/apply_results", {"run_id": self.run_id})

    def claim(self, changes: list[Change]) -> None:
        """Mark fields in flight (committed) before they are sent."""
        self.record([Result(c, "in_flight", "composite", attempt=c.attempts + 1, log=False)
                     for c in changes])

    def replace_preview(self, results: list[Result]) -> None:
        with self.warehouse.connection() as connection:
            sql.execute(connection, "field_updates/create_results")
            copy_into(connection, self.warehouse.engine, "field_update_results", _table(results))
            sql.execute(connection, "field_updates/replace_preview")

    def counts(self) -> dict[str, int]:
        with self.warehouse.connection() as connection:
            return {r["status"]: int(r["n"])
                    for r in sql.rows(connection, "field_updates/count_by_status")}
