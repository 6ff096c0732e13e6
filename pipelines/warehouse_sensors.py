"""Sensors that re-run the deal warehouse transforms (never the extraction).

- `warehouse_rules_changed`: the settings or the licensed-user list (YAML list, CSV file or
  warehouse table) no longer match what the last run used, so a newly licensed user's deals
  appear at once, without waiting for a tick or a backfill.
- `deal_warehouse_automation`: Dagster's declarative automation for the deal and analyst
  models (their conditions are in assets/deal_warehouse/translator.py): the deals after an
  extraction that ran without them, an analyst's model after the deals it reads.
"""

from pathlib import Path

import dagster as dg
import sqlalchemy as sa

from assets.deal_warehouse.settings_vars import (
    LicensedUsersError,
    licensed_rows,
    settings_fingerprint,
)
from assets.keys import ANALYST, DEAL_WAREHOUSE
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

    automation = dg.AutomationConditionSensorDefinition(
        "deal_warehouse_automation", target=dg.AssetSelection.groups(DEAL_WAREHOUSE, ANALYST),
        default_status=dg.DefaultSensorStatus.RUNNING, minimum_interval_seconds=60,
        description="Builds the deal models after an extraction that ran without them, and "
                    "analysts' models after the deals they read.")
    return [warehouse_rules_changed, automation]

