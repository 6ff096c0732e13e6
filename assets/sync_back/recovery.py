"""Before resending rows a previous run may have written: find out what Salesforce holds.

Rows marked in flight name their Bulk job, if any: a job still running keeps its rows waiting,
an Open one is aborted (it wrote nothing), a finished one reports per-row results. Without an
external ID (creates), the remaining rows are looked up by their key field; a Task found is
recorded as sent and never created again.
"""

from simple_salesforce.format import format_soql

from resources.salesforce import bulk_ingest
from resources.salesforce.errors import SalesforceCallError

from .errors import SyncBackConfigError
from .payload import TASK

MAX_IN_LIST_CHARS = 3500  # stays inside SOQL's 4,000-character WHERE and URL limits


def key_queries(keys: list[str], key_field: str) -> list[str]:
    """SELECT Id, <key> FROM Task WHERE <key> IN (...) for chunks of keys."""
    queries, chunk, size = [], [], 0
    for key in keys:
        quoted = len(key) + 4
        if chunk and size + quoted > MAX_IN_LIST_CHARS:
            queries.append(chunk)
            chunk, size = [], 0
        chunk.append(key)
        size += quoted
    if chunk:
        queries.append(chunk)
    return [format_soql(f"SELECT Id, {key_field} FROM {TASK} WHERE {key_field} IN {{keys}} "
                        "ORDER BY CreatedDate, Id", keys=chunk) for chunk in queries]


def find_by_key(client, keys: list[str], key_field: str) -> dict[str, list[str]]:
    """{key: [Task Ids holding it]} for the keys Salesforce has; five queries per API call."""
    found: dict[str, list[str]] = {}
    if not keys:
        return found
    soqls = key_queries(keys, key_field)
    try:
        pages = client.composite_queries(soqls, objects=[TASK] * len(soqls))
    except SalesforceCallError as exc:
        if exc.code in ("INVALID_FIELD", "INVALID_TYPE"):
            raise SyncBackConfigError(
                f"Task has no queryable field {key_field} ({exc}). Fix: create the field, grant "
                "the integration user read access, or point sync_back.key_field at the Task "
                "field that stores each row's sync key") from exc
        raise
    for page in pages:
        records = list(page["records"])
        if not page["done"]:
            for more in client.next_pages(page["nextRecordsUrl"], object=TASK):
                records.extend(more)
        for record in records:
            found.setdefault(record[key_field], []).append(record["Id"])
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
