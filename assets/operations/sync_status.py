"""The `operations/sync_status` asset: the Dagster UI answers "is the sync working?" with the same
numbers as `dealsync status` (both come from status.py). It only reads, so it can be
materialized from the UI at any time; a schedule refreshes it a few minutes after each tick.
"""

import dagster as dg

from assets.keys import DEALS_KEY, OPERATIONS, OUTBOX_KEY, SYNC_STATUS_KEY, object_key
from resources.warehouse import WarehouseResource

from .status import collect, needs_attention


def status_metadata(report: dict) -> dict:
    """The report as asset metadata: headline numbers, a Markdown table, the full JSON."""
    totals, deals, outbox = report["totals"], report["deals"] or {}, report["sync_back"] or {}
    return {
        "needs_attention": needs_attention(report),
        **totals,
        "deals": deals.get("deals", 0),
        "deal_skips": deals.get("deal_skips", 0),
        **{f"skips_{reason}": n for reason, n in deals.get("skips_by_reason", {}).items()},
        **{f"sync_back_{status}": n for status, n in outbox.items()},
        "objects": dg.MetadataValue.md(_objects_markdown(report["objects"])),
        "report": dg.MetadataValue.json(report),
    }


def _objects_markdown(objects: list[dict]) -> str:
    lines = ["| object | state | history from | last success (UTC) | staged | dealsync API calls "
             "today | last error (UTC) |", "|---|---|---|---|---|---|---|"]
    for o in objects:
        error = (o["last_error"] or "").replace("|", "/").replace("\n", " ")[:120]
        when = (o["last_failure_at"] or "")[:16] if error else ""
        state = o["state"]
        if o["running"]:
            expected = o["running"]["expected"]
            state += f" ({o['running']['landed']}{f' of {expected}' if expected else ''})"
        lines.append(f"| {o['object']} | {state} | {(o['history_start'] or '-')[:10]} | "
                     f"{o['last_success_at'] or '-'} | {o['records_staged']} | "
                     f"{o['api_calls_today']} | {f'{when} {error}' if error else '-'} |")
    return "\n".join(lines)


def build_sync_status_asset(objects: list[str]) -> dg.AssetsDefinition:
    deps = [object_key(n) for n in objects] + [DEALS_KEY, OUTBOX_KEY]

    @dg.asset(key=SYNC_STATUS_KEY, group_name=OPERATIONS, deps=deps, kinds={"sql"},
              description="Is the sync working? Per-object state, last success, records, API "
                          "calls today and last error; deals and skips by reason; the sync-back "
                          "outbox by status. The same report as `dealsync status`.")
    def sync_status(context: dg.AssetExecutionContext,
                    warehouse: WarehouseResource) -> dg.MaterializeResult:
        report = collect(warehouse, objects)
        if needs_attention(report):
            failing = [o["object"] for o in report["objects"] if o["state"] == "failing"]
            failed_rows = (report["sync_back"] or {}).get("failed", 0)
            context.log.warning(f"The sync needs attention: failing objects {failing}, "
                                f"failed sync-back rows {failed_rows}")
        return dg.MaterializeResult(metadata=status_metadata(report))

    return sync_status
