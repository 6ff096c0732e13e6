"""Follow-up rules -> outbox rows: which deals match, the Task each one gets, and its sync key.

The key is rule + opportunity + period (`stale_deal:006...:2025-W07`), so a rule that keeps
matching a deal queues at most one Task per period however often the pipeline runs.
"""

import string
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from resources.settings.sync_back import FollowUpRule
from transforms import sql

OUTBOX_COLUMNS = ("sync_key", "source", "rule_name", "opportunity_id", "what_id", "who_id",
                  "owner_id", "subject", "description", "activity_date", "status", "priority",
                  "task_subtype", "reason")


class RuleError(ValueError):
    """A rule's condition or template does not fit warehouse.deals; names the settings key."""


def period_label(rule: FollowUpRule, today: date) -> str:
    if rule.period == "once":
        return "once"
    if rule.period == "day":
        return today.isoformat()
    if rule.period == "month":
        return today.strftime("%Y-%m")
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


class _Template(string.Formatter):
    """str.format where a missing value renders empty and dates render as YYYY-MM-DD."""

    def format_field(self, value, format_spec):
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.date() if not format_spec else value
        if isinstance(value, date) and not format_spec:
            return value.isoformat()
        if isinstance(value, float) and not format_spec and value.is_integer():
            return str(int(value))
        return super().format_field(value, format_spec)


_FORMAT = _Template()


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _context(rule: FollowUpRule, deal: dict, today: date, due: date) -> dict:
    activity = _as_date(deal.get("last_activity_date")) or _as_date(deal.get("created_date"))
    close = _as_date(deal.get("close_date"))
    return {**deal, "rule": rule.name, "today": today, "due_date": due,
            "days_since_activity": (today - activity).days if activity else None,
            "days_past_close": (today - close).days if close else None}


def render(template: str, values: dict, rule: FollowUpRule, key: str) -> str:
    try:
        return _FORMAT.vformat(template, (), values)
    except KeyError as exc:
        known = ", ".join(sorted(values))
        raise RuleError(f"sync_back.rules[{rule.name}].{key}: unknown placeholder {{{exc.args[0]}}}"
                        f"; available: {known}") from None


def task_row(rule: FollowUpRule, deal: dict, today: date) -> dict:
    """The outbox row one matching deal gets from one rule."""
    due = today + timedelta(days=rule.due_in_days)
    values = _context(rule, deal, today, due)
    reason = rule.reason or f"rule {rule.name}: {rule.when}"
    return {
        "sync_key": f"{rule.name}:{deal['opportunity_id']}:{period_label(rule, today)}",
        "source": "rule", "rule_name": rule.name,
        "opportunity_id": deal["opportunity_id"], "what_id": deal["opportunity_id"],
        "who_id": deal.get("primary_contact_id") if rule.link_contact else None,
        "owner_id": deal.get("owner_id"),
        "subject": render(rule.subject, values, rule, "subject")[:255],
        "description": render(rule.description, values, rule, "description"),
        "activity_date": due.isoformat(),
        "status": rule.status, "priority": rule.priority, "task_subtype": rule.task_subtype,
        "reason": render(reason, values, rule, "reason"),
    }


def matching_deals(connection: sa.Connection, rule, today: date,
                   section: str = "sync_back.rules") -> list[dict]:
    """Rows of warehouse.deals for which the rule's `when` holds on `today`; `section` is the
    settings key the rule lives under (follow-up rules, document rules), for the error."""
    try:
        return sql.rows(connection, "sync_back/select_rule_candidates", {"today": today},
                        condition=rule.when)
    except sa.exc.DBAPIError as exc:
        raise RuleError(
            f"{section}[{rule.name}].when could not run against warehouse.deals: "
            f"{str(getattr(exc, 'orig', exc)).strip().splitlines()[0]}. Fix the expression (a SQL "
            "boolean over warehouse.deals columns; :today is the run date), or check that "
            "the deal warehouse has been built") from None
