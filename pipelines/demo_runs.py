"""The runs `make demo` launches, on the Dagster instance in $DAGSTER_HOME."""

import re
import sys
import threading
import uuid
from datetime import datetime, timezone

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.salesforce.extract_asset import MODE_TAG
from pipelines.definitions import defs
from pipelines.partitions import daily_windows
from pipelines.settings import cached_settings
from resources.staging.naming import table_name

DEFS = defs()


def _instance() -> dg.DagsterInstance:
    return dg.DagsterInstance.get()


# Bars instead of Dagster's INFO lines; warnings and errors still print.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def backfill(objects: list[str] | None = None) -> dg.ExecuteInProcessResult:
    """Every partition in one range run, as a UI backfill with a single-run policy would, with
    a progress bar per object (records landed against Salesforce's COUNT())."""
    keys = daily_windows.get_partition_keys()
    job = DEFS.resolve_job_def("incremental_sync")
    run_id = str(uuid.uuid4())
    with Progress(_instance(), run_id, objects or cached_settings().enabled_objects()):
        return job.execute_in_process(instance=_instance(), raise_on_error=False, run_id=run_id,
                                      run_config=QUIET, tags={
                                          ASSET_PARTITION_RANGE_START_TAG: keys[0],
                                          ASSET_PARTITION_RANGE_END_TAG: keys[-1]})


class Progress:
    """One bar per object, fed from the run's event log as the extraction writes it: the
    "N records expected" line (Salesforce's COUNT()) sets the total; page counts and "Landed N
    versions" lines move it. Without a terminal, one line per object when it has landed."""

    EXPECTED = re.compile(r"^(\w+) .*?: (\d+) records expected$")
    SO_FAR = re.compile(r"^(\w+): \d+ pages, (\d+) (?:of \d+ )?records")
    LANDED = re.compile(r"^Landed (\d+) (\w+) versions")

    def __init__(self, instance, run_id: str, objects: list[str]):
        from tqdm import tqdm

        self.instance, self.run_id, self.seen = instance, run_id, 0
        self.tty = sys.stderr.isatty()
        self.bars = {name: tqdm(desc=f"{name:<24}", total=None, unit=" rec", position=i,
                                leave=True, disable=not self.tty, dynamic_ncols=True)
                     for i, name in enumerate(objects)}
        self.expected: dict[str, int] = {}
        self.landed: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="demo-progress", daemon=True)

    def __enter__(self) -> "Progress":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._read()  # whatever was logged after the last poll
        for bar in self.bars.values():
            bar.close()

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            self._read()

    def _read(self) -> None:
        entries = self.instance.all_logs(self.run_id)[self.seen:]
        self.seen += len(entries)
        for entry in entries:
            message = entry.user_message or ""
            if match := self.EXPECTED.match(message):
                name = match.group(1)
                self.expected[name] = self.expected.get(name, 0) + int(match.group(2))
                self._show(name, self.landed.get(name, 0))
            elif match := self.SO_FAR.match(message):
                self._show(match.group(1), self.landed.get(match.group(1), 0)
                           + int(match.group(2)))
            elif match := self.LANDED.match(message):
                name = match.group(2)
                self.landed[name] = self.landed.get(name, 0) + int(match.group(1))
                self._show(name, self.landed[name], landed=True)

    def _show(self, name: str, n: int, landed: bool = False) -> None:
        bar = self.bars.get(name)
        if bar is None:
            return
        total = self.expected.get(name, n if landed else None)
        if bar.total is None and total is not None:
            bar.reset(total=total)  # the object's extraction starts now: restart its clock
        bar.n = n
        bar.refresh()
        if landed and not self.tty and n >= (bar.total or 0):
            against = f" of {self.expected[name]} expected" if name in self.expected else ""
            print(f"  {name:<24} {n} records landed{against}", flush=True)


def tick() -> dg.ExecuteInProcessResult:
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    return DEFS.resolve_job_def("incremental_sync").execute_in_process(
        instance=_instance(), partition_key=today, tags={MODE_TAG: "incremental"},
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
    from assets.sync_back.outbox import sent_tasks
    from assets.deal_warehouse.summary import warehouse_summary

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
