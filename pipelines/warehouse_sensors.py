"""Sensors that re-run the deal warehouse transforms (never the extraction).

- `warehouse_rules_changed`: the settings or the licensed-user list (YAML list, CSV file or
  warehouse table) no longer match what the last run used, so a newly licensed user's deals
  appear at once, without waiting for a tick or a backfill.
- `warehouse_after_extraction`: an extraction run that did not include the transforms (a
  backfill launched from the asset graph) finished; build the warehouse from what it landed.
"""

from pathlib import Path

import dagster as dg
import sqlalchemy as sa

from assets.deal_warehouse.settings_vars import (
    LicensedUsersError,
    licensed_rows,
    settings_fingerprint,
)
from assets.keys import model_key, object_key
from resources.settings import SettingsError, load_settings
from resources.staging.connections import WarehouseLockTimeout
from resources.warehouse import WarehouseResource

SENSOR_LOCK_TIMEOUT_S = 5.0  # a sensor tick must not wait out a long DuckDB write


def _reader(warehouse: WarehouseResource) -> WarehouseResource:
    return WarehouseResource(engine=warehouse.engine, duckdb_path=warehouse.duckdb_path,
                             postgres_url=warehouse.postgres_url,
                             lock_timeout_seconds=SENSOR_LOCK_TIMEOUT_S)


def rules_fingerprints(warehouse: WarehouseResource, settings_path: str | None = None):
    """(current settings fingerprint, the one the last run used) or a SkipReason."""
    try:
        settings = load_settings(settings_path)
    except SettingsError as exc:
        return dg.SkipReason(f"The settings file is invalid, so nothing is re-run: {exc}")
    if warehouse.engine == "duckdb" and not Path(warehouse.duckdb_path).exists():
        return dg.SkipReason(f"{warehouse.duckdb_path} does not exist yet; the first sync "
                             "creates it.")
    try:
        with _reader(warehouse).connection(read_only=True) as connection:
            exists = connection.execute(sa.text(
                "select count(*) from information_schema.tables "
                "where table_schema = 'warehouse' and table_name = 'transform_state'")).scalar()
            if not exists:
                return dg.SkipReason("The warehouse has not been built yet; the next sync "
                                     "builds it with the current settings.")
            used = connection.execute(sa.text(
                "select value from warehouse.transform_state "
                "where name = 'settings_fingerprint'")).scalar()
            current = settings_fingerprint(settings, licensed_rows(connection, settings))
    except WarehouseLockTimeout:
        return dg.SkipReason("The warehouse is busy (DuckDB allows one writer); "
                             "checking again on the next tick.")
    except LicensedUsersError as exc:
        return dg.SkipReason(f"The licensed users cannot be read: {exc}")
    return current, used


def build_sensors(transform_job) -> list[dg.SensorDefinition]:
    @dg.sensor(name="warehouse_rules_changed", job=transform_job, minimum_interval_seconds=60,
               default_status=dg.DefaultSensorStatus.RUNNING,
               description="Re-runs the transforms when the settings or licensed users change.")
    def warehouse_rules_changed(context: dg.SensorEvaluationContext,
                                warehouse: WarehouseResource):
        outcome = rules_fingerprints(warehouse)
        if isinstance(outcome, dg.SkipReason):
            return outcome
        current, used = outcome
        if current == used:
            return dg.SkipReason("Settings and licensed users are unchanged since the last run.")
        context.log.info("Settings or licensed users changed; re-running the transforms")
        return dg.RunRequest(run_key=f"rules-{current[:16]}",
                             tags={"dealsync/trigger": "rules_changed"})

    @dg.sensor(name="warehouse_after_extraction", job=transform_job, minimum_interval_seconds=60,
               default_status=dg.DefaultSensorStatus.RUNNING,
               description="Builds the warehouse after an extraction run that did not.")
    def warehouse_after_extraction(context: dg.SensorEvaluationContext):
        return after_extraction_request(context.instance)

    return [warehouse_rules_changed, warehouse_after_extraction]


def after_extraction_request(instance: dg.DagsterInstance):
    """A RunRequest when Opportunity was extracted, by a finished run that did not plan the
    warehouse, after the warehouse was last built."""
    extracted = instance.get_latest_materialization_event(object_key("Opportunity"))
    if extracted is None:
        return dg.SkipReason("Opportunity has not been extracted yet.")
    built = instance.get_latest_materialization_event(model_key("deals"))
    if built is not None and built.timestamp >= extracted.timestamp:
        return dg.SkipReason("The warehouse is newer than the last extraction.")
    run = instance.get_run_by_id(extracted.run_id)
    if run is not None and not run.is_finished:
        return dg.SkipReason(f"Extraction run {extracted.run_id} is still going.")
    planned = instance.get_records_for_run(
        extracted.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
        limit=10_000).records
    if any(r.event_log_entry.dagster_event.asset_key == model_key("deals") for r in planned):
        return dg.SkipReason(f"Run {extracted.run_id} built the warehouse itself (or tried to; "
                             "the next tick retries).")
    return dg.RunRequest(run_key=f"after-extraction-{extracted.run_id}",
                         tags={"dealsync/trigger": "after_extraction"})
