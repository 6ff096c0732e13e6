"""Which failures are worth another try, and how long to wait before it.

Transient: 5xx, 406/420/429 (Salesforce edge and throttling answers), dropped or timed-out
connections and truncated bodies. A retried read is safe: a
retried nextRecordsUrl or Bulk locator returns the same rows. Everything else is raised at once.
"""

import random
from dataclasses import dataclass

import requests
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceRefusedRequest,
)

from .errors import error_details

RETRYABLE_STATUS = {406, 420, 429}
NETWORK_ERRORS = (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError,
                  requests.exceptions.Timeout, requests.exceptions.JSONDecodeError)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0

    def delay(self, failures: int) -> float:
        """Full jitter: uniform(0, min(max_delay, base_delay * 2**(failures-1))).

        Spreading retries over the whole window keeps parallel assets from retrying in step.
        """
        ceiling = min(self.max_delay, self.base_delay * 2 ** (failures - 1))
        return random.uniform(0, ceiling)


def transient_reason(exc: BaseException) -> str | None:
    """A short label ("http_503", "ChunkedEncodingError") when `exc` is worth retrying, else None."""
    if isinstance(exc, SalesforceGeneralError) and (
            exc.status >= 500 or exc.status in RETRYABLE_STATUS):
        return f"http_{exc.status}"
    if isinstance(exc, requests.exceptions.SSLError):
        return None  # an untrusted certificate stays untrusted: fail with the real cause
    if isinstance(exc, NETWORK_ERRORS):
        return type(exc).__name__
    return None


def is_expired_session(exc: BaseException) -> bool:
    return isinstance(exc, SalesforceExpiredSession)


def is_limit_exceeded(exc: BaseException) -> bool:
    return isinstance(exc, SalesforceRefusedRequest) and error_details(exc)[0] == "REQUEST_LIMIT_EXCEEDED"
