"""Operations definitions: the `sync_status` asset, so the Dagster UI answers "is the sync
working?" with the same numbers as `dealsync status` (both come from pipelines/status.py).

The asset reads only; it is refreshed by its own schedule a few minutes after each 10-minute tick
and can be materialized from the UI at any time. Merged into the code location by
`pipelines/definitions.py`. Also here: `previous_tick_in_flight`, for the tick schedule.
"""

import dagster as dg

from assets.salesforce.extract_asset import MODE_TAG, object_key
from assets.sync_back.assets import OUTBOX_KEY
from assets.deal_warehouse.translator import model_key
from resources.warehouse import WarehouseResource

from .status import collect, needs_attention

GROUP = "operations"
SYNC_STATUS_KEY = dg.AssetKey([GROUP, "sync_status"])


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
    lines = ["| object | state | last success (UTC) | staged | API calls today | last error |",
             "|---|---|---|---|---|---|"]
    for o in objects:
        error = (o["last_error"] or "").replace("|", "/").replace("\n", " ")[:120]
        lines.append(f"| {o['object']} | {o['state']} | {o['last_success_at'] or '-'} | "
                     f"{o['records_staged']} | {o['api_calls_today']} | {error or '-'} |")
    return "\n".join(lines)


def build_sync_status_asset(settings) -> dg.AssetsDefinition:
    deps = [object_key(n) for n in settings.enabled_objects()] + [model_key("deals"), OUTBOX_KEY]

    @dg.asset(key=SYNC_STATUS_KEY, group_name=GROUP, deps=deps, kinds={"sql"},
              description="Is the sync working? Per-object state, last success, records, API "
                          "calls today and last error; deals and skips by reason; the sync-back "
                          "outbox by status. The same report as `dealsync status`.")
    def sync_status(context: dg.AssetExecutionContext,
                    warehouse: WarehouseResource) -> dg.MaterializeResult:
        report = collect(warehouse, settings)
        if needs_attention(report):
            failing = [o["object"] for o in report["objects"] if o["state"] == "failing"]
            failed_rows = (report["sync_back"] or {}).get("failed", 0)
            context.log.warning(f"The sync needs attention: failing objects {failing}, "
                                f"failed sync-back rows {failed_rows}")
        return dg.MaterializeResult(metadata=status_metadata(report))

    return sync_status


sync_status_job = dg.define_asset_job("sync_status", selection=dg.AssetSelection.assets(
    SYNC_STATUS_KEY), description="Refresh the sync_status asset (reads only).")

sync_status_schedule = dg.ScheduleDefinition(
    name="sync_status_every_10_minutes", job=sync_status_job, cron_schedule="5-59/10 * * * *",
    execution_timezone="UTC", default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Five minutes after each incremental tick.")


# Not NOT_STARTED: that is the run a tick is creating right now, or one a killed daemon left
# behind, which the restarted daemon submits when it resumes the tick. Counting it would make
# the resumed tick skip its own run, and every later tick skip behind it (found by tests/ops).
IN_FLIGHT = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.STARTING,
             dg.DagsterRunStatus.STARTED]


def previous_tick_in_flight(context: dg.ScheduleEvaluationContext) -> dg.SkipReason | None:
    """Skip a tick while the previous tick's run is queued or running. Ticks never overlap (run
    tag limit), so on a slow day they would otherwise pile up in the queue; a skipped tick loses
    nothing, since the next one reads from each object's high-water mark."""
    waiting = context.instance.get_runs(limit=1, filters=dg.RunsFilter(
        job_name="incremental_sync", statuses=IN_FLIGHT, tags={MODE_TAG: "incremental"}))
    if waiting:
        return dg.SkipReason(f"The previous tick's run {waiting[0].run_id} is still "
                             f"{waiting[0].status.value.lower()}; the next tick catches up.")
    return None


def ops_definitions(settings) -> dg.Definitions:
    return dg.Definitions(assets=[build_sync_status_asset(settings)], jobs=[sync_status_job],
                          schedules=[sync_status_schedule])
