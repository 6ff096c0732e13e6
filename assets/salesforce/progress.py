"""Per-object extraction progress while a run goes: records landed against Salesforce's COUNT().

The extraction reports it through a callback (the asset turns each report into a Dagster
AssetObservation on the object's asset, which the run log and the asset's page show, and which
`make demo` draws its bars from). At most one report per object every `interval` seconds, plus
one when the object is done: Dagster stores every event, and a report per page would be
thousands in a large backfill.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

# (object, records landed so far, records expected or None, done)
Report = Callable[[str, int, int | None, bool], None]


@dataclass
class _Counts:
    landed: int = 0
    expected: int | None = None
    reported_at: float = 0.0


class Progress:
    def __init__(self, report: Report, interval: float = 5.0):
        self.report, self.interval = report, interval
        self.objects: dict[str, _Counts] = {}

    def _counts(self, name: str) -> _Counts:
        return self.objects.setdefault(name, _Counts())

    def expect(self, name: str, records: int) -> None:
        """A window's COUNT(): added, since QUERY_TIMEOUT halving counts each half."""
        counts = self._counts(name)
        counts.expected = (counts.expected or 0) + records

    def page(self, name: str, records: int) -> None:
        counts = self._counts(name)
        counts.landed += records
        now = time.monotonic()
        if now - counts.reported_at >= self.interval:
            counts.reported_at = now
            self.report(name, counts.landed, counts.expected, False)

    def done(self, name: str) -> None:
        counts = self._counts(name)
        self.report(name, counts.landed, counts.expected, True)
