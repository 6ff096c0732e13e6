"""The backfill a data engineer picks in the Dagster UI: launch the job `backfill_period` from its
Launchpad with a period (30d, 60d, 90d, 6m, 1y, all or skip).

That run only plans: it names the monthly partitions the period spans and how they split into
runs. When it succeeds, the sensor `backfill_period_runs` launches those runs of the job
`backfill` (extraction over a partition range, then the deal warehouse) through the run queue:
a 6-month backfill is one run, all history a few. The sink is left to the next tick, so no Task
is written from a half-loaded history. `dealsync backfill` runs the same plan in its own process.
"""

from datetime import date, datetime, timezone

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.keys import DEAL_WAREHOUSE, MODE_TAG, object_key
from assets.salesforce.partitions import period_ranges
from resources.clock import utc_now
from resources.settings import BackfillPeriod, ExtractionSettings
from resources.warehouse import WarehouseResource

LAUNCHER = "backfill_period"
RANGED = "backfill"
PERIOD_TAG = "dealsync/backfill_period"
REQUEST_TAG = "dealsync/backfill"  # the launcher run's id on every run it asked for
PLAN_OP = "plan_backfill"
PERIOD_HELP = {"30d": "the last 30 days", "60d": "the last 60 days", "90d": "the last 90 days",
               "6m": "the last 6 months (182 days)", "1y": "the last year",
               "all": "all history from extraction.start_date",
               "skip": "no history: sync from now on"}


def run_tags(period: str, request: str, first: str, last: str) -> dict[str, str]:
    return {ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last,
            MODE_TAG: "backfill", PERIOD_TAG: period, REQUEST_TAG: request}


def build_backfill_jobs(extraction: ExtractionSettings, objects: list[str],
                        windows: dg.MonthlyPartitionsDefinition):
    """The launcher job, the ranged job it asks for, and the sensor between them."""

    # A config enum (not a pydantic Config): the Launchpad then offers the periods as they are
    # written, `6m` rather than a Python member name.
    period_field = dg.Field(
        dg.Enum("BackfillPeriod", [dg.EnumValue(p.value, description=PERIOD_HELP[p.value])
                                   for p in BackfillPeriod]),
        default_value=extraction.backfill_period, is_required=False,
        description="How much history to load: 30d, 60d, 90d, 6m, 1y, all (from "
                    "extraction.start_date), or skip (sync from now on, no history).")

    @dg.op(name=PLAN_OP, config_schema={"period": period_field},
           description="Plan the backfill of the chosen period: its partitions and runs (the "
                       "sensor backfill_period_runs launches them).")
    def plan_backfill(context: dg.OpExecutionContext, warehouse: WarehouseResource) -> dg.Output:
        period = context.op_config["period"]
        ranges = period_ranges(windows, period, _day_of(context.dagster_run, context.instance),
                               extraction.max_partitions_per_run)
        if not ranges:
            marked = _start_from_now(warehouse, objects)
            context.log.info(f"Period skip: no history is loaded; {marked} objects sync from "
                             "now on (each tick reads only what changed since).")
        months = sum(_months(windows, first, last) for first, last in ranges)
        first_key = windows.get_first_partition_key()
        if ranges and ranges[0][0] > first_key:
            context.log.info(f"History from {ranges[0][0]}: the months before it "
                             f"({first_key} onwards) stay missing on the partitions pages until "
                             "a longer period is backfilled.")
        return dg.Output(None, metadata={
            "period": period, "partitions": months, "runs": len(ranges),
            "ranges": dg.MetadataValue.json([list(r) for r in ranges]),
            "history_from": ranges[0][0] if ranges else "now",
            "months_not_imported": (_months(windows, first_key, ranges[0][0]) - 1
                                    if ranges else 0)})

    @dg.job(name=LAUNCHER, tags={MODE_TAG: "backfill"},
            description="Backfill a period of history, picked in the Launchpad (30d, 60d, 90d, "
                        "6m, 1y, all, skip): plans the runs, which the sensor "
                        "backfill_period_runs launches.")
    def backfill_period():
        plan_backfill()

    # No quality checks here: they gate the sink, which a backfill leaves to the next tick (the
    # tick runs them first); an extraction failure still fails the run. Importing Great
    # Expectations alone would add seconds to every backfill run.
    ranged = dg.define_asset_job(
        RANGED, selection=(dg.AssetSelection.assets(*[object_key(n) for n in objects])
                           | dg.AssetSelection.groups(DEAL_WAREHOUSE)).without_checks(),
        description="Extract a range of monthly partitions of every enabled object, then build "
                    "the deal warehouse (launched by backfill_period).")

    @dg.run_status_sensor(name="backfill_period_runs", run_status=dg.DagsterRunStatus.SUCCESS,
                          monitored_jobs=[backfill_period], request_job=ranged,
                          minimum_interval_seconds=5,
                          default_status=dg.DefaultSensorStatus.RUNNING,
                          description="Launches the runs a successful backfill_period run "
                                      "planned.")
    def backfill_period_runs(context: dg.RunStatusSensorContext):
        run = context.dagster_run
        period = run.run_config["ops"][PLAN_OP]["config"].get(
            "period", extraction.backfill_period) if run.run_config else extraction.backfill_period
        ranges = period_ranges(windows, period, _day_of(run, context.instance),
                               extraction.max_partitions_per_run)
        for first, last in ranges:
            yield dg.RunRequest(run_key=f"{run.run_id}:{first}",
                                tags=run_tags(period, run.run_id, first, last))

    return backfill_period, ranged, backfill_period_runs


def _day_of(run: dg.DagsterRun, instance: dg.DagsterInstance) -> date:
    """The UTC day the launcher run was created: the plan and the sensor agree on it."""
    record = instance.get_run_record_by_id(run.run_id)
    created = record.create_timestamp if record is not None else datetime.now(timezone.utc)
    return created.astimezone(timezone.utc).date()


def _months(windows: dg.MonthlyPartitionsDefinition, first: str, last: str) -> int:
    return len(windows.get_partition_keys_in_range(dg.PartitionKeyRange(first, last)))


def _start_from_now(warehouse: WarehouseResource, objects: list[str]) -> int:
    """Period `skip`: every object without a mark gets one at now, so ticks load no history."""
    marks = warehouse.get_high_water_marks(objects)
    now = utc_now()
    for name in objects:
        if marks[name] is None:
            warehouse.set_high_water_mark(name, now)
    return sum(1 for name in objects if marks[name] is None)
