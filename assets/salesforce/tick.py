"""The 10-minute tick: every enabled object's newest window in as few API calls as possible.

Peers spend at least one call per object per tick. Here the describes and the window queries of
all objects share `/composite` requests (up to 25 subrequests, at most 5 queries, metered as ONE
call), so a tick in which nothing changed costs two calls for ten objects. Each query uses the
field list from the previous run's describe; the describe in the same request tells whether that
list is still right, and an object whose fields changed is queried again at once with the new
list, so an added field becomes a column on the next run.
"""

from dataclasses import dataclass
from urllib.parse import quote

from resources.salesforce.composite import strip_attributes
from resources.settings.catalog import ObjectSpec

from .extractor import Extractor, ObjectRun
from .fields import select_fields
from .windows import Window, window_soql

QUERIES_PER_CALL = 5
SUBREQUESTS_PER_CALL = 25


@dataclass
class TickObject:
    spec: ObjectSpec
    window: Window  # for small objects: the whole table, recorded as [epoch, now)
    cached_fields: dict[str, str] | None
    fields: dict[str, str] | None = None
    missing: list[str] | None = None
    first_page: dict | None = None
    describe_error: object = None


def _plan_calls(objects: list[TickObject]) -> list[list[tuple[str, TickObject]]]:
    """Batches of (kind, object): queries five per call, describes filling the free slots."""
    queries = [("query", o) for o in objects if o.cached_fields]
    describes = [("describe", o) for o in objects]
    calls = [queries[i:i + QUERIES_PER_CALL] for i in range(0, len(queries), QUERIES_PER_CALL)] or [[]]
    for item in describes:
        target = next((c for c in calls if len(c) < SUBREQUESTS_PER_CALL), None)
        if target is None:
            target = []
            calls.append(target)
        target.append(item)
    return [c for c in calls if c]


def _subrequest(kind: str, obj: TickObject, version: str, ref: str) -> dict:
    name = obj.spec.name
    if kind == "describe":
        return {"method": "GET", "referenceId": ref,
                "url": f"/services/data/v{version}/sobjects/{name}/describe"}
    window = None if obj.spec.small else obj.window
    soql = window_soql(name, list(obj.cached_fields), window)
    return {"method": "GET", "referenceId": ref,
            "url": f"/services/data/v{version}/queryAll/?q={quote(soql, safe='')}"}


def run_tick(client, extractor: Extractor, objects: list[TickObject], log,
             land_one) -> None:
    """Describe and query every object through /composite, then land each one.

    `land_one(name, work)` runs `work()` (which lands the object and returns its ObjectRun) and
    decides what an object's failure means, so one broken object does not stop the others.
    """
    version = client.settings.api_version
    for batch in _plan_calls(objects):
        subrequests = [_subrequest(kind, o, version, f"{kind}_{i}") for i, (kind, o) in enumerate(batch)]
        responses = client.composite(subrequests, objects=sorted({o.spec.name for _, o in batch}))
        for (kind, obj), response in zip(batch, responses):
            _take(kind, obj, response, log)
    for obj in objects:
        land_one(obj, lambda o=obj: _land(client, extractor, o, log))


def _take(kind: str, obj: TickObject, response: dict, log) -> None:
    name = obj.spec.name
    if kind == "describe":
        if response["httpStatusCode"] != 200:
            obj.describe_error = response["body"]
        else:
            obj.fields, obj.missing = select_fields(obj.spec, response["body"])
        return
    if response["httpStatusCode"] == 200:
        obj.first_page = response["body"]
    else:
        # Typically INVALID_FIELD after a field was deleted: query again with the new describe.
        log.warning(f"{name}: query with last run's fields failed ({response['body']}); "
                    "re-querying with the current describe")


def _land(client, extractor: Extractor, obj: TickObject, log) -> ObjectRun:
    name = obj.spec.name
    run = ObjectRun(name)
    fields = obj.fields
    if fields is None:
        raise ValueError(f"{name}: describe failed ({obj.describe_error}); check that the "
                         "integration user can read the object")
    if obj.first_page is not None and fields == obj.cached_fields:
        tables = extractor.tables(run, fields, _pages(client, name, obj.first_page))
        extractor.land(run, fields, tables, obj.window, "composite")
    elif obj.spec.small:
        extractor.extract_all(run, fields)
    else:
        if obj.cached_fields is not None:
            log.info(f"{name}: fields changed since the last run; querying with the new list")
        extractor.extract_window(run, fields, obj.window)
    run.missing_columns = sorted(set(run.missing_columns) | set(obj.missing or []))
    return run


def _pages(client, name: str, first_page: dict):
    """The record pages of a query whose first page came in a /composite response."""
    yield strip_attributes(first_page["records"])
    if not first_page["done"]:
        yield from client.next_pages(first_page["nextRecordsUrl"], object=name)
