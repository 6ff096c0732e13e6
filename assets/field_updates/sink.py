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
   Sends of at most `conditional_max_records` records skip the query: each record gets a
   PATCH with If-Unmodified-Since (412 -> read the record, decide as above, PATCH once more).
4. The rest go out by sObject Collections PATCH, `batch_size` records per call. Each batch is
   marked in flight (committed) before it is sent and its results are committed right after; a
   crash in between is what step 3 resolves on the next run, without a second write.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, timezone

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
                records = _by_record(changes)
                if len(records) <= self.settings.conditional_max_records:
                    for record_id, fields in records.items():
                        self._send_conditional(client, object_name, record_id, fields)
                else:
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
            decided = None if record is None else self._decide(c, record)
            if decided is None:
                safe.append(c)          # unchanged since staged, or this field is
            else:
                settled.append(decided)
        self._record(settled)
        return safe

    def _decide(self, c: Change, record: dict) -> Result | None:
        """A record changed in Salesforce since staged: None when this field is safe to send."""
        now = normalise(c.kind, record.get(c.field))
        if now == c.after:
            return self.outcomes.already(c)
        if now == c.before or (c.has_ours and now == c.ours):
            return None                 # as staged, or as we last wrote it: no one else did
        return self.outcomes.conflict(c, now, "changed in Salesforce after it was staged")

    def _send_conditional(self, client, object_name: str, record_id: str,
                          changes: list[Change]) -> None:
        """PATCH with If-Unmodified-Since = the staged SystemModstamp. On 412 (or first, when a
        previous send may have landed) read the record, decide per field as the conflict check
        does, and PATCH the safe fields with the SystemModstamp just read; a second 412 is a
        conflict, never a blind retry."""
        self.ledger.claim(changes)
        since, results = changes[0].staged_modstamp, []
        if any(c.uncertain for c in changes):
            since, changes = self._reread(client, object_name, record_id, changes, results)
        for attempt in (1, 2):
            if not changes:
                self._record(results)
                return
            values = {c.field: payload(c.kind, c.after) for c in changes}
            try:
                written = record_update.update_if_unmodified(client, object_name, record_id,
                                                             values, since)
            except CallFailure as failure:
                self._record(results + [self.outcomes.call_failed(c, failure, "rest")
                                        for c in changes])
                return
            if self.after_send is not None:
                self.after_send(object_name, [record_id])
            if written:
                self._record(results + [Result(c, "sent", "rest", attempt=c.attempts + 1)
                                        for c in changes])
                return
            if attempt == 1:
                since, changes = self._reread(client, object_name, record_id, changes, results)
        self._record(results + [self.outcomes.conflict(
            c, None, "changed again in Salesforce while it was compared") for c in changes])

    def _reread(self, client, object_name: str, record_id: str, changes: list[Change],
                results: list[Result]) -> tuple[datetime, list[Change]]:
        """(the record's SystemModstamp, the changes still safe to send); decided ones are
        appended to `results`."""
        record = record_update.read_record(client, object_name, record_id,
                                           [c.field for c in changes])
        decided = {c.field: self._decide(c, record) for c in changes}
        results += [r for r in decided.values() if r is not None]
        return (parse_modstamp(record["SystemModstamp"]),
                [c for c in changes if decided[c.field] is None])

    def _send_all(self, client, object_name: str, changes: list[Change]) -> None:
        records = _by_record(changes)
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


def _by_record(changes: list[Change]) -> dict[str, list[Change]]:
    records: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        records[c.record_id].append(c)
    return records


def parse_modstamp(text: str):
    """Salesforce's `2026-12-04T02:10:17.000+0000` as a naive UTC datetime."""
    moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")
    return moment.astimezone(timezone.utc).replace(tzinfo=None)
