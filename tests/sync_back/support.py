"""Helpers for sync-back tests: settings, outbox rows, running the sink, reading both sides."""

from datetime import date, datetime, timezone

import dagster as dg
import sqlalchemy as sa

from assets.sync_back.assets import build_outbox_asset, build_sink_asset
from assets.sync_back.tables import ensure_tables
from assets.sync_back.task_keys import KeyInDescription
from resources.settings import Settings, load_settings
from tests.support.pipeline import salesforce_for

# Where a Task keeps its row's sync key (assets/sync_back/task_keys.py): the default needs no
# custom field; the demo org also has Task.Dealsync_Key__c, an External ID, for the other two.
PATHS = {"description": {}, "key_field": {"key_field": "Dealsync_Key__c"},
         "upsert": {"external_id_field": "Dealsync_Key__c"}}
SINK_NODE = "sync_back__salesforce_tasks"
OUTBOX_NODE = "sync_back__sync_back_tasks"


def settings_with(**sync_back) -> Settings:
    """The suite's settings with sync-back options (enabled, no backoff, no grace by default)."""
    base = load_settings().model_dump()
    base["sync_back"] = {"enabled": True, "retry_backoff_seconds": 0,
                         "in_flight_grace_seconds": 0, **sync_back}
    return Settings.model_validate(base)


def today() -> date:
    return datetime.now(timezone.utc).date()


def queue(warehouse, rows: list[dict]) -> None:
    """Insert rows into the outbox the way another system would (plain SQL, defaults apply)."""
    ensure_tables(warehouse)
    with warehouse.connection() as connection:
        for row in rows:
            columns = ", ".join(row)
            values = ", ".join(f":{c}" for c in row)
            connection.execute(sa.text(f"insert into sync_back.sync_back_tasks ({columns}) "
                                       f"values ({values})"), row)


def task_row(key: str, what_id: str | None, owner_id: str | None = None, **extra) -> dict:
    return {"sync_key": key, "what_id": what_id, "owner_id": owner_id,
            "subject": extra.pop("subject", f"Follow up {key}"),
            "activity_date": extra.pop("activity_date", today().isoformat()), **extra}


def run_sink(emulator, warehouse, settings: Settings, *, after_send=None,
             raise_on_error: bool = True, **resource_overrides):
    """Materialize the sink alone; returns (result, metadata values)."""
    result = dg.materialize([build_sink_asset(settings.sync_back, after_send=after_send)],
                            resources={"salesforce": salesforce_for(emulator, **resource_overrides),
                                       "warehouse": warehouse},
                            raise_on_error=raise_on_error)
    events = result.asset_materializations_for_node(SINK_NODE)
    metadata = {k: v.value for k, v in events[0].metadata.items()} if events else None
    return result, metadata


def run_outbox(warehouse, settings: Settings):
    result = dg.materialize([build_outbox_asset(settings.sync_back)], resources={"warehouse": warehouse})
    events = result.asset_materializations_for_node(OUTBOX_NODE)
    return {k: v.value for k, v in events[0].metadata.items()}


def outbox(warehouse, prefix: str) -> dict[str, dict]:
    rows = warehouse.query("select * from sync_back.sync_back_tasks where sync_key like :p "
                           "order by sync_key", {"p": prefix + "%"})
    return {r["sync_key"]: r for r in rows}


def log(warehouse, prefix: str) -> list[dict]:
    return warehouse.query("select * from sync_back.sync_back_log where sync_key like :p "
                           "order by logged_at, sync_key", {"p": prefix + "%"})


def salesforce_tasks(emulator, prefix: str) -> list[dict]:
    """The emulator's Tasks whose sync key starts with `prefix` (the truth in Salesforce), each
    with its `key` read from wherever the sink kept it (Task.Dealsync_Key__c or the
    Description's last line), ordered by key."""
    cursor = emulator.store.con.cursor()
    cursor.execute('select "Id", "Dealsync_Key__c", "Subject", "WhatId", "WhoId", "OwnerId", '
                   '"ActivityDate", "Status", "Priority", "TaskSubtype", "Description" '
                   'from "Task" where "Dealsync_Key__c" like ? or "Description" like ?',
                   [prefix + "%", f"%[dealsync:{prefix}%"])
    names = [d[0] for d in cursor.description]
    tasks = []
    for row in cursor.fetchall():
        task = dict(zip(names, row))
        task["key"] = task["Dealsync_Key__c"] or KeyInDescription().key_of(task)
        if task["key"] and task["key"].startswith(prefix):
            tasks.append(task)
    return sorted(tasks, key=lambda t: (t["key"], t["Id"]))


def record_ids(emulator, object_name: str) -> dict[str, str]:
    """Name -> Id for Opportunities, Contacts, Users (by Username) of the test org."""
    label = {"User": "Username"}.get(object_name, "Name")
    rows = emulator.store.con.cursor().execute(
        f'select "{label}", "Id" from "{object_name}"').fetchall()
    return dict(rows)
