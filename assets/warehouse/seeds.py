"""Settings -> warehouse seed tables (licensed users, stage mapping, filter values), the
custom-field rules, and the fingerprint that tells whether the rules changed since a run.

Putting the settings into tables keeps the rules in SQL, visible to analysts next to the skips
they explain.
"""

import hashlib
import json
from pathlib import Path

import sqlalchemy as sa

from resources.settings.deal_rules import CustomFieldRule, read_csv_emails
from resources.staging.naming import column_name, quote
from resources.staging.schema import existing_columns

from .models import step_sql

NUMERIC = ("bigint", "double precision")


class LicensedUsersError(ValueError):
    """The licensed-users source named in the settings cannot be read."""


def licensed_rows(connection: sa.Connection, settings) -> list[dict]:
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


def write_seeds(connection: sa.Connection, settings, licensed: list[dict]) -> None:
    """Rewrite the seed tables from the settings; normalization happens in SQL, as in owners."""
    connection.execute(sa.text("delete from warehouse.licensed_users"))
    if licensed:  # one statement, not one per row: thousands of users load in milliseconds
        connection.execute(sa.text(
            "insert into warehouse.licensed_users (email, email_normalized, source) "
            "select e, lower(regexp_replace(e, '^\\s+|\\s+$', '', 'g')), :source "
            "from unnest(:emails) as given(e)"),
            {"emails": [r["email"] for r in licensed], "source": licensed[0]["source"]})
    connection.execute(sa.text("delete from warehouse.stage_mapping"))
    mapping = [{"stage": stage, "pipeline": pipeline.strip()}
               for stage, pipeline in (settings.stage_mapping or {}).items()]
    if mapping:
        connection.execute(sa.text("insert into warehouse.stage_mapping (stage_name, "
                                   "pipeline_stage) values (:stage, :pipeline)"), mapping)
    connection.execute(sa.text("delete from warehouse.deal_filter_values"))
    values = [{"name": name, "mode": spec.mode, "value": value}
              for name, spec in filter_specs(settings).items()
              for value in dict.fromkeys(spec.values)]
    if values:
        connection.execute(sa.text("insert into warehouse.deal_filter_values (filter_name, mode, "
                                   "value) values (:name, :mode, :value)"), values)


def filter_specs(settings) -> dict:
    filters = settings.filters
    specs = {"record_type": filters.record_types, "opportunity_type": filters.opportunity_types,
             "stage": filters.stages}
    return {name: spec for name, spec in specs.items() if spec is not None}


def rule_columns(settings) -> dict[str, str]:
    """Opportunity columns the custom rules read (added to the opportunity source view)."""
    return {column_name(rule.field): "varchar" for rule in settings.filters.custom_fields}


def apply_custom_rules(connection: sa.Connection, settings) -> None:
    """Fill custom_rule_failures with the in-scope opportunities each rule rejects."""
    staged = existing_columns(connection, "opportunity")
    for index, rule in enumerate(settings.filters.custom_fields):
        column = column_name(rule.field)
        if column not in staged:
            raise ValueError(
                f"filters.custom_fields.{index}.field: Opportunity.{rule.field} is not in "
                "staging.opportunity; check the API name (case matters in the settings), add it "
                "to objects.Opportunity.fields and extract again")
        passes, value = _condition(index, rule, quote(column), staged[column])
        statement = step_sql("custom_rule_failures").replace("{passes}", passes)
        connection.execute(sa.text(statement), {
            "rule_index": index, "rule_name": f"custom_fields[{index}]",
            "rule_label": f"custom_fields[{index}] ({rule.label()})", "value": value})


def _condition(index: int, rule: CustomFieldRule, column: str, storage: str) -> tuple[str, object]:
    """SQL that is true when the opportunity passes the rule, and the value to bind."""
    value = rule.value
    if storage in NUMERIC or storage == "boolean":
        if rule.operator in ("contains", "not_contains"):
            raise ValueError(f"filters.custom_fields.{index}.operator: {rule.field} is a "
                             f"{storage} field; use equals or not_equals")
        value = _typed(index, rule, storage)
        subject, bound = column, ":value"
    else:
        value = str(value)
        subject = f"cast({column} as varchar)"
        bound = ":value"
        if rule.ignore_case:
            subject, bound = f"lower({subject})", "lower(:value)"
    return {
        "equals": f"coalesce({subject} = {bound}, false)",
        "not_equals": f"{subject} is distinct from {bound}",
        "contains": f"coalesce(strpos({subject}, {bound}) > 0, false)",
        "not_contains": f"coalesce(strpos({subject}, {bound}) = 0, true)",
    }[rule.operator], value


def _typed(index: int, rule: CustomFieldRule, storage: str):
    value = rule.value
    if storage == "boolean":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
    elif not isinstance(value, bool):
        try:
            return float(value)
        except ValueError:
            pass
    raise ValueError(f"filters.custom_fields.{index}.value: {rule.field} is a {storage} field; "
                     f"{value!r} is not a {'true/false' if storage == 'boolean' else 'number'}")


def settings_fingerprint(settings, licensed: list[dict]) -> str:
    """Changes when anything that decides which deals are imported changes."""
    payload = {
        "licensed": sorted({r["email"].strip().lower() for r in licensed}),
        "stage_mapping": settings.stage_mapping or {},
        "filters": settings.filters.model_dump(mode="json"),
        "pipeline_daily_days": settings.warehouse.pipeline_daily_days,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
