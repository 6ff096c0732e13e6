"""A document's key (rule:opportunity:period), its title, and where Salesforce keeps the key.

The key goes into ContentVersion.ReasonForChange as `[dealsync:<key>]`: a standard field, so an
org needs no custom field, and filterable, so a run interrupted between the insert and the
commit finds the version with one SOQL query instead of attaching it twice.
"""

import re
import string
from datetime import date, datetime

from assets.sync_back.rules import period_label
from resources.settings.documents import DocumentRule

MARKER = re.compile(r"^\[dealsync:([^\]\s]+)\]$")


class DocumentRuleError(ValueError):
    """A rule's condition or title does not fit warehouse.deals; names the settings key."""


class _Template(string.Formatter):
    """str.format where a missing value renders empty and dates render as YYYY-MM-DD."""

    def format_field(self, value, format_spec):
        if value is None:
            return ""
        if isinstance(value, datetime | date) and not format_spec:
            return value.isoformat()[:10]
        if isinstance(value, float) and not format_spec and value.is_integer():
            return str(int(value))
        return super().format_field(value, format_spec)


_FORMAT = _Template()


def doc_key(rule: DocumentRule, opportunity_id: str, today: date) -> str:
    return f"{rule.name}:{opportunity_id}:{period_label(rule, today)}"


def reason_marker(key: str) -> str:
    return f"[dealsync:{key}]"


def key_of(reason: str | None) -> str | None:
    match = MARKER.match(reason or "")
    return match.group(1) if match else None


def path_on_client(key: str) -> str:
    """A file name Salesforce shows on download: deal_review_006..._2026-12.pdf."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", key) + ".pdf"


def title(rule: DocumentRule, deal: dict) -> str:
    try:
        return _FORMAT.vformat(rule.title, (), deal)[:255]
    except KeyError as exc:
        raise DocumentRuleError(
            f"documents.rules[{rule.name}].title: unknown placeholder {{{exc.args[0]}}}; "
            f"available: {', '.join(sorted(deal))}") from None
