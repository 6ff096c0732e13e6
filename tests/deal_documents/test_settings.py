"""The `documents:` settings: defaults, and errors that name the key and the fix."""

from datetime import date

import pytest
from pydantic import ValidationError

from assets.deal_documents.keys import DocumentRuleError, doc_key, key_of, reason_marker, title
from resources.settings import Settings
from resources.settings.documents import JSON_LIMIT_BYTES, DocumentRule


def _errors(documents: dict) -> str:
    with pytest.raises(ValidationError) as info:
        Settings.model_validate({"documents": documents})
    return str(info.value)


def test_defaults_are_off_with_one_monthly_review_rule():
    documents = Settings().documents
    assert (documents.enabled, documents.dry_run) == (False, False)
    assert documents.multipart_over_bytes == JSON_LIMIT_BYTES
    (rule,) = documents.rules
    assert (rule.name, rule.period, rule.title) == (
        "deal_review", "month", "Deal review {opportunity_name}")


@pytest.mark.parametrize("documents, expected", [
    ({"rules": [{"name": "Deal Review", "when": "true"}]}, "lowercase letters"),
    ({"rules": [{"name": "a", "when": "true; drop table x"}]}, "no ';'"),
    ({"rules": [{"name": "a", "when": "true", "title": "{opportunity name}"}]}, "plain column"),
    ({"rules": [{"name": "a", "when": "true"}, {"name": "a", "when": "false"}]}, "unique"),
    ({"multipart_over_bytes": JSON_LIMIT_BYTES + 1}, "multipart_over_bytes"),
    ({"rules": [{"name": "a", "when": "true", "period": "year"}]}, "period"),
    ({"enabeld": True}, "enabeld"),
])
def test_bad_settings_name_the_key(documents, expected):
    assert expected in _errors(documents)


def test_keys_titles_and_markers():
    rule = DocumentRule(name="deal_review", when="true", period="week",
                        title="Review {opportunity_name} ({amount})")
    key = doc_key(rule, "006000000000001AAA", date(2026, 12, 4))
    assert key == "deal_review:006000000000001AAA:2026-W49"
    assert key_of(reason_marker(key)) == key and key_of("changed by hand") is None
    assert title(rule, {"opportunity_name": "Globex", "amount": 50000.0}) == "Review Globex (50000)"
    with pytest.raises(DocumentRuleError, match=r"documents.rules\[deal_review\].title"):
        title(DocumentRule(name="deal_review", when="true", title="{missing}"), {"amount": 1})
