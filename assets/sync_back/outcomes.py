"""Salesforce's answer for one row -> what the ledger records: sent, retrying (when and why) or
failed (with the fix). Pure functions of the settings; no I/O."""

from datetime import timedelta

from resources.clock import utc_now
from resources.salesforce.bulk_ingest import JobResults
from resources.salesforce.collections import CallFailure
from resources.settings.sync_back import SyncBackSettings

from .errors import explain, is_transient
from .ledger import Outcome

UPDATED = "already in Salesforce (an earlier send); updated in place"
# Per-row errors that mean the settings do not fit the org when they name the key field.
CONFIG_CODES = ("NOT_FOUND", "INVALID_FIELD", "INVALID_FIELD_FOR_INSERT_UPDATE")


class Outcomes:
    def __init__(self, settings: SyncBackSettings, key_field: str | None, upsert: bool):
        self.settings, self.key_field, self.upsert = settings, key_field, upsert

    def collection(self, key: str, attempt: int, result: dict) -> Outcome:
        """One record's result from sObject Collections."""
        if result.get("success"):
            return Outcome(key, "sent", "composite", task_id=result["id"], attempt=attempt,
                           message=None if result.get("created") is not False else UPDATED)
        error = (result.get("errors") or [{}])[0]
        return self.error(key, attempt, error.get("statusCode") or "UNKNOWN",
                          error.get("message", ""), "composite", uncertain=False)

    def bulk(self, key: str, attempt: int, results: JobResults) -> Outcome:
        """One row's result from a Bulk 2.0 job; a row the job does not report stays uncertain."""
        if key in results.ok:
            task_id, created = results.ok[key]
            return Outcome(key, "sent", "bulk", task_id=task_id, attempt=attempt,
                           message=None if created or not self.upsert else UPDATED)
        if key in results.errors:
            code, message = results.errors[key]
            return self.error(key, attempt, code, message, "bulk", uncertain=False)
        if key in results.unprocessed:
            return self.error(key, attempt, "BULK_UNPROCESSED", f"Bulk job {results.job_id} "
                              "did not process the row", "bulk", uncertain=False)
        return self.error(key, attempt, "CALL_FAILED", f"Bulk job {results.job_id} reported "
                          "no result for the row", "bulk", uncertain=True)

    def call_failed(self, key: str, attempt: int, failure: CallFailure, api: str) -> Outcome:
        return self.error(key, attempt, failure.code, failure.message, api,
                          uncertain=failure.ambiguous, transient=failure.transient)

    def error(self, key: str, attempt: int, code: str, message: str, api: str,
              uncertain: bool, transient: bool | None = None) -> Outcome:
        """Transient: retry after backoff (until max_attempts); otherwise failed with the fix."""
        transient = is_transient(code) if transient is None else transient
        limit = self.settings.max_attempts
        if transient and attempt < limit:
            wait = min(self.settings.retry_backoff_max_seconds,
                       self.settings.retry_backoff_seconds * 2 ** (attempt - 1))
            return Outcome(key, "retrying", api, error_code=code, attempt=attempt,
                           next_attempt_at=utc_now() + timedelta(seconds=wait),
                           uncertain=uncertain,
                           message=f"{message} (attempt {attempt} of {limit}; next try in "
                                   f"{wait} s)")
        if transient:
            message = f"gave up after {attempt} attempts: {message}"
        return Outcome(key, "failed", api, error_code=code, attempt=attempt, uncertain=uncertain,
                       message=explain(code, message, key))

    def stopped(self, key: str, attempt: int, code: str, message: str, api: str,
                uncertain: bool) -> Outcome:
        """A row the run could not finish (quota, settings): due again at the next run."""
        return Outcome(key, "retrying", api, error_code=code, attempt=attempt,
                       next_attempt_at=utc_now(), message=message[:2000], uncertain=uncertain)

    def config_problem(self, outcomes: list[Outcome]) -> str | None:
        """The settings, not the rows, are wrong when rows fail on the key field itself."""
        field = self.key_field
        for o in outcomes:
            if (field and o.status == "failed" and o.error_code in CONFIG_CODES
                    and field in (o.message or "")):
                setting = "sync_back.external_id_field" if self.upsert else "sync_back.key_field"
                return (f"Task field {field} cannot hold the sync key ({o.error_code}: "
                        f"{(o.message or '').split('. Fix:')[0]}). Fix {setting}: name a Task "
                        "field the integration user can create and read"
                        + (", marked External ID" if self.upsert else "")
                        + ". Rows stay queued and go out once it is fixed")
        return None
