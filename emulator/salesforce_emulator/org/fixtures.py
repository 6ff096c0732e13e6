"""Load an org whose exact records a test states, from JSON or a directory of CSV files.

    {"User": [{"_ref": "alice", "Username": "...", ...}],
     "Opportunity": [{"Name": "Big deal", "OwnerId": "@alice", "CloseDate": "2025-03-31", ...}]}

or `Opportunity.csv`, `User.csv`, ... with API field names as the header (empty cell = no value).
Dates and datetimes are ISO strings; datetimes may carry any offset and are stored as naive UTC
with whole seconds, as Salesforce keeps them.
A record may omit Id (minted after any Id already in the store or the fixture), IsDeleted
(false), CreatedById/LastModifiedById (the fixture's first user) and the system timestamps: a
missing one takes the nearest given one in CreatedDate <= LastModifiedDate <= SystemModstamp, or
`now` when none is given. `now` defaults to one second before the store's clock: a fixture states
the org as it stands when served, so a read whose window ends at the current second (windows are
half-open, and Salesforce's stamps have whole seconds) already sees every record. Deleted
records (IsDeleted true) are also logged in _deleted_log at their SystemModstamp.

`"_ref": "name"` labels a record; `"@name"` in a reference field of any record points at it,
forward references included (all Ids are assigned before the first insert). Records go through
Store.insert in dependency order, so derived fields (Name, IsClosed, Probability, AccountId of
activities, ...) come out as Salesforce computes them.

The whole fixture is checked before anything is written: a bad one raises ValueError naming the
object, the record (index and _ref) and the field, and leaves the store untouched.
"""

import csv
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from . import ids
from .schema import Field, ObjectDef
from .store import DELETED_LOG, Store, quote

LOAD_ORDER = ["User", "RecordType", "OpportunityStage", "Account", "Contact", "Opportunity",
              "OpportunityContactRole", "Task", "Event", "EmailMessage", "Project__c"]
SYSTEM_TIMES = ("CreatedDate", "LastModifiedDate", "SystemModstamp")
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no", ""}


class _Record:
    """One fixture record on its way into the store."""

    def __init__(self, obj: ObjectDef, index: int, raw: dict):
        self.obj, self.index, self.raw = obj, index, raw
        self.ref = raw.get("_ref")
        self.values: dict = {}

    def error(self, field: str | None, problem: str) -> ValueError:
        where = f"{self.obj.name} record {self.index}"
        if self.ref:
            where += f" (_ref {self.ref!r})"
        if field:
            where += f", field {field!r}"
        return ValueError(f"{where}: {problem}")


def load_fixture(store: Store, path: str | Path, now: datetime | None = None) -> dict[str, int]:
    """Insert the fixture's records; returns how many records each object received."""
    records = _read(store, Path(path))
    _convert_fields(records)
    refs = _assign_ids(store, records)
    _resolve_refs(records, refs)
    with store.lock:
        stamp = _utc(now) if now else store.stamp() - timedelta(seconds=1)
        first_user = next((r.values["Id"] for r in records if r.obj.name == "User"),
                          store.default_user_id())
        for record in records:
            _default_times(record, stamp)
            store.insert(record.obj, record.values, user_id=first_user, stamp=stamp)
            if record.values.get("IsDeleted"):
                store.con.execute(f"INSERT INTO {DELETED_LOG} VALUES (?, ?, ?)",
                                  [record.obj.name, record.values["Id"],
                                   record.values["SystemModstamp"]])
        store.sync_counters()
    counts: dict[str, int] = {}
    for record in records:
        counts[record.obj.name] = counts.get(record.obj.name, 0) + 1
    return counts


# ----- reading -----------------------------------------------------------------------------------
def _read(store: Store, path: Path) -> list[_Record]:
    """Records in dependency order (LOAD_ORDER, then any other object in fixture order)."""
    if path.is_dir():
        tables = {}
        for csv_path in sorted(path.glob("*.csv")):
            with csv_path.open(newline="", encoding="utf-8-sig") as f:
                tables[csv_path.stem] = [{k: v for k, v in row.items() if v != ""}
                                         for row in csv.DictReader(f)]
    elif path.is_file():
        tables = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(tables, dict):
            raise ValueError(f"{path}: expected an object mapping object names to record lists")
    else:
        raise ValueError(f"{path}: no such fixture file or directory")
    by_object: dict[str, list[dict]] = {}
    for name, rows in tables.items():
        obj = store.object(name)
        if obj is None:
            raise ValueError(f"{path}: unknown object {name!r}")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ValueError(f"{path}: {name} must be a list of records")
        by_object.setdefault(obj.name, []).extend(rows)
    order = [n for n in LOAD_ORDER if n in by_object]
    order += [n for n in by_object if n not in LOAD_ORDER]
    return [_Record(store.objects[name], i, raw)
            for name in order for i, raw in enumerate(by_object[name])]


# ----- checking and converting -------------------------------------------------------------------
def _convert_fields(records: list[_Record]) -> None:
    for record in records:
        for key, value in record.raw.items():
            if key == "_ref":
                continue
            f = record.obj.field(key)
            if f is None:
                raise record.error(key, "unknown field")
            if not f.stored:
                raise record.error(key, "is computed by Salesforce and cannot be loaded")
            record.values[f.name] = _convert(record, f, value)
        for f in record.obj.fields.values():
            if f.required and record.values.get(f.name) is None:
                raise record.error(f.name, "required field is missing")


def _convert(record: _Record, f: Field, value):
    """A JSON or CSV value as the Python value the store keeps for the field's type."""
    if value is None:
        return None
    try:
        if f.type == "boolean":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text not in _TRUE | _FALSE:
                raise ValueError(f"{value!r} is not a boolean")
            return text in _TRUE
        if f.type == "int":
            return int(value)
        if f.type in ("double", "currency", "percent"):
            return float(value)
        if f.type == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        if f.type == "datetime":
            if not isinstance(value, datetime):
                value = datetime.fromisoformat(str(value))
            return _utc(value)
        if f.type in ("id", "reference"):
            text = str(value)
            if text.startswith("@") and f.type == "reference":
                return text
            normalized = ids.normalize(text)
            if normalized is None:
                raise ValueError(f"{value!r} is not a Salesforce ID"
                                 + (" (use @name to point at a fixture record)"
                                    if f.type == "reference" else ""))
            return normalized
        return str(value)
    except ValueError as e:
        raise record.error(f.name, str(e)) from None


def _utc(moment: datetime) -> datetime:
    """Naive UTC with whole seconds: Salesforce drops the milliseconds of a datetime it stores."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0)


# ----- IDs and references ------------------------------------------------------------------------
def _assign_ids(store: Store, records: list[_Record]) -> dict[str, _Record]:
    """Mint missing Ids past every Id already used for the object; map each _ref to its record."""
    explicit: dict[str, set[str]] = {}
    for record in records:
        given = record.values.get("Id")
        if given is None:
            continue
        if not given.startswith(record.obj.key_prefix):
            raise record.error("Id", f"{given} does not start with {record.obj.name}'s key "
                                     f"prefix {record.obj.key_prefix}")
        if given in explicit.setdefault(record.obj.name, set()):
            raise record.error("Id", f"duplicate Id {given}")
        explicit[record.obj.name].add(given)
    next_number: dict[str, int] = {}
    refs: dict[str, _Record] = {}
    for record in records:
        name = record.obj.name
        if record.values.get("Id") is None:
            if name not in next_number:
                used = [ids.decode_number(i[6:15]) for i in explicit.get(name, ())]
                top = store.con.execute(f'SELECT max(substr("Id", 7, 9)) FROM {quote(name)}'
                                        ).fetchone()[0]
                next_number[name] = max([ids.decode_number(top) if top else 0, *used]) + 1
            record.values["Id"] = ids.mint(record.obj.key_prefix, next_number[name])
            next_number[name] += 1
        if record.ref is not None:
            if not isinstance(record.ref, str) or not record.ref:
                raise record.error("_ref", "must be a non-empty string")
            if record.ref in refs:
                first = refs[record.ref]
                raise record.error("_ref", f"{record.ref!r} is already used by "
                                           f"{first.obj.name} record {first.index}")
            refs[record.ref] = record
    return refs


def _resolve_refs(records: list[_Record], refs: dict[str, _Record]) -> None:
    for record in records:
        for name, value in record.values.items():
            if not (isinstance(value, str) and value.startswith("@")):
                continue
            f = record.obj.fields[name]
            target = refs.get(value[1:])
            if target is None:
                raise record.error(name, f"unresolved reference {value!r}")
            if target.obj.name not in f.reference_to:
                raise record.error(name, f"{value!r} is a {target.obj.name}, expected "
                                         f"{' or '.join(f.reference_to)}")
            record.values[name] = target.values["Id"]


def _default_times(record: _Record, stamp: datetime) -> None:
    """Fill missing system timestamps from the nearest given one (or `stamp`), keeping
    CreatedDate <= LastModifiedDate <= SystemModstamp when the fixture gives only some."""
    given = [record.values.get(name) for name in SYSTEM_TIMES]
    if not any(given):
        given = [stamp] * 3
    for i in (1, 2):
        given[i] = given[i] or given[i - 1]
    for i in (1, 0):
        given[i] = given[i] or given[i + 1]
    record.values.update(zip(SYSTEM_TIMES, given))
