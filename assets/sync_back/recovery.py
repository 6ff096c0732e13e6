"""Before resending rows a previous run may have written: find out what Salesforce holds.

Rows marked in flight name their Bulk job, if any: a job still running keeps its rows waiting,
an Open one is aborted (it wrote nothing), a finished one reports per-row results. The remaining
rows are looked up by their key (task_keys.py); a Task found is recorded as sent and never
created again.
"""

from resources.salesforce import bulk_ingest
from resources.salesforce.errors import SalesforceCallError

from .errors import SyncBackConfigError
from .task_keys import TASK


def find_written(client, rows: list[dict], keys) -> dict[str, list[str]]:
    """{sync key: [Task Ids holding it]} for the rows Salesforce already has a Task for, deleted
    Tasks included (a Task someone deleted was written: it is not written again). Five
    queries per API call."""
    wanted = {r["sync_key"] for r in rows}
    found: dict[str, list[str]] = {}
    if not rows:
        return found
    soqls = keys.lookups(rows)
    try:
        pages = client.composite_queries(soqls, objects=[TASK] * len(soqls), include_deleted=True)
    except SalesforceCallError as exc:
        if keys.field and exc.code in ("INVALID_FIELD", "INVALID_TYPE"):
            raise SyncBackConfigError(
                f"Task has no queryable field {keys.field} ({exc}). Fix: create the field, grant "
                "the integration user read access, point sync_back.key_field at the Task field "
                "that stores each row's sync key, or remove sync_back.key_field to keep the key "
                "in the Task's Description") from exc
        raise
    for page in pages:
        records = list(page["records"])
        if not page["done"]:
            for more in client.next_pages(page["nextRecordsUrl"], object=TASK):
                records.extend(more)
        for record in records:
            key = keys.key_of(record)
            if key in wanted:
                found.setdefault(key, []).append(record["Id"])
    return found


def bulk_job_states(client, job_ids: set[str]) -> dict[str, str]:
    """State of each job named by in-flight rows; Open jobs (nothing written) are aborted."""
    states = {}
    for job_id in sorted(job_ids):
        state = bulk_ingest.job_state(client, TASK, job_id)
        if state == bulk_ingest.OPEN:
            bulk_ingest.abort(client, TASK, job_id)
            state = "Aborted"
        states[job_id] = state
    return states
