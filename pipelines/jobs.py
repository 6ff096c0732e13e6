"""Jobs: the incremental sync (what the schedule runs) and the hard-delete reconciliation."""

import dagster as dg

from assets.salesforce.extract_asset import GROUP

# Extraction, then the deal warehouse, its checks and the sink, all in one run: a blocking check
# can only stop the sink within the run it belongs to.
SYNC_SELECTION = dg.AssetSelection.groups(GROUP, "deal_warehouse", "sync_back")

incremental_sync_job = dg.define_asset_job(
    "incremental_sync", selection=SYNC_SELECTION,
    description="The newest window of every enabled object (and everything downstream).",
    tags={"dagster/max_retries": 1},
)

reconcile_deletes_job = dg.define_asset_job(
    "reconcile_hard_deletes", selection=dg.AssetSelection.assets(["salesforce", "hard_deletes"]),
    description="Compare Id sets with Salesforce and mark records purged from its recycle bin.",
)
