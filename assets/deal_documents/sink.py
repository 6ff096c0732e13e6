"""Attach due deal-review documents to their opportunities as Salesforce Files, exactly once.

Per chunk of documents: read the deals and render the PDFs, claim the rows (in flight) in one
transaction; then per document insert the ContentVersion (a new file linked to the opportunity,
or a new version of the earlier period's file) and record the result and its log row. A run
killed between the insert and the commit (or before a claimed document's insert) leaves the row
in flight; the next run finds the version by its key (ContentVersion.ReasonForChange) with one
SOQL query per 100 documents and records it instead of attaching it again.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from resources.clock import utc_now
from resources.salesforce import files
from resources.salesforce.collections import CallFailure
from resources.salesforce.errors import QuotaStop
from resources.settings.documents import DocumentSettings

from .errors import explain, is_transient
from .facts import MissingDeal, read_facts
from .keys import path_on_client, reason_marker
from .ledger import DocOutcome, DocumentLedger
from .pdf import render_pdf

AfterSend = Callable[[str, list[str]], None]  # (api, keys): after the insert, before the commit
CHUNK = 25  # documents read, rendered and claimed per warehouse transaction


@dataclass
class Prepared:
    """One due document, rendered (data) or not (problem), with its earlier period's file."""

    row: dict
    data: bytes | None
    previous: dict | None
    problem: str | None = None


class DocumentSink:
    def __init__(self, settings: DocumentSettings, warehouse, run_id: str, log, *,
                 after_send: AfterSend | None = None):
        self.settings, self.warehouse, self.log = settings, warehouse, log
        self.ledger = DocumentLedger(warehouse, run_id, settings.in_flight_grace_seconds)
        self.after_send = after_send
        self.counts: Counter = Counter()
        self.failures: list[DocOutcome] = []
        self.previews: list[dict] = []
        self.stopped: str | None = None
        self._due: list[dict] | None = None

    def due(self) -> list[dict]:
        if self._due is None:
            self._due, waiting = self.ledger.due()
            self.counts["skipped"] += waiting
        return self._due

    # ----- rendering -------------------------------------------------------------------------
    def prepare(self, rows: list[dict]) -> list[Prepared]:
        """Read a chunk of deals and their earlier files in one transaction, then render each
        PDF (a deal that left warehouse.deals gets its MissingDeal instead)."""
        read = []
        with self.warehouse.connection() as connection:
            for row in rows:
                try:
                    facts = read_facts(connection, row["opportunity_id"],
                                       self.settings.recent_activity_count)
                except MissingDeal as exc:
                    facts = exc
                read.append((row, facts, self.ledger.previous_file(connection, row)))
        prepared = []
        for row, facts, previous in read:
            if isinstance(facts, MissingDeal):
                prepared.append(Prepared(row, None, previous, str(facts)))
                continue
            data = render_pdf(facts, row["title"], row["period"], utc_now())
            self.counts["rendered"] += 1
            self.counts["rendered_bytes"] += len(data)
            prepared.append(Prepared(row, data, previous))
        return prepared

    def _chunks(self, rows: list[dict]):
        for start in range(0, len(rows), CHUNK):
            yield self.prepare(rows[start:start + CHUNK])

    def _api(self, data: bytes) -> str:
        return "multipart" if len(data) > self.settings.multipart_over_bytes else "json"

    # ----- dry run ---------------------------------------------------------------------------
    def dry_run(self) -> list[dict]:
        """Write each due document's PDF to output_dir and log what would be attached."""
        out = Path(self.settings.output_dir)
        out.mkdir(parents=True, exist_ok=True)
        for chunk in self._chunks(self.due()):
            for doc in chunk:
                self._dry_run_one(out, doc)
        return self.previews

    def _dry_run_one(self, out: Path, doc: "Prepared") -> None:
        row, previous = doc.row, doc.previous
        if doc.data is None:
            self._preview(row, None, None, f"would fail: {doc.problem}")
            return
        path = out / path_on_client(row["doc_key"])
        path.write_bytes(doc.data)
        if previous is None:
            operation = f"new file linked to Opportunity {row['opportunity_id']}"
        elif previous["content_document_id"]:
            operation = f"new version of ContentDocument {previous['content_document_id']}"
        else:
            operation = ("new version of the file holding ContentVersion "
                         f"{previous['content_version_id']}")
        if row["in_flight_since"] is not None:
            operation = f"look up {reason_marker(row['doc_key'])}, then {operation} if absent"
        size = len(doc.data)
        message = f"would attach {path} ({size} bytes, {self._api(doc.data)}): {operation}"
        self.ledger.log_dry_run(row["doc_key"], message, size,
                                previous and previous["content_document_id"])
        self._preview(row, str(path), size, operation)

    def _preview(self, row: dict, path: str | None, size: int | None, operation: str) -> None:
        self.counts["would_attach" if path else "would_fail"] += 1
        self.previews.append({"doc_key": row["doc_key"], "title": row["title"], "file": path,
                              "bytes": size, "operation": operation})

    # ----- real run --------------------------------------------------------------------------
    def run(self, client) -> None:
        try:
            for chunk in self._chunks(self._recover(client, self.due())):
                self._send_chunk(client, chunk)
        except QuotaStop as exc:
            self.stopped = str(exc)
            self.log.warning(f"Deal documents stopped before the API quota ran out: {exc}. "
                             "Unsent documents stay queued for the next run.")

    def _recover(self, client, rows: list[dict]) -> list[dict]:
        """Documents an interrupted run may have attached: look their keys up first."""
        uncertain = [r for r in rows if r["in_flight_since"] is not None]
        if not uncertain:
            return rows
        found = files.versions_by_reason(client, [reason_marker(r["doc_key"]) for r in uncertain])
        recovered = set()
        for row in uncertain:
            versions = found.get(reason_marker(row["doc_key"]))
            if not versions:
                continue
            first = versions[0]
            note = "" if len(versions) == 1 else f" ({len(versions)} versions hold this key; " \
                                                  "oldest recorded)"
            self._record(DocOutcome(
                row["doc_key"], "sent", "lookup", row["attempts"],
                content_document_id=first["ContentDocumentId"], content_version_id=first["Id"],
                message=f"found in Salesforce by its key after an interrupted send; not "
                        f"attached again{note}"))
            self.counts["recovered"] += 1
            recovered.add(row["doc_key"])
        return [r for r in rows if r["doc_key"] not in recovered]

    def _file_for(self, client, previous: dict | None) -> str | None:
        """The ContentDocumentId of the earlier period's review, looked up once if unknown."""
        if previous is None:
            return None
        if previous["content_document_id"] is None:
            version = files.version(client, previous["content_version_id"])
            if not version:
                return None  # the earlier file was deleted: start a new one
            self.ledger.remember_document_id(previous["doc_key"], version["ContentDocumentId"])
            return version["ContentDocumentId"]
        return previous["content_document_id"]

    def _send_chunk(self, client, chunk: list["Prepared"]) -> None:
        for doc in (d for d in chunk if d.data is None):
            key = doc.row["doc_key"]
            self._record(DocOutcome(key, "failed", "local", doc.row["attempts"] + 1,
                                    error_code="MISSING_DEAL",
                                    message=explain("MISSING_DEAL", doc.problem, key)))
        ready = [d for d in chunk if d.data is not None]
        claimed = self.ledger.claim([d.row["doc_key"] for d in ready])
        self.counts["skipped"] += len(ready) - len(claimed)
        for doc in ready:
            if doc.row["doc_key"] in claimed:
                self._send(client, doc, claimed[doc.row["doc_key"]])

    def _send(self, client, doc: "Prepared", attempt: int) -> None:
        row, data, key = doc.row, doc.data, doc.row["doc_key"]
        document_id = self._file_for(client, doc.previous)
        fields = {"Title": row["title"], "PathOnClient": path_on_client(key),
                  "ReasonForChange": reason_marker(key),
                  "Description": f"Deal review for {row['period']} by dealsync ({row['reason']})"[
                      :1000]}
        if document_id:
            fields["ContentDocumentId"] = document_id
        else:
            fields["FirstPublishLocationId"] = row["opportunity_id"]
        api = self._api(data)
        try:
            result = files.insert_version(client, fields, data, multipart=api == "multipart")
        except CallFailure as failure:
            self._record(self._failed(key, attempt, failure, api, len(data)))
            return
        except QuotaStop as exc:  # refused before Salesforce wrote anything: due next run
            self._record(DocOutcome(key, "retrying", api, attempt,
                                    error_code="REQUEST_LIMIT_EXCEEDED", message=str(exc)))
            raise
        if self.after_send is not None:
            self.after_send(api, [key])
        self._record(DocOutcome(key, "sent", api, attempt, content_document_id=document_id,
                                content_version_id=result["id"], byte_size=len(data),
                                message=("new version of " + document_id) if document_id
                                else f"new file linked to Opportunity {row['opportunity_id']}"))

    def _failed(self, key: str, attempt: int, failure: CallFailure, api: str,
                size: int) -> DocOutcome:
        if failure.ambiguous:
            return DocOutcome(key, "in_flight", api, attempt, error_code=failure.code,
                              byte_size=size, uncertain=True,
                              message=f"{failure.message}; Salesforce may hold the file: the "
                                      "next run looks its key up before attaching it again")
        if (failure.transient or is_transient(failure.code)) and \
                attempt < self.settings.max_attempts:
            delay = min(self.settings.retry_backoff_max_seconds,
                        self.settings.retry_backoff_seconds * 2 ** (attempt - 1))
            return DocOutcome(key, "retrying", api, attempt, error_code=failure.code,
                              byte_size=size, next_attempt_at=utc_now() + timedelta(seconds=delay),
                              message=f"{failure.message}; trying again after {delay}s "
                                      f"(attempt {attempt} of {self.settings.max_attempts})")
        message = failure.message if attempt < self.settings.max_attempts else \
            f"{failure.message} (gave up after {attempt} attempts)"
        return DocOutcome(key, "failed", api, attempt, error_code=failure.code, byte_size=size,
                          message=explain(failure.code, message, key))

    def _record(self, outcome: DocOutcome) -> None:
        self.ledger.record(outcome)
        self.counts[{"sent": "sent", "failed": "failed", "retrying": "retried",
                     "in_flight": "uncertain"}[outcome.status]] += 1
        if outcome.status != "sent" and len(self.failures) < 20:
            self.failures.append(outcome)
