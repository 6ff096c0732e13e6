"""Settings -> dbt vars. dealsync.yaml (pipelines/settings*.py) stays the source of truth; every
run passes its licensed users, stage mapping, filters, custom-field rules, as_of and
pipeline_daily_days to dbt as vars, and the models render them (models/staging/settings/, the
custom_rule_failures macro).

    dealsync dbt vars   # the vars, as JSON, for `dbt build --vars`
"""

import hashlib
import json
from pathlib import Path

import sqlalchemy as sa

from resources.settings.deal_rules import read_csv_emails
from resources.staging.naming import column_name, quote


class LicensedUsersError(ValueError):
    """The licensed-users source named in the settings cannot be read."""


def licensed_rows(connection: sa.Connection | None, settings) -> list[dict]:
    """(email, source) of every licensed user, read fresh from the configured source."""
    source = settings.licensed_users
    label = source.source_label()
    if source.emails is not None:
        emails = source.emails
    elif source.csv is not None:
        try:
            emails = read_csv_emails(Path(source.csv), source.column)
        except ValueError as exc:
            raise LicensedUsersError(f"licensed_users.{exc}") from None
    else:
        emails = _table_emails(connection, source.table, source.column)
    return [{"email": e.strip(), "source": label} for e in dict.fromkeys(emails)]


def _table_emails(connection: sa.Connection, table: str, column: str) -> list[str]:
    schema, name = table.split(".")
    found = connection.execute(sa.text(
        "select column_name from information_schema.columns "
        "where table_schema = :schema and table_name = :name"),
        {"schema": schema, "name": name}).scalars().all()
    if not found:
        raise LicensedUsersError(
            f"licensed_users.table: {table} does not exist in the warehouse; create it with an "
            f"{column!r} column, or change licensed_users in the settings")
    if column not in found:
        raise LicensedUsersError(f"licensed_users.column: {table} has no column {column!r} "
                                 f"(columns: {', '.join(sorted(found))})")
    rows = connection.execute(sa.text(
        f"select {quote(column)} from {quote(schema)}.{quote(name)} "
        f"where {quote(column)} is not null")).scalars().all()
    return [str(r).strip() for r in rows if str(r).strip()]


def filter_specs(settings) -> dict:
    filters = settings.filters
    specs = {"record_type": filters.record_types, "opportunity_type": filters.opportunity_types,
             "stage": filters.stages}
    return {name: spec for name, spec in specs.items() if spec is not None}


def settings_fingerprint(settings, licensed: list[dict]) -> str:
    """Changes when anything that decides which deals are imported changes."""
    payload = {
        "licensed": sorted({r["email"].strip().lower() for r in licensed}),
        "stage_mapping": settings.stage_mapping or {},
        "filters": settings.filters.model_dump(mode="json"),
        "pipeline_daily_days": settings.warehouse.pipeline_daily_days,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def settings_vars(settings, licensed: list[dict]) -> dict:
    """The settings part of the vars (run.py adds as_of, since, previous_as_of, extra_scope)."""
    return {
        "licensed_users": [r["email"] for r in licensed],
        "licensed_users_source": settings.licensed_users.source_label(),
        "stage_mapping": settings.stage_mapping or {},
        "filters": {name: {"mode": spec.mode, "values": list(dict.fromkeys(spec.values))}
                    for name, spec in filter_specs(settings).items()},
        "custom_field_rules": [
            {"field": rule.field, "column": column_name(rule.field), "operator": rule.operator,
             "value": rule.value, "ignore_case": rule.ignore_case}
            for rule in settings.filters.custom_fields],
        "pipeline_daily_days": settings.warehouse.pipeline_daily_days,
    }
