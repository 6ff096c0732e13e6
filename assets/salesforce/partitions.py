"""Backfill windows on SystemModstamp, built from the extraction settings when the code location
loads (never at import). The current day is itself a partition, and the first partition also
covers everything modified before it, so a backfill of every partition is all history.
"""

from datetime import date
from functools import cache

import dagster as dg


@cache
def backfill_windows(first_day: date) -> dg.DailyPartitionsDefinition:
    return dg.DailyPartitionsDefinition(start_date=first_day.isoformat(), end_offset=1,
                                        timezone="UTC")
