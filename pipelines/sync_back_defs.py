"""Quality gate and sync-back definitions (checks, outbox, sink), merged into the code location.

The incremental job runs extraction, the deal warehouse and this group in one run, so the
blocking checks gate the sink in the run they belong to. `sync_back` runs the outbox, its check
and the sink alone (for instance after rows were inserted into the outbox by hand).
"""

import dagster as dg

from assets.checks.quality_checks import build_quality_checks
from assets.sync_back.assets import GROUP, build_outbox_asset, build_sink_asset

sync_back_job = dg.define_asset_job(
    "sync_back", selection=dg.AssetSelection.groups(GROUP),
    description="Fill the outbox from the follow-up rules, check it, and write due Tasks.")


def sync_back_definitions(settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[build_outbox_asset(settings), build_sink_asset(settings)],
        asset_checks=build_quality_checks(settings),
        jobs=[sync_back_job],
    )
