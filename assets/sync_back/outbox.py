"""The outbox, sync_back.sync_back_tasks: fill it from the follow-up rules, normalise its Ids.

Rows from other systems or analysts are inserted straight into the table; rule rows are merged
in here. Nothing in this module talks to Salesforce.
"""

from collections import Counter
from datetime import date

import pyarrow as pa
import sqlalchemy as sa

from resources.clock import utc_now
from resources.salesforce.ids import normalize_id
from resources.staging.arrow_copy import copy_into
from transforms import sql

from .rules import OUTBOX_COLUMNS, matching_deals, task_row

DELIVERY_STATUSES = ("pending", "in_flight", "retrying", "sent", "failed")


def queue_rule_tasks(warehouse, rules, today: date) -> Counter:
    """Merge every enabled rule's Tasks into the outbox; returns new rows per rule."""
    added: Counter = Counter()
    active = [rule for rule in rules if rule.enabled]
    if not active:
        return added
    with warehouse.connection() as connection:
        for rule in active:
            rows = [task_row(rule, deal, today) for deal in matching_deals(connection, rule, today)]
            added[rule.name] = _merge(connection, warehouse.engine, rows)
    return added


def queue_rows(warehouse, rows: list[dict]) -> int:
    """Queue rows from Python (an app, a script); keys already queued are left alone.

    Each row needs sync_key and the Task columns it sets; the rest take the table's defaults.
    """
    defaults = {**{c: None for c in OUTBOX_COLUMNS}, "source": "external",
                "status": "Not Started", "priority": "Normal", "task_subtype": "Task"}
    with warehouse.connection() as connection:
        return _merge(connection, warehouse.engine, [{**defaults, **row} for row in rows])


def _merge(connection: sa.Connection, engine: str, rows: list[dict]) -> int:
    if not rows:
        return 0
    batch = pa.table({column: pa.array([row[column] for row in rows], pa.string())
                      for column in OUTBOX_COLUMNS})
    sql.execute(connection, "sync_back/create_outbox_batch")
    copy_into(connection, engine, "sync_back_new_tasks", batch)
    count, *merge = sql.statements("sync_back/insert_outbox_batch")
    new_rows = int(connection.execute(sa.text(count)).scalar_one())
    for statement in merge:
        connection.execute(sa.text(statement), {"now": utc_now()})
    return new_rows


def normalise_ids(warehouse) -> tuple[int, list[str]]:
    """Rewrite 15-character Ids of rows still to send as 18; returns (rows fixed, bad keys).

    A value that is not an Id at all is left as it is: the outbox check reports it and the sink
    fails that row with the reason, without blocking the others.
    """
    fixed, bad = 0, []
    with warehouse.connection() as connection:
        for row in sql.rows(connection, "sync_back/select_unnormalised_ids"):
            try:
                ids = {k: normalize_id(row[k]) for k in ("what_id", "who_id", "owner_id")}
            except ValueError:
                bad.append(row["sync_key"])
                continue
            sql.execute(connection, "sync_back/update_ids", {**ids, "sync_key": row["sync_key"],
                                                   "now": utc_now()})
            fixed += 1
    return fixed, bad


def summary(warehouse) -> dict[str, int]:
    """Outbox rows per delivery status (every status present, zeros included)."""
    with warehouse.connection() as connection:
        counts = {r["sync_status"]: int(r["n"])
                  for r in sql.rows(connection, "sync_back/select_outbox_summary")}
    return {status: counts.get(status, 0) for status in DELIVERY_STATUSES}


def sent_tasks(warehouse, limit: int = 20) -> list[dict]:
    """The Tasks written most recently (Salesforce Id, subject, links, due date, why)."""
    with warehouse.connection() as connection:
        return sql.rows(connection, "sync_back/select_sent_tasks", {"limit": limit})
