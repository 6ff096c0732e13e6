"""Helpers for deal-document tests: a real deal warehouse from the emulator, settings with one
document rule, running the asset, and reading both sides (the ledger and Salesforce's Files)."""

from datetime import date, datetime, timezone

import dagster as dg

from assets.deal_documents.asset import build_documents_asset
from resources.settings import Settings
from tests.deal_warehouse.support import transform, warehouse_settings
from tests.support.pipeline import extract, salesforce_for

LICENSED = ["alice.martin@acme-demo.com", "bob.nunez@acme-demo.com"]
NODE = "sync_back__salesforce_deal_documents"
RENEWAL = "Globex - Renewal"


def today() -> date:
    return datetime.now(timezone.utc).date()


def settings_with(rule_name: str, when: str = f"opportunity_name = '{RENEWAL}'",
                  **documents) -> Settings:
    """The suite's settings, deal documents on, one rule (monthly), no backoff, no grace."""
    base = warehouse_settings(licensed=LICENSED).model_dump()
    base["documents"] = {"enabled": True, "retry_backoff_seconds": 0,
                         "in_flight_grace_seconds": 0,
                         "rules": [{"name": rule_name, "when": when, "period": "month"}],
                         **documents}
    return Settings.model_validate(base)


def build_warehouse(emulator, warehouse) -> None:
    """Extract the org and build the deal warehouse, as the pipeline's runs do."""
    settings = warehouse_settings(licensed=LICENSED)
    extract(emulator, warehouse, settings)
    transform(warehouse, settings)


def run_documents(emulator, warehouse, settings: Settings, *, as_of: date | None = None,
                  after_send=None, raise_on_error: bool = True, **resource_overrides):
    """Materialize the document asset alone; returns (result, metadata values)."""
    config = {"as_of": as_of.isoformat()} if as_of else {}
    result = dg.materialize(
        [build_documents_asset(settings.documents, after_send=after_send)],
        resources={"salesforce": salesforce_for(emulator, **resource_overrides),
                   "warehouse": warehouse},
        run_config={"ops": {NODE: {"config": config}}}, raise_on_error=raise_on_error)
    events = result.asset_materializations_for_node(NODE)
    metadata = {k: v.value for k, v in events[0].metadata.items()} if events else None
    return result, metadata


def ledger(warehouse, rule_name: str) -> dict[str, dict]:
    rows = warehouse.query("select * from sync_back.deal_documents where rule_name = :r "
                           "order by doc_key", {"r": rule_name})
    return {r["doc_key"]: r for r in rows}


def log(warehouse, rule_name: str) -> list[dict]:
    return warehouse.query("select * from sync_back.deal_document_log where doc_key like :p "
                           "order by logged_at, doc_key", {"p": rule_name + ":%"})


def versions(emulator, rule_name: str) -> list[dict]:
    """Salesforce's ContentVersions whose key (ReasonForChange) belongs to this test's rule."""
    cursor = emulator.store.con.cursor()
    cursor.execute('select "Id", "ContentDocumentId", "VersionNumber", "IsLatest", "Title", '
                   '"PathOnClient", "ReasonForChange", "FirstPublishLocationId", "VersionData" '
                   'from "ContentVersion" where "ReasonForChange" like ? order by "VersionNumber"',
                   [f"[dealsync:{rule_name}:%"])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def links(emulator, document_id: str) -> list[tuple]:
    rows = emulator.store.con.cursor().execute(
        'select "LinkedEntityId", "ShareType" from "ContentDocumentLink" '
        'where "ContentDocumentId" = ? order by "ShareType"', [document_id]).fetchall()
    return [tuple(r) for r in rows]


def opportunity_id(emulator, name: str = RENEWAL) -> str:
    return emulator.store.con.cursor().execute(
        'select "Id" from "Opportunity" where "Name" = ?', [name]).fetchone()[0]
