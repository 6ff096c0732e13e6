"""Dagster assets: the outbox (`sync_back_tasks`) and the sink that writes it to Salesforce.

The sink sits downstream of the outbox, which sits downstream of the deals: a blocking check
that fails on either (or on staging) in the same run keeps the sink from running at all.
"""

import dagster as dg

from assets.keys import DEALS_KEY, OUTBOX_KEY, SINK_KEY, SYNC_BACK
from resources.clock import utc_now
from resources.salesforce import SalesforceResource
from resources.settings import SyncBackSettings
from resources.warehouse import WAREHOUSE_POOL, WarehouseResource

from .errors import SyncBackConfigError
from .outbox import normalise_ids, queue_rule_tasks, summary
from .sink import AfterSend, Sink
from .tables import ensure_tables


def build_outbox_asset(options: SyncBackSettings) -> dg.AssetsDefinition:
    rules = options.rules

    @dg.asset(key=OUTBOX_KEY, group_name=SYNC_BACK, deps=[DEALS_KEY], kinds={"sql"},
              pool=WAREHOUSE_POOL,
              description="The outbox: one row per follow-up Task to write to Salesforce, from "
                          "the follow-up rules and from rows other systems insert.")
    def sync_back_tasks(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        ensure_tables(warehouse)
        added = queue_rule_tasks(warehouse, rules, utc_now().date())
        fixed, bad = normalise_ids(warehouse)
        if bad:
            context.log.warning(f"{len(bad)} outbox rows hold values that are not Salesforce "
                                f"Ids (first: {bad[:5]}); the sink will fail them with the reason")
        counts = summary(warehouse)
        return dg.MaterializeResult(metadata={
            "dagster/row_count": sum(counts.values()),
            "queued": sum(added.values()),
            "queued_by_rule": dg.MetadataValue.json(dict(added)),
            "ids_normalised_15_to_18": fixed,
            "rows_with_malformed_ids": dg.MetadataValue.json(bad[:20]),
            **{f"outbox_{status}": n for status, n in counts.items()},
        })

    return sync_back_tasks


def build_sink_asset(options: SyncBackSettings,
                     after_send: AfterSend | None = None) -> dg.AssetsDefinition:
    """`after_send` runs after each Salesforce write and before its results are committed."""

    @dg.asset(key=SINK_KEY, group_name=SYNC_BACK, deps=[OUTBOX_KEY], kinds={"salesforce"},
              pool="salesforce_api",
              description="Writes due outbox rows to Salesforce as Tasks, exactly once, and logs "
                          "each result in sync_back.sync_back_log. Off until "
                          "sync_back.enabled is true.")
    def salesforce_tasks(context: dg.AssetExecutionContext, salesforce: SalesforceResource,
                         warehouse: WarehouseResource):
        ensure_tables(warehouse)
        if not options.enabled:
            pending = summary(warehouse)["pending"]
            context.log.info(f"Sync-back is off: {pending} outbox rows wait. Set "
                             "sync_back.enabled: true (try sync_back.dry_run: true first).")
            return dg.MaterializeResult(metadata={"enabled": False, "outbox_pending": pending,
                                                  "api_calls": 0})
        normalise_ids(warehouse)  # rows may have been inserted since the outbox asset ran
        sink = Sink(options, warehouse, context.run.run_id, context.log,
                    poll_seconds=salesforce.settings().bulk_poll_seconds, after_send=after_send)
        if options.dry_run:
            previews = sink.preview()
            return dg.MaterializeResult(metadata=_dry_run_metadata(sink, previews))
        accounting = {"api_calls": 0, "by_api": {}}
        if sink.due():  # nothing due: no login, no API call
            with salesforce.client(log=context.log) as client:
                try:
                    sink.run(client)
                except SyncBackConfigError as exc:
                    raise dg.Failure(description=str(exc), metadata=_run_metadata(
                        sink, client.accounting(), summary(warehouse))) from exc
                accounting = client.accounting()
        metadata = _run_metadata(sink, accounting, summary(warehouse))
        context.log.info(f"Sync-back: sent {sink.counts['sent']}, failed {sink.counts['failed']}, "
                         f"retrying {sink.counts['retried']}, skipped {sink.counts['skipped']} "
                         f"in {accounting['api_calls']} API calls")
        return dg.MaterializeResult(metadata=metadata)

    return salesforce_tasks


def _counts(sink: Sink) -> dict:
    return {name: int(sink.counts[name]) for name in
            ("sent", "failed", "retried", "skipped", "recovered", "sent_after_retry")}


def _run_metadata(sink: Sink, accounting: dict, outbox: dict) -> dict:
    metadata = {
        **_counts(sink), "dry_run": False, "operation": sink.operation(),
        "api_calls": int(accounting["api_calls"]),
        "api_calls_by_api": dg.MetadataValue.json(accounting["by_api"]),
        **{f"outbox_{status}": n for status, n in outbox.items()},
        "problems": dg.MetadataValue.md(_problems_table(sink)),
    }
    if sink.stopped:
        metadata["stopped"] = sink.stopped
    return metadata


def _problems_table(sink: Sink) -> str:
    if not sink.failures:
        return "no failed or retrying rows"
    lines = ["| sync_key | status | errorCode | message |", "|---|---|---|---|"]
    for o in sink.failures:
        message = (o.message or "").replace("|", "/").replace("\n", " ")[:200]
        lines.append(f"| {o.sync_key} | {o.status} | {o.error_code} | {message} |")
    return "\n".join(lines)


def _dry_run_metadata(sink: Sink, previews: list[dict]) -> dict:
    lines = ["| sync_key | operation | Task payload | why | problem |", "|---|---|---|---|---|"]
    for p in previews[:50]:
        cells = [p["sync_key"], p["operation"], p["payload"] or "", p["reason"] or "",
                 p["problem"] or ""]
        lines.append("| " + " | ".join(c.replace("|", "/")[:300] for c in cells) + " |")
    return {
        "dry_run": True, "api_calls": 0, "operation": sink.operation(),
        "would_send": int(sink.counts["would_send"]), "would_fail": int(sink.counts["would_fail"]),
        "skipped": int(sink.counts["skipped"]),
        "preview_table": "sync_back.sync_back_preview",
        "preview": dg.MetadataValue.md("\n".join(lines) if previews else "nothing to send"),
    }
