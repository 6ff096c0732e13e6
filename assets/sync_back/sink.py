"""The sink: send due outbox rows as Salesforce Tasks, exactly once, and record every result.

Order of work in a run:
1. Rows a previous run may have written (still marked in flight) are resolved first: their
   Bulk job is asked, then Salesforce is searched for their key. A Task found is recorded, not
   written again (not even upserted: that would overwrite the owner's edits).
2. Rows that cannot be valid Tasks are failed locally with the reason.
3. The rest go out in sObject Collections calls of up to 200, or one Bulk 2.0 job above
   `bulk_threshold`. Each batch is marked in flight (committed) before it is sent, and its
   per-row results are committed right after: a crash in between is what step 1 repairs.
"""

import json
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from pipelines.settings_sync_back import SyncBackSettings
from resources.salesforce_errors import QuotaStop

from . import bulk, recovery, sobject_collections
from .sobject_collections import CallFailure
from .errors import explain, is_transient
from .ledger import Ledger, Outcome
from .outbox import utc_now
from .payload import RowProblem, task_payload

CREATE_ONLY = ("TaskSubtype",)  # Task fields Salesforce sets on create and never updates
AfterSend = Callable[[str, list[str]], None]  # (api, keys): called after the write, before commit


class Sink:
    def __init__(self, settings: SyncBackSettings, warehouse, run_id: str, log, *,
                 poll_seconds: float = 2.0, after_send: AfterSend | None = None):
        self.settings, self.log = settings, log
        self.ledger = Ledger(warehouse, run_id, settings.in_flight_grace_seconds)
        self.poll_seconds, self.after_send = poll_seconds, after_send
        self.counts: Counter = Counter()
        self.failures: list[Outcome] = []
        self.stopped: str | None = None
        self._due: list[dict] | None = None

    @property
    def key_field(self) -> str:
        return self.settings.key_field

    def operation(self) -> str:
        if self.settings.upsert:
            return f"upsert Task by {self.settings.external_id_field}"
        return f"create Task (key in {self.key_field})"

    # ----- dry run ---------------------------------------------------------------------------
    def preview(self) -> list[dict]:
        """What a real run would send now, and why; stored in sync_back.sync_back_preview."""
        rows, waiting = self.ledger.due_rows()
        self.counts["skipped"] = waiting
        previews = []
        for row in rows:
            operation = self.operation()
            if row["in_flight_since"] is not None:
                operation = f"look up by {self.key_field}, then {operation} if absent"
            try:
                payload, problem = json.dumps(task_payload(row, self.key_field)), None
                self.counts["would_send"] += 1
            except RowProblem as exc:
                payload, problem = None, str(exc)
                self.counts["would_fail"] += 1
            previews.append({"sync_key": row["sync_key"], "operation": operation,
                             "payload": payload, "reason": row["reason"], "problem": problem})
        self.ledger.replace_preview(previews)
        return previews

    # ----- real run --------------------------------------------------------------------------
    def due(self) -> list[dict]:
        """Rows to send now (read once per run); rows still waiting count as skipped."""
        if self._due is None:
            self._due, waiting = self.ledger.due_rows()
            self.counts["skipped"] += waiting
        return self._due

    def run(self, client) -> None:
        rows = self.due()
        try:
            rows = self._recover(client, rows)
            payloads = self._valid_payloads(rows)
            keys = list(payloads)
            if len(keys) >= self.settings.bulk_threshold:
                self._send_bulk(client, keys, payloads)
            else:
                size = self.settings.batch_size
                for start in range(0, len(keys), size):
                    self._send_collection(client, keys[start:start + size], payloads)
        except QuotaStop as exc:
            self.stopped = str(exc)
            self.log.warning(f"Sync-back stopped before the API quota ran out: {exc}. Unsent "
                             "rows stay queued for the next run.")

    def _recover(self, client, rows: list[dict]) -> list[dict]:
        uncertain = [r for r in rows if r["in_flight_since"] is not None]
        if not uncertain:
            return rows
        states = recovery.bulk_job_states(client, {r["bulk_job_id"] for r in uncertain
                                                   if r["bulk_job_id"]})
        held = {r["sync_key"] for r in uncertain if states.get(r["bulk_job_id"]) in bulk.IN_PROGRESS}
        outcomes: dict[str, Outcome] = {}
        for job_id in [j for j, state in states.items() if state == "JobComplete"]:
            results = bulk.job_results(client, job_id, self.key_field)
            for row in (r for r in uncertain if r["bulk_job_id"] == job_id):
                outcome = self._bulk_outcome(row["sync_key"], row["attempts"], results,
                                             missing_uncertain=True)
                if not outcome.uncertain:
                    outcome.message = f"result of Bulk job {job_id} from an interrupted run" + (
                        f": {outcome.message}" if outcome.message else "")
                    outcomes[row["sync_key"]] = outcome
        unresolved = {r["sync_key"]: r["attempts"] for r in uncertain
                      if r["sync_key"] not in held and r["sync_key"] not in outcomes}
        outcomes.update(self._found(client, unresolved, "after an interrupted send"))
        self._record(list(outcomes.values()))
        self.counts["recovered"] += sum(o.status == "sent" for o in outcomes.values())
        self.counts["skipped"] += len(held)
        if held:
            self.log.info(f"{len(held)} rows wait for a Bulk 2.0 job still running in Salesforce")
        return [r for r in rows if r["sync_key"] not in held and r["sync_key"] not in outcomes]

    def _found(self, client, attempts: dict[str, int], when: str) -> dict[str, Outcome]:
        """Outcomes for the keys Salesforce already holds a Task for: sent, not written again."""
        found = recovery.find_by_key(client, list(attempts), self.key_field)
        outcomes = {}
        for key, task_ids in found.items():
            note = "" if len(task_ids) == 1 else \
                f" ({len(task_ids)} Tasks hold this key: {', '.join(task_ids)}; oldest recorded)"
            outcomes[key] = Outcome(key, "sent", "lookup", task_id=task_ids[0],
                                    attempt=attempts[key],
                                    message=f"found in Salesforce by {self.key_field} {when}; "
                                            f"not written again{note}")
        return outcomes

    def _existing(self, client, outcomes: list[Outcome]) -> list[Outcome]:
        """An upsert that hit an existing Task fails on TaskSubtype (create-only): that Task is
        ours, written by a concurrent or earlier send, so record it instead of failing the row."""
        hit = {o.sync_key: o.attempt for o in outcomes if self.settings.upsert
               and o.error_code == "INVALID_FIELD_FOR_INSERT_UPDATE"
               and any(f in (o.message or "") for f in CREATE_ONLY)}
        if not hit:
            return outcomes
        found = self._found(client, hit, "(an upsert reached the existing Task)")
        return [found.get(o.sync_key, o) for o in outcomes]

    def _valid_payloads(self, rows: list[dict]) -> dict[str, dict]:
        payloads, invalid = {}, []
        for row in rows:
            try:
                payloads[row["sync_key"]] = task_payload(row, self.key_field)
            except RowProblem as exc:
                invalid.append(Outcome(row["sync_key"], "failed", "local", attempt=row["attempts"],
                                       error_code=exc.code,
                                       message=explain(exc.code, str(exc), row["sync_key"])))
        self._record(invalid)
        return payloads

    def _send_collection(self, client, keys: list[str], payloads: dict[str, dict]) -> None:
        claimed = self.ledger.claim(keys)
        self.counts["skipped"] += len(keys) - len(claimed)
        batch = [k for k in keys if k in claimed]
        if not batch:
            return
        try:
            results = sobject_collections.write_tasks(client, [payloads[k] for k in batch],
                                              self.settings.external_id_field)
        except CallFailure as failure:
            self._record([self._call_failed(k, claimed[k], failure, "composite") for k in batch])
            return
        except BaseException as exc:
            self._release(batch, claimed, exc, "composite", uncertain=False)
            raise
        self._after_send("composite", batch)
        self._record(self._existing(client, [self._result(k, claimed[k], r)
                                             for k, r in zip(batch, results)]))

    def _send_bulk(self, client, keys: list[str], payloads: dict[str, dict]) -> None:
        job_id = bulk.create_job(client, self.settings.external_id_field)
        claimed = self.ledger.claim(keys, bulk_job_id=job_id)
        self.counts["skipped"] += len(keys) - len(claimed)
        batch = [k for k in keys if k in claimed]
        self.log.info(f"Salesforce: Bulk 2.0 ingest job {job_id} for {len(batch)} Tasks")
        try:
            results = bulk.run_job(client, job_id, [payloads[k] for k in batch], self.key_field,
                                   self.poll_seconds)
        except CallFailure as failure:
            self._record([self._call_failed(k, claimed[k], failure, "bulk") for k in batch])
            return
        except BaseException as exc:
            self._release(batch, claimed, exc, "bulk", uncertain=True)
            raise
        self._after_send("bulk", batch)
        self._record(self._existing(client, [
            self._bulk_outcome(k, claimed[k], results, missing_uncertain=True) for k in batch]))

    def _after_send(self, api: str, keys: list[str]) -> None:
        if self.after_send is not None:
            self.after_send(api, keys)

    # ----- outcomes --------------------------------------------------------------------------
    def _result(self, key: str, attempt: int, result: dict) -> Outcome:
        if result.get("success"):
            message = None if result.get("created") is not False else \
                "already in Salesforce (an earlier send); updated in place"
            return Outcome(key, "sent", "composite", task_id=result["id"], attempt=attempt,
                           message=message)
        error = (result.get("errors") or [{}])[0]
        return self._error(key, attempt, error.get("statusCode") or "UNKNOWN",
                           error.get("message", ""), "composite", uncertain=False)

    def _bulk_outcome(self, key: str, attempt: int, results: bulk.JobResults,
                      missing_uncertain: bool) -> Outcome:
        if key in results.ok:
            task_id, created = results.ok[key]
            return Outcome(key, "sent", "bulk", task_id=task_id, attempt=attempt,
                           message=None if created or not self.settings.upsert else
                           "already in Salesforce (an earlier send); updated in place")
        if key in results.errors:
            code, message = results.errors[key]
            return self._error(key, attempt, code, message, "bulk", uncertain=False)
        if key in results.unprocessed:
            return self._error(key, attempt, "BULK_UNPROCESSED", f"Bulk job {results.job_id} "
                               "did not process the row", "bulk", uncertain=False)
        return self._error(key, attempt, "CALL_FAILED", f"Bulk job {results.job_id} reported "
                           "no result for the row", "bulk", uncertain=missing_uncertain)

    def _call_failed(self, key: str, attempt: int, failure: CallFailure, api: str) -> Outcome:
        return self._error(key, attempt, failure.code, failure.message, api,
                           uncertain=failure.ambiguous, transient=failure.transient)

    def _error(self, key: str, attempt: int, code: str, message: str, api: str,
               uncertain: bool, transient: bool | None = None) -> Outcome:
        transient = is_transient(code) if transient is None else transient
        if transient and attempt < self.settings.max_attempts:
            wait = min(self.settings.retry_backoff_max_seconds,
                       self.settings.retry_backoff_seconds * 2 ** (attempt - 1))
            return Outcome(key, "retrying", api, error_code=code, attempt=attempt,
                           next_attempt_at=utc_now() + timedelta(seconds=wait),
                           uncertain=uncertain,
                           message=f"{message} (attempt {attempt} of "
                                   f"{self.settings.max_attempts}; next try in {wait} s)")
        if transient:
            message = f"gave up after {attempt} attempts: {message}"
        return Outcome(key, "failed", api, error_code=code, attempt=attempt, uncertain=uncertain,
                       message=explain(code, message, key))

    def _release(self, keys: list[str], claimed: dict[str, int], exc: BaseException, api: str,
                 uncertain: bool) -> None:
        """Rows claimed when the run stopped (quota, config error): due again at the next run."""
        if not isinstance(exc, Exception):
            return  # the process is being stopped: rows stay in flight for the next run
        code = "REQUEST_LIMIT_EXCEEDED" if isinstance(exc, QuotaStop) else type(exc).__name__
        self._record([Outcome(k, "retrying", api, error_code=code, attempt=claimed[k],
                              next_attempt_at=utc_now(), message=str(exc)[:2000],
                              uncertain=uncertain) for k in keys])

    def _record(self, outcomes: list[Outcome]) -> None:
        if not outcomes:
            return
        self.ledger.record(outcomes)
        for outcome in outcomes:
            self.counts[{"sent": "sent", "failed": "failed", "retrying": "retried"}[
                outcome.status]] += 1
            if outcome.status == "sent" and outcome.attempt > 1:
                self.counts["sent_after_retry"] += 1
            if outcome.status != "sent" and len(self.failures) < 20:
                self.failures.append(outcome)
