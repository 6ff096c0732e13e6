"""A record that cannot be staged is set aside, not fatal: the rest of its page lands.

Causes: no Id, or one that is not an 18-character Salesforce Id; no SystemModstamp; a value
that does not fit its field's type (text in a number, date or boolean field); text that no
warehouse can store (an unpaired UTF-16 surrogate, bytes that are not UTF-8). Each becomes a
`Rejected` naming the object, the Id if any, the field, an excerpt of the value, the error and
the fix; it lands in staging.rejects and shows as a WARN asset check on the object.

Only a page that fails the fast conversion (convert.py) comes here, so a clean sync pays
nothing for it. NUL characters are not a reason: they are removed on both engines
(PostgreSQL text cannot hold them), and the record lands.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from .convert import arrow_type, csv_to_table, records_to_table

SF_ID = re.compile(r"^[a-zA-Z0-9]{18}$")
EXCERPT = 120
FIXES = {
    "id": "the record reached dealsync without a valid 18-character Id; check the object's "
          "sharing and any middleware between Salesforce and dealsync, then run the sync again",
    "modstamp": "the record has no SystemModstamp, which every synced record needs; report it "
                "to the Salesforce admin",
    "type": "correct the value in Salesforce (or the field's type in Setup), then the next sync "
            "lands it and removes it from staging.rejects",
    "text": "the text holds characters no database can store; correct the value in Salesforce, "
            "then the next sync lands it",
}


@dataclass(frozen=True)
class Rejected:
    object_name: str
    record_id: str | None
    field: str
    value_excerpt: str  # printable, at most EXCERPT characters
    error: str
    fix: str
    system_modstamp: datetime | None = None


def split_records(records: list[dict], fields: dict[str, str],
                  object_name: str) -> tuple[pa.Table, list[Rejected]]:
    """A REST page as a typed table of the records that can land, and the rest as rejects."""
    good, rejected = [], []
    for record in records:
        problem = _record_problem(record, fields, object_name)
        if problem is None:
            good.append(record)
        else:
            rejected.append(problem)
    return records_to_table(good, fields, object_name), rejected


def _record_problem(record: dict, fields: dict[str, str], object_name: str) -> Rejected | None:
    record_id = record.get("Id")
    modstamp = _datetime(record.get("SystemModstamp"))

    def reject(field: str, value, error: str, kind: str) -> Rejected:
        return Rejected(object_name, record_id if isinstance(record_id, str) else None, field,
                        _excerpt(value), error, FIXES[kind], modstamp)

    if not isinstance(record_id, str) or not SF_ID.match(record_id):
        return reject("Id", record_id, "missing Id" if record_id is None else
                      "not an 18-character Salesforce Id", "id")
    if modstamp is None:
        return reject("SystemModstamp", record.get("SystemModstamp"),
                      "missing or unreadable SystemModstamp", "modstamp")
    for field, sf_type in fields.items():
        value = record.get(field)
        if value is None:
            continue
        if isinstance(value, str) and not _storable(value):
            return reject(field, value, "text with characters that cannot be stored "
                                        "(an unpaired surrogate)", "text")
        try:
            records_to_table([{field: value}], {field: sf_type}, object_name)
        except (ValueError, pa.ArrowException, UnicodeError) as exc:
            return reject(field, value, f"does not fit {sf_type} ({arrow_type(sf_type)}): "
                                        f"{str(exc).splitlines()[0][:160]}", "type")
    return None


def rest_page(records: list[dict], fields: dict[str, str], object_name: str,
              rejects: list[Rejected]) -> pa.Table:
    """A REST page as a typed table; the records that cannot land are added to `rejects`."""
    return _whole_or_split(lambda: records_to_table(records, fields, object_name),
                           lambda: records, fields, object_name, rejects)


def csv_page(page: str | bytes, fields: dict[str, str], object_name: str,
             rejects: list[Rejected]) -> pa.Table:
    """A Bulk CSV page, likewise."""
    return _whole_or_split(lambda: csv_to_table(page, fields, object_name),
                           lambda: _csv_records(page, fields), fields, object_name, rejects)


def _whole_or_split(whole, records, fields: dict[str, str], object_name: str,
                    rejects: list[Rejected]) -> pa.Table:
    """The whole page in one conversion (the fast path); when a value cannot be converted or a
    key is bad, record by record, so only the bad records are set aside."""
    try:
        table = whole()
    except (ValueError, pa.ArrowException, UnicodeError):
        table = None
    if table is not None and _keys_ok(table):
        return table
    table, rejected = split_records(records(), fields, object_name)
    rejects.extend(rejected)
    return table


def _keys_ok(table: pa.Table) -> bool:
    """Every row has an 18-character Id and a SystemModstamp (else the slow path names them)."""
    ids, stamps = table.column("Id"), table.column("SystemModstamp")
    if ids.null_count or stamps.null_count:
        return False
    return table.num_rows == 0 or bool(pc.all(pc.match_substring_regex(ids, SF_ID.pattern)).as_py())


def _csv_records(page: str | bytes, fields: dict[str, str]) -> list[dict]:
    """A Bulk CSV page as records of text values (empty is null). Bytes that are not UTF-8
    become unpaired surrogates, which split_records then rejects as text it cannot store."""
    data = page if isinstance(page, bytes) else page.encode("utf-8", "surrogatepass")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8", "surrogateescape"), newline=""))
    return [{name: (row.get(name) or None) for name in fields} for row in reader]


def _storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _datetime(value) -> datetime | None:
    if not isinstance(value, str) or len(value) < 19:
        return None
    try:
        return datetime.fromisoformat(value[:23])
    except ValueError:
        return None


def _excerpt(value) -> str:
    text = repr(value) if not isinstance(value, str) else value
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= EXCERPT else text[:EXCERPT - 3] + "..."
