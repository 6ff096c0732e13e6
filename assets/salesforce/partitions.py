"""Backfill windows on SystemModstamp: one partition per month, built from the extraction
settings when the code location loads (never at import).

Monthly, so Dagster's bookkeeping stays small next to the work: a 6-month backfill spans 7
partitions, all history from a start_date five years back at most 60. The current month is
itself a partition (the 10-minute schedule refreshes it), and the first partition also covers
everything modified before it, so a backfill of every partition is all history.
"""

from datetime import date, datetime, time, timedelta, timezone
from functools import cache

import dagster as dg

from resources.settings import history_start


@cache
def backfill_windows(first_day: date) -> dg.MonthlyPartitionsDefinition:
    return dg.MonthlyPartitionsDefinition(start_date=first_day.replace(day=1).isoformat(),
                                          end_offset=1, timezone="UTC")


def current_window_key(now: datetime | None = None) -> str:
    """The partition key of the window a tick refreshes: the current month's first day."""
    return (now or datetime.now(timezone.utc)).date().replace(day=1).isoformat()


def period_ranges(windows: dg.MonthlyPartitionsDefinition, period: str, today: date,
                  per_run: int) -> list[tuple[str, str]]:
    """(first, last) partition keys of each backfill run for `period`, oldest first; [] for
    `skip`. The first range starts at the month the period starts in."""
    end_of_today = datetime.combine(today + timedelta(days=1), time(), tzinfo=timezone.utc)
    keys = windows.get_partition_keys(current_time=end_of_today)
    start = history_start(period, date.fromisoformat(keys[0]), today)
    if start is None:
        return []
    wanted = [k for k in keys if k >= start.replace(day=1).isoformat()]
    return [(chunk[0], chunk[-1])
            for chunk in (wanted[i:i + per_run] for i in range(0, len(wanted), per_run))]
