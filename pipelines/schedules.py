"""Schedules: the 10-minute incremental tick, the status refresh five minutes after it, and the
daily reconciliation."""

import dagster as dg

from assets.keys import MODE_TAG

from .jobs import INCREMENTAL_SYNC, incremental_sync_job, reconciliation_job, sync_status_job

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
        job_name=INCREMENTAL_SYNC, statuses=IN_FLIGHT, tags={MODE_TAG: "incremental"}))
    if waiting:
        return dg.SkipReason(f"The previous tick's run {waiting[0].run_id} is still "
                             f"{waiting[0].status.value.lower()}; the next tick catches up.")
    return None


def build_schedules(windows: dg.TimeWindowPartitionsDefinition,
                    reconciliation_cron: str) -> list[dg.ScheduleDefinition]:
    @dg.schedule(name="incremental_sync_schedule", cron_schedule="*/10 * * * *",
                 job=incremental_sync_job, execution_timezone="UTC",
                 default_status=dg.DefaultScheduleStatus.RUNNING)
    def incremental_sync_schedule(context: dg.ScheduleEvaluationContext):
        """Refresh the current window's partition; the assets read from each object's
        high-water mark, so a missed tick is caught up by the next one."""
        skip = previous_tick_in_flight(context)
        if skip is not None:
            return skip
        key = windows.get_partition_key_for_timestamp(
            context.scheduled_execution_time.timestamp())
        return dg.RunRequest(partition_key=key, tags={MODE_TAG: "incremental"})

    reconcile = dg.ScheduleDefinition(
        name="reconciliation_schedule", job=reconciliation_job,
        cron_schedule=reconciliation_cron, execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="extraction.reconciliation_cron in the settings; daily by default.")
    status = dg.ScheduleDefinition(
        name="sync_status_every_10_minutes", job=sync_status_job, cron_schedule="5-59/10 * * * *",
        execution_timezone="UTC", default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Five minutes after each incremental tick.")
    return [incremental_sync_schedule, reconcile, status]
