"""Erase a deal's or a person's data on request (GDPR), and keep it erased.

One transaction finds every staged record of the subject, tombstones it (md5 of the Id only),
deletes it from staging (current state and history), from the sync-back outbox and from the
built tables' rows that name it (so no name or email that was erased is readable once it
commits); the same run then rebuilds the affected deals with dbt before the job succeeds, so
no count keeps including it either. The audit row in purge_log says when, what kind of
subject and how many rows, never who. Later runs delete tombstoned rows a sync brings back
(tombstones.py).
"""

import json
import re
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from resources.clock import utc_now
from resources.salesforce.ids import checked_id
from resources.staging.naming import quote
from resources.staging.schema import existing_columns
from transforms import sql

from .run import RunResult, deal_models, published_tables, run_warehouse

OBJECTS = ("opportunity", "contact", "opportunity_contact_role", "task", "event",
           "email_message")
# The columns the purge SQL reads, per staging table (a column or table the org lacks reads
# as null or empty, as in the dbt staging layer).
# Built tables -> [(column, the staging object whose Ids it holds)]: erased at once (see
# purge_warehouse_rows.sql), not only when the run after the erasure rebuilds them.
_WAREHOUSE_ROWS = {
    "warehouse_internal.int_deal_placement": [("opportunity_id", "opportunity")],
    "warehouse_internal.int_opportunity_rules": [("opportunity_id", "opportunity")],
    "warehouse.deal_classification": [("opportunity_id", "opportunity")],
    "warehouse.deal_contacts": [("opportunity_id", "opportunity"),
                                ("contact_role_id", "opportunity_contact_role"),
                                ("contact_id", "contact")],
    "warehouse.deal_activities": [("opportunity_id", "opportunity"), ("activity_id", "task"),
                                  ("activity_id", "event")],
    "warehouse.deal_emails": [("opportunity_id", "opportunity"), ("email_id", "email_message")],
    "warehouse.deal_stage_history": [("opportunity_id", "opportunity")],
    "warehouse.deal_time_in_stage": [("opportunity_id", "opportunity")],
}
_PURGE_COLUMNS = {"contact": ("email",),
                  "opportunity_contact_role": ("opportunity_id", "contact_id"),
                  "task": ("what_id", "who_id"), "event": ("what_id", "who_id"),
                  "email_message": ("related_to_id", "from_address", "to_address", "cc_address")}
_ID_LIKE = re.compile(r"\b[a-zA-Z0-9]{3}[0-9][a-zA-Z0-9]{11}([a-zA-Z0-9]{3})?\b")


class PurgeRequestError(ValueError):
    """The purge request is incomplete or would put personal data into the audit log."""


@dataclass(frozen=True)
class PurgeRequest:
    subject_kind: str           # opportunity | contact | email
    value: str                  # the 18-character Id, or the normalized email
    request_reference: str      # the caller's ticket number, kept in purge_log

    @classmethod
    def parse(cls, opportunity_id: str | None = None, contact_id: str | None = None,
              email: str | None = None, request_reference: str = "") -> "PurgeRequest":
        given = {k: v for k, v in (("opportunity_id", opportunity_id),
                                   ("contact_id", contact_id), ("email", email)) if v}
        if len(given) != 1:
            raise PurgeRequestError("give exactly one of opportunity_id, contact_id or email "
                                    f"(got {', '.join(given) or 'none'})")
        (key, raw), = given.items()
        if key == "email":
            value = raw.strip().lower()
            if "@" not in value:
                raise PurgeRequestError(f"email: {raw!r} is not an email address")
        else:
            value = checked_id(raw.strip())
            prefix = "006" if key == "opportunity_id" else "003"
            if value is None or not value.startswith(prefix):
                raise PurgeRequestError(f"{key}: {raw!r} is not a Salesforce "
                                        f"{'Opportunity' if prefix == '006' else 'Contact'} Id "
                                        f"(15 or 18 characters starting with {prefix})")
        reference = (request_reference or "").strip()
        if not reference or len(reference) > 200:
            raise PurgeRequestError("request_reference: give the ticket number of the request "
                                    "(1-200 characters); it is what the audit log keeps")
        if "@" in reference or _ID_LIKE.search(reference) or raw.strip() in reference:
            raise PurgeRequestError("request_reference: must not contain an email address or a "
                                    "Salesforce Id; the audit log keeps no personal data. Use "
                                    "the ticket number (e.g. GDPR-2025-042)")
        kind = "email" if key == "email" else key.removesuffix("_id")
        return cls(kind, value, reference)


@dataclass
class PurgeResult:
    request_id: str
    records_erased: int
    rows_removed: dict[str, int]
    run: RunResult


def purge(warehouse, settings, request: PurgeRequest, log=None) -> PurgeResult:
    """Erase the subject everywhere and rebuild the deals it touched, in one transaction."""
    request_id = uuid.uuid4().hex
    outcome: dict = {}

    def erase(connection: sa.Connection) -> list[str]:
        params = {"opportunity_id": None, "contact_id": None, "email": None}
        params[{"opportunity": "opportunity_id", "contact": "contact_id",
                "email": "email"}[request.subject_kind]] = request.value
        _purge_views(connection)
        sql.execute(connection, "purge/purge_find_targets", params)
        affected = [r for r in connection.execute(
            sa.text(sql.statement("purge/purge_affected_deals"))).scalars() if r]
        removed = _delete_staged(connection)
        removed.update(_erase_sync_back(connection))
        _erase_built_rows(connection)
        outcome["removed"] = removed
        outcome["records"] = int(connection.execute(
            sa.text("select count(*) from purge_targets")).scalar())
        for statement in sql.statements("purge/purge_record"):
            connection.execute(sa.text(statement), {
                "now": utc_now(), "request_id": request_id,
                "subject_kind": request.subject_kind,
                "request_reference": request.request_reference,
                "rows_removed": json.dumps(removed, sort_keys=True)})
        outcome["opportunities"] = list(connection.execute(sa.text(
            "select id from purge_targets where object_name = 'opportunity'")).scalars())
        return affected

    kwargs = {"log": log} if log is not None else {}
    run = run_warehouse(warehouse, settings, models=deal_models(), before=erase,
                        published=published_tables(), **kwargs)
    run.raise_for_failure()
    with warehouse.connection() as connection:
        # The run's scope table named the erased deal so the run could drop its rows; it is
        # only read within a run, so the Id goes now rather than with the next run.
        for opportunity_id in outcome["opportunities"]:
            connection.execute(sa.text("delete from warehouse_internal.int_deal_scope "
                                       "where opportunity_id = :id"), {"id": opportunity_id})
    if warehouse.engine == "duckdb":
        # Write the deletion into the database file now, not only into its WAL.
        warehouse.execute("checkpoint")
    return PurgeResult(request_id, outcome["records"], outcome["removed"], run)


def _erase_sync_back(connection: sa.Connection) -> dict[str, int]:
    """Outbox rows of the subject (purge_sync_back.sql); none while sync-back has never run."""
    if not sql.execute(connection, "staging/select_table_exists",
                        {"schema": "sync_back", "name": "sync_back_tasks"}).scalar():
        return {}
    sql.execute(connection, "purge/purge_sync_back")
    erased = int(connection.execute(sa.text("select count(*) from purge_outbox_rows")).scalar())
    return {"sync_back.sync_back_tasks": erased} if erased else {}


def _delete_staged(connection: sa.Connection) -> dict[str, int]:
    removed: dict[str, int] = {}
    for table in OBJECTS:
        for name in (table, f"{table}_versions"):
            if not existing_columns(connection, name):
                continue
            result = connection.execute(sa.text(
                f"delete from staging.{name} where id in "
                "(select id from purge_targets where object_name = :object_name)"),
                {"object_name": table})
            if result.rowcount:
                removed[f"staging.{name}"] = int(result.rowcount)
    return removed


def _purge_views(connection: sa.Connection) -> None:
    """Temporary src_<table> views the purge SQL reads: id plus _PURGE_COLUMNS, null-filled."""
    for table, columns in _PURGE_COLUMNS.items():
        present = existing_columns(connection, table)
        select = ", ".join(quote(c) if c in present else f"cast(null as varchar) as {c}"
                           for c in ("id", *columns))
        body = (f"select {select} from staging.{quote(table)}" if present
                else f"select {select} where 1 = 0")
        connection.execute(sa.text(f"drop view if exists src_{table}"))
        connection.execute(sa.text(f"create temporary view src_{table} as {body}"))


def _erase_built_rows(connection: sa.Connection) -> None:
    """Rows of the built tables that name an erased record (none before the first run)."""
    built = {f"{schema}.{name}" for schema, name in connection.execute(sa.text(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('warehouse', 'warehouse_internal')"))}
    statement = sql.statement("purge/purge_warehouse_rows")
    for table, columns in _WAREHOUSE_ROWS.items():
        if table not in built:
            continue
        for column, object_name in columns:
            connection.execute(sa.text(statement.format(table=table, column=column)),
                               {"object_name": object_name})
    if "warehouse_internal.int_deal_placement" in built:
        sql.execute(connection, "purge/purge_primary_contacts")
