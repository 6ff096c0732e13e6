"""The `deal_warehouse` assets: one per dbt model (@dbt_assets), lineage from ref(), dbt tests
as asset checks, all built by one op (dbt runs the models in dependency order).

One op because the models are one unit: an incremental run shares its scope (the changed
opportunities) across all of them. The op runs dbt itself (run.py) instead of dagster-dbt's
CLI resource: dbt in this process, a mode decided from the warehouse's state, no warehouse
connection held while dbt runs. Each model reports its row count; deals and deal_skips add
Markdown tables of counts by pipeline stage and by reason.
"""

from datetime import datetime
from pathlib import Path

import dagster as dg
from dagster_dbt import dbt_assets
from dagster_dbt.asset_utils import get_asset_check_key_for_test

from assets.keys import FULL_REBUILD_TAG
from resources.clock import to_utc_naive
from resources.warehouse import WAREHOUSE_POOL, WarehouseResource

from .project import PROJECT_DIR, manifest_dict
from .run import RunResult, WarehouseBuildError, published_tables, run_warehouse
from .summary import deals_markdown, skips_markdown, summarize
from .translator import DealWarehouseTranslator


class WarehouseRunConfig(dg.Config):
    """Run config of the deal_warehouse op; the defaults are what schedules and sensors use."""

    full_rebuild: bool = False  # rebuild every deal instead of only the changed ones
    as_of: str | None = None    # ISO timestamp the run is "as of" (replays, tests); default now


def build_warehouse_asset(settings, project_dir: Path = PROJECT_DIR) -> dg.AssetsDefinition:
    manifest = manifest_dict("duckdb", project_dir)
    translator = DealWarehouseTranslator()
    names = {translator.get_asset_key(node): node["name"] for node in manifest["nodes"].values()
             if node["resource_type"] == "model"}

    @dbt_assets(manifest=manifest, dagster_dbt_translator=translator, name="deal_warehouse",
                pool=WAREHOUSE_POOL, project=None)
    def deal_warehouse(context: dg.AssetExecutionContext, config: WarehouseRunConfig,
                       warehouse: WarehouseResource):
        full = config.full_rebuild or context.run.tags.get(FULL_REBUILD_TAG) == "true"
        try:
            as_of = to_utc_naive(datetime.fromisoformat(config.as_of)) if config.as_of else None
        except ValueError:
            raise dg.Failure(f"config as_of: {config.as_of!r} is not an ISO timestamp "
                             "(e.g. 2026-03-31T23:59:59, UTC)") from None
        selected = sorted(names[k] for k in context.selected_asset_keys if k in names)
        result = run_warehouse(warehouse, settings, models=selected, full_rebuild=full,
                               as_of=as_of, published=published_tables(project_dir),
                               log=context.log, project_dir=project_dir)
        yield from dbt_events(context, manifest, translator, result, warehouse)
        try:
            result.raise_for_failure()
        except WarehouseBuildError as exc:
            raise dg.Failure(description=str(exc)) from None

    return deal_warehouse


def dbt_events(context, manifest: dict, translator, result: RunResult, warehouse):
    """An Output per model dbt built and an AssetCheckResult per selected dbt test."""
    metadata = run_metadata(warehouse, result, context.log) if result.outcome.success else {}
    selected_checks = set(context.selected_asset_check_keys)
    for node in result.outcome.nodes:
        props = manifest["nodes"].get(node.unique_id)
        if props is None:
            continue
        if node.resource_type == "model" and node.status == "success":
            key = translator.get_asset_key(props)
            yield dg.Output(None, output_name=key.to_python_identifier(),
                            metadata={"dbt_seconds": round(node.seconds, 3),
                                      **metadata.get(node.name, {})})
        elif node.resource_type == "test":
            check = get_asset_check_key_for_test(manifest, translator, node.unique_id, None)
            if check is not None and check in selected_checks:
                yield dg.AssetCheckResult(
                    asset_key=check.asset_key, check_name=check.name,
                    passed=node.status == "pass",
                    severity=(dg.AssetCheckSeverity.WARN if node.status == "warn"
                              else dg.AssetCheckSeverity.ERROR),
                    metadata={"failed_rows": node.failures or 0, "status": node.status})


def run_metadata(warehouse, result: RunResult, log) -> dict[str, dict]:
    """Model name -> its materialization metadata (row count, mode, summaries)."""
    if result.licensed_users == 0:
        log.warning("No licensed users are configured: every deal is skipped as "
                    "owner_not_found. Set licensed_users in the settings.")
    for warning in result.warnings:
        log.warning(warning)
    common = {"mode": result.mode, "why": result.why, "as_of": result.as_of.isoformat(),
              "opportunities_in_scope": result.scope}
    if result.warnings:
        common["warnings"] = dg.MetadataValue.json(result.warnings)
    if result.snapshot is not None:
        common["analyst_snapshot"] = dg.MetadataValue.path(str(result.snapshot))
    out = {name: {"dagster/row_count": count, **common}
           for name, count in result.row_counts.items()}
    if "deals" in out or "deal_skips" in out:
        with warehouse.connection(read_only=warehouse.engine == "postgres") as connection:
            summary = summarize(connection)
        for name in ("deals", "deal_skips"):
            if name in out:
                out[name]["deals_by_pipeline_stage"] = dg.MetadataValue.md(deals_markdown(summary))
                out[name]["skips_by_reason"] = dg.MetadataValue.md(skips_markdown(summary))
    if "owners" in out:
        out["owners"].update({"licensed_users": result.licensed_users,
                              "tombstoned_rows_removed": result.tombstoned_rows})
    return out
