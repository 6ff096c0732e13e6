"""Every asset key, group and run tag dealsync defines, written once."""

import dagster as dg

from resources.staging.naming import table_name

SALESFORCE = "salesforce"
DEAL_WAREHOUSE = "deal_warehouse"
SYNC_BACK = "sync_back"
OPERATIONS = "operations"
ANALYST = "analyst"  # analysts' own dbt models (transforms/models/analyst/)

# Run tags: the 10-minute tick sets MODE_TAG=incremental; FULL_REBUILD_TAG asks the deal
# warehouse to rebuild every deal.
MODE_TAG = "dealsync/mode"
REJECTS_CHECK = "rejects"  # the WARN check on each extracted object
FULL_REBUILD_TAG = "dealsync/full_rebuild"


def object_key(object_name: str) -> dg.AssetKey:
    """`Opportunity` -> salesforce/opportunity: the staged object."""
    return dg.AssetKey([SALESFORCE, table_name(object_name)])


def model_key(name: str) -> dg.AssetKey:
    """A deal-warehouse model, e.g. deal_warehouse/deals."""
    return dg.AssetKey([DEAL_WAREHOUSE, name])


RECONCILIATION_KEY = dg.AssetKey([SALESFORCE, "reconciliation"])
DEALS_KEY = model_key("deals")
DEAL_SKIPS_KEY = model_key("deal_skips")
OWNERS_KEY = model_key("owners")
STAGES_KEY = model_key("stages")
OUTBOX_KEY = dg.AssetKey([SYNC_BACK, "sync_back_tasks"])
SINK_KEY = dg.AssetKey([SYNC_BACK, "salesforce_tasks"])
FIELD_UPDATES_KEY = dg.AssetKey([SYNC_BACK, "salesforce_field_updates"])
DOCUMENTS_KEY = dg.AssetKey([SYNC_BACK, "salesforce_deal_documents"])
SYNC_STATUS_KEY = dg.AssetKey([OPERATIONS, "sync_status"])
