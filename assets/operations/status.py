"""Is the sync working? One report, read from the warehouse, for `dealsync status` and the
`operations/sync_status` asset, so the terminal and the Dagster UI always show the same numbers.

Per object: state, last successful sync, records staged, API calls today, last error (all from
staging.sync_status, which the extraction writes with secrets already scrubbed). Then deals and
skips by reason (warehouse.deals / deal_skips) and the sync-back outbox by delivery status.
Everything is read through a read-only connection, so it can run beside the pipeline.
"""

from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from assets.deal_warehouse.summary import REASONS, summarize
from assets.sync_back.outbox import DELIVERY_STATUSES
from resources.clock import utc_now
from resources.staging.naming import table_name
from resources.warehouse import WarehouseResource

NEVER = "never synced"
RUNNING = "running"
READ_LOCK_TIMEOUT_S = 10.0  # DuckDB: a status read waits this long for a writer, then says so
# A run reports progress every few seconds; one silent for this long has died (a killed run),
# and the object shows its last finished state instead.
PROGRESS_STALE_AFTER = timedelta(minutes=10)

TABLES = """
select table_schema || '.' || table_name as name from information_schema.tables
where table_schema in ('staging', 'warehouse', 'sync_back')
"""
COLUMNS = """
select table_name from information_schema.columns
where table_schema = 'staging' and column_name = 'is_deleted'
"""


def reader(warehouse: WarehouseResource) -> WarehouseResource:
    """The same warehouse with a short lock wait: a status check must not hang behind a write."""
    return WarehouseResource(engine=warehouse.engine, duckdb_path=warehouse.duckdb_path,
                             postgres_url=warehouse.postgres_url,
                             lock_timeout_seconds=READ_LOCK_TIMEOUT_S)


def collect(warehouse: WarehouseResource, objects: list[str], now: datetime | None = None) -> dict:
    """The report as plain JSON-able data (timestamps as ISO strings, naive UTC)."""
    now = now or utc_now()
    if warehouse.engine == "duckdb" and not Path(warehouse.duckdb_path).exists():
        # A fresh deployment before its first sync: nothing to read yet, and nothing wrong.
        rows = [_object(None, name, None, set(), set(), now) for name in objects]
        return {"generated_at": _iso(now), "warehouse": warehouse.engine, "objects": rows,
                "totals": _totals(rows), "deals": None, "sync_back": None, "org_api": None}
    with reader(warehouse).connection(read_only=True) as connection:
        tables = {r[0] for r in connection.execute(sa.text(TABLES))}
        deletable = {r[0] for r in connection.execute(sa.text(COLUMNS))}
        rows = {}
        if "staging.sync_status" in tables:
            rows = {r["object"]: dict(r) for r in connection.execute(
                sa.text("select * from staging.sync_status")).mappings()}
        objects = [_object(connection, name, rows.get(name), tables, deletable, now)
                   for name in objects]
        deals = _deals(connection, tables)
        outbox = _outbox(connection, tables)
        org_api = _org_api(connection, tables)
    return {"generated_at": _iso(now), "warehouse": warehouse.engine, "objects": objects,
            "totals": _totals(objects), "deals": deals, "sync_back": outbox, "org_api": org_api}


def _object(connection, name: str, row: dict | None, tables: set, deletable: set,
            now: datetime) -> dict:
    table = table_name(name)
    staged = deleted = 0
    if connection is not None and f"staging.{table}" in tables:
        staged = int(connection.execute(sa.text(f"select count(*) from staging.{table}")).scalar())
        if table in deletable:
            deleted = int(connection.execute(sa.text(
                f"select count(*) from staging.{table} where is_deleted")).scalar())
    row = row or {}
    calls_today = row.get("api_calls_today") or 0
    if row.get("api_calls_date") != now.date():
        calls_today = 0  # the counter restarts at a sync's first call of a UTC day
    running = _running(row, now)
    return {
        "object": name,
        "state": RUNNING if running else (row.get("status") or NEVER),
        "running": running,
        "history_start": _iso(row.get("history_start")),
        "consecutive_failures": int(row.get("consecutive_failures") or 0),
        "last_success_at": _iso(row.get("last_success_at")),
        "last_attempt_at": _iso(row.get("last_attempt_at")),
        "records_staged": staged,
        "records_deleted": deleted,
        "records_last_run": row.get("record_count"),
        "api_calls_today": int(calls_today),
        "last_error": row.get("last_error"),
        "last_failure_at": _iso(row.get("last_failure_at")),
    }


def _running(row: dict, now: datetime) -> dict | None:
    """{"run_id", "landed", "expected", "updated_at"} while a sync reports progress."""
    at = row.get("progress_at")
    if not row.get("running_run_id") or at is None or now - at > PROGRESS_STALE_AFTER:
        return None
    return {"run_id": row["running_run_id"], "landed": int(row.get("progress_landed") or 0),
            "expected": row.get("progress_expected"), "updated_at": _iso(at)}


def _org_api(connection, tables: set) -> dict | None:
    """The org's daily API usage as the last sync saw it (all integrations, not only us)."""
    if "staging.api_usage" not in tables:
        return None
    row = connection.execute(sa.text(
        "select used, daily_max, seen_at from staging.api_usage")).mappings().first()
    return None if row is None else {"used": int(row["used"]), "daily_max": int(row["daily_max"]),
                                     "seen_at": _iso(row["seen_at"])}


def _totals(objects: list[dict]) -> dict:
    states = [o["state"] for o in objects]
    return {"objects_ok": states.count("ok"), "objects_failing": states.count("failing"),
            "objects_running": states.count(RUNNING),
            "objects_never_synced": states.count(NEVER),
            "records_staged": sum(o["records_staged"] for o in objects),
            "api_calls_today": sum(o["api_calls_today"] for o in objects)}


def _deals(connection, tables: set) -> dict | None:
    """Deals and skips by reason; None until the deal warehouse has been built."""
    if not {"warehouse.deals", "warehouse.deal_skips"} <= tables:
        return None
    summary = summarize(connection)
    return {"deals": summary["deals"], "deal_skips": summary["deal_skips"],
            "skips_by_reason": {r: summary["skips_by_reason"].get(r, 0) for r in REASONS}}


def _outbox(connection, tables: set) -> dict | None:
    """Outbox rows per delivery status; None until the sync-back tables exist."""
    if "sync_back.sync_back_tasks" not in tables:
        return None
    counts = {r[0]: int(r[1]) for r in connection.execute(sa.text(
        "select sync_status, count(*) from sync_back.sync_back_tasks group by sync_status"))}
    return {status: counts.get(status, 0) for status in DELIVERY_STATUSES}


def _iso(value) -> str | None:
    return value.isoformat(sep=" ", timespec="seconds") if isinstance(value, datetime) else None


def needs_attention(report: dict) -> bool:
    """True when an object's last sync failed or a sync-back row failed for good."""
    failed_rows = (report["sync_back"] or {}).get("failed", 0)
    return report["totals"]["objects_failing"] > 0 or failed_rows > 0
