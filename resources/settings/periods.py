"""How much history a backfill loads: the periods a data engineer picks, and where each starts.

What a period means: which deals, and their activity, come in (opportunities, tasks, events and
emails modified in the period). Everything those deals refer to (account, owner and creator,
contact roles and their contacts, record type, stage) is staged whatever its age.
"""

from datetime import date, timedelta
from enum import Enum


class BackfillPeriod(str, Enum):
    """The choices the Launchpad of the `backfill_period` job offers."""

    DAYS_30 = "30d"
    DAYS_60 = "60d"
    DAYS_90 = "90d"
    MONTHS_6 = "6m"
    YEAR_1 = "1y"
    ALL = "all"    # everything from extraction.start_date (whose first partition holds the rest)
    SKIP = "skip"  # no history: syncing starts now


BACKFILL_PERIODS = tuple(p.value for p in BackfillPeriod)
PERIOD_DAYS = {"30d": 30, "60d": 60, "90d": 90, "6m": 182, "1y": 365}


def history_start(period: str, first_day: date, today: date) -> date | None:
    """The first day a backfill of `period` covers (None for `skip`), never before first_day."""
    if period == "skip":
        return None
    if period == "all":
        return first_day
    return max(first_day, today - timedelta(days=PERIOD_DAYS[period] - 1))
