"""Salesforce's answer for one record -> a Result per field: sent, retrying (with backoff) or
failed (with the fix). Pure functions of the settings; no I/O."""

from datetime import timedelta

from resources.clock import utc_now
from resources.salesforce.collections import CallFailure
from resources.settings.field_updates import FieldUpdateSettings

from .diff import Change
from .errors import explain, is_transient
from .ledger import Result


class Outcomes:
    def __init__(self, settings: FieldUpdateSettings):
        self.settings = settings

    def collection(self, change: Change, result: dict) -> Result:
        attempt = change.attempts + 1
        if result.get("success"):
            return Result(change, "sent", "composite", attempt=attempt)
        error = (result.get("errors") or [{}])[0]
        return self.error(change, error.get("statusCode") or "UNKNOWN",
                          error.get("message", ""), "composite")

    def call_failed(self, change: Change, failure: CallFailure, api: str = "composite") -> Result:
        return self.error(change, failure.code, failure.message, api,
                          transient=failure.transient or is_transient(failure.code),
                          uncertain=failure.ambiguous)

    def error(self, change: Change, code: str, message: str, api: str,
              transient: bool | None = None, uncertain: bool = False) -> Result:
        """Transient: retry after backoff until max_attempts; else failed with the fix. A call
        whose outcome is unknown stays in flight: the next run compares before writing."""
        attempt = change.attempts + 1
        transient = is_transient(code) if transient is None else transient
        limit = self.settings.max_attempts
        text = explain(code, message, change.object, change.record_id)
        if uncertain:
            return Result(change, "in_flight", api, error_code=code, attempt=attempt,
                          message=f"{text} (Salesforce may hold the write: the next run compares "
                                  "its value before writing again)")
        if transient and attempt < limit:
            wait = min(self.settings.retry_backoff_max_seconds,
                       self.settings.retry_backoff_seconds * 2 ** (attempt - 1))
            return Result(change, "retrying", api, error_code=code, attempt=attempt,
                          next_attempt_at=utc_now() + timedelta(seconds=wait),
                          message=f"{text} (attempt {attempt} of {limit}; next try in {wait} s)")
        if transient:
            text = f"gave up after {attempt} attempts: {text}"
        return Result(change, "failed", api, error_code=code, attempt=attempt, message=text)

    def conflict(self, change: Change, salesforce_value: str | None, why: str) -> Result:
        return Result(change, "conflict", "lookup", salesforce_value=salesforce_value,
                      attempt=change.attempts, message=(
                          f"{change.object} {change.record_id}.{change.field}: {why}; "
                          f"Salesforce holds {salesforce_value!r}, the warehouse wants "
                          f"{change.after!r} (staged {change.before!r}). Not sent: the next "
                          "sync stages the edit and the next run decides on fresh data"))

    def already(self, change: Change) -> Result:
        return Result(change, "sent", "lookup", salesforce_value=change.after,
                      attempt=change.attempts, message="Salesforce already holds the value (an "
                      "earlier send, or the same edit made there); not written again")
