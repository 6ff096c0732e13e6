"""Record writes through sObject Collections: up to 200 records per call, allOrNone=false, so each
record gets its own result and one bad row never blocks the others.

After an answer that does not prove Salesforce ignored the request (a timeout, a dropped
connection, a 500) the call is not resent in this run, upsert or not: the caller keeps its rows
marked in flight and looks them up before sending again. Resending an upsert would overwrite
what a user may have edited since, and some fields are create-only. Answers that prove the
request was not processed (503, 429, 420) are retried at once.

https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
"""

import requests
from simple_salesforce.exceptions import SalesforceError as ClientError
from simple_salesforce.exceptions import SalesforceGeneralError

from .errors import SalesforceCallError, SalesforceResourceError, error_details
from .retry import transient_reason

MAX_RECORDS = 200
# Answers Salesforce gives before it processes a request: safe to send the same write again.
NOT_PROCESSED_STATUS = frozenset({420, 429, 503})
RETRYABLE_STATUS = frozenset({406, 420, 429})


class CallFailure(Exception):
    """The whole call failed. `ambiguous`: Salesforce may still have written the records."""

    def __init__(self, code: str, message: str, *, ambiguous: bool, transient: bool):
        super().__init__(message)
        self.code, self.message = code, message
        self.ambiguous, self.transient = ambiguous, transient


class MissingExternalIdField(SalesforceResourceError):
    """The org has no such external ID field on the object; the caller names its setting."""


class DoNotRetry(Exception):
    def __init__(self, cause: BaseException):
        super().__init__(str(cause))
        self.cause = cause


def is_ambiguous(exc: BaseException) -> bool:
    if isinstance(exc, SalesforceGeneralError) and exc.status in NOT_PROCESSED_STATUS:
        return False
    return transient_reason(exc) is not None


def once(client, attempt, *, call: str, object: str, api: str):
    """Run a write under the client's retry core, but never resend it when its outcome is
    unknown: such a failure becomes an ambiguous CallFailure."""
    def guarded():
        try:
            return attempt()
        except (ClientError, requests.RequestException) as exc:
            if is_ambiguous(exc):
                raise DoNotRetry(exc) from exc
            raise
    try:
        return client.call(guarded, call=call, object=object, api=api)
    except DoNotRetry as exc:
        raise failure_from(exc.cause, ambiguous=True) from exc.cause


def write_records(client, object_name: str, payloads: list[dict],
                  external_id_field: str | None = None) -> list[dict]:
    """One collections call (create, or upsert by `external_id_field`); Salesforce's per-record
    results, in input order."""
    if len(payloads) > MAX_RECORDS:
        raise ValueError(f"sObject Collections take at most {MAX_RECORDS} records per call")
    records = [{"attributes": {"type": object_name}, **payload} for payload in payloads]
    body = {"allOrNone": False, "records": records}
    if external_id_field:
        path, method = f"composite/sobjects/{object_name}/{external_id_field}", "PATCH"
    else:
        path, method = "composite/sobjects", "POST"
    try:
        results = once(client, lambda: client.sf.restful(path, method=method, json=body),
                       call=f"{object_name} write", object=object_name, api="composite")
    except SalesforceCallError as exc:
        if exc.status == 404 and external_id_field:
            raise MissingExternalIdField(
                f"Salesforce has no external ID field {object_name}.{external_id_field} "
                f"({exc})") from exc
        raise failure_from(exc.__cause__ or exc, ambiguous=False) from exc
    if not isinstance(results, list) or len(results) != len(records):
        raise CallFailure("UNEXPECTED_RESPONSE", f"Salesforce answered {len(records)} records "
                          f"with {type(results).__name__}", ambiguous=True, transient=True)
    return results


def failure_from(exc: BaseException, *, ambiguous: bool) -> CallFailure:
    status = getattr(exc, "status", None)
    if isinstance(exc, ClientError):
        code, message = error_details(exc)
        code = code or f"HTTP_{status}"
    else:
        code, message = "CALL_FAILED", f"{type(exc).__name__}: {exc}"
    transient = (transient_reason(exc) is not None or status in RETRYABLE_STATUS
                 or code == "CALL_FAILED")
    return CallFailure(code, message or code, ambiguous=ambiguous, transient=transient)
