"""dbt nodes -> Dagster assets. Sources are the extraction assets (salesforce/<object>); the
marts analysts read keep the keys deal_warehouse/<model>; the models in between (settings,
scope, rules, deal_imports) are deal_warehouse/internal/<model>; an analyst's model
(models/analyst/) is analyst/<model>, materialized after the deal models it reads
(automation condition eager)."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from assets.keys import ANALYST, DEAL_WAREHOUSE, model_key, object_key

# The deal models after an extraction that ran without them (a backfill launched from the asset
# graph). Ticks and the backfill job build them in the same run, and any_deps_updated ignores an
# update made by a run that also planned the model. Not eager(): eager also waits while any
# month of an extraction asset is missing, and the months before the synced history always are.
AFTER_EXTRACTION = (
    dg.AutomationCondition.any_deps_updated().since_last_handled()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
).with_label("after an extraction that did not build the deals")


def _folder(props: Mapping[str, Any]) -> str:
    fqn = props.get("fqn") or []
    return fqn[1] if len(fqn) > 2 else ""


class DealWarehouseTranslator(DagsterDbtTranslator):
    def __init__(self):
        # opportunity and opportunity_versions are both the Opportunity extraction asset.
        super().__init__(settings=DagsterDbtTranslatorSettings(
            enable_duplicate_source_asset_keys=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        props = dbt_resource_props
        if props["resource_type"] == "source":
            meta = props.get("meta") or {}
            if "salesforce_object" in meta:
                return object_key(meta["salesforce_object"])
            return dg.AssetKey([props["source_name"], props["name"]])
        folder = _folder(props)
        if folder == "marts":
            return model_key(props["name"])
        if folder == "analyst":
            return dg.AssetKey([ANALYST, props["name"]])
        return dg.AssetKey([DEAL_WAREHOUSE, "internal", props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return ANALYST if _folder(dbt_resource_props) == "analyst" else DEAL_WAREHOUSE

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]):
        if _folder(dbt_resource_props) == "analyst":
            return dg.AutomationCondition.eager()
        return AFTER_EXTRACTION

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        """dbt tests as asset checks, not blocking in Dagster's sense: a failing test already
        stops dbt's downstream models and fails the op (so nothing after it runs), and an
        incremental run that leaves the tests out must not warn about each one."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        return dg.AssetCheckSpec(name=spec.name, asset=spec.asset_key,
                                 description=spec.description, metadata=spec.metadata,
                                 additional_deps=spec.additional_deps, blocking=False)
