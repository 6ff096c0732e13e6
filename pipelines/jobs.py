"""Jobs: the incremental sync (what the schedule runs) and the hard-delete reconciliation."""

import dagster as dg

from assets.salesforce.extract_asset import GROUP

# Everything downstream of extraction joins this selection as later stages land.
SYNC_SELECTION = dg.AssetSelection.groups(GROUP)

incremental_sync_job = dg.define_asset_job(
    "incremental_sync", selection=SYNC_SELECTION,
    description="The newest window of every enabled object (and everything downstream).",
    tags={"dagster/max_retries": 1},
)

reconcile_deletes_job = dg.define_asset_job(
    "reconcile_hard_deletes", selection=dg.AssetSelection.assets(["salesforce", "hard_deletes"]),
    description="Compare Id sets with Salesforce and mark records purged from its recycle bin.",
)
