"""Run the real extraction assets against an emulator and a warehouse, as Dagster would."""


import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.keys import MODE_TAG
from assets.salesforce.extract_asset import build_extract_asset
from assets.salesforce.partitions import current_window_key
from assets.salesforce.reconciliation import build_reconciliation_asset
from resources.salesforce import SalesforceResource
from resources.settings import Settings, load_settings
from resources.staging.naming import column_name, table_name


class RemoteEmulator:
    """An emulator started elsewhere (another process), reached by URL with the demo credentials."""

    def __init__(self, base_url: str, ca_path: str):
        from salesforce_emulator.api.app import Credentials
        self.base_url, self.ca_path, self.credentials = base_url, ca_path, Credentials()


def suite_settings(**extraction) -> Settings:
    """The suite's settings (tests/fixtures/settings/test.yaml) with extraction overrides."""
    base = load_settings().model_dump()
    base["extraction"].update(extraction)
    return Settings.model_validate(base)


def salesforce_for(emulator, **overrides) -> SalesforceResource:
    c = emulator.credentials
    return SalesforceResource(instance_url=emulator.base_url, client_id=c.client_id,
                              client_secret=c.client_secret, ca_bundle=str(emulator.ca_path),
                              retry_base_delay="0.01", retry_max_delay="0.05",
                              bulk_poll_seconds="0.05", **overrides)


def today_key() -> str:
    """The partition a tick refreshes (the current month)."""
    return current_window_key()


def extract(emulator, warehouse, settings: Settings | None = None, *, first: str | None = None,
            last: str | None = None, incremental: bool = False, instance=None,
            raise_on_error: bool = True, selection=None, **resource_overrides):
    """Backfill the partition range [first, last] (days), or run one incremental tick."""
    settings = settings or suite_settings()
    tags = {MODE_TAG: "incremental"} if incremental else {
        ASSET_PARTITION_RANGE_START_TAG: first or settings.extraction.first_day().replace(
            day=1).isoformat(),
        ASSET_PARTITION_RANGE_END_TAG: last or today_key()}
    return dg.materialize(
        [build_extract_asset(settings.extraction, settings.object_specs())], instance=instance,
        selection=selection,
        partition_key=today_key() if incremental else None, tags=tags,
        resources={"salesforce": salesforce_for(emulator, **resource_overrides),
                   "warehouse": warehouse}, raise_on_error=raise_on_error)


def reconcile(emulator, warehouse, settings: Settings | None = None, **resource_overrides):
    """Run the daily reconciliation asset once."""
    settings = settings or suite_settings()
    return dg.materialize(
        [build_reconciliation_asset(settings.extraction, settings.object_specs())],
        resources={"salesforce": salesforce_for(emulator, **resource_overrides),
                   "warehouse": warehouse})


def emulator_rows(emulator, object_name: str, fields: list[str]) -> dict[str, tuple]:
    """The emulator's truth: Id -> values (IsDeleted included where the object has it)."""
    cols = ", ".join(f'"{f}"' for f in fields)
    rows = emulator.store.con.cursor().execute(f'SELECT "Id", {cols} FROM "{object_name}"').fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def staged_rows(warehouse, object_name: str, fields: list[str]) -> dict[str, tuple]:
    cols = ", ".join(column_name(f) for f in fields)
    rows = warehouse.query(f"select id, {cols} from staging.{table_name(object_name)}")
    return {r["id"]: tuple(r[column_name(f)] for f in fields) for r in rows}
