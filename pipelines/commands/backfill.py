"""`dealsync backfill`: the backfill of a period (the settings' extraction.backfill_period unless
--period says otherwise), as the `backfill` job's ranged runs in this process: no daemon
needed, and the runs show in the Dagster UI like any other. From the UI, launch the job
`backfill_period` instead.

    dealsync backfill                 # run it, recorded in $DAGSTER_HOME
    dealsync backfill --period 1y     # another period
    dealsync backfill --dry-run       # print the runs only
"""

import argparse
from datetime import datetime, timezone

from resources.settings import BACKFILL_PERIODS


def add_parser(commands) -> None:
    parser = commands.add_parser("backfill", help="backfill a period of history",
                                 description=__doc__.splitlines()[0])
    parser.add_argument("--period", choices=BACKFILL_PERIODS,
                        help="default: extraction.backfill_period in the settings")
    parser.add_argument("--dry-run", action="store_true", help="print the runs, run nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import uuid

    import dagster as dg

    from assets.keys import object_key
    from assets.salesforce.partitions import period_ranges
    from resources.settings import load_settings

    from ..backfill import RANGED, run_tags
    from ..definitions import defs

    settings = load_settings()
    period = args.period or settings.extraction.backfill_period
    definitions = defs()
    windows = definitions.get_assets_def(object_key("Opportunity")).partitions_def
    ranges = period_ranges(windows, period, datetime.now(timezone.utc).date(),
                           settings.extraction.max_partitions_per_run)
    if not ranges:
        print(f"Period {period}: no history to load; the 10-minute ticks sync from now on.")
        return 0
    print(f"Period {period}: {len(ranges)} run(s) over partitions {ranges[0][0]} .. "
          f"{ranges[-1][1]}")
    if args.dry_run:
        for first, last in ranges:
            print(f"  {first} .. {last}")
        return 0
    job, request = definitions.resolve_job_def(RANGED), f"cli-{uuid.uuid4().hex[:12]}"
    with dg.DagsterInstance.get() as instance:
        for first, last in ranges:
            result = job.execute_in_process(instance=instance, raise_on_error=False,
                                            tags=run_tags(period, request, first, last))
            print(f"  {first} .. {last}: run {result.run_id} "
                  f"{'succeeded' if result.success else 'FAILED'}")
            if not result.success:
                return 1
    return 0
