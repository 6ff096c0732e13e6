"""The org's records, held in an embedded DuckDB database: one table per object.

DuckDB keeps a 1M-opportunity org in a few hundred MB and answers SOQL (compiled to SQL by
soql/engine.py) fast enough that the emulator is never what a pipeline benchmark measures. Every write
goes through this module so that SystemModstamp, IsDeleted and the derived fields behave as in
Salesforce: set on every write, including delete.
"""

import threading
from datetime import date, datetime, timezone

import duckdb

from . import ids
from .errors import ApiError
from .poison import Poison
from .schema import STORAGE_TYPES, Field, ObjectDef, build_objects

DELETED_LOG = "_deleted_log"  # (object, Id, deleted_at): what sobjects/X/deleted reports


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def utcnow_s() -> datetime:
    """Now, in UTC, to the second: Salesforce stores datetimes with whole seconds (`.000`)."""
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


class Store:
    """All records of one emulated org, plus the ID counters and the modstamp clock."""

    def __init__(self, objects: dict[str, ObjectDef] | None = None, path: str = ":memory:"):
        self.objects = objects or build_objects()
        self.con = duckdb.connect(path)
        self.lock = threading.RLock()
        self._counters: dict[str, int] = {}
        self._last_stamp = datetime.min
        self.poison = Poison()  # wire overrides of poison records (poison.py)
        for obj in self.objects.values():
            self._create_table(obj)
        self.con.execute(f"CREATE TABLE IF NOT EXISTS {DELETED_LOG} "
                         "(object VARCHAR, id VARCHAR, deleted_at TIMESTAMP)")

    def close(self) -> None:
        self.con.close()

    # ----- schema -------------------------------------------------------------------------
    def object(self, name: str) -> ObjectDef | None:
        """Case-insensitive object lookup."""
        for obj_name, obj in self.objects.items():
            if obj_name.lower() == name.lower():
                return obj
        return None

    def _create_table(self, obj: ObjectDef) -> None:
        cols = ", ".join(f"{quote(f.name)} {STORAGE_TYPES[f.type]}" for f in obj.stored_fields())
        self.con.execute(f"CREATE TABLE IF NOT EXISTS {quote(obj.name)} ({cols})")

    def add_field(self, obj_name: str, f: Field) -> None:
        """Schema drift: a field created in Setup appears in describe and as a new column."""
        obj = self.objects[obj_name]
        with self.lock:
            obj.fields[f.name] = f
            if f.stored:
                self.con.execute(f"ALTER TABLE {quote(obj.name)} ADD COLUMN "
                                 f"{quote(f.name)} {STORAGE_TYPES[f.type]}")

    def remove_field(self, obj_name: str, field_name: str) -> None:
        obj = self.objects[obj_name]
        with self.lock:
            f = obj.fields.pop(field_name)
            if f.stored:
                self.con.execute(f"ALTER TABLE {quote(obj.name)} DROP COLUMN {quote(f.name)}")

    # ----- clock and IDs ------------------------------------------------------------------
    def stamp(self) -> datetime:
        """The SystemModstamp of a write now. Like Salesforce's it has whole seconds, so writes
        in the same second share it; it never goes back even if the wall clock does."""
        with self.lock:
            self._last_stamp = max(utcnow_s(), self._last_stamp)
            return self._last_stamp

    def new_id(self, obj: ObjectDef) -> str:
        with self.lock:
            if obj.name not in self._counters:
                self._counters[obj.name] = self._max_number(obj) + 1
            n = self._counters[obj.name]
            self._counters[obj.name] = n + 1
            return ids.mint(obj.key_prefix, n)

    def _max_number(self, obj: ObjectDef) -> int:
        top = self.con.execute(f'SELECT max(substr("Id", 7, 9)) FROM {quote(obj.name)}').fetchone()[0]
        return ids.decode_number(top) if top else 0

    def sync_counters(self) -> None:
        """Forget the ID counters; call after loading rows directly (generator, fixtures)."""
        with self.lock:
            self._counters.clear()
            top = self.con.execute("SELECT max(SystemModstamp) FROM (" + " UNION ALL ".join(
                f'SELECT max("SystemModstamp") AS SystemModstamp FROM {quote(o.name)}'
                for o in self.objects.values()) + ")").fetchone()[0]
            if top and top > self._last_stamp:
                self._last_stamp = top

    # ----- reads ----------------------------------------------------------------------------
    def get(self, obj: ObjectDef, record_id: str, include_deleted: bool = False) -> dict | None:
        cols = [f.name for f in obj.stored_fields()]
        sql = f"SELECT {', '.join(map(quote, cols))} FROM {quote(obj.name)} WHERE \"Id\" = ?"
        if obj.has_is_deleted and not include_deleted:
            sql += ' AND NOT "IsDeleted"'
        row = self.con.cursor().execute(sql, [record_id]).fetchone()
        return dict(zip(cols, row)) if row else None

    def exists(self, obj: ObjectDef, record_id: str) -> bool:
        """A live (not deleted) record with this Id: what a reference field may point at."""
        sql = f'SELECT 1 FROM {quote(obj.name)} WHERE "Id" = ?'
        if obj.has_is_deleted:
            sql += ' AND NOT "IsDeleted"'
        return self.con.cursor().execute(sql + " LIMIT 1", [record_id]).fetchone() is not None

    def find_by(self, obj: ObjectDef, field_name: str, value) -> list[str]:
        sql = f'SELECT "Id" FROM {quote(obj.name)} WHERE {quote(field_name)} = ?'
        if obj.has_is_deleted:
            sql += ' AND NOT "IsDeleted"'
        return [r[0] for r in self.con.cursor().execute(sql, [value]).fetchall()]

    def count(self, obj: ObjectDef) -> int:
        return self.con.cursor().execute(f"SELECT count(*) FROM {quote(obj.name)}").fetchone()[0]

    def stages(self) -> list[tuple[str, bool]]:
        """(ApiName, IsActive) of every OpportunityStage: the StageName picklist."""
        return [tuple(r) for r in self.con.cursor().execute(
            'SELECT "ApiName", "IsActive" FROM "OpportunityStage" ORDER BY "SortOrder"').fetchall()]

    # ----- writes ---------------------------------------------------------------------------
    def insert(self, obj: ObjectDef, values: dict, user_id: str | None = None,
               stamp: datetime | None = None) -> str:
        """Insert one record; `values` are already validated. Returns the new Id."""
        with self.lock:
            stamp = stamp or self.stamp()
            row = {f.name: None for f in obj.stored_fields()}
            row.update(values)
            row["Id"] = values.get("Id") or self.new_id(obj)
            user_id = user_id or self.default_user_id()
            for name, default in (("CreatedDate", stamp), ("LastModifiedDate", stamp),
                                  ("SystemModstamp", stamp), ("CreatedById", user_id),
                                  ("LastModifiedById", user_id)):
                if name in obj.fields:  # ContentDocumentLink has SystemModstamp only
                    row[name] = values.get(name) or default
            if obj.has_is_deleted:
                row["IsDeleted"] = bool(values.get("IsDeleted", False))
            self._derive(obj, row, None)
            self._fill_booleans(obj, row)
            cols = list(row)
            self.con.execute(
                f"INSERT INTO {quote(obj.name)} ({', '.join(map(quote, cols))}) "
                f"VALUES ({', '.join('?' for _ in cols)})", [row[c] for c in cols])
            return row["Id"]

    def update(self, obj: ObjectDef, record_id: str, values: dict, user_id: str | None = None,
               stamp: datetime | None = None) -> None:
        with self.lock:
            before = self.get(obj, record_id)
            if before is None:
                raise ApiError(404, "ENTITY_IS_DELETED" if self.get(obj, record_id, True)
                               else "NOT_FOUND",
                               "entity is deleted" if self.get(obj, record_id, True)
                               else "The requested resource does not exist")
            stamp = stamp or self.stamp()
            row = dict(before)
            row.update(values)
            row["SystemModstamp"] = values.get("SystemModstamp") or stamp
            if "LastModifiedDate" in obj.fields:
                row["LastModifiedDate"] = values.get("LastModifiedDate") or stamp
                row["LastModifiedById"] = user_id or self.default_user_id()
            self._derive(obj, row, before)
            changed = [c for c in row if row[c] != before.get(c)]
            if changed:
                self._write(obj, record_id, {c: row[c] for c in changed})

    def delete(self, obj: ObjectDef, record_id: str, stamp: datetime | None = None) -> None:
        """Soft delete: the row goes to the recycle bin (IsDeleted, new SystemModstamp)."""
        with self.lock:
            if self.get(obj, record_id) is None:
                deleted = self.get(obj, record_id, True) is not None
                raise ApiError(404, "ENTITY_IS_DELETED" if deleted else "NOT_FOUND",
                               "entity is deleted" if deleted
                               else "The requested resource does not exist")
            stamp = stamp or self.stamp()
            if obj.has_is_deleted:
                self._write(obj, record_id, {"IsDeleted": True, "SystemModstamp": stamp})
            else:
                self.con.execute(f'DELETE FROM {quote(obj.name)} WHERE "Id" = ?', [record_id])
            self.con.execute(f"INSERT INTO {DELETED_LOG} VALUES (?, ?, ?)",
                             [obj.name, record_id, stamp])

    def undelete(self, obj: ObjectDef, record_id: str, stamp: datetime | None = None) -> list[str]:
        """Restore a record from the recycle bin with the children its delete cascaded to.

        As Salesforce's undelete(): IsDeleted false again, SystemModstamp moves, and the record
        leaves the deleted feed ("undelete()", SOAP API Developer Guide:
        https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_undelete.htm).
        Returns the restored Ids, the record's first.
        """
        from .undelete import undelete
        return undelete(self, obj, record_id, stamp)

    def purge(self, obj: ObjectDef, record_id: str) -> None:
        """Empty the recycle bin for one record: it vanishes even from queryAll."""
        with self.lock:
            self.con.execute(f'DELETE FROM {quote(obj.name)} WHERE "Id" = ?', [record_id])

    def _write(self, obj: ObjectDef, record_id: str, changes: dict) -> None:
        sets = ", ".join(f"{quote(c)} = ?" for c in changes)
        self.con.execute(f'UPDATE {quote(obj.name)} SET {sets} WHERE "Id" = ?',
                         [*changes.values(), record_id])

    def default_user_id(self) -> str | None:
        row = self.con.cursor().execute(
            'SELECT "Id" FROM "User" WHERE "IsActive" ORDER BY "Id" LIMIT 1').fetchone()
        return row[0] if row else None

    # ----- derived fields, as Salesforce computes them on save --------------------------------
    def _fill_booleans(self, obj: ObjectDef, row: dict) -> None:
        for f in obj.stored_fields():
            if f.type == "boolean" and row.get(f.name) is None:
                row[f.name] = True if f.name == "IsActive" else False

    def _derive(self, obj: ObjectDef, row: dict, before: dict | None) -> None:
        if obj.name in ("User", "Contact"):
            row["Name"] = " ".join(p for p in (row.get("FirstName"), row.get("LastName")) if p)
        if obj.name == "Opportunity":
            self._derive_opportunity(row, before)
        if obj.name == "Task":
            row["IsClosed"] = row.get("Status") == "Completed"
            row["IsHighPriority"] = row.get("Priority") == "High"
            if row["IsClosed"] and not (before and before.get("IsClosed")):
                row["CompletedDateTime"] = row["SystemModstamp"]
        if obj.name in ("Task", "Event"):
            row["AccountId"] = self._account_of(row.get("WhatId"))

    def _derive_opportunity(self, row: dict, before: dict | None) -> None:
        stage = self.con.cursor().execute(
            'SELECT "IsClosed", "IsWon", "ForecastCategory", "ForecastCategoryName", '
            '"DefaultProbability" FROM "OpportunityStage" WHERE "ApiName" = ?',
            [row.get("StageName")]).fetchone()
        stage_changed = before is None or before.get("StageName") != row.get("StageName")
        if stage:
            row["IsClosed"], row["IsWon"], row["ForecastCategory"] = stage[0], stage[1], stage[2]
            if stage_changed:
                row["ForecastCategoryName"] = stage[3]
                if before is None and row.get("Probability") is None or \
                        before is not None and before.get("Probability") == row.get("Probability"):
                    row["Probability"] = stage[4]
        if stage_changed:
            row["LastStageChangeDate"] = row["SystemModstamp"]
        amount, prob = row.get("Amount"), row.get("Probability")
        row["ExpectedRevenue"] = None if amount is None or prob is None else amount * prob / 100
        close = row.get("CloseDate")
        if isinstance(close, str):
            close = date.fromisoformat(close)
        if close:
            row["FiscalYear"], row["FiscalQuarter"] = close.year, (close.month - 1) // 3 + 1

    def _account_of(self, what_id: str | None) -> str | None:
        if not what_id:
            return None
        if what_id.startswith("001"):
            return what_id
        if what_id.startswith("006"):
            row = self.con.cursor().execute(
                'SELECT "AccountId" FROM "Opportunity" WHERE "Id" = ?', [what_id]).fetchone()
            return row[0] if row else None
        return None
