"""Daily backfill windows on SystemModstamp; the current day is itself a partition."""

import dagster as dg

from .settings import cached_settings

daily_windows = dg.DailyPartitionsDefinition(
    start_date=cached_settings().extraction.start_date.isoformat(), end_offset=1, timezone="UTC")
