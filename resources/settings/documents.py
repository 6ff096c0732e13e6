"""Settings for deal-review documents (the `documents:` section): PDFs attached to opportunities
as Salesforce Files.

Off until `enabled: true`. Rules work like the follow-up rules (`sync_back.rules`): `when` is a
SQL boolean over warehouse.deals, `period` says how often a matching deal gets a new review;
the next period's review becomes a new version of the same file, not a second file.
"""

from typing import Literal

from pydantic import Field, field_validator, model_validator

from .base import Strict
from .sync_back import DealRule, check_unique_names, template_fields

# Salesforce refuses JSON request bodies over 52,428,800 bytes; base64 adds a third, so files
# over ~37 MB must go multipart. The default sends larger files multipart well before that.
JSON_LIMIT_BYTES = 37_000_000


class DocumentRule(DealRule):
    """One document rule: deals matching `when` get one review per `period`."""

    period: Literal["once", "day", "week", "month"] = "month"
    # File title; placeholders are warehouse.deals columns, e.g. {opportunity_name}.
    title: str = "Deal review {opportunity_name}"

    @field_validator("title")
    @classmethod
    def _valid_title(cls, value: str) -> str:
        template_fields(value)
        if not value.strip():
            raise ValueError("a file needs a title, e.g. \"Deal review {opportunity_name}\"")
        return value


DEFAULT_DOCUMENT_RULES = [
    DocumentRule(name="deal_review", when="not is_closed and amount >= 50000", period="month")]


class DocumentSettings(Strict):
    enabled: bool = False
    # Dry run: write the PDFs to output_dir and list what would be attached; send nothing.
    dry_run: bool = False
    output_dir: str = "data/deal_documents"
    # Files larger than this go as multipart/form-data instead of base64 in JSON.
    multipart_over_bytes: int = Field(JSON_LIMIT_BYTES, ge=0, le=JSON_LIMIT_BYTES)
    max_attempts: int = Field(5, ge=1)
    retry_backoff_seconds: int = Field(600, ge=0)
    retry_backoff_max_seconds: int = Field(21600, ge=0)
    # A document claimed (in flight) less than this ago may belong to a run still sending it.
    in_flight_grace_seconds: int = Field(300, ge=0)
    recent_activity_count: int = Field(10, ge=0, le=100)
    rules: list[DocumentRule] = Field(default_factory=lambda: list(DEFAULT_DOCUMENT_RULES))

    @model_validator(mode="after")
    def _unique_rule_names(self) -> "DocumentSettings":
        check_unique_names(self.rules, "documents.rules names")
        return self
