"""Extract one object's window into staging: COUNT, then Bulk 2.0 or REST, streamed page by page.

Large windows go through Bulk 2.0 (chosen by a COUNT() against `bulk_threshold`); small ones,
and any window Bulk refuses, through REST queryAll. Both read deleted rows too (`IsDeleted`),
so a delete lands as a new version. A QUERY_TIMEOUT halves the window and tries each half.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from resources.clock import utc_now
from resources.salesforce.errors import BulkUnavailable, SalesforceCallError

from .progress import Progress
from .quarantine import Rejected, csv_page, rest_page
from .windows import EPOCH, Window, window_soql, window_where

MIN_WINDOW_SECONDS = 60
IDS_PER_QUERY = 300  # about 6,600 characters of Ids: well inside the URL and SOQL limits
_ID = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")


@dataclass
class ObjectRun:
    """What one object's extraction did in a run: Dagster metadata and sync_status come from it."""
    object_name: str
    windows: list[Window] = field(default_factory=list)
    apis: set[str] = field(default_factory=set)
    landed: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    added_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    max_modstamp: object = None
    expected: int | None = None
    rejects: list[Rejected] = field(default_factory=list)

    def add(self, result, window: Window | None, api: str) -> None:
        """Count a landed window (None: records read by Id, which cover no window)."""
        self.apis.add(api)
        if window is not None:
            self.windows.append(window)
        self.landed += result.rows_landed
        self.inserted += result.inserted
        self.updated += result.updated
        self.deleted += result.deleted
        self.added_columns += [c for c in result.added_columns if c not in self.added_columns]
        self.missing_columns = list(result.missing_columns)
        if result.max_system_modstamp and (self.max_modstamp is None
                                           or result.max_system_modstamp > self.max_modstamp):
            self.max_modstamp = result.max_system_modstamp


def _is_timeout(exc: SalesforceCallError) -> bool:
    return getattr(exc, "code", None) == "QUERY_TIMEOUT"


class Extractor:
    """Runs the queries for one object and lands what they return."""

    def __init__(self, client, warehouse, run_id: str, bulk_threshold: int, log,
                 progress: Progress):
        self.client, self.warehouse, self.run_id = client, warehouse, run_id
        self.bulk_threshold, self.log, self.progress = bulk_threshold, log, progress

    def land(self, run: ObjectRun, fields: dict[str, str], tables: Iterator, window: Window,
             api: str, by_id: bool = False) -> None:
        result = self.warehouse.land(run.object_name, fields, tables, window_start=window.start,
                                     window_end=window.end, run_id=self.run_id, api=api)
        run.add(result, None if by_id else window, api)

    def rest_tables(self, run: ObjectRun, fields: dict[str, str], soql: str) -> Iterator:
        pages = self.client.query_pages(soql, object=run.object_name, include_deleted=True)
        return self.tables(run, fields, pages)

    def tables(self, run: ObjectRun, fields: dict[str, str], pages: Iterator,
               csv: bool = False) -> Iterator:
        """REST record pages (or Bulk CSV pages) as typed tables, counted for the progress
        reports; a record that cannot land is set aside in run.rejects (quarantine.py)."""
        convert = csv_page if csv else rest_page
        return self.counted(run.object_name, (convert(p, fields, run.object_name, run.rejects)
                                              for p in pages))

    def counted(self, object_name: str, tables: Iterator) -> Iterator:
        """Count pages as they land, for the progress reports (progress.py)."""
        for table in tables:
            self.progress.page(object_name, table.num_rows)
            yield table

    def extract_window(self, run: ObjectRun, fields: dict[str, str], window: Window) -> None:
        """COUNT the window, then land it through Bulk or REST; halve it on QUERY_TIMEOUT."""
        object_name = run.object_name
        soql = window_soql(object_name, list(fields), window)
        try:
            expected = self.client.count(object_name, window_where(window), include_deleted=True)
            run.expected = (run.expected or 0) + expected
            self.progress.expect(object_name, expected)
            self.log.info(f"{object_name} {window.label()}: {expected} records expected")
            if expected == 0:
                # Land nothing, but create the staging tables: a first tick on a quiet object
                # must still leave a (empty) table for the transforms and checks downstream.
                self.land(run, fields, iter(()), window, "rest")
                return
            if expected > self.bulk_threshold and self._bulk(run, fields, soql, window, expected):
                return
            self.land(run, fields, self.rest_tables(run, fields, soql), window, "rest")
        except SalesforceCallError as exc:
            if not _is_timeout(exc) or window.seconds < 2 * MIN_WINDOW_SECONDS:
                raise
            first, second = window.halves()
            self.log.warning(f"{object_name}: QUERY_TIMEOUT on {window.label()}; "
                             "retrying it as two halves")
            self.extract_window(run, fields, first)
            self.extract_window(run, fields, second)

    def _bulk(self, run: ObjectRun, fields: dict[str, str], soql: str, window: Window,
              expected: int) -> bool:
        """Land through Bulk 2.0; False (nothing landed) when Salesforce refuses the job."""
        tables = self._bulk_tables(run, fields, soql)
        if tables is None:
            return False
        self.land(run, fields, tables, window, "bulk")
        return True

    def _bulk_tables(self, run: ObjectRun, fields: dict[str, str], soql: str) -> Iterator | None:
        """A Bulk 2.0 query's pages as tables; None when Salesforce refuses the job (REST reads
        it then). The first page is fetched here, so a refusal shows before anything lands."""
        pages = self.client.bulk_query_pages(soql, object=run.object_name, include_deleted=True)
        tables = self.tables(run, fields, pages, csv=True)
        try:
            first = next(tables, None)
        except BulkUnavailable as exc:
            self.log.warning(f"{run.object_name}: Bulk API refused the query ({exc}); using REST")
            return None
        return iter(()) if first is None else _chain(first, tables)

    def read_all(self, run: ObjectRun, fields: dict[str, str]) -> tuple[Iterator, str]:
        """(tables of every record, recycle bin included; the API used): Bulk 2.0 above
        bulk_threshold records, a few calls per million, else REST."""
        soql = window_soql(run.object_name, list(fields), None)
        expected = self.client.count(run.object_name, include_deleted=True)
        self.progress.expect(run.object_name, expected)
        if expected > self.bulk_threshold:
            tables = self._bulk_tables(run, fields, soql)
            if tables is not None:
                return tables, "bulk"
        return self.rest_tables(run, fields, soql), "rest"

    def extract_all(self, run: ObjectRun, fields: dict[str, str]) -> None:
        """Small setup objects (users, stages, record types): the whole table, every time."""
        soql = window_soql(run.object_name, list(fields), None)
        tables = self.rest_tables(run, fields, soql)
        everything = Window(EPOCH, utc_now().replace(microsecond=0))
        self.land(run, fields, tables, everything, "rest")


    def extract_ids(self, run: ObjectRun, fields: dict[str, str], column: str,
                    ids: list[str]) -> int:
        """Land every record (deleted ones too) whose `column` is one of `ids`, five queries of
        300 Ids per /composite call; returns how many came back."""
        bad = [i for i in ids if not _ID.match(i)]
        if bad:  # never splice something that is not an Id into SOQL
            raise ValueError(f"{run.object_name}.{column}: values {bad[:5]} are not Salesforce "
                             "Ids")
        before, name = run.landed, run.object_name
        select = f"SELECT {', '.join(fields)} FROM {name} WHERE {column} IN "
        soqls = [select + "(" + ", ".join(f"'{i}'" for i in ids[n:n + IDS_PER_QUERY]) + ")"
                 for n in range(0, len(ids), IDS_PER_QUERY)]

        def pages():
            for page in self.client.composite_queries(soqls, objects=[name] * len(soqls),
                                                      include_deleted=True):
                yield page["records"]
                if not page["done"]:
                    yield from self.client.next_pages(page["nextRecordsUrl"], object=name)

        self.land(run, fields, self.tables(run, fields, pages()),
                  Window(EPOCH, utc_now().replace(microsecond=0)), "rest", by_id=True)
        return run.landed - before


def _chain(first, rest: Iterator) -> Iterator:
    yield first
    yield from rest
