"""The field sink: send changed field values to Salesforce, never over a newer Salesforce edit,
exactly once, and record every result.

Order of work in a run:
1. Diff each mapping against staging (diff.py): no change, no call. Nothing to do: no login.
2. Check the mappings against describe (org_check.py), once per object with changes.
3. Conflict check: ONE query per object (paged) for the records changed in Salesforce since the
   newest staged SystemModstamp. For such a record, per field: Salesforce already holds the
   desired value -> recorded as sent, not written (our own earlier write, e.g. before a crash);
   Salesforce still holds the staged value -> safe to send (another field changed); anything
   else -> `conflict`, logged with both values, not sent, for `to_salesforce` and `both` fields
   alike: the next sync stages the edit and the next run decides on fresh data.
4. The rest go out by sObject Collections PATCH, `batch_size` records per call. Each batch is
   marked in flight (committed) before it is sent and its results are committed right after; a
   crash in between is what step 3 resolves on the next run, without a second write.
"""

from collections import Counter, defaultdict
from collections.abc import Callable

from resources.salesforce import record_update
from resources.salesforce.collections import CallFailure
from resources.salesforce.errors import QuotaStop
from resources.settings.field_updates import FieldUpdateSettings
from resources.staging.naming import quote, table_name
from transforms import sql

from .diff import Change, Diff, diff_mapping
from .ledger import Ledger, Result, ensure_tables
from .org_check import FieldPlan, check_org, describe_fields, restricted
from .outcomes import Outcomes
from .values import normalise, payload

AfterSend = Callable[[str, list[str]], None]  # (object, record ids): after the PATCH, pre-commit


class FieldSink:
    def __init__(self, settings: FieldUpdateSettings, warehouse, run_id: str, log, *,
                 after_send: AfterSend | None = None):
        self.settings, self.warehouse, self.log = settings, warehouse, log
        self.ledger = Ledger(warehouse, run_id)
        self.outcomes = Outcomes(settings)
        self.after_send = after_send
        self.counts: Counter = Counter()
        self.problems: list[Result] = []
        self.stopped: str | None = None
        self.plans: dict[str, list[FieldPlan]] = {}
        self.picklists: dict[tuple[str, str], set[str]] = {}
        self.diff = Diff()

    # ----- diff and org check ---------------------------------------------------------------
    def plan(self) -> Diff:
        ensure_tables(self.warehouse)
        for mapping in self.settings.active():
            self.plans[mapping.name] = diff_mapping(self.warehouse, mapping, self.diff)
        for what, examples in self.diff.examples.items():
            self.log.warning(f"Field updates: {self.diff.counts[what]} source rows skipped as "
                             f"{what} (e.g. {', '.join(examples)})")
        return self.diff

    def pending(self) -> bool:
        return bool(self.diff.changes or self.diff.conflicts)

    def check_org(self, client) -> None:
        """Describe each object with changes once; raise FieldUpdateConfigError on a bad field."""
        busy = {c.mapping for c in self.diff.changes + self.diff.conflicts}
        for mapping in self.settings.active():
            if mapping.name in busy:
                fields = describe_fields(client, mapping)
                check_org(mapping, self.plans[mapping.name], fields)
                for name, values in restricted(self.plans[mapping.name], fields).items():
                    self.picklists[(mapping.object, name)] = values

    def _local_failures(self, changes: list[Change]) -> list[Change]:
        """Fail values that are not active values of a restricted picklist, without a call."""
        ok, failed = [], []
        for c in changes:
            active = self.picklists.get((c.object, c.field))
            if active is not None and c.after is not None and c.after not in active:
                failed.append(self.outcomes.error(
                    c, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    f"{c.field}: bad value for restricted picklist field: {c.after}", "local"))
            else:
                ok.append(c)
        self._record(failed)
        return ok

    def _salesforce_won(self) -> None:
        self._record([self.outcomes.conflict(c, c.before, c.why) for c in self.diff.conflicts])

    def settle(self) -> None:
        """Fields left in flight whose value staging now shows: sent, with no call."""
        self._record([self.outcomes.already(c) for c in self.diff.settled])

    # ----- dry run ----------------------------------------------------------------------------
    def preview(self) -> list[Result]:
        """What a real run would send (before and after per field), stored in
        sync_back.field_update_preview; conflicts found locally are shown too."""
        results = []
        for c in self.diff.changes:
            active = self.picklists.get((c.object, c.field))
            why = c.why
            if active is not None and c.after is not None and c.after not in active:
                why += f"; would fail: {c.after!r} is not an active picklist value"
            results.append(Result(c, "would_send", "none", message=why))
        results += [Result(c, "conflict", "none", message=c.why) for c in self.diff.conflicts]
        self.ledger.replace_preview(results)
        self.counts["would_send"] += len(self.diff.changes)
        self.counts["would_conflict"] += len(self.diff.conflicts)
        return results

    # ----- real run ---------------------------------------------------------------------------
    def run(self, client) -> None:
        self._salesforce_won()
        by_object: dict[str, list[Change]] = defaultdict(list)
        for c in self._local_failures(self.diff.changes):
            by_object[c.object].append(c)
        try:
            for object_name, changes in by_object.items():
                safe = self._conflict_check(client, object_name, changes)
                self._send_all(client, object_name, safe)
        except QuotaStop as exc:
            self.stopped = str(exc)
            self.log.warning(f"Field updates stopped before the API quota ran out: {exc}. "
                             "Unsent values go out in the next run (in-flight ones are compared "
                             "with Salesforce first)")

    def _conflict_check(self, client, object_name: str, changes: list[Change]) -> list[Change]:
        with self.warehouse.connection() as connection:
            since = sql.execute(connection, "field_updates/staged_high_water",
                                table=quote(table_name(object_name))).scalar_one()
        if since is None:  # nothing staged: plan_fields/diff would have found no change
            return []
        wanted = {c.record_id for c in changes}
        fields = sorted({c.field for c in changes})
        current = {r["Id"]: r for r in record_update.changed_since(client, object_name, fields,
                                                                   since) if r["Id"] in wanted}
        safe, settled = [], []
        for c in changes:
            record = current.get(c.record_id)
            if record is None:
                safe.append(c)          # unchanged in Salesforce since staged
                continue
            now = normalise(c.kind, record.get(c.field))
            if now == c.after:
                settled.append(self.outcomes.already(c))
            elif now == c.before or (c.has_ours and now == c.ours):
                safe.append(c)          # as staged, or as we last wrote it: no one else edited it
            else:
                settled.append(self.outcomes.conflict(
                    c, now, "changed in Salesforce after it was staged"))
        self._record(settled)
        return safe

    def _send_all(self, client, object_name: str, changes: list[Change]) -> None:
        records: dict[str, list[Change]] = defaultdict(list)
        for c in changes:
            records[c.record_id].append(c)
        ids = list(records)
        for start in range(0, len(ids), self.settings.batch_size):
            self._send(client, object_name, {i: records[i] for i in
                                             ids[start:start + self.settings.batch_size]})

    def _send(self, client, object_name: str, batch: dict[str, list[Change]]) -> None:
        changes = [c for cs in batch.values() for c in cs]
        self.ledger.claim(changes)
        updates = {rid: {c.field: payload(c.kind, c.after) for c in cs}
                   for rid, cs in batch.items()}
        try:
            answers = record_update.update_records(client, object_name, updates)
        except CallFailure as failure:
            self._record([self.outcomes.call_failed(c, failure) for c in changes])
            return
        if self.after_send is not None:
            self.after_send(object_name, list(batch))
        self._record([self.outcomes.collection(c, answer)
                      for answer, cs in zip(answers, batch.values()) for c in cs])

    def _record(self, results: list[Result]) -> None:
        if not results:
            return
        self.ledger.record(results)
        for r in results:
            self.counts[r.status] += 1
            if r.status == "sent" and r.api == "lookup":
                self.counts["recovered"] += 1
            if r.status != "sent" and len(self.problems) < 50:
                self.problems.append(r)
