"""Jobs: the incremental sync (what the 10-minute schedule runs), the daily hard-delete
reconciliation, sync-back alone, and the status refresh. The backfill jobs are in backfill.py."""

import dagster as dg

from assets.keys import (
    DEAL_WAREHOUSE,
    HARD_DELETES_KEY,
    OPERATIONS,
    SALESFORCE,
    SYNC_BACK,
    SYNC_STATUS_KEY,
)

INCREMENTAL_SYNC = "incremental_sync"

# Extraction, then the deal warehouse, its checks and the sink, all in one run: a blocking check
# can only stop the sink within the run it belongs to.
# The hard-delete reconciliation reads every Id of every object: daily, never on a tick.
HARD_DELETES = dg.AssetSelection.assets(HARD_DELETES_KEY)
SYNC_SELECTION = dg.AssetSelection.groups(SALESFORCE, DEAL_WAREHOUSE, SYNC_BACK) - HARD_DELETES

incremental_sync_job = dg.define_asset_job(
    INCREMENTAL_SYNC, selection=SYNC_SELECTION,
    description="The newest window of every enabled object (and everything downstream).",
    tags={"dagster/max_retries": 1},
)

reconcile_deletes_job = dg.define_asset_job(
    "reconcile_hard_deletes", selection=HARD_DELETES,
    description="Compare Id sets with Salesforce and mark records purged from its recycle bin.",
)

sync_back_job = dg.define_asset_job(
    "sync_back", selection=dg.AssetSelection.groups(SYNC_BACK),
    description="Fill the outbox from the follow-up rules, check it, and write due Tasks.")

sync_status_job = dg.define_asset_job(
    "sync_status", selection=dg.AssetSelection.assets(SYNC_STATUS_KEY),
    description=f"Refresh the {OPERATIONS}/sync_status asset (reads only).")

