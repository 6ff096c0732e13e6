"""Poison records: rows a broken or unusual org delivers that a pipeline cannot stage as they are.

Each poison record is a real row (so COUNT() and every query see it) with a wire override: the
value the API puts in query results instead of the stored one, in REST JSON and in Bulk CSV.
Kinds, and what they look like on the wire:

  null_id             Id is null
  malformed_id        Id of the wrong length and characters (`006XX0000BAD!`)
  bad_type            a value its field's type cannot hold: `12,5` in a number, `31/12/2024` in
                      a date, `2024-13-45T25:61:00.000+0000` in a datetime, `yes` in a boolean
  unpaired_surrogate  text with a lone UTF-16 surrogate: `\\ud800` in JSON, the bytes ED A0 80
                      (not UTF-8) in CSV
  nul_byte            text with a NUL character: `\\u0000` in JSON, a 00 byte in CSV

Rows are found in results by their real Id, so a poisoned query must select Id (every sync
does). A fix (a control write naming the field, or DELETE /control/poison/...) drops the
override and moves SystemModstamp, so the repaired record lands on the next incremental sync.
"""

import threading

from .errors import ApiError

KINDS = ("null_id", "malformed_id", "bad_type", "unpaired_surrogate", "nul_byte")
BAD_VALUES = {"int": "12,5", "double": "12,5", "currency": "12,5", "percent": "12,5",
              "date": "31/12/2024", "datetime": "2024-13-45T25:61:00.000+0000", "boolean": "yes"}
TEXT_TYPES = ("string", "textarea", "combobox", "email", "phone", "url", "picklist")
SKIP = {"Id", "IsDeleted", "CreatedDate", "LastModifiedDate", "SystemModstamp"}


def _default_field(obj, kind: str) -> str:
    types = BAD_VALUES if kind == "bad_type" else TEXT_TYPES
    names = ["Name", "Subject", "LastName", "Title"] + list(obj.fields)
    for name in names:
        f = obj.fields.get(name)
        if f is not None and f.stored and f.type in types and name not in SKIP:
            return name
    raise ApiError(400, "INVALID_FIELD", f"{obj.name} has no field for poison kind {kind}")


class Poison:
    """Wire overrides by object and real Id: {object: {Id: {field: wire value}}}."""

    def __init__(self):
        self.records: dict[str, dict[str, dict[str, object]]] = {}
        self.kinds: dict[str, str] = {}
        self._lock = threading.Lock()

    def plan(self, obj, kind: str, field: str | None = None, value=None) -> tuple[str, object, dict]:
        """(field, wire value, stored values) for a new poison record of `kind`."""
        if kind not in KINDS:
            raise ApiError(400, "INVALID_POISON_KIND", f"kind must be one of {', '.join(KINDS)}")
        if kind in ("null_id", "malformed_id"):
            wire = None if kind == "null_id" else value or f"{obj.key_prefix}XX0000BAD!"
            return "Id", wire, {}
        name = field or _default_field(obj, kind)
        f = obj.field(name)
        allowed = BAD_VALUES if kind == "bad_type" else TEXT_TYPES
        if f is None or not f.stored or f.type not in allowed:
            raise ApiError(400, "INVALID_FIELD", f"{obj.name}.{name} cannot carry poison {kind}")
        if kind == "bad_type":
            return f.name, str(value or BAD_VALUES[f.type]), {f.name: None}
        text = value or f"Poison {kind.replace('_', ' ')}"
        bad = "\ud800" if kind == "unpaired_surrogate" else "\x00"
        middle = len(text) // 2
        return f.name, text[:middle] + bad + text[middle:], {f.name: text}

    def add(self, obj_name: str, record_id: str, kind: str, field: str, wire) -> None:
        with self._lock:
            self.records.setdefault(obj_name, {}).setdefault(record_id, {})[field] = wire
            self.kinds[record_id] = kind

    def clear(self, obj_name: str, record_id: str, fields=None) -> bool:
        """Drop the overrides of a record (only `fields`, if given); True if any was dropped."""
        with self._lock:
            overrides = self.records.get(obj_name, {}).get(record_id)
            if not overrides:
                return False
            names = list(overrides) if fields is None else [f for f in fields if f in overrides]
            for name in names:
                overrides.pop(name)
            if not overrides:
                self.records[obj_name].pop(record_id)
                self.kinds.pop(record_id, None)
            return bool(names)

    def snapshot(self) -> list[dict]:
        with self._lock:
            return [{"object": o, "id": rid, "kind": self.kinds.get(rid), "fields": dict(f)}
                    for o, by_id in self.records.items() for rid, f in by_id.items()]

    def of(self, obj_name: str) -> dict[str, dict]:
        with self._lock:
            return {rid: dict(f) for rid, f in self.records.get(obj_name, {}).items()}
