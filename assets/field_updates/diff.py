"""Desired values (the mapping's source) against what Salesforce held as last staged, per field.

Only differences become changes, and not all of them: a value this sink already sent, which
staging has not caught up with yet, is not sent again; a failed value waits for a new value; a
retry waits for its backoff. For `both` fields a Salesforce edit staged after our last write
wins: the warehouse value is not sent, and a conflict is logged when the warehouse changed too.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from resources.clock import utc_now
from resources.salesforce.ids import normalize_id
from resources.settings.field_updates import FieldMapping
from resources.staging.naming import quote, table_name
from resources.staging.schema import existing_columns
from transforms import sql

from .org_check import FieldPlan, check_source, plan_fields
from .values import BadValue, normalise


@dataclass
class Change:
    """One field of one record whose desired value differs from the staged one."""

    mapping: str
    object: str
    record_id: str
    field: str
    kind: str
    direction: str
    before: str | None              # staged
    after: str | None               # desired
    staged_modstamp: datetime
    attempts: int = 0               # attempts already made for this value
    uncertain: bool = False         # a previous send may have reached Salesforce
    ours: str | None = None         # the value we last wrote (or may have written)
    has_ours: bool = False
    why: str = ""


@dataclass
class Diff:
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)   # `both` fields Salesforce won
    settled: list[Change] = field(default_factory=list)     # in flight; staging shows the value
    counts: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def note(self, what: str, example: str) -> None:
        self.counts[what] += 1
        self.examples.setdefault(what, [])
        if len(self.examples[what]) < 5:
            self.examples[what].append(example)


def read_mapping(warehouse, mapping: FieldMapping) -> tuple[list[FieldPlan], list[dict],
                                                             dict[str, dict], dict]:
    """(plans, source rows, staged rows by Id, state by (record_id, field)) in one transaction."""
    table = table_name(mapping.object)
    with warehouse.connection() as connection:
        plans = plan_fields(mapping, existing_columns(connection, table))
        rows = [dict(r) for r in connection.execute(sa.text(mapping.select())).mappings()]
        columns = ", ".join(quote(p.staged_column) for p in plans)
        staged = {r["id"]: r for r in sql.rows(connection, "field_updates/select_staged",
                                               columns=columns, table=quote(table))}
        state = {(r["record_id"], r["field"]): r for r in sql.rows(
            connection, "field_updates/select_state", {"object": mapping.object})}
    check_source(mapping, plans, rows)
    return plans, rows, staged, state


def diff_mapping(warehouse, mapping: FieldMapping, result: Diff) -> list[FieldPlan]:
    plans, rows, staged, state = read_mapping(warehouse, mapping)
    now, seen = utc_now(), set()
    for row in rows:
        raw = row[mapping.id_column]
        try:
            record_id = normalize_id(str(raw) if raw is not None else None)
        except ValueError:
            record_id = None
        if record_id is None:
            result.note("bad_ids", repr(raw))
            continue
        if record_id in seen:
            result.note("duplicate_ids", record_id)
            continue
        seen.add(record_id)
        current = staged.get(record_id)
        if current is None:
            result.note("not_staged", record_id)
            continue
        for p in plans:
            try:
                desired = p.constant if p.column is None else normalise(p.kind, row[p.column])
            except BadValue as exc:
                result.note("bad_values", f"{record_id}.{p.name}: {exc}")
                continue
            before = normalise(p.kind, current[p.staged_column])
            change = Change(mapping.name, mapping.object, record_id, p.name, p.kind, p.direction,
                            before, desired, current["system_modstamp"])
            _classify(change, state.get((record_id, p.name)), now, result)
    return plans


def _classify(c: Change, st: dict | None, now: datetime, result: Diff) -> None:
    """Decide what to do with one field; appends to result.changes / conflicts or counts it."""
    if st is not None and st["status"] in ("sent", "in_flight"):
        c.ours, c.has_ours = st["value"], True
    if st is not None and st["status"] == "in_flight":
        c.uncertain, c.attempts = True, int(st["attempts"])
        if c.after == c.before:
            result.settled.append(c)  # staging caught up with the interrupted send
            return
        c.why = "a previous send may have reached Salesforce: compared before any write"
        result.changes.append(c)
        return
    if c.after == c.before:
        result.counts["unchanged"] += 1
        return
    if st is not None and st["value"] == c.after:
        status = st["status"]
        if status == "sent" and st["staged_before"] == c.before:
            result.counts["awaiting_staging"] += 1  # sent; staging has not seen our write yet
            return
        if status == "failed":
            result.counts["failed_waiting"] += 1    # waits for a fix and a new value
            return
        if status == "retrying" and st["next_attempt_at"] and st["next_attempt_at"] > now:
            result.counts["retry_waiting"] += 1
            return
        if status == "conflict" and st["staged_before"] == c.before:
            result.counts["conflict_waiting"] += 1  # logged; waits for staging to show the edit
            return
        if status == "retrying":
            c.attempts = int(st["attempts"])
    if (c.direction == "both" and st is not None and st["status"] == "sent"
            and c.before not in (st["staged_before"], st["value"])):
        # Salesforce changed the field after our last write, and staging shows it: it wins.
        if c.after == st["value"]:
            result.counts["salesforce_newer"] += 1  # the warehouse did not change: accept it
            return
        c.why = (f"both sides changed since the last sync (we sent {st['value']!r}); "
                 "Salesforce wins on a `both` field")
        result.conflicts.append(c)
        return
    c.why = f"staged {c.before!r} -> desired {c.after!r}"
    result.changes.append(c)
