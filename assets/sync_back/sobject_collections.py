"""Writing Tasks with sObject Collections: up to 200 records per call, allOrNone=false, so each
record gets its own result and one bad row never blocks the others.

After an answer that does not prove Salesforce ignored the request (a timeout, a dropped
connection, a 500) the call is not resent in this run, upsert or not: its rows stay marked in
flight and the next run looks them up by key first. Resending an upsert would update a Task the
owner may already have edited, and Salesforce refuses to update TaskSubtype (create-only).
Answers that prove the request was not processed (503, 429, 420) are retried at once.
"""

import requests
from simple_salesforce.exceptions import SalesforceError as ClientError
from simple_salesforce.exceptions import SalesforceGeneralError

from resources.salesforce_errors import SalesforceCallError, error_details
from resources.salesforce_retry import transient_reason

from .errors import SyncBackConfigError
from .payload import TASK

# Answers Salesforce gives before it processes a request: safe to send the same create again.
NOT_PROCESSED_STATUS = frozenset({420, 429, 503})
RETRYABLE_STATUS = frozenset({406, 420, 429})


class CallFailure(Exception):
    """The whole call failed. `ambiguous`: Salesforce may still have written the records."""

    def __init__(self, code: str, message: str, *, ambiguous: bool, transient: bool):
        super().__init__(message)
        self.code, self.message = code, message
        self.ambiguous, self.transient = ambiguous, transient


class DoNotRetry(Exception):
    def __init__(self, cause: BaseException):
        super().__init__(str(cause))
        self.cause = cause


def is_ambiguous(exc: BaseException) -> bool:
    if isinstance(exc, SalesforceGeneralError) and exc.status in NOT_PROCESSED_STATUS:
        return False
    return transient_reason(exc) is not None


def write_tasks(client, payloads: list[dict], external_id_field: str | None) -> list[dict]:
    """One collections call; returns Salesforce's per-record results, in input order."""
    records = [{"attributes": {"type": TASK}, **payload} for payload in payloads]
    body = {"allOrNone": False, "records": records}
    if external_id_field:
        path, method = f"composite/sobjects/{TASK}/{external_id_field}", "PATCH"
    else:
        path, method = "composite/sobjects", "POST"

    def attempt() -> list[dict]:
        try:
            return client.sf.restful(path, method=method, json=body)
        except (ClientError, requests.RequestException) as exc:
            if is_ambiguous(exc):
                raise DoNotRetry(exc) from exc
            raise

    try:
        results = client.call(attempt, call="Task write", object=TASK, api="composite")
    except DoNotRetry as exc:
        raise failure_from(exc.cause, ambiguous=True) from exc.cause
    except SalesforceCallError as exc:
        if exc.status == 404 and external_id_field:
            raise SyncBackConfigError(
                f"Salesforce has no external ID field Task.{external_id_field} ({exc}). Fix: set "
                "sync_back.external_id_field to a Task field marked External ID, or to null to "
                "create Tasks and look them up by sync_back.key_field") from exc
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
