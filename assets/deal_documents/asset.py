"""Dagster asset `sync_back/salesforce_deal_documents`: queue deal-review documents from the
document rules and attach them to their opportunities as Salesforce Files.

Downstream of the deals: a blocking check that fails on the deal warehouse in the same run keeps
this asset from running at all, so no review is built from bad data.
"""

from datetime import date

import dagster as dg

from assets.keys import DEALS_KEY, DOCUMENTS_KEY, SYNC_BACK
from resources.clock import utc_now
from resources.salesforce import SalesforceResource
from resources.settings.documents import DocumentSettings
from resources.warehouse import WarehouseResource

from .ledger import ensure_tables
from .queue import queue_documents
from .sink import AfterSend, DocumentSink


class DocumentsConfig(dg.Config):
    # The day whose period is reviewed (YYYY-MM-DD); default: today (UTC). Set it to catch up a
    # missed period.
    as_of: str | None = None


def build_documents_asset(options: DocumentSettings,
                          after_send: AfterSend | None = None) -> dg.AssetsDefinition:
    """`after_send` runs after each Salesforce insert and before its result is committed."""

    @dg.asset(key=DOCUMENTS_KEY, group_name=SYNC_BACK, deps=[DEALS_KEY],
              kinds={"salesforce", "pdf"}, pool="salesforce_api",
              description="Deal-review PDFs from documents.rules, attached to each opportunity "
                          "as a Salesforce File (the next period adds a version), exactly once; "
                          "each attempt is logged in sync_back.deal_document_log. Off until "
                          "documents.enabled is true.")
    def salesforce_deal_documents(context: dg.AssetExecutionContext, config: DocumentsConfig,
                                  salesforce: SalesforceResource, warehouse: WarehouseResource):
        if not options.enabled:
            context.log.info("Deal documents are off. Set documents.enabled: true (try "
                             "documents.dry_run: true first).")
            return dg.MaterializeResult(metadata={"enabled": False, "api_calls": 0})
        ensure_tables(warehouse)
        today = date.fromisoformat(config.as_of) if config.as_of else utc_now().date()
        matched = queue_documents(warehouse, options.rules, today)
        sink = DocumentSink(options, warehouse, context.run.run_id, context.log,
                            after_send=after_send)
        if options.dry_run:
            previews = sink.dry_run()
            return dg.MaterializeResult(metadata={
                "dry_run": True, "api_calls": 0, "output_dir": options.output_dir,
                "would_attach": int(sink.counts["would_attach"]),
                "would_fail": int(sink.counts["would_fail"]),
                "matched_by_rule": dg.MetadataValue.json(dict(matched)),
                "preview": dg.MetadataValue.md(_preview_table(previews))})
        accounting = {"api_calls": 0, "by_api": {}}
        if sink.due():  # nothing due: no login, no API call
            with salesforce.client(log=context.log) as client:
                sink.run(client)
                accounting = client.accounting()
        counts = sink.ledger.summary()
        context.log.info(f"Deal documents: attached {sink.counts['sent']}, failed "
                         f"{sink.counts['failed']}, retrying {sink.counts['retried']}, recovered "
                         f"{sink.counts['recovered']} in {accounting['api_calls']} API calls")
        metadata = {
            "dry_run": False, "matched_by_rule": dg.MetadataValue.json(dict(matched)),
            **{name: int(sink.counts[name]) for name in
               ("sent", "failed", "retried", "uncertain", "skipped", "recovered", "rendered",
                "rendered_bytes")},
            "api_calls": int(accounting["api_calls"]),
            "api_calls_by_api": dg.MetadataValue.json(accounting["by_api"]),
            **{f"documents_{status}": n for status, n in counts.items()},
            "problems": dg.MetadataValue.md(_problems_table(sink)),
        }
        if sink.stopped:
            metadata["stopped"] = sink.stopped
        return dg.MaterializeResult(metadata=metadata)

    return salesforce_deal_documents


def _cell(value) -> str:
    return str(value if value is not None else "").replace("|", "/").replace("\n", " ")[:200]


def _problems_table(sink: DocumentSink) -> str:
    if not sink.failures:
        return "no failed or retrying documents"
    lines = ["| doc_key | status | errorCode | message |", "|---|---|---|---|"]
    lines += [f"| {_cell(o.doc_key)} | {o.status} | {_cell(o.error_code)} | {_cell(o.message)} |"
              for o in sink.failures]
    return "\n".join(lines)


def _preview_table(previews: list[dict]) -> str:
    if not previews:
        return "nothing to attach"
    lines = ["| doc_key | title | file | bytes | operation |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(_cell(p[c]) for c in ("doc_key", "title", "file", "bytes",
                                                       "operation")) + " |"
              for p in previews[:50]]
    return "\n".join(lines)
