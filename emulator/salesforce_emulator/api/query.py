"""REST query (query, queryAll, nextRecordsUrl paging), limits and describe.

A query opens a server-side cursor over a DuckDB result and streams it page by page, so a
1M-row query never sits in memory. A page asked for out of sequence (a client retrying after a
dropped connection) is re-read from its offset: the order is total (rowid is the last sort key),
so a retry returns exactly the rows the lost page had.
"""

import threading
from collections import OrderedDict

from ..org import ids
from ..org.errors import ApiError
from ..org.poison_wire import apply_records
from ..soql.engine import compile_soql
from .http import Request, Response

DATA = r"/services/data/v(?P<version>\d+\.\d)"
MAX_OPEN_CURSORS = 200
DEFAULT_BATCH = 2000


class QueryCursor:
    """One open query: the compiled SOQL, its total, and a streaming result positioned at `offset`.

    Rows come out of DuckDB as Arrow batches (five times cheaper than row tuples) and are
    buffered so that every page but the last has exactly `batch` rows.
    """

    def __init__(self, locator: str, compiled, total: int, batch: int, store):
        self.locator, self.compiled, self.total, self.batch = locator, compiled, total, batch
        self.store = store
        self.offset = 0
        self.lock = threading.Lock()
        self._reader = None
        self._buffer: list[tuple] = []

    def _open(self, offset: int) -> None:
        sql = self.compiled.sql
        if offset:
            sql = f"SELECT * FROM ({sql}) OFFSET {offset}" if " LIMIT " in sql.upper() \
                else f"{sql} OFFSET {offset}"
        relation = self.store.con.cursor().sql(sql, params=self.compiled.params or None)
        self._reader = relation.to_arrow_reader(self.batch)
        self._buffer, self.offset = [], offset

    def page(self, offset: int) -> list[tuple]:
        with self.lock:
            if self._reader is None or offset != self.offset:
                self._open(offset)
            want = min(self.batch, self.total - offset)
            while len(self._buffer) < want:
                try:
                    batch = self._reader.read_next_batch()
                except StopIteration:  # fewer rows than counted: the org changed meanwhile
                    break
                self._buffer.extend(zip(*(column.to_pylist() for column in batch.columns)))
            rows, self._buffer = self._buffer[:want], self._buffer[want:]
            self.offset += len(rows)
            return rows


class Cursors:
    """Open query cursors, oldest evicted first (Salesforce also expires idle locators)."""

    def __init__(self):
        self._cursors: OrderedDict[str, QueryCursor] = OrderedDict()
        self._lock = threading.Lock()
        self._serial = 0

    def new_locator(self) -> str:
        with self._lock:
            self._serial += 1
            return ids.mint("01g", self._serial)

    def add(self, cursor: QueryCursor) -> None:
        with self._lock:
            self._cursors[cursor.locator] = cursor
            while len(self._cursors) > MAX_OPEN_CURSORS:
                self._cursors.popitem(last=False)

    def get(self, locator: str) -> QueryCursor:
        with self._lock:
            cursor = self._cursors.get(locator)
        if cursor is None:
            raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return cursor

    def close(self, locator: str) -> None:
        with self._lock:
            self._cursors.pop(locator, None)


def register(router, app) -> None:
    app.cursors = Cursors()
    for resource, deleted in (("query", False), ("queryAll", True)):
        router.add("GET", rf"{DATA}/{resource}",
                   _kind("query", lambda r, d=deleted, res=resource: run_query(app, r, d, res)))
        router.add("GET", rf"{DATA}/{resource}/(?P<locator>01g\w+)-(?P<offset>\d+)",
                   _kind("query", lambda r, res=resource: next_page(app, r, res)))
    router.add("GET", rf"{DATA}/limits", _kind("limits", lambda r: limits(app)))
    router.add("GET", rf"{DATA}", _kind("rest", lambda r: resources(r)))


def _kind(kind: str, handler):
    handler.kind = kind
    return handler


def batch_size(request: Request) -> int:
    """`Sforce-Query-Options: batchSize=N`, clamped to Salesforce's 200..2000."""
    options = request.headers.get("sforce-query-options", "")
    for part in options.split(","):
        key, _, value = part.strip().partition("=")
        if key.lower() == "batchsize" and value.isdigit():
            return max(200, min(DEFAULT_BATCH, int(value)))
    return DEFAULT_BATCH


def execute_soql(app, soql: str, include_deleted: bool, version: str, batch: int,
                 resource: str, request: Request | None = None) -> dict:
    """Run a SOQL query and return its first page (shared by REST query and /composite)."""
    if not soql:
        raise ApiError(400, "MALFORMED_QUERY", "A query string has to be specified")
    compiled = compile_soql(soql, app.objects(), include_deleted=include_deleted,
                            now=app.now(), api_version=version)
    if request is not None:
        request.sobject = compiled.object.name
    total = app.store.con.cursor().execute(compiled.count_sql, compiled.params).fetchone()[0]
    if compiled.is_count:
        return {"totalSize": total, "done": True, "records": []}
    cursor = QueryCursor(app.cursors.new_locator(), compiled, total, batch, app.store)
    app.cursors.add(cursor)
    return _page(app, cursor, 0, version, resource)


def _page(app, cursor: QueryCursor, offset: int, version: str, resource: str) -> dict:
    rows = cursor.page(offset)
    to_record = cursor.compiled.to_record
    end = offset + len(rows)
    body = {"totalSize": cursor.total, "done": end >= cursor.total}
    if end < cursor.total:
        body["nextRecordsUrl"] = f"/services/data/v{version}/{resource}/{cursor.locator}-{end}"
    else:
        app.cursors.close(cursor.locator)
    body["records"] = [to_record(row) for row in rows]
    apply_records(app.store.poison, cursor.compiled.object.name, body["records"])
    return body


def run_query(app, request: Request, include_deleted: bool, resource: str) -> Response:
    body = execute_soql(app, request.query.get("q", ""), include_deleted,
                        request.params["version"], batch_size(request), resource, request)
    return Response.json(body)


def next_page(app, request: Request, resource: str) -> Response:
    cursor = app.cursors.get(request.params["locator"])
    request.sobject = cursor.compiled.object.name
    offset = int(request.params["offset"])
    if offset > cursor.total:
        raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    return Response.json(_page(app, cursor, offset, request.params["version"], resource))


def limits(app) -> Response:
    usage = app.usage
    return Response.json({
        "ConcurrentAsyncGetReportInstances": {"Max": 200, "Remaining": 200},
        "DailyApiRequests": {"Max": usage.daily_max, "Remaining": max(0, usage.daily_max - usage.used)},
        "DailyAsyncApexExecutions": {"Max": 250000, "Remaining": 250000},
        "DailyBulkApiBatches": {"Max": 15000,
                                "Remaining": 15000 - usage.by_kind.get("bulk1_batch", 0)},
        "DailyBulkV2QueryFileStorageMB": {"Max": 976562, "Remaining": 976562},
        "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000 - usage.by_kind.get("bulk_create", 0)},
        "DataStorageMB": {"Max": 1024, "Remaining": 1024},
        "FileStorageMB": {"Max": 1024, "Remaining": 1024},
    })


def resources(request: Request) -> Response:
    base = f"/services/data/v{request.params['version']}"
    names = ["sobjects", "query", "queryAll", "limits", "composite", "jobs"]
    return Response.json({name: f"{base}/{name}" for name in names})
