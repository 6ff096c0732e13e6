"""Source views (`src_<object>`): the staging columns the models read, always present.

Orgs differ: one without record types has no Opportunity.RecordTypeId, a switched-off object has
no staging table at all. The models must not care, so each view selects the columns they need
from staging and fills anything missing with a typed null (a missing table becomes an empty
view). `is_removed` folds soft deletes (IsDeleted) and hard deletes (_hard_deleted_at) together.
The views are temporary, one set per run's connection: persistent views would make every
DuckDB connection (extraction opens dozens per tick) slower to open.
"""

import sqlalchemy as sa

from resources.staging.naming import quote

from .columns import schema_columns

V, B, I, D, DT, TS = "varchar", "boolean", "bigint", "double precision", "date", "timestamp"  # noqa: E741 (the type letters)
REMOVED = "is_removed"

# view name -> (staging table, {column: type}). Every view also has `id`, `system_modstamp`,
# `is_removed`, and `_extracted_at` (when the row was landed) and, but for the version history,
# `_hard_deleted_at`: incremental runs select changed rows by these two.
SOURCES: dict[str, tuple[str, dict[str, str]]] = {
    "user": ("user", {"name": V, "email": V, "is_active": B, "title": V, "department": V,
                      "manager_id": V}),
    "opportunity_stage": ("opportunity_stage", {
        "api_name": V, "master_label": V, "is_active": B, "sort_order": I, "is_closed": B,
        "is_won": B, "forecast_category": V, "forecast_category_name": V,
        "default_probability": D}),
    "record_type": ("record_type", {"name": V, "developer_name": V, "sobject_type": V,
                                    "is_active": B}),
    "opportunity": ("opportunity", {
        "account_id": V, "record_type_id": V, "name": V, "stage_name": V, "amount": D,
        "probability": D, "close_date": DT, "type": V, "next_step": V, "lead_source": V,
        "is_closed": B, "is_won": B, "forecast_category": V, "forecast_category_name": V,
        "owner_id": V, "last_stage_change_date": TS, "created_date": TS,
        "last_modified_date": TS}),
    "opportunity_versions": ("opportunity_versions", {
        "name": V, "stage_name": V, "amount": D, "probability": D, "is_closed": B,
        "is_won": B, "owner_id": V, "last_stage_change_date": TS, "created_date": TS}),
    "account": ("account", {"name": V, "industry": V, "type": V, "owner_id": V}),
    "contact": ("contact", {"account_id": V, "name": V, "email": V, "title": V, "phone": V}),
    "opportunity_contact_role": ("opportunity_contact_role", {
        "opportunity_id": V, "contact_id": V, "role": V, "is_primary": B, "created_date": TS}),
    "task": ("task", {
        "what_id": V, "who_id": V, "subject": V, "activity_date": DT, "status": V,
        "priority": V, "is_closed": B, "owner_id": V, "task_subtype": V,
        "completed_date_time": TS, "created_date": TS}),
    "event": ("event", {
        "what_id": V, "who_id": V, "subject": V, "activity_date": DT,
        "activity_date_time": TS, "start_date_time": TS, "end_date_time": TS,
        "duration_in_minutes": I, "owner_id": V, "event_subtype": V, "location": V,
        "created_date": TS}),
    "email_message": ("email_message", {
        "related_to_id": V, "activity_id": V, "subject": V, "from_name": V, "from_address": V,
        "to_address": V, "cc_address": V, "incoming": B, "status": V, "message_date": TS,
        "created_date": TS}),
}
REQUIRED_TABLES = ("user", "opportunity_stage", "opportunity")
ALWAYS = {"id": V, "system_modstamp": TS}


class MissingStagingError(RuntimeError):
    """A staging table the deal warehouse cannot do without has not been extracted yet."""


def refresh_source_views(connection: sa.Connection, extra_opportunity_columns: dict[str, str]
                         ) -> dict[str, list[str]]:
    """Create every src_ view on this connection; returns view -> columns filled with nulls."""
    staged = schema_columns(connection, "staging")
    filled: dict[str, list[str]] = {}
    for view, (table, columns) in SOURCES.items():
        wanted = {**ALWAYS, **columns, "_extracted_at": TS}
        if not view.endswith("_versions"):
            wanted["_hard_deleted_at"] = TS
        if view == "opportunity":
            wanted.update(extra_opportunity_columns)
        present = staged.get(table, {})
        if not present and table in REQUIRED_TABLES:
            raise MissingStagingError(
                f"staging.{table} does not exist: the deal warehouse needs User, "
                "OpportunityStage and Opportunity extracted first (materialize the "
                "salesforce assets, e.g. run the incremental_sync job)")
        select = [_column(name, kind, present) for name, kind in wanted.items()]
        select.append(_removed(present, view))
        missing = [name for name in wanted if name not in present and not name.startswith("_")]
        if missing:
            filled[view] = missing
        body = (f"select {', '.join(select)} from staging.{quote(table)}" if present
                else f"select {', '.join(select)} where 1 = 0")
        connection.execute(sa.text(f"drop view if exists src_{view}"))
        connection.execute(sa.text(f"create temporary view src_{view} as {body}"))
    return filled


def _column(name: str, kind: str, present: dict[str, str]) -> str:
    if name in present:
        return quote(name)
    return f"cast(null as {kind}) as {quote(name)}"


def _removed(present: dict[str, str], view: str) -> str:
    deleted = "coalesce(is_deleted, false)" if "is_deleted" in present else "false"
    if view.endswith("_versions"):
        return f"{deleted} as {REMOVED}"
    hard = "_hard_deleted_at is not null" if "_hard_deleted_at" in present else "false"
    return f"({deleted} or {hard}) as {REMOVED}"
