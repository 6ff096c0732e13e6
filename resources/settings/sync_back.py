"""Settings for the quality gate and the Salesforce sync-back (the `sync_back:` section).

Sync-back is off until `enabled: true`: the outbox still fills (it is local), but nothing is sent.
Follow-up rules are data: a SQL condition over warehouse.deals, templates and Task fields, so a
new rule is a settings change, not a code change.
"""

import re
import string
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .base import Strict

RULE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
API_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")



def template_fields(template: str) -> list[str]:
    """Placeholder names in a str.format template; raises ValueError on a malformed template."""
    names = []
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise ValueError(f"placeholder {{{name}}} must be a plain column name such as "
                                 "{opportunity_name}")
            names.append(name)
    return names


class DealRule(Strict):
    """What follow-up rules and document rules share: a name that is part of each write's key,
    and `when`, a SQL condition over warehouse.deals."""

    name: str
    # SQL boolean expression over warehouse.deals columns; :today is the run's UTC date.
    when: str
    enabled: bool = True

    @field_validator("name")
    @classmethod
    def _key_safe_name(cls, value: str) -> str:
        if not RULE_NAME.match(value):
            raise ValueError("use 1-40 lowercase letters, digits or _ (it is part of the key "
                             "that makes each write happen once), e.g. stale_deal")
        return value

    @field_validator("when")
    @classmethod
    def _one_expression(cls, value: str) -> str:
        if not value.strip() or ";" in value:
            raise ValueError("give one SQL boolean expression over warehouse.deals columns "
                             "(no ';'), e.g. \"not is_closed and close_date < :today\"")
        return value


def check_unique_names(rules: list[DealRule], what: str) -> None:
    """Rule names are part of each write's key, so two rules may not share one."""
    names = [rule.name for rule in rules]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{what} must be unique (they are part of each write's key): "
                         f"{', '.join(duplicates)}")


class FollowUpRule(DealRule):
    """One follow-up rule: deals matching `when` get one Task per `period`."""

    subject: str
    description: str = ""
    # Why the Task is queued (dry-run shows it, the outbox keeps it); default: rule + `when`.
    reason: str | None = None
    due_in_days: int = Field(0, ge=0, le=365)
    status: str = "Not Started"
    priority: str = "Normal"
    task_subtype: str = "Task"
    link_contact: bool = True  # WhoId = the deal's primary contact, when it has one
    period: Literal["once", "day", "week", "month"] = "week"

    @field_validator("subject", "description", "reason")
    @classmethod
    def _valid_template(cls, value: str | None) -> str | None:
        if value is not None:
            template_fields(value)
        return value

    @field_validator("subject")
    @classmethod
    def _subject_required(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a Task needs a subject, e.g. \"Follow up on {opportunity_name}\"")
        return value


DEFAULT_RULES = [
    FollowUpRule(
        name="stale_deal",
        when="not is_closed and coalesce(last_activity_date, cast(created_date as date)) "
             "<= :today - 14",
        subject="Follow up on {opportunity_name}",
        description="No activity on {opportunity_name} ({account_name}) for "
                    "{days_since_activity} days. Next step: {next_step}",
        reason="open deal with no activity for {days_since_activity} days (rule stale_deal: 14+)",
        due_in_days=2, priority="Normal"),
    FollowUpRule(
        name="close_date_passed",
        when="not is_closed and close_date < :today",
        subject="Update close date",
        description="{opportunity_name} is still open but its close date {close_date} has "
                    "passed. Update the close date or close the deal.",
        reason="open deal whose close date {close_date} passed {days_past_close} days ago",
        due_in_days=1, priority="High", link_contact=False),
]


class CheckSettings(Strict):
    """Thresholds of the data-quality checks that gate the sink."""

    max_row_drop_share: float = Field(0.5, ge=0, le=1)
    freshness_minutes: int = Field(30, ge=1)
    outbox_max_invalid_share: float = Field(0.05, ge=0, le=1)
    data_docs: bool = False  # the metadata already says what failed; pages cost disk per run
    data_docs_dir: str = "data/gx_docs"
    data_docs_retention_days: int = Field(7, ge=1)
    data_docs_keep_runs: int = Field(24, ge=1)


class SyncBackSettings(Strict):
    enabled: bool = False
    dry_run: bool = False
    # Where a written Task keeps its row's sync key (what makes writes exactly once). By default
    # its Description's last line, so an org needs no custom field. key_field: a Task field of
    # the org's instead; external_id_field: the same field marked External ID (writes become
    # upserts: the faster path).
    external_id_field: str | None = None
    key_field: str | None = None
    bulk_threshold: int = Field(2000, ge=1)
    batch_size: int = Field(200, ge=1, le=200)
    max_attempts: int = Field(8, ge=1)
    retry_backoff_seconds: int = Field(600, ge=0)
    retry_backoff_max_seconds: int = Field(21600, ge=0)
    in_flight_grace_seconds: int = Field(300, ge=0)
    rules: list[FollowUpRule] = Field(default_factory=lambda: list(DEFAULT_RULES))
    checks: CheckSettings = CheckSettings()

    @field_validator("external_id_field", "key_field")
    @classmethod
    def _api_name(cls, value: str | None) -> str | None:
        if value is not None and not API_NAME.match(value):
            raise ValueError("use the Task field's API name, e.g. Dealsync_Key__c")
        return value

    @model_validator(mode="after")
    def _key_in_external_id(self) -> "SyncBackSettings":
        if self.external_id_field and self.key_field is None:
            self.key_field = self.external_id_field
        if self.external_id_field and self.external_id_field != self.key_field:
            raise ValueError(
                f"key_field ({self.key_field}) must equal external_id_field "
                f"({self.external_id_field}): the sink upserts by the key. Set both to the same "
                "field, or remove external_id_field to create Tasks and look them up by key")
        check_unique_names(self.rules, "rule names")
        return self

    @property
    def upsert(self) -> bool:
        return self.external_id_field is not None
