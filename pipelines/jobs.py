"""Jobs: the incremental sync (what the schedule runs) and the hard-delete reconciliation."""

import dagster as dg

from assets.salesforce.extract_asset import GROUP

# Extraction, then the deal warehouse, its checks and the sink, all in one run: a blocking check
# can only stop the sink within the run it belongs to.
# The hard-delete reconciliation reads every Id of every object: daily, never on a tick.
HARD_DELETES = dg.AssetSelection.assets(dg.AssetKey([GROUP, "hard_deletes"]))
SYNC_SELECTION = dg.AssetSelection.groups(GROUP, "deal_warehouse", "sync_back") - HARD_DELETES

incremental_sync_job = dg.define_asset_job(
    "incremental_sync", selection=SYNC_SELECTION,
    description="The newest window of every enabled object (and everything downstream).",
    tags={"dagster/max_retries": 1},
)

reconcile_deletes_job = dg.define_asset_job(
    "reconcile_hard_deletes", selection=HARD_DELETES,
    description="Compare Id sets with Salesforce and mark records purged from its recycle bin.",
)
