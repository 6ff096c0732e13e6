"""Helpers for field-update tests: stage the org for real (the extraction assets), write the
desired values into a warehouse table, run the field sink, read both sides."""

import time

import dagster as dg
import sqlalchemy as sa

from assets.field_updates.assets import build_field_updates_asset
from resources.settings import Settings, load_settings
from tests.support.pipeline import extract, salesforce_for

NODE = "sync_back__salesforce_field_updates"
# The mapping most tests use: NextStep owned by the warehouse, Description edited on both sides.
FIELDS = {"NextStep": {"column": "next_step"},
          "Description": {"column": "description", "direction": "both"}}


def settings_with(fields: dict | None = None, query: str | None = None, **options) -> Settings:
    """The suite's settings with one mapping from warehouse.field_source to Opportunity."""
    mapping = {"name": "deal_signals", "object": "Opportunity", "id_column": "opportunity_id",
               "fields": fields or FIELDS}
    mapping.update({"query": query} if query else {"source": "field_source"})
    base = load_settings().model_dump()
    base["field_updates"] = {"enabled": True, "retry_backoff_seconds": 0,
                             "mappings": [mapping], **options}
    return Settings.model_validate(base)


def stage(emulator, warehouse, *, tick: bool = False, settings: Settings | None = None) -> None:
    """Backfill the org into staging, or (tick=True) run one incremental tick after a second,
    so changes made just now fall inside its window."""
    if tick:
        time.sleep(1.1)
    extract(emulator, warehouse, settings, incremental=tick)


def desired(warehouse, rows: list[dict], types: dict[str, str] | None = None) -> None:
    """(Re)create warehouse.field_source with these rows: what the warehouse wants."""
    types = {"opportunity_id": "varchar", "next_step": "varchar", "description": "varchar",
             **(types or {})}
    columns = list(types)
    with warehouse.connection() as connection:
        connection.execute(sa.text("create schema if not exists warehouse"))
        connection.execute(sa.text("drop table if exists warehouse.field_source"))
        connection.execute(sa.text("create table warehouse.field_source (" + ", ".join(
            f"{c} {t}" for c, t in types.items()) + ")"))
        for row in rows:
            full = {c: row.get(c) for c in columns}
            connection.execute(sa.text(
                f"insert into warehouse.field_source ({', '.join(columns)}) values "
                f"({', '.join(':' + c for c in columns)})"), full)


def run_fields(emulator, warehouse, settings: Settings, *, after_send=None,
               raise_on_error: bool = True):
    """Materialize the field sink alone; returns (result, metadata values)."""
    result = dg.materialize([build_field_updates_asset(settings.field_updates,
                                                       after_send=after_send)],
                            resources={"salesforce": salesforce_for(emulator),
                                       "warehouse": warehouse},
                            raise_on_error=raise_on_error)
    events = result.asset_materializations_for_node(NODE)
    metadata = {k: v.value for k, v in events[0].metadata.items()} if events else None
    return result, metadata


def opportunities(emulator) -> dict[str, dict]:
    """Name -> the emulator's Opportunity row (the truth in Salesforce)."""
    cursor = emulator.store.con.cursor()
    cursor.execute('select * from "Opportunity"')
    names = [d[0] for d in cursor.description]
    return {row[names.index("Name")]: dict(zip(names, row)) for row in cursor.fetchall()}


def log(warehouse) -> list[dict]:
    return warehouse.query("select * from sync_back.field_update_log "
                           "order by logged_at, record_id, field")


def state(warehouse) -> dict[tuple[str, str], dict]:
    rows = warehouse.query("select * from sync_back.field_update_state")
    return {(r["record_id"], r["field"]): r for r in rows}
