"""Daily backfill windows on SystemModstamp; the current day is itself a partition.

The first partition also covers everything modified before it, so a backfill of every
partition is a backfill of all history.
"""

import dagster as dg

from .settings import cached_settings

daily_windows = dg.DailyPartitionsDefinition(
    start_date=cached_settings().extraction.first_day().isoformat(), end_offset=1, timezone="UTC")
