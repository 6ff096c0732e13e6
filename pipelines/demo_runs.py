"""The runs `make demo` launches, on the Dagster instance in $DAGSTER_HOME."""

from datetime import datetime, timezone

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.salesforce.extract_asset import MODE_TAG
from pipelines.definitions import defs
from pipelines.partitions import daily_windows
from resources.staging.naming import table_name

DEFS = defs()


def _instance() -> dg.DagsterInstance:
    return dg.DagsterInstance.get()


def backfill() -> dg.ExecuteInProcessResult:
    """Every partition in one range run, as a UI backfill with a single-run policy would."""
    keys = daily_windows.get_partition_keys()
    job = DEFS.get_job_def("incremental_sync")
    return job.execute_in_process(instance=_instance(), raise_on_error=False, tags={
        ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]})


def tick() -> dg.ExecuteInProcessResult:
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    return DEFS.get_job_def("incremental_sync").execute_in_process(
        instance=_instance(), partition_key=today, tags={MODE_TAG: "incremental"},
        raise_on_error=False)


def print_summary(emulator) -> None:
    warehouse = DEFS.resources["warehouse"]
    print(f"{'object':<24}{'staged':>9}{'deleted':>9}{'in Salesforce':>15}")
    for name in [o for o in emulator.store.objects if o != "Project__c"]:
        table = table_name(name)
        if not warehouse.table_exists("staging", table):
            continue
        staged = warehouse.scalar(f"select count(*) from staging.{table}")
        deleted = warehouse.scalar(f"select count(*) from staging.{table} where is_deleted")
        truth = emulator.store.count(emulator.store.objects[name])
        print(f"{name:<24}{staged:>9}{deleted:>9}{truth:>15}")
