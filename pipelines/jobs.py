"""Jobs: the incremental sync (what the 10-minute schedule runs), the daily reconciliation,
sync-back alone, and the status refresh. The backfill jobs are in backfill.py."""

import dagster as dg

from assets.keys import (
    DEAL_WAREHOUSE,
    OPERATIONS,
    RECONCILIATION_KEY,
    SALESFORCE,
    SYNC_BACK,
    SYNC_STATUS_KEY,
)

INCREMENTAL_SYNC = "incremental_sync"

# Extraction, then the deal warehouse, its checks and the sink, all in one run: a blocking check
# can only stop the sink within the run it belongs to.
# The reconciliation reads every record of every object: daily, never on a tick.
RECONCILIATION = dg.AssetSelection.assets(RECONCILIATION_KEY)
SYNC_SELECTION = dg.AssetSelection.groups(SALESFORCE, DEAL_WAREHOUSE, SYNC_BACK) - RECONCILIATION

incremental_sync_job = dg.define_asset_job(
    INCREMENTAL_SYNC, selection=SYNC_SELECTION,
    description="The newest window of every enabled object (and everything downstream).",
    tags={"dagster/max_retries": 1},
)

reconciliation_job = dg.define_asset_job(
    "reconciliation", selection=RECONCILIATION,
    description="Compare every record with Salesforce; read again what staging holds stale "
                "(late commits, deletes, undeletes, formula values) and mark purged records. "
                "The next tick carries the corrections into the deal warehouse.",
)

sync_back_job = dg.define_asset_job(
    "sync_back", selection=dg.AssetSelection.groups(SYNC_BACK),
    description="Fill the outbox from the follow-up rules, check it, and write due Tasks.")

sync_status_job = dg.define_asset_job(
    "sync_status", selection=dg.AssetSelection.assets(SYNC_STATUS_KEY),
    description=f"Refresh the {OPERATIONS}/sync_status asset (reads only).")

