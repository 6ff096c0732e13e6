"""Which SystemModstamp window a run extracts, and the SOQL that reads it.

Windows are half-open, `[start, end)`: `SystemModstamp >= start AND SystemModstamp < end`, so
adjacent windows neither overlap nor leave a gap (peers that use `>` alone lose ties). A tick
reads from its high-water mark minus a lookback to now minus a safety lag: a record committed
late with a SystemModstamp just behind the mark is still caught, and the newest minute, which
may still be committing, is left for the next tick.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from resources.clock import to_utc_naive


@dataclass(frozen=True)
class Window:
    start: datetime  # naive UTC
    end: datetime

    def halves(self) -> tuple["Window", "Window"]:
        middle = self.start + (self.end - self.start) / 2
        middle = middle.replace(microsecond=0)
        return Window(self.start, middle), Window(middle, self.end)

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def label(self) -> str:
        return f"[{self.start.isoformat()}Z, {self.end.isoformat()}Z)"


def soql_literal(ts: datetime) -> str:
    return to_utc_naive(ts).strftime("%Y-%m-%dT%H:%M:%SZ")


def window_where(window: Window) -> str:
    return (f"SystemModstamp >= {soql_literal(window.start)}"
            f" AND SystemModstamp < {soql_literal(window.end)}")


def window_soql(object_name: str, fields: list[str], window: Window | None) -> str:
    """SELECT the fields of records whose SystemModstamp is in `window` (None: every record)."""
    soql = f"SELECT {', '.join(fields)} FROM {object_name}"
    return soql if window is None else f"{soql} WHERE {window_where(window)}"


EPOCH = datetime(1970, 1, 1)


def backfill_window(partition_start: datetime, partition_end: datetime, now: datetime,
                    safety_lag: timedelta, first_partition_start: datetime) -> Window | None:
    """The partition range, cut at now − lag; None when it lies wholly in the future. A range
    that starts at the first partition reaches back to the beginning of time."""
    end = min(to_utc_naive(partition_end), now - safety_lag).replace(microsecond=0)
    start = to_utc_naive(partition_start)
    if start <= to_utc_naive(first_partition_start):
        start = EPOCH
    return Window(start, end) if end > start else None


def tick_window(high_water_mark: datetime | None, partition_start: datetime, now: datetime,
                lookback: timedelta, safety_lag: timedelta, no_history: bool) -> Window:
    """[mark − lookback, now − lag). With no mark yet: from the start of the current partition,
    or from now − lookback when the backfill period is `skip`."""
    end = (now - safety_lag).replace(microsecond=0)
    if high_water_mark is not None:
        start = high_water_mark - lookback
    elif no_history:
        start = end - lookback
    else:
        start = to_utc_naive(partition_start)
    return Window(min(start, end), end)
