"""The `deal_warehouse` assets: every model is its own asset, built by one op in one transaction.

One op because the models are one unit: deals and deal_skips must change together, and an
incremental run shares its scope (the changed opportunities) across all of them. Each asset
still reports its own row count and column schema; deals and deal_skips add Markdown tables of
counts by pipeline stage and by reason.
"""

from datetime import datetime

import dagster as dg

from assets.keys import object_key
from resources.clock import to_utc_naive
from resources.warehouse import WAREHOUSE_POOL, WarehouseResource

from .models import models
from .publish import publish_snapshot
from .runner import RunResult, run_transforms
from .summary import deals_markdown, skips_markdown, summarize

GROUP = "deal_warehouse"
FULL_REBUILD_TAG = "dealsync/full_rebuild"
_DEPENDS_ON = {"owners": [], "stages": [], "deal_classification": ["owners", "stages"],
               "deal_contacts": ["deal_classification"],
               "deal_activities": ["deal_classification"],
               "deal_emails": ["deal_classification"],
               "deals": ["deal_contacts", "deal_activities", "deal_emails"],
               "deal_skips": ["deal_classification"], "deal_stage_history": ["deals"],
               "deal_time_in_stage": ["deal_stage_history"], "deal_pipeline_daily": ["deals"],
               "owner_performance": ["deals"]}


def model_key(name: str) -> dg.AssetKey:
    return dg.AssetKey([GROUP, name])


class WarehouseRunConfig(dg.Config):
    """Run config of the deal_warehouse op; the defaults are what schedules and sensors use."""

    full_rebuild: bool = False  # rebuild every deal instead of only the changed ones
    as_of: str | None = None    # ISO timestamp the run is "as of" (replays, tests); default now


def _specs(settings) -> list[dg.AssetSpec]:
    sources = [object_key(name) for name in settings.enabled_objects()]
    specs = []
    for model in models():
        upstream = [model_key(d) for d in _DEPENDS_ON[model.name]] or sources
        specs.append(dg.AssetSpec(
            model_key(model.name), group_name=GROUP, deps=upstream, kinds={"sql"},
            description=f"{model.purpose}\n\nGrain: {model.grain}.",
            metadata={"dagster/column_schema": _schema(model)}))
    return specs


def _schema(model) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(c.name, c.type, description=c.doc)
                                   for c in model.columns])


def build_warehouse_asset(settings) -> dg.AssetsDefinition:
    @dg.multi_asset(name="deal_warehouse", specs=_specs(settings), pool=WAREHOUSE_POOL,
                    description="Builds the deal warehouse from staging: incremental by "
                    "default, a full rebuild on request or when the rules change.")
    def deal_warehouse(context: dg.AssetExecutionContext, config: WarehouseRunConfig,
                       warehouse: WarehouseResource):
        full = config.full_rebuild or context.run.tags.get(FULL_REBUILD_TAG) == "true"
        try:
            as_of = to_utc_naive(datetime.fromisoformat(config.as_of)) if config.as_of else None
        except ValueError:
            raise dg.Failure(f"config as_of: {config.as_of!r} is not an ISO timestamp "
                             "(e.g. 2026-03-31T23:59:59, UTC)") from None
        result = run_transforms(warehouse, settings, full_rebuild=full, as_of=as_of,
                                log=context.log)
        yield from materialize_results(warehouse, settings, result, context.log)

    return deal_warehouse


def materialize_results(warehouse, settings, result: RunResult, log):
    """MaterializeResults for every model, after publishing the analyst snapshot."""
    snapshot = None
    if settings.warehouse.publish_snapshot:
        snapshot = publish_snapshot(warehouse)
    with warehouse.connection() as connection:
        summary = summarize(connection)
    if result.licensed_users == 0:
        log.warning("No licensed users are configured: every deal is skipped as "
                    "owner_not_found. Set licensed_users in the settings.")
    for warning in result.warnings:
        log.warning(warning)
    for name, filled in result.filled_columns.items():
        log.info(f"src_{name}: not in staging, read as null: {', '.join(filled)}")
    common = {"mode": result.mode, "why": result.why, "as_of": result.as_of.isoformat(),
              "opportunities_in_scope": result.scope}
    if result.warnings:
        common["warnings"] = dg.MetadataValue.json(result.warnings)
    if snapshot is not None:
        common["analyst_snapshot"] = dg.MetadataValue.path(str(snapshot))
    for model in models():
        metadata = {"dagster/row_count": result.row_counts[model.name], **common}
        if model.name == "deals":
            metadata["deals_by_pipeline_stage"] = dg.MetadataValue.md(deals_markdown(summary))
            metadata["skips_by_reason"] = dg.MetadataValue.md(skips_markdown(summary))
        if model.name == "deal_skips":
            metadata["skips_by_reason"] = dg.MetadataValue.md(skips_markdown(summary))
            metadata["deals_by_pipeline_stage"] = dg.MetadataValue.md(deals_markdown(summary))
        if model.name == "owners":
            metadata["licensed_users"] = result.licensed_users
            metadata["tombstoned_rows_removed"] = result.tombstoned_rows
        yield dg.MaterializeResult(asset_key=model_key(model.name), metadata=metadata)
