"""The dealsync code location: assets, checks, jobs, schedules, sensors and resources."""

import dagster as dg

from assets.salesforce.extract_asset import build_extract_asset
from assets.salesforce.reconcile import build_reconcile_asset

from .jobs import incremental_sync_job, reconcile_deletes_job
from .ops_defs import ops_definitions
from .resources import build_resources
from .schedules import incremental_sync_schedule, reconcile_deletes_schedule
from .settings import cached_settings
from .sync_back_defs import sync_back_definitions
from .warehouse_defs import warehouse_definitions


@dg.definitions
def defs() -> dg.Definitions:
    settings = cached_settings()
    extraction = dg.Definitions(
        assets=[build_extract_asset(settings), build_reconcile_asset(settings)],
        jobs=[incremental_sync_job, reconcile_deletes_job],
        schedules=[incremental_sync_schedule, reconcile_deletes_schedule],
        resources=build_resources(),
        # Every run (UI backfills too) runs its steps in one process: the steps of a run are a
        # chain anyway, DuckDB allows one writer process, and each step process would re-import
        # the code location and GX. Runs, not steps, are what run side by side.
        executor=dg.in_process_executor,
    )
    return dg.Definitions.merge(extraction, warehouse_definitions(settings),
                                sync_back_definitions(settings), ops_definitions(settings))
