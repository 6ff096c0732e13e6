"""The dealsync code location: assets, checks, jobs, schedules, sensors and resources.

Everything is built here, when Dagster loads the location, from the settings file: nothing in
`assets/` or `resources/` reads the settings at import.
"""

import dagster as dg

from assets.checks.quality_checks import build_quality_checks
from assets.deal_documents.asset import build_documents_asset
from assets.field_updates.assets import build_field_updates_asset
from assets.operations.sync_status import build_sync_status_asset
from assets.salesforce.extract_asset import build_extract_asset
from assets.salesforce.reconciliation import build_reconciliation_asset
from assets.sync_back.assets import build_outbox_asset, build_sink_asset
from resources.settings import Settings, cached_settings

from .backfill import build_backfill_jobs
from .jobs import incremental_sync_job, reconciliation_job, sync_back_job, sync_status_job
from .resources import build_resources
from .schedules import build_schedules
from .warehouse_defs import warehouse_definitions


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(cached_settings(), build_resources())


def build_definitions(settings: Settings, resources: dict) -> dg.Definitions:
    """The whole code location for `settings`, with `resources` (tests pass their own)."""
    specs, objects = settings.object_specs(), settings.enabled_objects()
    extract = build_extract_asset(settings.extraction, specs)
    launcher, ranged, launch_runs = build_backfill_jobs(settings.extraction, objects,
                                                        extract.partitions_def)
    pipeline = dg.Definitions(
        assets=[extract, build_reconciliation_asset(settings.extraction, specs),
                build_outbox_asset(settings.sync_back), build_sink_asset(settings.sync_back),
                build_field_updates_asset(settings.field_updates),
                build_documents_asset(settings.documents),
                build_sync_status_asset(objects)],
        asset_checks=build_quality_checks(settings.sync_back.checks, objects),
        jobs=[incremental_sync_job, reconciliation_job, sync_back_job, sync_status_job,
              launcher, ranged],
        schedules=build_schedules(extract.partitions_def,
                                  settings.extraction.reconciliation_cron),
        sensors=[launch_runs],
        resources=resources,
        # Every run (UI backfills too) runs its steps in one process: the steps of a run are a
        # chain anyway, DuckDB allows one writer process, and each step process would re-import
        # the code location and GX. Runs, not steps, are what run side by side.
        executor=dg.in_process_executor,
    )
    return dg.Definitions.merge(pipeline, warehouse_definitions(settings))
