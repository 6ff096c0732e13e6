"""The sink: send due outbox rows as Salesforce Tasks, exactly once, and record every result.

Order of work in a run:
1. Rows a previous run may have written (still marked in flight) are resolved first: their
   Bulk job is asked, then Salesforce is searched for their key (task_keys.py: in the Task's
   Description by default, or in a Task field). A Task found is recorded, not written again
   (not even upserted: that would overwrite the owner's edits).
2. Rows that cannot be valid Tasks are failed locally with the reason.
3. The rest go out in sObject Collections calls of up to 200, or one Bulk 2.0 job above
   `bulk_threshold`. Each batch is marked in flight (committed) before it is sent, and its
   per-row results are committed right after: a crash in between is what step 1 repairs.
"""

import json
from collections import Counter
from collections.abc import Callable

from resources.salesforce import bulk_ingest, collections
from resources.salesforce.collections import CallFailure, MissingExternalIdField
from resources.salesforce.errors import QuotaStop
from resources.settings.sync_back import SyncBackSettings

from . import recovery
from .errors import SyncBackConfigError, explain
from .ledger import Ledger, Outcome
from .outcomes import Outcomes
from .payload import TASK_FIELDS, RowProblem, task_payload
from .task_keys import TASK, task_keys

CREATE_ONLY = ("TaskSubtype",)  # Task fields Salesforce sets on create and never updates
AfterSend = Callable[[str, list[str]], None]  # (api, keys): called after the write, before commit


class Sink:
    def __init__(self, settings: SyncBackSettings, warehouse, run_id: str, log, *,
                 poll_seconds: float = 2.0, after_send: AfterSend | None = None):
        self.settings, self.log = settings, log
        self.ledger = Ledger(warehouse, run_id, settings.in_flight_grace_seconds)
        self.keys = task_keys(settings)
        self.outcomes = Outcomes(settings, self.keys.field, self.keys.upsert)
        self.poll_seconds, self.after_send = poll_seconds, after_send
        self.counts: Counter = Counter()
        self.failures: list[Outcome] = []
        self.stopped: str | None = None
        self._due: list[dict] | None = None

    def operation(self) -> str:
        if self.keys.upsert:
            return f"upsert Task by {self.keys.field}"
        return f"create Task (key {self.keys.where})"

    def due(self) -> list[dict]:
        """Rows to send now (read once per run); rows still waiting count as skipped."""
        if self._due is None:
            self._due, waiting = self.ledger.due_rows()
            self.counts["skipped"] += waiting
        return self._due

    # ----- dry run ---------------------------------------------------------------------------
    def preview(self) -> list[dict]:
        """What a real run would send now, and why; stored in sync_back.sync_back_preview."""
        previews = []
        for row in self.due():
            operation = self.operation()
            if row["in_flight_since"] is not None:
                operation = f"look up its key {self.keys.where}, then {operation} if absent"
            try:
                payload, problem = json.dumps(task_payload(row, self.keys)), None
                self.counts["would_send"] += 1
            except RowProblem as exc:
                payload, problem = None, str(exc)
                self.counts["would_fail"] += 1
            previews.append({"sync_key": row["sync_key"], "operation": operation,
                             "payload": payload, "reason": row["reason"], "problem": problem})
        self.ledger.replace_preview(previews)
        return previews

    # ----- real run --------------------------------------------------------------------------
    def run(self, client) -> None:
        try:
            rows = self._recover(client, self.due())
            payloads = self._valid_payloads(rows)
            keys = list(payloads)
            if len(keys) >= self.settings.bulk_threshold:
                self._send(client, "bulk", keys, payloads)
            else:
                size = self.settings.batch_size
                for start in range(0, len(keys), size):
                    self._send(client, "composite", keys[start:start + size], payloads)
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
        held = {r["sync_key"] for r in uncertain
                if states.get(r["bulk_job_id"]) in bulk_ingest.IN_PROGRESS}
        outcomes: dict[str, Outcome] = {}
        for job_id in [j for j, state in states.items() if state == "JobComplete"]:
            results = bulk_ingest.job_results(client, TASK, job_id, self.keys.key_of)
            for row in (r for r in uncertain if r["bulk_job_id"] == job_id):
                outcome = self.outcomes.bulk(row["sync_key"], row["attempts"], results)
                if not outcome.uncertain:
                    outcome.message = f"result of Bulk job {job_id} from an interrupted run" + (
                        f": {outcome.message}" if outcome.message else "")
                    outcomes[row["sync_key"]] = outcome
        unresolved = [r for r in uncertain
                      if r["sync_key"] not in held and r["sync_key"] not in outcomes]
        outcomes.update(self._found(client, unresolved, "after an interrupted send"))
        self._record(list(outcomes.values()))
        self.counts["recovered"] += sum(o.status == "sent" for o in outcomes.values())
        self.counts["skipped"] += len(held)
        if held:
            self.log.info(f"{len(held)} rows wait for a Bulk 2.0 job still running in Salesforce")
        return [r for r in rows if r["sync_key"] not in held and r["sync_key"] not in outcomes]

    def _found(self, client, rows: list[dict], when: str) -> dict[str, Outcome]:
        """Outcomes for the rows Salesforce already holds a Task for: sent, not written again."""
        attempts = {r["sync_key"]: r["attempts"] for r in rows}
        found = recovery.find_written(client, rows, self.keys)
        outcomes = {}
        for key, task_ids in found.items():
            note = "" if len(task_ids) == 1 else \
                f" ({len(task_ids)} Tasks hold this key: {', '.join(task_ids)}; oldest recorded)"
            outcomes[key] = Outcome(key, "sent", "lookup", task_id=task_ids[0],
                                    attempt=attempts[key],
                                    message=f"found in Salesforce by its key {when}; "
                                            f"not written again{note}")
        return outcomes

    def _valid_payloads(self, rows: list[dict]) -> dict[str, dict]:
        payloads, invalid = {}, []
        for row in rows:
            try:
                payloads[row["sync_key"]] = task_payload(row, self.keys)
            except RowProblem as exc:
                invalid.append(Outcome(row["sync_key"], "failed", "local", attempt=row["attempts"],
                                       error_code=exc.code,
                                       message=explain(exc.code, str(exc), row["sync_key"])))
        self._record(invalid)
        return payloads

    def _send(self, client, api: str, keys: list[str], payloads: dict[str, dict]) -> None:
        """Claim the rows, write them (one collections call or one Bulk job), record results."""
        upsert_by = self.keys.field if self.keys.upsert else None
        job_id = bulk_ingest.create_job(client, TASK, upsert_by) if api == "bulk" else None
        claimed = self.ledger.claim(keys, bulk_job_id=job_id)
        self.counts["skipped"] += len(keys) - len(claimed)
        batch = [k for k in keys if k in claimed]
        if not batch:
            if job_id is not None:
                bulk_ingest.abort(client, TASK, job_id)
            return
        try:
            if job_id is None:
                results = self._write_collection(client, [payloads[k] for k in batch])
            else:
                self.log.info(f"Salesforce: Bulk 2.0 ingest job {job_id} for {len(batch)} Tasks")
                columns = [self.keys.field] if self.keys.field else []
                csv_text = bulk_ingest.to_csv([payloads[k] for k in batch],
                                              columns + list(TASK_FIELDS.values()))
                results = bulk_ingest.run_job(client, TASK, job_id, csv_text, self.keys.key_of,
                                              self.poll_seconds)
        except CallFailure as failure:
            self._record([self.outcomes.call_failed(k, claimed[k], failure, api) for k in batch])
            return
        except Exception as exc:  # quota stop, settings: release the rows, then stop the run
            code = "REQUEST_LIMIT_EXCEEDED" if isinstance(exc, QuotaStop) else type(exc).__name__
            self._record([self.outcomes.stopped(k, claimed[k], code, str(exc), api,
                                                uncertain=job_id is not None) for k in batch])
            raise
        if self.after_send is not None:
            self.after_send(api, batch)
        if job_id is None:
            outcomes = [self.outcomes.collection(k, claimed[k], r) for k, r in zip(batch, results)]
        else:
            outcomes = [self.outcomes.bulk(k, claimed[k], results) for k in batch]
        self._finish(client, api, outcomes, claimed)

    def _write_collection(self, client, payloads: list[dict]) -> list[dict]:
        try:
            return collections.write_records(client, TASK, payloads,
                                             self.keys.field if self.keys.upsert else None)
        except MissingExternalIdField as exc:
            raise SyncBackConfigError(
                f"{exc}. Fix: set sync_back.external_id_field to a Task field marked External "
                "ID, or remove it to create Tasks and look them up by their key") from exc

    def _finish(self, client, api: str, outcomes: list[Outcome], claimed: dict[str, int]) -> None:
        problem = self.outcomes.config_problem(outcomes)
        if problem:
            self._record([o if o.status == "sent" else self.outcomes.stopped(
                o.sync_key, claimed[o.sync_key], o.error_code, problem, api, o.uncertain)
                for o in outcomes])
            raise SyncBackConfigError(problem)
        self._record(self._existing(client, outcomes))

    def _existing(self, client, outcomes: list[Outcome]) -> list[Outcome]:
        """An upsert that hit an existing Task fails on TaskSubtype (create-only): that Task is
        ours, written by a concurrent or earlier send, so record it instead of failing the row."""
        hit = {o.sync_key: o.attempt for o in outcomes if self.keys.upsert
               and o.error_code == "INVALID_FIELD_FOR_INSERT_UPDATE"
               and any(f in (o.message or "") for f in CREATE_ONLY)}
        if not hit:
            return outcomes
        found = self._found(client, [{"sync_key": k, "attempts": a} for k, a in hit.items()],
                            "(an upsert reached the existing Task)")
        return [found.get(o.sync_key, o) for o in outcomes]

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
