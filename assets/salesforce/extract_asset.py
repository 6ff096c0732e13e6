"""The extraction multi-asset: one Dagster asset per Salesforce object, one op for all of them.

One op lets a tick share `/composite` calls across objects, while `can_subset=True` keeps each
object its own asset (materialize, backfill or inspect one alone). Runs tagged
`dealsync/mode=incremental` (the 10-minute schedule) read each object's high-water-mark window;
every other run (a backfill from the UI) reads its partition range, cut at now − lag.
"""

from dataclasses import asdict
from datetime import timedelta

import dagster as dg

from assets.keys import MODE_TAG, SALESFORCE, object_key
from resources.clock import utc_now
from resources.salesforce import SalesforceResource
from resources.salesforce.errors import BulkUnavailable, QuotaStop, SalesforceCallError
from resources.settings import ExtractionSettings, ObjectSpec
from resources.staging.naming import table_name
from resources.staging.schema import SchemaDriftError
from resources.warehouse import WarehouseResource

from .extractor import Extractor, ObjectRun
from .fields import select_fields
from .partitions import backfill_windows
from .progress import Progress
from .references import References
from .rejects_check import rejects_check_spec, rejects_checks
from .tick import TickObject, run_tick
from .windows import Window, backfill_window, tick_window


def build_extract_asset(extraction: ExtractionSettings,
                        specs: list[ObjectSpec]) -> dg.AssetsDefinition:
    windows = backfill_windows(extraction.first_day())

    @dg.multi_asset(
        name="salesforce_extract",
        specs=[dg.AssetSpec(object_key(s.name), group_name=SALESFORCE, skippable=True,
                            kinds={"salesforce"}, description=_description(s.name))
               for s in specs],
        check_specs=[rejects_check_spec(s.name) for s in specs],
        partitions_def=windows,
        backfill_policy=dg.BackfillPolicy.multi_run(extraction.max_partitions_per_run),
        can_subset=True,
        pool="salesforce_api",
    )
    def salesforce_extract(context: dg.AssetExecutionContext, salesforce: SalesforceResource,
                           warehouse: WarehouseResource):
        selected = [s for s in specs if object_key(s.name) in context.selected_asset_keys]
        incremental = context.run.tags.get(MODE_TAG) == "incremental"
        with salesforce.client(log=context.log) as client:
            job = ExtractionRun(context, client, warehouse, extraction, windows)
            job.run(selected, incremental)
            accounting = client.accounting()
            if client.meter.org_max:
                warehouse.record_api_usage(client.meter.org_used, client.meter.org_max)
        for name, run in job.runs.items():
            if run.missing_columns:
                context.log.warning(f"{name}: fields no longer sent by Salesforce keep their "
                                    f"columns, null for new rows: {run.missing_columns}")
            metadata = _metadata(run, accounting, incremental)
            if name in job.references:
                metadata["fetched_by_id"] = job.references[name]
            yield dg.MaterializeResult(asset_key=object_key(name), metadata=metadata)
        yield from rejects_checks(context, warehouse, job.runs)
        unfinished = [s.name for s in selected
                      if s.name not in job.runs and s.name not in job.failures]
        if job.stopped is not None:
            # Red, not green: the objects it did not reach are not synced. Finished objects
            # are saved (above) and the next run picks up the rest from their marks.
            raise dg.Failure(
                description=f"Stopped before the API quota ran out; not synced: "
                            f"{', '.join(unfinished) or 'none'}. {job.stopped}",
                metadata={"stopped_objects": dg.MetadataValue.json(unfinished),
                          "failed_objects": dg.MetadataValue.json(sorted(job.failures)),
                          "quota": str(job.stopped)})
        if job.failures:
            raise dg.Failure(
                description="; ".join(f"{name}: {exc}" for name, exc in job.failures.items()),
                metadata={"failed_objects": dg.MetadataValue.json(sorted(job.failures))})

    return salesforce_extract


def _description(name: str) -> str:
    return (f"Salesforce {name}: every record version in staging.{table_name(name)}_versions, "
            f"and its current state in staging.{table_name(name)}. One partition per month of "
            "SystemModstamp; the 10-minute schedule refreshes the current month. Months before "
            "the history you backfilled are not imported and show as missing: that is expected; "
            "launch the job backfill_period with a longer period to import them.")


class ExtractionRun:
    """One run over the selected objects. A failing object (schema drift, a query Salesforce
    rejects) is recorded and the others go on; QuotaStop ends the run cleanly."""

    PER_OBJECT_ERRORS = (SchemaDriftError, SalesforceCallError, BulkUnavailable, ValueError)

    def __init__(self, context, client, warehouse, extraction: ExtractionSettings,
                 windows: dg.PartitionsDefinition):
        self.context, self.client, self.warehouse = context, client, warehouse
        self.extraction, self.windows = extraction, windows
        self.progress = Progress(self._report_progress)
        self.extractor = Extractor(client, warehouse, context.run.run_id, extraction.bulk_threshold,
                                   context.log, self.progress)
        self.runs: dict[str, ObjectRun] = {}
        self.fields: dict[str, dict[str, str]] = {}
        self.references: dict[str, int] = {}
        self.failures: dict[str, Exception] = {}
        self.stopped: QuotaStop | None = None

    def run(self, selected: list[ObjectSpec], incremental: bool) -> None:
        now = utc_now()
        lag = timedelta(minutes=self.extraction.safety_lag_minutes)
        partition = self.context.partition_time_window
        try:
            if incremental:
                self._tick(selected, partition, now, lag)
            else:
                first = self.windows.time_window_for_partition_key(
                    self.windows.get_first_partition_key()).start
                window = backfill_window(partition.start, partition.end, now, lag, first)
                for spec in selected:
                    self._one(spec.name, lambda s=spec: self._backfill(s, window, now - lag))
            self._complete_references()
        except QuotaStop as exc:
            self.stopped = exc
            for spec in selected:
                if spec.name not in self.runs and spec.name not in self.failures:
                    self.warehouse.record_sync_failure(spec.name, f"quota stop: {exc}",
                                                       run_id=self.context.run.run_id)

    def _complete_references(self) -> None:
        """Stage what the deals refer to (references.py); a failure fails the run, named."""
        try:
            self.references = References(self.client, self.extractor, self.warehouse,
                                         self.context.run.run_id, self.context.log
                                         ).complete(self.runs, self.fields)
        except self.PER_OBJECT_ERRORS as exc:
            self.failures["references"] = exc
            self.context.log.error(f"Fetching what the deals refer to failed: {exc}")

    def _tick(self, selected: list[ObjectSpec], partition, now, lag) -> None:
        catalog = self.warehouse.field_catalog()
        marks = self.warehouse.get_high_water_marks([s.name for s in selected])
        lookback = timedelta(minutes=self.extraction.lookback_minutes)
        objects = [TickObject(s, tick_window(marks[s.name], partition.start, now, lookback, lag,
                                             self.extraction.backfill_period == "skip"),
                              catalog.get(s.name)) for s in selected]
        run_tick(self.client, self.extractor, objects, self.context.log,
                 lambda obj, work: self._one(obj.spec.name, lambda: (work(), obj.fields, True)))

    def _backfill(self, spec: ObjectSpec, window: Window | None, horizon):
        """Returns (run, fields, advance_mark): the mark moves only if the window reached now."""
        fields, missing = select_fields(spec, self.client.describe(spec.name))
        run = ObjectRun(spec.name, missing_columns=missing)
        if spec.small:
            self.extractor.extract_all(run, fields)
        elif window is not None:
            self.extractor.extract_window(run, fields, window)
        reaches_present = window is not None and window.end >= horizon - timedelta(seconds=1)
        return run, fields, reaches_present or spec.small

    def _report_progress(self, name: str, landed: int, expected: int | None, done: bool) -> None:
        """An AssetObservation the run log and the asset's page show while the run goes."""
        of = f" of {expected}" if expected is not None else ""
        metadata = {"records_landed": landed, "state": "completed" if done else "in progress"}
        if expected is not None:
            metadata["records_expected"] = expected
        self.context.log_event(dg.AssetObservation(
            asset_key=object_key(name), metadata=metadata,
            description=f"{name}: {landed}{of} records landed{' (done)' if done else ''}"))
        if not done:  # success or failure clears it
            self.warehouse.record_progress(name, run_id=self.context.run.run_id, landed=landed,
                                           expected=expected)

    def _one(self, name: str, work) -> None:
        """Run one object's work -> (ObjectRun, fields, advance_mark) and record the outcome."""
        try:
            run, fields, advance_mark = work()
        except self.PER_OBJECT_ERRORS as exc:
            self.failures[name] = exc
            self.context.log.error(f"{name}: {exc}")
            self.warehouse.record_sync_failure(name, str(exc), run_id=self.context.run.run_id)
            return
        window_end = max((w.end for w in run.windows), default=None)
        calls = object_calls(self.client.accounting(), name)
        self.warehouse.record_sync_success(
            name, record_count=run.landed, run_id=self.context.run.run_id,
            window_start=min((w.start for w in run.windows), default=None),
            window_end=window_end, api="+".join(sorted(run.apis)) or None,
            api_calls=int(round(calls)), fields=fields,
            high_water_mark=window_end if advance_mark else None,
            rejects=[asdict(r) for r in run.rejects],
            windows=[(w.start, w.end) for w in run.windows])
        if run.rejects:
            self.context.log.warning(f"{name}: {len(run.rejects)} records could not be staged "
                                     "and are in staging.rejects (the rest landed); e.g. "
                                     f"{run.rejects[0].record_id}: {run.rejects[0].field} "
                                     f"{run.rejects[0].error}")
        self.runs[name], self.fields[name] = run, fields
        self.progress.done(name)


def object_calls(accounting: dict, name: str) -> float:
    """API calls this run spent on one object (a shared /composite call is split evenly)."""
    return float(sum(accounting["by_object"].get(name, {}).values()))


def _metadata(run: ObjectRun, accounting: dict, incremental: bool) -> dict:
    calls = object_calls(accounting, run.object_name)
    metadata = {
        "dagster/row_count": run.landed,
        "rows_landed": run.landed, "inserted": run.inserted, "updated": run.updated,
        "deleted": run.deleted, "api_calls": float(round(calls, 2)),
        "run_api_calls": int(accounting["api_calls"]),
        "api": "+".join(sorted(run.apis)) or "none",
        "mode": "incremental" if incremental else "backfill",
        "window_start": str(min((w.start for w in run.windows), default="")),
        "window_end": str(max((w.end for w in run.windows), default="")),
    }
    if run.expected is not None:
        metadata["expected_count"] = run.expected
    if run.added_columns:
        metadata["added_columns"] = dg.MetadataValue.json(run.added_columns)
    if run.missing_columns:
        metadata["missing_columns"] = dg.MetadataValue.json(run.missing_columns)
    return metadata
