"""Deal-warehouse sync settings: licensed users, stage mapping, filters.

Validated at load with the rest of `Settings` (model.py), so a typo in an operator
or a filter mode fails before any run, naming the key and the allowed values.
"""

import csv
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .base import Strict

OPERATORS = ("equals", "not_equals", "contains", "not_contains")
_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")



def check_email(value: str, where: str) -> str:
    """A licensed email must look like one; matching trims and case-folds it anyway."""
    text = (value or "").strip()
    if "@" not in text or " " in text:
        raise ValueError(f"{where}: {value!r} is not an email address")
    return text


class LicensedUsers(Strict):
    """Exactly one source: a list in the YAML, a CSV file, or a warehouse table."""

    emails: list[str] | None = None
    csv: str | None = None    # path, relative to the settings file; needs the `column` header
    table: str | None = None  # schema.table in the warehouse, maintained by another system
    column: str = "email"

    @model_validator(mode="after")
    def _one_source(self, info: ValidationInfo) -> "LicensedUsers":
        given = [k for k in ("emails", "csv", "table") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of emails, csv or table "
                             f"(got {', '.join(given) or 'none'})")
        if not _FIELD_NAME.match(self.column):
            raise ValueError(f"column: {self.column!r} is not a column name")
        if self.emails is not None:
            self.emails = [check_email(e, f"emails[{i}]") for i, e in enumerate(self.emails)]
        if self.table is not None and not _TABLE_NAME.match(self.table):
            raise ValueError(f"table: {self.table!r} must be schema.table (letters, digits, _)")
        if self.csv is not None:
            base = (info.context or {}).get("base_dir") or Path.cwd()
            path = Path(self.csv) if Path(self.csv).is_absolute() else Path(base) / self.csv
            self.csv = str(path)
            read_csv_emails(path, self.column)  # fail at load, not in the middle of a run
        return self

    def source_label(self) -> str:
        if self.emails is not None:
            return "settings"
        return f"csv:{self.csv}" if self.csv is not None else f"table:{self.table}"


def read_csv_emails(path: Path, column: str) -> list[str]:
    """The emails of a licensed-users CSV; errors name the file, row and fix."""
    if not path.exists():
        raise ValueError(f"csv: {path} does not exist; create it with an {column!r} header "
                         "or point licensed_users.csv at the right file")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        headers = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
        if column.lower() not in headers:
            raise ValueError(f"csv: {path} has no {column!r} column (headers: "
                             f"{', '.join(reader.fieldnames or []) or 'none'})")
        key = headers[column.lower()]
        emails = []
        for number, row in enumerate(reader, start=2):
            value = (row.get(key) or "").strip()
            if value:
                emails.append(check_email(value, f"csv: {path} line {number}"))
        return emails


class IncludeExclude(Strict):
    """Keep only the listed values (include) or drop them (exclude); matched exactly."""

    include: list[str] | None = Field(None, min_length=1)
    exclude: list[str] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _one_mode(self) -> "IncludeExclude":
        if (self.include is None) == (self.exclude is None):
            raise ValueError("give exactly one of include or exclude, each a non-empty list")
        return self

    @property
    def mode(self) -> str:
        return "include" if self.include is not None else "exclude"

    @property
    def values(self) -> list[str]:
        return self.include if self.include is not None else self.exclude


class CustomFieldRule(Strict):
    """One Opportunity field test; a deal must pass every rule (AND)."""

    field: str
    operator: Literal["equals", "not_equals", "contains", "not_contains"]
    value: str | int | float | bool
    ignore_case: bool = False

    @field_validator("field")
    @classmethod
    def _api_name(cls, value: str) -> str:
        if not _FIELD_NAME.match(value):
            raise ValueError(f"{value!r} is not a Salesforce field API name (e.g. Region__c)")
        return value

    @model_validator(mode="after")
    def _text_for_contains(self) -> "CustomFieldRule":
        if self.operator in ("contains", "not_contains") and not isinstance(self.value, str):
            raise ValueError(f"operator {self.operator} needs a text value")
        return self

    def label(self) -> str:
        value = self.value if not isinstance(self.value, str) else f"'{self.value}'"
        case = " (ignoring case)" if self.ignore_case else ""
        return f"{self.field} {self.operator} {value}{case}"


class Filters(Strict):
    record_types: IncludeExclude | None = None       # by RecordType.DeveloperName
    opportunity_types: IncludeExclude | None = None  # by Opportunity.Type
    stages: IncludeExclude | None = None             # by Opportunity.StageName
    custom_fields: list[CustomFieldRule] = []


class WarehouseOptions(Strict):
    # Each incremental run re-reads staging rows landed this long before the previous run
    # started, so a batch that committed while that run was reading is not missed.
    incremental_lookback_minutes: int = Field(60, ge=0, le=7 * 24 * 60)
    pipeline_daily_days: int = Field(365, ge=1, le=3660)
    # DuckDB only: copy the warehouse schema to <file>_snapshot.duckdb after each successful run.
    publish_snapshot: bool = True
    # dbt tests (asset checks on the deal models) run on every full rebuild; on an incremental
    # run too when true. Each costs dbt about 0.05 s on a tick, whatever the data; the quality
    # checks that gate the sink run on every tick either way.
    dbt_tests_on_incremental_runs: bool = False

