"""Undelete: a record comes back from the recycle bin, with what its delete cascaded to.

Salesforce restores the children a cascade delete took with the parent (an opportunity's
contact roles, tasks and events) and moves SystemModstamp on every restored row, so an
incremental sync picks them up again ("undelete()", SOAP API Developer Guide:
https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_undelete.htm).
A child deleted in the same write as its parent (the same SystemModstamp) counts as cascaded.
"""

from datetime import datetime

from .errors import ApiError


def undelete(store, obj, record_id: str, stamp: datetime | None = None) -> list[str]:
    with store.lock:
        row = store.get(obj, record_id, include_deleted=True)
        if row is None:
            raise ApiError(404, "ENTITY_IS_DELETED", "entity is deleted and not in the recycle bin")
        if not obj.has_is_deleted or not row.get("IsDeleted"):
            raise ApiError(400, "UNDELETE_FAILED", f"{obj.name} {record_id} is not in the recycle bin")
        stamp = stamp or store.stamp()
        return _restore(store, obj, record_id, row["SystemModstamp"], stamp)


def _restore(store, obj, record_id: str, deleted_at, stamp) -> list[str]:
    from .describe import CHILD_RELATIONSHIPS
    from .store import DELETED_LOG, quote
    store._write(obj, record_id, {"IsDeleted": False, "SystemModstamp": stamp})
    store.con.execute(f"DELETE FROM {DELETED_LOG} WHERE object = ? AND id = ?", [obj.name, record_id])
    restored = [record_id]
    for (child_name, field_name), (_, cascade) in CHILD_RELATIONSHIPS.items():
        child = store.objects.get(child_name)
        f = child.fields.get(field_name) if child else None
        if not cascade or f is None or obj.name not in f.reference_to or not child.has_is_deleted:
            continue
        rows = store.con.cursor().execute(
            f'SELECT "Id" FROM {quote(child.name)} WHERE {quote(f.name)} = ? AND "IsDeleted" '
            'AND "SystemModstamp" = ?', [record_id, deleted_at]).fetchall()
        for (child_id,) in rows:
            restored += _restore(store, child, child_id, deleted_at, stamp)
    return restored
