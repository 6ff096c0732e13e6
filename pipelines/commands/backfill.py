"""`dealsync backfill`: the backfill the settings ask for: `backfill_period` (30d ... 1y, all,
skip) mapped onto the extraction partitions, run as ranged runs of the `backfill_period` job
(extraction, then the deal warehouse), at most `extraction.max_partitions_per_run` each.

    dealsync backfill            # run it, recorded in $DAGSTER_HOME
    dealsync backfill --dry-run  # print the ranges only

The runs execute in this process, so no daemon is needed; they show in the Dagster UI like
any other run. From the UI, the same job can be backfilled over any partition range.
"""

import argparse
from datetime import date, datetime, timedelta, timezone

from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from resources.settings import Settings, load_settings
from resources.settings.deal_rules import backfill_start

from ..jobs import BACKFILL_PERIOD

JOB_NAME = "backfill_period"
PERIOD_TAG = "dealsync/backfill_period"


def backfill_ranges(settings: Settings, today: date | None = None) -> list[tuple[str, str]]:
    """(first, last) partition keys of each run, oldest first; [] for `skip`."""
    today = today or datetime.now(timezone.utc).date()
    first = backfill_start(settings.backfill_period, settings.extraction.first_day(), today)
    if first is None or first > today:
        return []
    size = settings.extraction.max_partitions_per_run
    ranges, start = [], first
    while start <= today:
        end = min(start + timedelta(days=size - 1), today)
        ranges.append((start.isoformat(), end.isoformat()))
        start = end + timedelta(days=1)
    return ranges


def run_tags(settings: Settings, first: str, last: str) -> dict[str, str]:
    return {ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last,
            PERIOD_TAG: settings.backfill_period}


def add_parser(commands) -> None:
    parser = commands.add_parser("backfill", help="backfill the period the settings ask for",
                                 description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the ranges, run nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    ranges = backfill_ranges(settings)
    if not ranges:
        print(f"backfill_period is {settings.backfill_period!r}: nothing to backfill.")
        return 0
    print(f"backfill_period {settings.backfill_period}: {len(ranges)} run(s) over "
          f"{ranges[0][0]} .. {ranges[-1][1]}")
    if args.dry_run:
        for first, last in ranges:
            print(f"  {first} .. {last}")
        return 0
    import dagster as dg

    from ..definitions import defs

    job = defs().resolve_job_def(BACKFILL_PERIOD)
    with dg.DagsterInstance.get() as instance:
        for first, last in ranges:
            result = job.execute_in_process(instance=instance,
                                            tags=run_tags(settings, first, last),
                                            raise_on_error=False)
            print(f"  {first} .. {last}: run {result.run_id} "
                  f"{'succeeded' if result.success else 'FAILED'}")
            if not result.success:
                return 1
    return 0

