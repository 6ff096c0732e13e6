"""The per-run Salesforce client: one session, one token, one meter, and the query helpers.

Every data call is made by the unmodified simple-salesforce client; this class only decides
when to try again (transient failures, an expired token), when to stop (quota) and how to
report a failure so the person reading the run log knows what to fix.
"""

import logging
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError as ClientError

from . import bulk_query
from . import composite as composite_calls
from .auth import Token, fetch_token
from .composite import strip_attributes
from .connection import SalesforceSettings
from .errors import QuotaStop, call_failed, error_details
from .metering import LOGIN, CallMeter, MeteredSession, QuotaGuard, call_scope
from .retry import RetryPolicy, is_expired_session, is_limit_exceeded, transient_reason

T = TypeVar("T")


class SalesforceClient:
    """Salesforce access for one run. Use as a context manager, or call `close()`."""

    def __init__(self, settings: SalesforceSettings, log: logging.Logger | None = None):
        self.settings = settings
        self.log = log or logging.getLogger(__name__)
        self.meter = CallMeter()
        self.guard = QuotaGuard(self.meter, settings.quota_share, settings.run_call_cap)
        self.retry_policy = RetryPolicy(settings.max_attempts, settings.retry_base_delay,
                                        settings.retry_max_delay)
        self.session = MeteredSession(self.meter, self.guard, settings.request_timeout,
                                      settings.ca_bundle)
        self.token: Token | None = None
        self.sf: Salesforce | None = None

    # ----- lifecycle -----------------------------------------------------------------------
    def connect(self) -> "SalesforceClient":
        self._login()
        return self

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "SalesforceClient":
        return self if self.sf is not None else self.connect()

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _login(self) -> None:
        self.token = self.call(lambda: fetch_token(self.session, self.settings),
                               call="login", api=LOGIN, relogin=False)
        self.meter.logins += 1
        # object_pairs_hook=None: plain dicts from json's C decoder, not OrderedDicts.
        self.sf = Salesforce(instance_url=self.token.instance_url,
                             session_id=self.token.access_token, session=self.session,
                             version=self.settings.api_version, object_pairs_hook=None)
        self.log.info(f"Salesforce: logged in with {self.settings.auth_method} to "
                      f"{self.token.instance_url} (API v{self.settings.api_version})")

    def accounting(self) -> dict:
        """API calls this run made (per API and per object), retries and org usage, for metadata."""
        return self.meter.snapshot()

    # ----- retry core ----------------------------------------------------------------------
    def call(self, attempt: Callable[[], T], *, call: str, object: str | None = None,
              objects: tuple[str, ...] | list[str] | None = None, api: str = "rest",
              relogin: bool = True) -> T:
        """Run `attempt` (simple-salesforce calls on `self.sf`) under the retry and quota rules.

        Transient failures are retried with full-jitter backoff, so use it for reads and
        idempotent writes (upserts by external ID). An expired session gets one new token and
        one more try; REQUEST_LIMIT_EXCEEDED becomes QuotaStop; anything else is raised at once
        as SalesforceCallError naming the object, the call and the fix.
        """
        scope_objects = tuple(objects or ((object,) if object else ()))
        failures, relogged = 0, False
        while True:
            try:
                with call_scope(api, scope_objects):
                    return attempt()
            except (ClientError, requests.RequestException) as exc:
                if is_limit_exceeded(exc):
                    raise self._limit_exceeded(exc) from exc
                if relogin and is_expired_session(exc) and not relogged:
                    relogged = True
                    self.log.warning(f"Salesforce: session expired during {call}; logging in again")
                    self.meter.relogins += 1
                    self._login()
                    continue
                reason = transient_reason(exc)
                if reason is None or failures + 1 >= self.retry_policy.max_attempts:
                    raise call_failed(exc, object=object or ", ".join(scope_objects) or None,
                                      call=call, attempts=failures + 1) from exc
                failures += 1
                self.meter.record_retry(reason)
                delay = self.retry_policy.delay(failures)
                self.log.warning(
                    f"Salesforce: {call}{' on ' + object if object else ''} failed ({reason}); "
                    f"retry {failures}/{self.retry_policy.max_attempts - 1} in {delay:.2f}s")
                time.sleep(delay)

    def _limit_exceeded(self, exc: ClientError) -> QuotaStop:
        _, message = error_details(exc)
        meter = self.meter
        return QuotaStop(
            f"Salesforce refused the call with REQUEST_LIMIT_EXCEEDED ({message}): the org's "
            "daily API limit is spent. Not retrying (the window is a rolling 24 h); save the "
            "checkpoint so the next scheduled run continues, or ask for a higher limit.",
            reason="limit_exceeded", used=meter.org_used, daily_max=meter.org_max,
            run_calls=meter.total)

    # ----- metadata ------------------------------------------------------------------------
    def describe(self, object: str) -> dict:
        return self.call(lambda: getattr(self.sf, object).describe(), call="describe", object=object)

    def global_describe(self) -> dict:
        return self.call(lambda: self.sf.describe(), call="global describe")

    def limits(self) -> dict:
        return self.call(lambda: self.sf.limits(), call="limits")

    # ----- REST query ----------------------------------------------------------------------
    def count(self, object: str, where: str | None = None, *, include_deleted: bool = False) -> int:
        """`SELECT COUNT() FROM object [WHERE ...]`: one call, no rows transferred."""
        soql = f"SELECT COUNT() FROM {object}" + (f" WHERE {where}" if where else "")
        page = self.call(lambda: self.sf.query(soql, include_deleted=include_deleted),
                         call="count", object=object)
        return int(page["totalSize"])

    def query_pages(self, soql: str, *, object: str,
                    include_deleted: bool = False) -> Iterator[list[dict]]:
        """REST query, one list of records (without `attributes`) per page of up to 2,000.

        Each page is its own retried call, so a connection dropped on page 40 costs one page,
        not the query: Salesforce returns the same rows for a repeated nextRecordsUrl.
        """
        page = self.call(lambda: self.sf.query(soql, include_deleted=include_deleted),
                         call="query", object=object)
        yield strip_attributes(page["records"])
        if not page["done"]:
            yield from self.next_pages(page["nextRecordsUrl"], object=object)

    def next_pages(self, next_records_url: str, *, object: str) -> Iterator[list[dict]]:
        """Follow a nextRecordsUrl (from query_pages or composite_queries) to the last page."""
        url = next_records_url
        while url:
            page = self.call(lambda u=url: self.sf.query_more(u, identifier_is_url=True),
                             call="query page", object=object)
            yield strip_attributes(page["records"])
            url = None if page["done"] else page["nextRecordsUrl"]

    # ----- Bulk 2.0 and composite (bulk_query.py, composite.py) -----------------------------
    def bulk_query_pages(self, soql: str, *, object: str, include_deleted: bool = False,
                         max_records: int = 50_000) -> Iterator[bytes]:
        """Bulk 2.0 query job; one page of CSV bytes (with its header row) per result page.

        Raises BulkUnavailable when Salesforce refuses or fails the job: re-run over REST.
        """
        return bulk_query.bulk_query_pages(self, soql, object=object,
                                                 include_deleted=include_deleted,
                                                 max_records=max_records)

    def composite(self, subrequests: list[dict], *, objects: list[str],
                  all_or_none: bool = False) -> list[dict]:
        """One /composite call (up to 25 subrequests, 5 of them queries): ONE API call.

        Returns the `compositeResponse` items as-is ({"body", "httpHeaders", "httpStatusCode",
        "referenceId"}); the caller checks each status. An all-GET batch is retried as a whole
        when a subrequest fails transiently or with an expired session, and raises QuotaStop
        on REQUEST_LIMIT_EXCEEDED. The call is accounted as shared evenly by `objects`.
        """
        return composite_calls.composite(self, subrequests, objects=objects,
                                            all_or_none=all_or_none)

    def composite_queries(self, soqls: list[str], *, objects: list[str],
                          include_deleted: bool = False) -> list[dict]:
        """First page of each query, five per /composite call (one API call each).

        Returns, per query, {"object", "totalSize", "done", "nextRecordsUrl", "records"};
        follow a not-done result with `next_pages`.
        """
        return composite_calls.composite_queries(self, soqls, objects=objects,
                                                  include_deleted=include_deleted)
