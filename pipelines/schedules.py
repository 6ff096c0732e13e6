"""Schedules: the 10-minute incremental tick and the daily hard-delete reconciliation."""

import dagster as dg

from assets.salesforce.extract_asset import MODE_TAG

from .jobs import incremental_sync_job, reconcile_deletes_job
from .partitions import daily_windows


@dg.schedule(cron_schedule="*/10 * * * *", job=incremental_sync_job, execution_timezone="UTC",
             default_status=dg.DefaultScheduleStatus.RUNNING)
def incremental_sync_schedule(context: dg.ScheduleEvaluationContext):
    """Refresh the current day's partition; the assets read from each object's high-water mark,
    so a missed tick is caught up by the next one. A tick still queued or running is not
    joined by another: they would only pile up in the queue."""
    from .ops_defs import previous_tick_in_flight
    skip = previous_tick_in_flight(context)
    if skip is not None:
        return skip
    key = daily_windows.get_partition_key_for_timestamp(context.scheduled_execution_time.timestamp())
    return dg.RunRequest(partition_key=key, tags={MODE_TAG: "incremental"})


reconcile_deletes_schedule = dg.ScheduleDefinition(
    name="reconcile_hard_deletes_daily", job=reconcile_deletes_job, cron_schedule="30 3 * * *",
    execution_timezone="UTC", default_status=dg.DefaultScheduleStatus.RUNNING)
