"""Deal warehouse definitions (transforms, sensors, purge job), merged into the code location.

- assets: the `deal_warehouse` group (assets/deal_warehouse/: one asset per dbt model in
  transforms/), downstream of the extraction assets; the incremental job runs them after every
  tick. Analysts' own models (transforms/models/analyst/) are the `analyst` group.
- jobs: `deal_warehouse_transforms` (transforms only, what the sensors run; config
  `full_rebuild: true` for a full rebuild), `deal_warehouse_full_rebuild` (the same, always
  full), and `purge_personal_data` (GDPR erasure).
- sensors: pipelines/warehouse_sensors.py.
"""

import dagster as dg

from assets.deal_warehouse.asset import build_warehouse_asset, run_metadata
from assets.deal_warehouse.purge import PurgeRequest, PurgeRequestError, purge
from assets.deal_warehouse.run import WarehouseBuildError, mart_models
from assets.keys import DEAL_WAREHOUSE, FULL_REBUILD_TAG, model_key
from resources.warehouse import WAREHOUSE_POOL, WarehouseResource

from .warehouse_sensors import build_sensors

TRANSFORMS = dg.AssetSelection.groups(DEAL_WAREHOUSE)

transform_job = dg.define_asset_job(
    "deal_warehouse_transforms", selection=TRANSFORMS,
    description="Re-run the deal warehouse transforms from staging, without extracting.")

full_rebuild_job = dg.define_asset_job(
    "deal_warehouse_full_rebuild", selection=TRANSFORMS, tags={FULL_REBUILD_TAG: "true"},
    description="Rebuild every deal from staging (retention and purges are kept).")


class PurgeConfig(dg.Config):
    """Exactly one subject; request_reference is the ticket number the audit log keeps."""

    opportunity_id: str | None = None
    contact_id: str | None = None
    email: str | None = None
    request_reference: str = ""


def build_purge_job(settings) -> dg.JobDefinition:
    @dg.op(name="purge_subject", pool=WAREHOUSE_POOL,
           description="Erase a deal or a person from staging and the warehouse; tombstone it.")
    def purge_subject(context: dg.OpExecutionContext, config: PurgeConfig,
                      warehouse: WarehouseResource) -> dg.Output:
        try:
            request = PurgeRequest.parse(config.opportunity_id, config.contact_id,
                                         config.email, config.request_reference)
        except PurgeRequestError as exc:
            raise dg.Failure(description=f"purge config: {exc}") from None
        try:
            result = purge(warehouse, settings, request, log=context.log)
        except WarehouseBuildError as exc:
            raise dg.Failure(description=f"purge: the subject is erased from staging, but "
                             f"the warehouse was not rebuilt: {exc}") from None
        if result.records_erased == 0:
            context.log.warning("Nothing staged matched the request; the subject is "
                                "tombstoned only if an Id was given.")
        for name, metadata in run_metadata(warehouse, result.run, context.log).items():
            if name in mart_models():
                context.log_event(dg.AssetMaterialization(model_key(name), metadata=metadata))
        return dg.Output(None, metadata={
            "request_id": result.request_id, "records_erased": result.records_erased,
            "rows_removed": dg.MetadataValue.json(result.rows_removed)})

    @dg.job(name="purge_personal_data", tags={"dealsync/kind": "purge"},
            description="GDPR erasure of one deal (opportunity_id) or person (contact_id or "
            "email); later syncs cannot bring it back.")
    def purge_personal_data():
        purge_subject()

    return purge_personal_data


def warehouse_definitions(settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[build_warehouse_asset(settings)],
        jobs=[transform_job, full_rebuild_job, build_purge_job(settings)],
        sensors=build_sensors(transform_job),
    )
