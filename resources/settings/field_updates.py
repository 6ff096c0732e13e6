"""Settings for field write-back (the `field_updates:` section): warehouse values -> fields of
existing Salesforce records, keyed by the record's Id.

Only structure is checked here (names, one source, one value per field). Whether the object and
fields exist, are writable, fit the column types and hold active picklist values depends on the
org: assets/field_updates/org_check.py checks that against describe before anything is sent.
Off by default; dealsync.yaml carries commented examples.
"""

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .base import Strict

MAPPING_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
API_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
COLUMN = re.compile(r"^[a-z_][a-z0-9_]*$")


class FieldSpec(Strict):
    """One Salesforce field: the source column holding its value (or a constant), and who owns it.

    `to_salesforce`: the warehouse owns the field. `both`: people edit it in Salesforce too, and
    Salesforce wins when both sides changed it since the last sync."""

    column: str | None = None
    value: str | float | bool | None = None
    direction: Literal["to_salesforce", "both"] = "to_salesforce"

    @field_validator("column")
    @classmethod
    def _column(cls, value: str | None) -> str | None:
        if value is not None and not COLUMN.match(value):
            raise ValueError("use a lowercase column name of the source (letters, digits, _)")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> "FieldSpec":
        if (self.column is None) == (self.value is None):
            raise ValueError("give exactly one of `column` (a column of the mapping's source) "
                             "or `value` (a constant)")
        return self


class FieldMapping(Strict):
    """Rows of a warehouse model (`source`) or of a SQL query (`query`) -> one sObject's fields."""

    name: str
    object: str
    source: str | None = None       # a model in schema warehouse, e.g. deals
    query: str | None = None        # or SQL over the warehouse returning id_column + the columns
    id_column: str = "id"           # holds the record's 15- or 18-character Salesforce Id
    fields: dict[str, FieldSpec]
    enabled: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not MAPPING_NAME.match(value):
            raise ValueError("use 1-40 lowercase letters, digits or _, e.g. deal_health")
        return value

    @field_validator("object")
    @classmethod
    def _object(cls, value: str) -> str:
        if not API_NAME.match(value):
            raise ValueError("use the sObject's API name, e.g. Opportunity or Project__c")
        return value

    @field_validator("source", "id_column")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        if value is not None and not COLUMN.match(value):
            raise ValueError("use a lowercase table or column name (letters, digits, _)")
        return value

    @field_validator("fields")
    @classmethod
    def _fields(cls, fields: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        if not fields:
            raise ValueError("list at least one Salesforce field to write")
        for name in fields:
            if not API_NAME.match(name) or name in ("Id", "SystemModstamp"):
                raise ValueError(f"{name}: use a writable field's API name, e.g. NextStep")
        return fields

    @model_validator(mode="after")
    def _one_source(self) -> "FieldMapping":
        if (self.source is None) == (self.query is None):
            raise ValueError(f"{self.name}: give exactly one of `source` (a model in schema "
                             "warehouse, e.g. deals) or `query` (SQL over the warehouse)")
        return self

    def select(self) -> str:
        """The SQL whose rows are the desired values."""
        return self.query if self.query is not None else f"select * from warehouse.{self.source}"


class FieldUpdateSettings(Strict):
    enabled: bool = False
    dry_run: bool = False           # preview before/after per record; send nothing
    mappings: list[FieldMapping] = []
    batch_size: int = Field(200, ge=1, le=200)
    # Sends of at most this many records of an object use one conditional PATCH each
    # (If-Unmodified-Since, no window between check and write); larger ones one conflict query
    # plus sObject Collections (2 calls for up to 200 records).
    conditional_max_records: int = Field(1, ge=0, le=25)
    max_attempts: int = Field(5, ge=1, le=50)
    retry_backoff_seconds: int = Field(300, ge=0)
    retry_backoff_max_seconds: int = Field(6 * 3600, ge=0)

    @field_validator("mappings")
    @classmethod
    def _unique(cls, mappings: list[FieldMapping]) -> list[FieldMapping]:
        seen: dict[tuple[str, str], str] = {}
        names = set()
        for m in mappings:
            if m.name in names:
                raise ValueError(f"mappings[{m.name}]: two mappings share the name {m.name}")
            names.add(m.name)
            for f in m.fields:
                other = seen.get((m.object, f))
                if other and m.enabled:
                    raise ValueError(f"mappings[{m.name}].fields.{f}: {m.object}.{f} is already "
                                     f"written by mapping {other}; one field, one owner")
                if m.enabled:
                    seen[(m.object, f)] = m.name
        return mappings

    def active(self) -> list[FieldMapping]:
        return [m for m in self.mappings if m.enabled]

    def objects(self) -> list[str]:
        return list(dict.fromkeys(m.object for m in self.active()))
