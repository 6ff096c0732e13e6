"""The sink's bookkeeping in the warehouse: which rows are due, claiming them, recording results.

Every state change is one short transaction, so what the outbox says is always what happened up
to the last commit: a row is `in_flight` from just before its send until its result is stored.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

import pyarrow as pa
import sqlalchemy as sa

from resources.clock import utc_now
from resources.staging.arrow_copy import copy_into
from transforms import sql


@dataclass
class Outcome:
    """What happened to one outbox row in this run; becomes one sync_back_log row."""

    sync_key: str
    status: str                     # sent | failed | retrying
    api: str                        # composite | bulk | lookup | local
    task_id: str | None = None
    error_code: str | None = None
    message: str | None = None
    attempt: int = 0
    next_attempt_at: datetime | None = None
    uncertain: bool = False         # Salesforce may hold the write: look up before resending
    logged_at: datetime = field(default_factory=utc_now)


OUTCOME_SCHEMA = pa.schema([
    ("sync_key", pa.string()), ("status", pa.string()), ("api", pa.string()),
    ("task_id", pa.string()), ("error_code", pa.string()), ("message", pa.string()),
    ("attempt", pa.int32()), ("next_attempt_at", pa.timestamp("us")),
    ("uncertain", pa.bool_()), ("logged_at", pa.timestamp("us"))])


class GraceWindow:
    """A sink's bookkeeping for one run: rows claimed in flight less than `grace_seconds` ago
    may belong to a send still running elsewhere, so they are not due yet."""

    def __init__(self, warehouse, run_id: str, grace_seconds: int):
        self.warehouse, self.run_id = warehouse, run_id
        self.grace = timedelta(seconds=grace_seconds)

    def _window(self) -> dict:
        now = utc_now()
        return {"now": now, "stale_before": now - self.grace}


class Ledger(GraceWindow):

    def due_rows(self) -> tuple[list[dict], int]:
        """(rows to send now, rows waiting for backoff or a grace period)."""
        params = self._window()
        with self.warehouse.connection() as connection:
            rows = sql.rows(connection, "sync_back/select_due_rows", params)
            waiting = int(sql.execute(connection, "sync_back/count_waiting_rows", params).scalar_one())
        return rows, waiting

    def claim(self, keys: list[str], bulk_job_id: str | None = None) -> dict[str, int]:
        """Mark the still-due rows among `keys` in flight; returns {key: attempt number}."""
        if not keys:
            return {}
        params = {**self._window(), "run_id": self.run_id, "bulk_job_id": bulk_job_id}
        with self.warehouse.connection() as connection:
            sql.execute(connection, "sync_back/create_keys")
            copy_into(connection, self.warehouse.engine, "sync_back_keys",
                      pa.table({"sync_key": pa.array(keys, pa.string())}))
            claimed = {r["sync_key"]: int(r["attempts"])
                       for r in sql.execute(connection, "sync_back/claim_rows", params).mappings()}
            connection.execute(sa.text("drop table sync_back_keys"))
        return claimed

    def record(self, outcomes: list[Outcome]) -> None:
        """Store per-row results and their log entries in one transaction."""
        if not outcomes:
            return
        batch = pa.Table.from_pylist([asdict(o) for o in outcomes], schema=OUTCOME_SCHEMA)
        with self.warehouse.connection() as connection:
            sql.execute(connection, "sync_back/create_outcomes")
            copy_into(connection, self.warehouse.engine, "sync_back_outcomes", batch)
            sql.execute(connection, "sync_back/apply_outcomes", {"run_id": self.run_id})

    def replace_preview(self, previews: list[dict]) -> None:
        rows = [{**p, "run_id": self.run_id, "previewed_at": utc_now()} for p in previews]
        schema = pa.schema([("run_id", pa.string()), ("sync_key", pa.string()),
                            ("operation", pa.string()), ("payload", pa.string()),
                            ("reason", pa.string()), ("problem", pa.string()),
                            ("previewed_at", pa.timestamp("us"))])
        with self.warehouse.connection() as connection:
            sql.execute(connection, "sync_back/replace_preview")
            if rows:
                copy_into(connection, self.warehouse.engine, "sync_back.sync_back_preview",
                          pa.Table.from_pylist(rows, schema=schema))
