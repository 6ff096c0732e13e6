"""The faults each chaos round arms on the emulator, and what fired, by kind.

Rates apply to every matching call, retries included, so a round's faults scale with the calls
its tick makes. Kills and token expiries are the driver's own (test_chaos.py) and are counted
there.
"""

from collections import Counter

DATA = "^/services/data/"
ROUND_FAULTS = [  # about 40% of data calls fail once; five tries per call absorb most
    ("5xx", {"kind": "error", "status": 503, "code": "SERVER_UNAVAILABLE",
             "message": "Server Unavailable", "rate": 0.25, "match": DATA}),
    ("5xx", {"kind": "error", "status": 500, "code": "UNKNOWN_EXCEPTION",
             "message": "An unexpected error occurred", "rate": 0.05, "match": DATA}),
    ("dropped mid-page", {"kind": "drop", "after_bytes": 200, "rate": 0.15, "match": DATA,
                          "method": "GET"}),
    ("dropped after a write", {"kind": "drop", "after_bytes": 0, "next": 1,
                               "match": "/composite/sobjects", "method": "POST"}),
    ("UNABLE_TO_LOCK_ROW", {"kind": "record_error", "code": "UNABLE_TO_LOCK_ROW", "status": 400,
                            "message": "unable to obtain exclusive access to this record",
                            "rate": 0.3, "object": "Task"}),
    ("latency", {"kind": "latency", "seconds": 0.3, "rate": 0.5, "match": DATA}),
]
QUOTA = ("403 REQUEST_LIMIT_EXCEEDED", {"kind": "error", "status": 403,
                                        "code": "REQUEST_LIMIT_EXCEEDED",
                                        "message": "TotalRequests Limit exceeded.", "next": 1,
                                        "match": DATA})
# A Task write that commits while its sender waits; the driver kills the run meanwhile.
STALLED_TASK_WRITE = {"kind": "stall", "seconds": 120, "next": 1,
                      "match": "/composite/sobjects", "method": "POST"}
BACKFILL_FAULTS = [  # a backfill must succeed: only what retries absorb
    ("5xx", {"kind": "error", "status": 503, "code": "SERVER_UNAVAILABLE",
             "message": "Server Unavailable", "next": 4, "match": DATA}),
    ("dropped mid-page", {"kind": "drop", "after_bytes": 500, "next": 3, "match": "/query",
                          "method": "GET"}),
    ("latency", {"kind": "latency", "seconds": 0.3, "rate": 0.2, "match": DATA}),
]


class FaultLedger:
    """Arms a round's faults and adds up what fired once the round is over."""

    def __init__(self, control):
        self.control = control
        self.fired: Counter = Counter()
        self._labels: list[str] = []

    def arm(self, faults: list[tuple[str, dict]]) -> None:
        for label, spec in faults:
            self.control.fault(**spec)
            self._labels.append(label)

    def arm_round(self, number: int) -> None:
        self.arm(ROUND_FAULTS + ([QUOTA] if number % 4 == 2 else []))

    def collect(self) -> None:
        """Count what fired (in arming order) and disarm everything."""
        for label, fault in zip(self._labels, self.control.faults(), strict=False):
            self.fired[label] += fault["fired"]
        self.control.clear_faults()
        self._labels = []

    def count(self, label: str, times: int = 1) -> None:
        self.fired[label] += times
