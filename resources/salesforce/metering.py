"""API-call accounting and the quota guard, at the one place every call passes: the session.

simple-salesforce sends every REST, Bulk 2.0 and composite request through the
`requests.Session` we give it, so a session subclass sees each attempt (Bulk polls and result
pages included) without touching the client. The guard runs before each request; the meter
counts it under the object and API the client declared with `call_scope`.
"""

import threading
from collections import Counter, defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from fractions import Fraction

import requests
from simple_salesforce import Salesforce

from .errors import QuotaStop

APIS = ("rest", "bulk", "composite")
LOGIN = "oauth"  # token requests: not metered against the daily API limit


@dataclass(frozen=True)
class CallScope:
    api: str = "rest"
    objects: tuple[str, ...] = ()


_current_scope: ContextVar[CallScope] = ContextVar("salesforce_call_scope",
                                                  default=CallScope())  # noqa: B039 (frozen)


@contextmanager
def call_scope(api: str, objects: tuple[str, ...] | list[str] = ()):
    """Attribute the requests made inside the block to `api` and `objects` (shared evenly)."""
    token = _current_scope.set(CallScope(api, tuple(objects)))
    try:
        yield
    finally:
        _current_scope.reset(token)


class CallMeter:
    """What this run spent: calls per API and per object, retries, logins, last org usage."""

    def __init__(self):
        self._lock = threading.Lock()
        self.calls: Counter = Counter()
        self.by_object: dict[str, Counter] = defaultdict(Counter)
        self.retries: Counter = Counter()
        self.logins = 0
        self.relogins = 0
        self.org_used: int | None = None
        self.org_max: int | None = None

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def record_call(self, scope: CallScope) -> None:
        with self._lock:
            self.calls[scope.api] += 1
            share = Fraction(1, len(scope.objects)) if scope.objects else 0
            for name in scope.objects:
                self.by_object[name][scope.api] += share

    def record_usage(self, limit_info: str) -> None:
        """Sforce-Limit-Info, parsed by simple-salesforce's own parser (the one behind sf.api_usage)."""
        usage = Salesforce.parse_api_usage(limit_info).get("api-usage")
        if usage is not None:
            with self._lock:
                self.org_used, self.org_max = usage.used, usage.total

    def record_retry(self, reason: str) -> None:
        with self._lock:
            self.retries[reason] += 1

    def snapshot(self) -> dict:
        """Plain JSON-able dict for Dagster metadata."""
        with self._lock:
            by_object = {
                name: {api: (int(n) if n.denominator == 1 else round(float(n), 3))
                       for api, n in sorted(apis.items())}
                for name, apis in sorted(self.by_object.items())}
            return {
                "api_calls": self.total,
                "by_api": {api: self.calls.get(api, 0) for api in APIS},
                "by_object": by_object,
                "retries": dict(self.retries),
                "retried_attempts": sum(self.retries.values()),
                "logins": self.logins,
                "relogins": self.relogins,
                "org_api_usage": (f"{self.org_used}/{self.org_max}"
                                  if self.org_max is not None else None),
            }


class QuotaGuard:
    """Stops the run before a call that would eat into other integrations' share of the org limit."""

    def __init__(self, meter: CallMeter, quota_share: float, run_call_cap: int | None):
        self.meter, self.quota_share, self.run_call_cap = meter, quota_share, run_call_cap

    def check(self) -> None:
        meter = self.meter
        if self.run_call_cap is not None and meter.total >= self.run_call_cap:
            raise QuotaStop(
                f"Salesforce quota guard: this run already made {meter.total} API calls, its cap "
                f"(run_call_cap={self.run_call_cap}). Stopping before the next call; the next run "
                "continues from the checkpoint (raise run_call_cap to let one run do more).",
                reason="run_cap", used=meter.org_used, daily_max=meter.org_max,
                run_calls=meter.total)
        if meter.org_max and meter.org_used >= self.quota_share * meter.org_max:
            raise QuotaStop(
                f"Salesforce quota guard: the org has used {meter.org_used} of {meter.org_max} "
                f"daily API requests ({meter.org_used / meter.org_max:.0%}), at or above "
                f"quota_share={self.quota_share:g}. Stopping before the next call to leave "
                "headroom for other integrations; the next run continues from the checkpoint "
                "once usage falls (24 h rolling window), or raise quota_share.",
                reason="org_share", used=meter.org_used, daily_max=meter.org_max,
                run_calls=meter.total)


class MeteredSession(requests.Session):
    """requests.Session that applies the default timeout, the quota guard and the call meter."""

    def __init__(self, meter: CallMeter, guard: QuotaGuard, timeout: float,
                 ca_bundle: str | None = None):
        super().__init__()
        self.meter, self.guard, self.timeout = meter, guard, timeout
        if ca_bundle:
            # Session.verify is ignored when REQUESTS_CA_BUNDLE is set unless the environment is
            # ignored too (requests' `trust_env`). Without a ca_bundle, keep the environment's
            # proxies and CA settings.
            self.verify = ca_bundle
            self.trust_env = False

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        scope = _current_scope.get()
        if scope.api != LOGIN:
            self.guard.check()
            self.meter.record_call(scope)
        response = super().request(method, url, *args, **kwargs)
        limit_info = response.headers.get("Sforce-Limit-Info")
        if limit_info:
            self.meter.record_usage(limit_info)
        return response
