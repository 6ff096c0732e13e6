"""Is the sync working? One report, read from the warehouse, for `dealsync status` and the
`sync_status` asset, so the terminal and the Dagster UI always show the same numbers.

Per object: state, last successful sync, records staged, API calls today, last error (all from
staging.sync_status, which the extraction writes with secrets already scrubbed). Then deals and
skips by reason (warehouse.deals / deal_skips) and the sync-back outbox by delivery status.
Everything is read through a read-only connection, so it can run beside the pipeline.
"""

from datetime import datetime, timezone

import sqlalchemy as sa

from assets.salesforce.extract_asset import object_specs
from assets.sync_back.outbox import DELIVERY_STATUSES
from assets.deal_warehouse.summary import REASONS, summarize
from resources.staging.naming import table_name
from resources.warehouse import WarehouseResource

NEVER = "never synced"
READ_LOCK_TIMEOUT_S = 10.0  # DuckDB: a status read waits this long for a writer, then says so

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


def collect(warehouse: WarehouseResource, settings, now: datetime | None = None) -> dict:
    """The report as plain JSON-able data (timestamps as ISO strings, naive UTC)."""
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    names = [spec.name for spec in object_specs(settings)]
    with reader(warehouse).connection(read_only=True) as connection:
        tables = {r[0] for r in connection.execute(sa.text(TABLES))}
        deletable = {r[0] for r in connection.execute(sa.text(COLUMNS))}
        rows = {}
        if "staging.sync_status" in tables:
            rows = {r["object"]: dict(r) for r in connection.execute(
                sa.text("select * from staging.sync_status")).mappings()}
        objects = [_object(connection, name, rows.get(name), tables, deletable, now)
                   for name in names]
        deals = _deals(connection, tables)
        outbox = _outbox(connection, tables)
    return {"generated_at": _iso(now), "warehouse": warehouse.engine, "objects": objects,
            "totals": _totals(objects), "deals": deals, "sync_back": outbox}


def _object(connection, name: str, row: dict | None, tables: set, deletable: set,
            now: datetime) -> dict:
    table = table_name(name)
    staged = deleted = 0
    if f"staging.{table}" in tables:
        staged = int(connection.execute(sa.text(f"select count(*) from staging.{table}")).scalar())
        if table in deletable:
            deleted = int(connection.execute(sa.text(
                f"select count(*) from staging.{table} where is_deleted")).scalar())
    row = row or {}
    calls_today = row.get("api_calls_today") or 0
    if row.get("api_calls_date") != now.date():
        calls_today = 0  # the counter restarts at a sync's first call of a UTC day
    return {
        "object": name,
        "state": row.get("status") or NEVER,
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


def _totals(objects: list[dict]) -> dict:
    states = [o["state"] for o in objects]
    return {"objects_ok": states.count("ok"), "objects_failing": states.count("failing"),
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


# ----- text ------------------------------------------------------------------------------------

HEADERS = ("object", "state", "last success (UTC)", "staged", "deleted", "last run",
           "API calls today", "last error")


def render(report: dict, connection_line: str | None = None) -> str:
    """The report as the terminal shows it."""
    lines = [f"dealsync status at {report['generated_at']} UTC "
             f"(warehouse: {report['warehouse']})"]
    if connection_line:
        lines.append(connection_line)
    lines += ["", *_table(report["objects"]), ""]
    t = report["totals"]
    lines.append(f"Objects: {t['objects_ok']} ok, {t['objects_failing']} failing, "
                 f"{t['objects_never_synced']} never synced; {t['records_staged']} records "
                 f"staged; {t['api_calls_today']} API calls today")
    deals = report["deals"]
    if deals is None:
        lines.append("Deals: the deal warehouse has not been built yet")
    else:
        reasons = ", ".join(f"{r} {n}" for r, n in deals["skips_by_reason"].items())
        lines.append(f"Deals: {deals['deals']} in the warehouse; {deals['deal_skips']} skipped "
                     f"({reasons})")
    outbox = report["sync_back"]
    if outbox is None:
        lines.append("Sync-back: the outbox has not been created yet")
    else:
        lines.append("Sync-back outbox: " + ", ".join(
            f"{status.replace('_', ' ')} {n}" for status, n in outbox.items()))
    errors = [o for o in report["objects"] if o["state"] == "failing"]
    for o in errors:
        lines += ["", f"{o['object']} failing since {o['last_failure_at']} "
                  f"({o['consecutive_failures']} in a row): {o['last_error']}"]
    return "\n".join(lines)


def _table(objects: list[dict]) -> list[str]:
    rows = [[o["object"], o["state"], o["last_success_at"] or "-", o["records_staged"],
             o["records_deleted"], "-" if o["records_last_run"] is None else o["records_last_run"],
             o["api_calls_today"], _first_line(o["last_error"])] for o in objects]
    widths = [max(len(str(v)) for v in column) for column in zip(HEADERS, *rows)]
    numeric = {3, 4, 5, 6}

    def line(values) -> str:
        cells = [str(v).rjust(w) if i in numeric else str(v).ljust(w)
                 for i, (v, w) in enumerate(zip(values, widths))]
        return "  ".join(cells).rstrip()

    return [line(HEADERS), *(line(r) for r in rows)]


def _first_line(error: str | None, width: int = 60) -> str:
    if not error:
        return "-"
    first = error.strip().splitlines()[0]
    return first if len(first) <= width else first[:width - 3] + "..."
