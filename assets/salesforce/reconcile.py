"""Daily hard-delete reconciliation: Salesforce empties its recycle bin after about 15 days, and
a purged record never shows up again, not even to queryAll. Comparing the Id set Salesforce
still has (Id-only queryAll, Bulk when large) with staging finds them; they are marked deleted.
"""

import dagster as dg

from assets.keys import HARD_DELETES_KEY, SALESFORCE, object_key
from resources.salesforce import SalesforceResource
from resources.salesforce.errors import BulkUnavailable
from resources.settings import ExtractionSettings, ObjectSpec
from resources.staging.naming import table_name
from resources.warehouse import WarehouseResource

from .convert import csv_to_table

ID_FIELDS = {"Id": "id"}


def _id_pages(client, object_name: str, bulk_threshold: int, log):
    """Every Id Salesforce still has for the object, recycle bin included (queryAll)."""
    soql = f"SELECT Id FROM {object_name}"
    if client.count(object_name, include_deleted=True) > bulk_threshold:
        try:
            for page in client.bulk_query_pages(soql, object=object_name, include_deleted=True):
                yield from csv_to_table(page, ID_FIELDS, object_name).column("Id").to_pylist()
            return
        except BulkUnavailable as exc:
            log.warning(f"{object_name}: Bulk refused the Id query ({exc}); reading Ids over REST")
    for page in client.query_pages(soql, object=object_name, include_deleted=True):
        yield from (r["Id"] for r in page)


def build_reconcile_asset(extraction: ExtractionSettings,
                          specs: list[ObjectSpec]) -> dg.AssetsDefinition:
    threshold = extraction.bulk_threshold

    @dg.asset(key=HARD_DELETES_KEY, group_name=SALESFORCE, kinds={"salesforce"},
              deps=[object_key(s.name) for s in specs], pool="salesforce_api",
              description="Marks staged records that Salesforce purged (hard deletes).")
    def hard_deletes(context: dg.AssetExecutionContext, salesforce: SalesforceResource,
                     warehouse: WarehouseResource) -> dg.MaterializeResult:
        purged = {}
        with salesforce.client(log=context.log) as client:
            for spec in specs:
                if not warehouse.table_exists("staging", table_name(spec.name)):
                    continue  # never extracted: nothing to reconcile
                purged[spec.name] = warehouse.mark_hard_deleted(
                    spec.name, _id_pages(client, spec.name, threshold, context.log))
            calls = client.accounting()["api_calls"]
        return dg.MaterializeResult(metadata={
            "purged_total": sum(purged.values()), "api_calls": int(calls),
            "purged_by_object": dg.MetadataValue.json(purged)})

    return hard_deletes
