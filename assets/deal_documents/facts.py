"""What a deal-review document shows, read from the deal warehouse."""

from dataclasses import dataclass, field

from transforms import sql


@dataclass
class DealFacts:
    deal: dict
    contacts: list[dict] = field(default_factory=list)
    activities: list[dict] = field(default_factory=list)
    emails: list[dict] = field(default_factory=list)
    stages: list[dict] = field(default_factory=list)


class MissingDeal(LookupError):
    """The deal left warehouse.deals since it was queued (skipped, deleted, or closed)."""


def read_facts(connection, opportunity_id: str, recent: int) -> DealFacts:
    """Everything one document shows; callers read a batch of deals in one transaction."""
    params = {"opportunity_id": opportunity_id, "limit": recent}
    deals = sql.rows(connection, "deal_documents/select_deal", params)
    if not deals:
        raise MissingDeal(f"Opportunity {opportunity_id} is not in warehouse.deals any more")
    return DealFacts(
        deal=deals[0],
        contacts=sql.rows(connection, "deal_documents/select_contacts", params),
        activities=sql.rows(connection, "deal_documents/select_activities", params),
        emails=sql.rows(connection, "deal_documents/select_emails", params),
        stages=sql.rows(connection, "deal_documents/select_stage_history", params))
