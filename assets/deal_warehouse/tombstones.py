"""Keep purged records out: every run erases staged rows whose Id (or parent Id) is tombstoned.

Extraction lands whatever Salesforce returns, so a purged record that still exists there (or
is edited again) comes back on the next sync; this runs in every warehouse run before dbt
starts, so no model ever reads it.
"""

from datetime import datetime

import sqlalchemy as sa

from transforms import sql

# staging table -> [(referencing column, tombstone object it points to)]; `id` is the row's own.
REFERENCES: dict[str, list[tuple[str, str]]] = {
    "opportunity": [("id", "opportunity")],
    "contact": [("id", "contact")],
    "opportunity_contact_role": [("opportunity_id", "opportunity"), ("contact_id", "contact")],
    "task": [("what_id", "opportunity"), ("who_id", "contact")],
    "event": [("what_id", "opportunity"), ("who_id", "contact")],
    "email_message": [("related_to_id", "opportunity")],
}


def apply(connection: sa.Connection, since: datetime, staged: dict[str, dict[str, str]]) -> int:
    """Delete tombstoned rows landed since `since` from staging; returns how many.
    `staged` is staging's table -> columns (state.staging_columns)."""
    if not connection.execute(sa.text("select count(*) from warehouse.purge_tombstones")).scalar():
        return 0
    statement = sql.statement("purge/apply_tombstones")
    removed = 0
    for table, references in REFERENCES.items():
        for suffix in ("", "_versions"):
            name = table + suffix
            columns = staged.get(name, {})
            for column, target in references:
                if column not in columns:
                    continue
                result = connection.execute(
                    sa.text(statement.format(table=name, reference=column)),
                    {"since": since, "object_name": table, "reference_object": target})
                removed += max(result.rowcount or 0, 0)
    return removed
