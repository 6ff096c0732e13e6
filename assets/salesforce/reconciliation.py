"""The daily reconciliation: staging made equal to Salesforce, whatever the ticks missed.

A tick reads [mark − lookback, now − lag). Three things slip past it for good: a record
committed with a SystemModstamp further behind than the lookback (a long transaction, a slow
integration), a formula or roll-up value that changes while SystemModstamp does not (a
cross-object formula reading the Account, TODAY()), and a record purged from the recycle bin
(after about 15 days), which no query returns again. Peers tell users to reset the table;
this compares instead.

Once a day, for every object the ticks read in windows, it reads Id, SystemModstamp,
IsDeleted and the formula fields of every record (queryAll; Bulk 2.0 above bulk_threshold
records, a few calls per million), compares them with staging in SQL
(resources/staging/org_state.py), reads what differs again by Id, and marks what was purged.
Setup objects (User, OpportunityStage, RecordType) are read whole on every tick already.
"""

from dataclasses import asdict

import dagster as dg

from assets.keys import RECONCILIATION_KEY, SALESFORCE, object_key
from resources.salesforce import SalesforceResource
from resources.settings import ExtractionSettings, ObjectSpec
from resources.warehouse import WarehouseResource

from .extract_asset import object_calls
from .extractor import Extractor, ObjectRun
from .fields import reconciliation_fields, select_fields
from .progress import Progress


def build_reconciliation_asset(extraction: ExtractionSettings,
                               specs: list[ObjectSpec]) -> dg.AssetsDefinition:
    windowed = [s for s in specs if not s.small]

    @dg.asset(key=RECONCILIATION_KEY, group_name=SALESFORCE, kinds={"salesforce"},
              deps=[object_key(s.name) for s in windowed], pool="salesforce_api",
              description="Daily: compares every record's Id, SystemModstamp, IsDeleted and "
                          "formula fields with staging, reads again what differs (late "
                          "commits, missed deletes and undeletes, changed formula values) and "
                          "marks records purged from Salesforce.")
    def reconciliation(context: dg.AssetExecutionContext, salesforce: SalesforceResource,
                       warehouse: WarehouseResource) -> dg.MaterializeResult:
        results = {}
        with salesforce.client(log=context.log) as client:
            extractor = Extractor(client, warehouse, context.run.run_id,
                                  extraction.bulk_threshold, context.log,
                                  Progress(lambda *report: _log_progress(context, *report)))
            for spec in windowed:
                result = reconcile_object(extractor, spec)
                if result is not None:
                    result["api_calls"] = round(object_calls(client.accounting(), spec.name), 2)
                    results[spec.name] = result
            calls = int(client.accounting()["api_calls"])
        corrected = sum(r["read_again"] + r["purged"] for r in results.values())
        context.log.info(f"Reconciled {len(results)} objects: {corrected} records corrected, "
                         f"{calls} API calls")
        return dg.MaterializeResult(metadata={
            "records_corrected": corrected, "api_calls": calls,
            "records_compared": sum(r["org_records"] for r in results.values()),
            "by_object": dg.MetadataValue.json(results)})

    return reconciliation


def reconcile_object(extractor: Extractor, spec: ObjectSpec) -> dict | None:
    """Compare one object with Salesforce and land what differs; None when it was never synced
    (no staging table, no history start)."""
    warehouse, name = extractor.warehouse, spec.name
    status = warehouse.get_sync_status(name)
    if not status or status.get("history_start") is None:
        return None
    describe = extractor.client.describe(name)
    fields, _ = select_fields(spec, describe)
    compared = reconciliation_fields(fields, describe)
    scan = ObjectRun(name)
    tables, api = extractor.read_all(scan, compared)
    diff = warehouse.compare_with_org(name, compared, tables, status["history_start"])
    if diff is None:
        return None
    run = ObjectRun(name)
    ids = diff.ids()
    if ids:
        extractor.extract_ids(run, fields, "Id", ids)
    # Records that still cannot land stay in staging.rejects; those that landed leave it.
    warehouse.record_rejects(name, extractor.run_id, [asdict(r) for r in run.rejects], [])
    extractor.progress.done(name)
    return {"org_records": diff.org_records, "api": api, "purged": diff.purged,
            "read_again": len(ids), "landed": run.landed,
            "reasons": {reason: len(i) for reason, i in diff.read_again.items()},
            "formula_fields": sorted(set(compared) - {"Id", "SystemModstamp", "IsDeleted"})}


def _log_progress(context, name: str, compared: int, expected: int | None, done: bool) -> None:
    of = f" of {expected}" if expected is not None else ""
    context.log.info(f"Reconciliation {name}: {compared}{of} records read"
                     f"{' (done)' if done else ''}")
