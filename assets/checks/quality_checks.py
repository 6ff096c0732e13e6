"""The quality gate as Dagster asset checks: staging tables, deals, deal_skips and the outbox.

Every check is blocking: a failed `critical` expectation (severity ERROR) stops everything
downstream in the run, the sink included; failed `warning` expectations (WARN: stale syncs, a
few bad outbox rows the sink fails one by one) let it run. Row-count baselines live in
sync_back.check_row_counts, written each time a check runs after its asset materialized.
"""

from datetime import timedelta
from pathlib import Path

import dagster as dg

from assets.keys import DEAL_SKIPS_KEY, DEALS_KEY, OUTBOX_KEY, OWNERS_KEY, STAGES_KEY, object_key
from assets.sync_back.tables import ensure_tables
from resources.clock import utc_now
from resources.secrets import known_secrets
from resources.settings import CheckSettings
from resources.staging.naming import table_name
from resources.warehouse import WAREHOUSE_POOL, WarehouseResource
from transforms import sql

from . import batches as b
from .gx_runner import Docs, prune_docs, validate
from .results import check_result, error_result

CHECK_NAME = "quality"


def _previous_count(warehouse, table: str) -> int | None:
    with warehouse.connection() as connection:
        return sql.execute(connection, "sync_back/select_row_count_baseline",
                           {"table_name": table}).scalar()


def _save_count(warehouse, table: str, count: int, run_id: str) -> None:
    with warehouse.connection() as connection:
        sql.execute(connection, "sync_back/upsert_row_count_baseline", {
            "table_name": table, "row_count": count, "run_id": run_id,
            "now": utc_now()})


def _observed_rows(results) -> dict[str, int]:
    counts = {}
    for batch_result in results:
        for r in batch_result.result.results:
            if r.expectation_config.type == "expect_table_row_count_to_be_between":
                observed = r.result.get("observed_value")
                if observed is not None and batch_result.batch.row_count_table:
                    counts[batch_result.batch.row_count_table] = int(observed)
    return counts


def run_check(context, warehouse: WarehouseResource, checks: CheckSettings, what: str, fix: str,
              make_batches) -> dg.AssetCheckResult:
    """Validate the batches `make_batches(previous_counts)` returns; fail closed on errors."""
    docs = (Docs(checks.data_docs_dir, checks.data_docs_retention_days, checks.data_docs_keep_runs)
            if checks.data_docs else None)
    try:
        ensure_tables(warehouse)
        batches = make_batches(lambda table: _previous_count(warehouse, table))
        results = validate(warehouse, batches, context.run.run_id, docs)
    except Exception as exc:  # fail closed: an unreadable table must not pass the gate
        return error_result(what, exc, fix, known_secrets(warehouse.postgres_url))
    extra = {"validated_in": "PostgreSQL (in the database)" if warehouse.engine == "postgres"
             else "pandas (from DuckDB)"}
    for table, count in _observed_rows(results).items():
        previous = _previous_count(warehouse, table)
        extra.update({"row_count": count, "previous_row_count": previous,
                      "max_row_drop_share": checks.max_row_drop_share})
        _save_count(warehouse, table, count, context.run.run_id)
    if docs is not None:
        prune_docs(docs)
        extra["data_docs_path"] = dg.MetadataValue.path(str(Path(docs.directory).resolve()))
    return check_result(results, extra, what=what, fix=fix, secrets=known_secrets(warehouse.postgres_url))


def build_staging_checks(checks: CheckSettings, objects: list[str]) -> dg.AssetChecksDefinition:
    """One check per staging table, run by one op: a step process imports GX once, not ten
    times (blocking specs on a multi-asset check stop downstream work as @asset_check does)."""
    specs = [dg.AssetCheckSpec(
        CHECK_NAME, asset=object_key(name), blocking=True,
        description=f"GX: staging.{table_name(name)} Ids are 18 characters, unique and not null; "
                    f"its row count did not drop more than {checks.max_row_drop_share:.0%}; "
                    f"(warning) {name} synced within {checks.freshness_minutes} minutes.")
        for name in objects]

    @dg.multi_asset_check(specs=specs, name="staging_quality", can_subset=True,
                          pool=WAREHOUSE_POOL)
    def staging_quality(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        fresh_after = (utc_now()
                       - timedelta(minutes=checks.freshness_minutes))
        for name in objects:
            key, table = object_key(name), table_name(name)
            if dg.AssetCheckKey(key, CHECK_NAME) not in context.selected_asset_check_keys:
                continue
            result = run_check(
                context, warehouse, checks, f"staging.{table}",
                f"materialize the salesforce/{table} asset (its table must exist)",
                lambda previous, n=name, t=table: b.staging_batches(
                    n, t, previous(f"staging.{t}"), checks, fresh_after))
            yield dg.AssetCheckResult(asset_key=key, check_name=CHECK_NAME, passed=result.passed,
                                      severity=result.severity, metadata=result.metadata,
                                      description=result.description)

    return staging_quality


def build_deals_check(checks: CheckSettings, objects: list[str]) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=DEALS_KEY, name=CHECK_NAME, blocking=True, pool=WAREHOUSE_POOL,
                    additional_deps=[DEAL_SKIPS_KEY, OWNERS_KEY, STAGES_KEY],
                    description="GX: deal Ids valid and unique; owner in owners, stage in "
                                "stages; amount >= 0 or null; close date valid; every "
                                "non-deleted opportunity in exactly one of deals and "
                                "deal_skips; every deal's Account, owner and contact-role "
                                "Contacts staged (a missing one would make a wrong Task, so "
                                "it blocks the sink); no row-count drop beyond the allowed "
                                "share.")
    def deals_quality(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        return run_check(context, warehouse, checks, "warehouse.deals",
                         "build the deal warehouse (deals, deal_skips, owners, stages)",
                         lambda previous: b.deals_batches(previous("warehouse.deals"), checks,
                                                          objects))

    return deals_quality


def build_deal_skips_check(checks: CheckSettings) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=DEAL_SKIPS_KEY, name=CHECK_NAME, blocking=True, pool=WAREHOUSE_POOL,
                    description="GX: skipped opportunity Ids valid and unique, each with a "
                                "reason; no row-count drop beyond the allowed share.")
    def deal_skips_quality(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        return run_check(context, warehouse, checks, "warehouse.deal_skips",
                         "build the deal warehouse (deal_skips)",
                         lambda previous: b.deal_skips_batches(previous("warehouse.deal_skips"),
                                                               checks))

    return deal_skips_quality


def build_outbox_check(checks: CheckSettings) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=OUTBOX_KEY, name=CHECK_NAME, blocking=True, pool=WAREHOUSE_POOL,
                    description="GX: rows to send have a valid WhatId or WhoId, a subject and a "
                                "YYYY-MM-DD due date. Any bad row warns (the sink fails only "
                                "that row); more than "
                                f"{checks.outbox_max_invalid_share:.0%} bad rows blocks the sink.")
    def outbox_quality(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        return run_check(context, warehouse, checks, "sync_back.sync_back_tasks",
                         "materialize sync_back/sync_back_tasks",
                         lambda previous: b.outbox_batches(checks))

    return outbox_quality


def build_quality_checks(checks: CheckSettings,
                         objects: list[str]) -> list[dg.AssetChecksDefinition]:
    return [build_staging_checks(checks, objects), build_deals_check(checks, objects),
            build_deal_skips_check(checks), build_outbox_check(checks)]
