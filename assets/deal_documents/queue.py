"""Queue one document per matching deal, rule and period into sync_back.deal_documents."""

from collections import Counter
from datetime import date

import sqlalchemy as sa

from assets.sync_back.rules import matching_deals, period_label
from resources.clock import utc_now
from resources.settings.documents import DocumentRule
from transforms import sql

from .keys import doc_key, title


def queue_documents(warehouse, rules: list[DocumentRule], today: date) -> Counter:
    """Queue every enabled rule's documents; returns matching deals per rule."""
    matched: Counter = Counter()
    now = utc_now()
    with warehouse.connection() as connection:
        for rule in (r for r in rules if r.enabled):
            rows = [{"doc_key": doc_key(rule, deal["opportunity_id"], today),
                     "rule_name": rule.name, "opportunity_id": deal["opportunity_id"],
                     "period": period_label(rule, today),
                     "title": title(rule, deal), "reason": f"rule {rule.name}: {rule.when}",
                     "now": now}
                    for deal in matching_deals(connection, rule, today, "documents.rules")]
            matched[rule.name] = len(rows)
            if rows:
                connection.execute(sa.text(sql.statement("deal_documents/insert_document")), rows)
    return matched
