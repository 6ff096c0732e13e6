"""Sync settings: one YAML file (path in DEALSYNC_CONFIG), validated with pydantic at load.

A bad key or value fails before any run, with a message naming the key and what is allowed.
The commented default lives in `dealsync.yaml` at the repository root.
"""

import os
import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from .base import Strict
from .catalog import DEFAULT_OBJECTS, REQUIRED_OBJECTS, ObjectSpec
from .deal_rules import Filters, LicensedUsers, WarehouseOptions
from .documents import DocumentSettings
from .field_updates import FieldUpdateSettings
from .periods import BACKFILL_PERIODS
from .sync_back import SyncBackSettings

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "dealsync.yaml"



class ObjectSettings(Strict):
    enabled: bool = True
    # "curated" = dealsync's list for standard objects; "all" = every queryable field; or a list.
    fields: Literal["curated", "all"] | list[str] = "curated"


class ExtractionSettings(Strict):
    # The first monthly partition: a date, or "N days ago" (handy for demos and tests; a
    # deployment should fix a date). The first partition also holds everything older.
    start_date: date | str = date(2023, 1, 1)
    # How much history a first sync loads (the default of the backfill_period job's Launchpad,
    # and of `dealsync backfill`); `skip` starts syncing from now, with no history.
    backfill_period: Literal[BACKFILL_PERIODS] = "6m"
    lookback_minutes: int = Field(10, ge=0, le=1440)
    safety_lag_minutes: int = Field(1, ge=0, le=60)
    bulk_threshold: int = Field(10_000, ge=0)
    # Months per backfill run: a 6-month backfill is one run, all history a few.
    max_partitions_per_run: int = Field(12, ge=1)
    # When the reconciliation runs (cron, UTC): it reads every record of every object, so once
    # a day is the usual trade between freshness of what ticks miss and API calls.
    reconciliation_cron: str = "30 3 * * *"

    @field_validator("start_date")
    @classmethod
    def _date_or_days_ago(cls, value):
        if isinstance(value, str) and not re.fullmatch(r"\d+ days ago", value.strip()):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ValueError("use a date (2023-01-01) or 'N days ago'") from None
        return value

    @field_validator("reconciliation_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError("use a five-field cron expression in UTC, e.g. '30 3 * * *' "
                             "(03:30 every day)")
        return value

    def first_day(self) -> date:
        if isinstance(self.start_date, date):
            return self.start_date
        days = int(self.start_date.split()[0])
        return datetime.now(timezone.utc).date() - timedelta(days=days)


class Settings(Strict):
    extraction: ExtractionSettings = ExtractionSettings()
    objects: dict[str, ObjectSettings] = {}
    # The deal warehouse (deal_rules.py). No licensed users: every deal is
    # skipped as owner_not_found, and deal_skips lists the owner emails to license.
    licensed_users: LicensedUsers = LicensedUsers(emails=[])
    stage_mapping: dict[str, str] | None = None
    filters: Filters = Filters()
    warehouse: WarehouseOptions = WarehouseOptions()
    sync_back: SyncBackSettings = SyncBackSettings()
    field_updates: FieldUpdateSettings = FieldUpdateSettings()
    documents: DocumentSettings = DocumentSettings()

    @model_validator(mode="before")
    @classmethod
    def _moved_keys(cls, raw):
        """Keys older settings files use; the error says where each went."""
        if isinstance(raw, dict):
            if "backfill_period" in raw:
                raise ValueError("backfill_period: moved to extraction.backfill_period")
            if isinstance(raw.get("extraction"), dict) and "skip_backfill" in raw["extraction"]:
                raise ValueError("extraction.skip_backfill: replaced by "
                                 "extraction.backfill_period: skip")
        return raw

    @field_validator("objects")
    @classmethod
    def _known_or_custom(cls, objects: dict[str, ObjectSettings]) -> dict[str, ObjectSettings]:
        for name, spec in objects.items():
            if name not in DEFAULT_OBJECTS and spec.fields == "curated":
                raise ValueError(f"objects.{name}: dealsync has no curated field list for {name}; "
                                 "set `fields: all` or list the fields")
        return objects

    @model_validator(mode="after")
    def _required_objects_stay_on(self) -> "Settings":
        for name in REQUIRED_OBJECTS:
            if name in self.objects and not self.objects[name].enabled:
                raise ValueError(f"objects.{name}.enabled: {name} is required by the deal "
                                 f"warehouse and cannot be switched off (required: "
                                 f"{', '.join(REQUIRED_OBJECTS)})")
        return self

    @model_validator(mode="after")
    def _warehouse_inputs_extracted(self) -> "Settings":
        if self.filters.record_types and not self.objects.get("RecordType",
                                                                 ObjectSettings()).enabled:
            raise ValueError("filters.record_types: needs objects.RecordType.enabled: true "
                             "(record types are matched by RecordType.DeveloperName)")
        fields = self.objects.get("Opportunity", ObjectSettings()).fields
        curated = DEFAULT_OBJECTS["Opportunity"].fields if fields == "curated" else fields
        for i, rule in enumerate(self.filters.custom_fields):
            if curated != "all" and rule.field not in curated:
                raise ValueError(f"filters.custom_fields.{i}.field: {rule.field} is not "
                                 "extracted; add it to objects.Opportunity.fields (or set "
                                 "fields: all)")
        if self.stage_mapping is not None and not self.stage_mapping:
            raise ValueError("stage_mapping: is empty; omit it to map every active stage to "
                             "itself, or list the Salesforce stages of the pipeline")
        for stage, pipeline_stage in (self.stage_mapping or {}).items():
            if not stage or not str(pipeline_stage).strip():
                raise ValueError(f"stage_mapping: {stage!r} -> {pipeline_stage!r}; both the "
                                 "Salesforce StageName and the pipeline stage must be non-empty")
        return self

    def enabled_objects(self) -> list[str]:
        """Default objects not switched off, then configured extra objects, in a stable order."""
        names = [n for n in DEFAULT_OBJECTS if self.objects.get(n, ObjectSettings()).enabled]
        return names + [n for n, s in self.objects.items() if n not in DEFAULT_OBJECTS and s.enabled]

    def object_specs(self) -> list[ObjectSpec]:
        """The enabled objects with their field lists: curated, `all` (None), or configured."""
        specs = []
        for name in self.enabled_objects():
            configured = self.objects.get(name)
            default = DEFAULT_OBJECTS.get(name, ObjectSpec(name, None))
            fields = default.fields
            if configured is not None and configured.fields == "all":
                fields = None
            elif configured is not None and isinstance(configured.fields, list):
                fields = tuple(dict.fromkeys(["Id", "SystemModstamp", *configured.fields]))
            specs.append(ObjectSpec(name, fields, default.required, default.small))
        return specs


class SettingsError(ValueError):
    """The settings file is missing or invalid; the message names the key and the fix."""


def _format(exc: ValidationError, path: Path) -> str:
    lines = [f"invalid settings in {path}:"]
    for error in exc.errors():
        key = ".".join(str(p) for p in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"  {key}: {message}" if key else f"  {message}")
    return "\n".join(lines)


def load_settings(path: str | Path | None = None) -> Settings:
    path = Path(path or os.environ.get("DEALSYNC_CONFIG") or DEFAULT_PATH)
    if not path.exists():
        raise SettingsError(f"settings file {path} not found; set DEALSYNC_CONFIG to a YAML file "
                            f"(the repository ships a commented default at {DEFAULT_PATH})")
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise SettingsError(f"{path} is not valid YAML: {exc}") from exc
    try:
        return Settings.model_validate(raw, context={"base_dir": path.parent})
    except ValidationError as exc:
        raise SettingsError(_format(exc, path)) from None


@lru_cache(maxsize=8)
def cached_settings(path: str | None = None) -> Settings:
    return load_settings(path)
