"""The runs `make demo` launches, on the Dagster instance in $DAGSTER_HOME."""

import sys
import threading
import uuid

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.keys import MODE_TAG, object_key
from assets.salesforce.partitions import current_window_key
from pipelines.definitions import defs
from resources.settings import cached_settings
from resources.staging.naming import table_name

DEFS = defs()
WINDOWS = DEFS.get_assets_def(object_key("Opportunity")).partitions_def


def _instance() -> dg.DagsterInstance:
    return dg.DagsterInstance.get()


# Bars instead of Dagster's INFO lines; warnings and errors still print.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def backfill(objects: list[str] | None = None) -> dg.ExecuteInProcessResult:
    """Every partition in one range run, as a UI backfill with a single-run policy would, with
    a progress bar per object (records landed against Salesforce's COUNT())."""
    keys = WINDOWS.get_partition_keys()
    job = DEFS.resolve_job_def("incremental_sync")
    run_id = str(uuid.uuid4())
    with Progress(_instance(), run_id, objects or cached_settings().enabled_objects()):
        return job.execute_in_process(instance=_instance(), raise_on_error=False, run_id=run_id,
                                      run_config=QUIET, tags={
                                          ASSET_PARTITION_RANGE_START_TAG: keys[0],
                                          ASSET_PARTITION_RANGE_END_TAG: keys[-1]})


class Progress:
    """One bar per object, fed from the run's progress observations as the extraction writes
    them (records landed against Salesforce's COUNT(), see assets/salesforce/progress.py).
    Without a terminal, one line per object when it is done."""

    def __init__(self, instance, run_id: str, objects: list[str]):
        from tqdm import tqdm

        self.instance, self.run_id, self.cursor = instance, run_id, None
        self.tty = sys.stderr.isatty()
        self.bars = {name: tqdm(desc=f"{name:<24}", total=None, unit=" rec", position=i,
                                leave=True, disable=not self.tty, dynamic_ncols=True)
                     for i, name in enumerate(objects)}
        self.names = {table_name(name): name for name in objects}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="demo-progress", daemon=True)

    def __enter__(self) -> "Progress":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._read()  # whatever was recorded after the last poll
        for bar in self.bars.values():
            bar.close()

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            self._read()

    def _read(self) -> None:
        records = self.instance.get_records_for_run(
            self.run_id, cursor=self.cursor, of_type=dg.DagsterEventType.ASSET_OBSERVATION,
            limit=1000)
        self.cursor = records.cursor
        for record in records.records:
            observation = record.event_log_entry.dagster_event.asset_observation_data.asset_observation
            name = self.names.get(observation.asset_key.path[-1])
            if name is not None:
                meta = {k: v.value for k, v in observation.metadata.items()}
                self._show(name, meta["records_landed"], meta.get("records_expected"),
                           meta["state"] == "completed")

    def _show(self, name: str, landed: int, expected: int | None, done: bool) -> None:
        bar = self.bars[name]
        total = expected if expected is not None else (landed if done else None)
        if bar.total is None and total is not None:
            bar.reset(total=total)  # the object's extraction starts now: restart its clock
        bar.n = landed
        bar.refresh()
        if done and not self.tty:
            against = f" of {expected} expected" if expected is not None else ""
            print(f"  {name:<24} {landed} records landed{against}", flush=True)


def tick() -> dg.ExecuteInProcessResult:
    return DEFS.resolve_job_def("incremental_sync").execute_in_process(
        instance=_instance(), partition_key=current_window_key(), tags={MODE_TAG: "incremental"},
        run_config=QUIET, raise_on_error=False)


def print_tick(result: dg.ExecuteInProcessResult) -> None:
    """What the tick landed per object, from its materialization metadata (as the UI shows it)."""
    for event in result.get_asset_materialization_events():
        key = event.asset_key.path
        if key[0] != "salesforce":
            continue
        meta = {k: v.value for k, v in event.materialization.metadata.items()}
        print(f"  {key[-1]:<26}{meta['rows_landed']:>4} landed ({meta['inserted']} new, "
              f"{meta['updated']} updated, {meta['deleted']} deleted) via {meta['api']}")


def print_summary(emulator) -> None:
    from assets.deal_warehouse.summary import warehouse_summary
    from assets.sync_back.outbox import sent_tasks

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

    summary = warehouse_summary(warehouse)
    print(f"\ndeals imported: {summary['deals']}")
    for stage, count in summary["deals_by_pipeline_stage"].items():
        print(f"  {stage:<28}{count:>6}")
    print(f"deals skipped: {sum(summary['skips_by_reason'].values())}")
    for reason, count in summary["skips_by_reason"].items():
        print(f"  {reason:<28}{count:>6}")
    tasks = sent_tasks(warehouse, 10)
    print(f"\nfollow-up Tasks written to Salesforce (latest {len(tasks)}):")
    for task in tasks:
        print(f"  {task['task_id']}  {task['subject']!r} on {task['what_id']}, due "
              f"{task['activity_date']}: {task['reason']}")
    _print_write_back(warehouse)


def _print_write_back(warehouse) -> None:
    """The other two sinks: field values written, and deal reviews attached as Files."""
    if warehouse.table_exists("sync_back", "field_update_log"):
        rows = warehouse.query("select object, record_id, field, before_value, after_value "
                               "from sync_back.field_update_log where status = 'sent' "
                               "order by logged_at desc, record_id limit 10")
        print(f"\nfield updates written to Salesforce (latest {len(rows)}):")
        for r in rows:
            print(f"  {r['object']} {r['record_id']}.{r['field']}: {r['before_value']!r} -> "
                  f"{r['after_value']!r}")
    if warehouse.table_exists("sync_back", "deal_documents"):
        rows = warehouse.query("select title, opportunity_id, content_document_id, "
                               "content_version_id, byte_size from sync_back.deal_documents "
                               "where status = 'sent' order by opportunity_id limit 5")
        print(f"\ndeal reviews attached as Salesforce Files ({len(rows)}):")
        for r in rows:
            print(f"  {r['title']!r} on {r['opportunity_id']}: ContentVersion "
                  f"{r['content_version_id']} ({r['byte_size']} bytes, PDF)")

