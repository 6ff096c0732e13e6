"""The production code location with the incremental tick every minute instead of every ten,
so a test of a few minutes sees the schedule tick while a backfill runs. Everything else (assets,
jobs, sensors, resources, the tick's own evaluation) is pipelines.definitions, unchanged, plus
`previous_tick_in_flight`, which pipelines/schedules.py is to call too: a minute is shorter
than a tick run on a busy two-core machine."""

import dagster as dg

from pipelines import definitions as production  # a module: one @definitions per scope
from pipelines.schedules import previous_tick_in_flight

TICK = "incremental_sync_schedule"


@dg.definitions
def defs() -> dg.Definitions:
    d = production.defs()
    tick = next(s for s in d.schedules if s.name == TICK)

    @dg.schedule(name=TICK, cron_schedule="* * * * *", job_name="incremental_sync",
                 execution_timezone="UTC", default_status=dg.DefaultScheduleStatus.RUNNING)
    def every_minute(context: dg.ScheduleEvaluationContext):
        skip = previous_tick_in_flight(context)
        return skip if skip is not None else tick(context)

    return dg.Definitions(
        assets=d.assets, asset_checks=d.asset_checks, jobs=d.jobs, sensors=d.sensors,
        schedules=[every_minute if s.name == TICK else s for s in d.schedules],
        resources=d.resources, executor=d.executor, loggers=d.loggers, metadata=d.metadata)
