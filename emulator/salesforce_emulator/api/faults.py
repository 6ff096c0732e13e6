"""Fault injection: the failures a pipeline must survive, on demand.

A fault matches requests by path regex and method, and fires on the next N matching calls or at
a rate (seeded, so a test is repeatable). Kinds:
  error         reply with `status` and a Salesforce error body (`code`, `message`)
  latency       sleep `seconds` before answering
  drop          send the headers and `after_bytes` of the body, then cut the connection
  stall         answer `seconds` late, after the call took effect: a write that committed
                while its client waits (and may die) before hearing so
  record_error  fail individual record writes (REST and collections) with `code`, as
                UNABLE_TO_LOCK_ROW does in a busy org; the rest of the request succeeds
"""

import random
import re
import threading
from dataclasses import dataclass

KINDS = ("error", "latency", "drop", "record_error", "stall")


@dataclass
class Fault:
    kind: str
    match: str = ""
    method: str | None = None
    next: int | None = None
    rate: float | None = None
    status: int = 503
    code: str = "SERVER_UNAVAILABLE"
    message: str = "Server Unavailable"
    seconds: float = 0.0
    after_bytes: int = 0
    object: str | None = None
    fired: int = 0

    def applies(self, method: str, path: str, rng: random.Random) -> bool:
        if self.method and self.method.upper() != method:
            return False
        if self.match and not re.search(self.match, path):
            return False
        if self.next is not None:
            return self.fired < self.next
        if self.rate is not None:
            return rng.random() < self.rate
        return True


class Faults:
    def __init__(self, seed: int = 0):
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._rng = random.Random(seed)

    def add(self, spec: dict) -> Fault:
        if spec.get("kind") not in KINDS:
            raise ValueError(f"fault kind must be one of {KINDS}, got {spec.get('kind')!r}")
        fault = Fault(**{k: v for k, v in spec.items() if k != "fired"})
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, kind: str, method: str, path: str, obj: str | None = None) -> Fault | None:
        """The first armed fault of `kind` matching this call; counts it as fired."""
        with self._lock:
            for fault in self._faults:
                if fault.kind != kind:
                    continue
                if obj is not None and fault.object and fault.object.lower() != obj.lower():
                    continue
                if fault.applies(method, path, self._rng):
                    fault.fired += 1
                    return fault
        return None

    def snapshot(self) -> list[dict]:
        with self._lock:
            return [vars(f).copy() for f in self._faults]
