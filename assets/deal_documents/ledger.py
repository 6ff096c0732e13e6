"""The document ledger, sync_back.deal_documents: which documents are due, claiming one just
before its insert, and recording its result with its log row in one transaction."""

from dataclasses import asdict, dataclass, field
from datetime import datetime

from assets.sync_back.ledger import GraceWindow
from resources.clock import utc_now
from resources.staging.connections import retry_on_ddl_race
from transforms import sql


@dataclass
class DocOutcome:
    doc_key: str
    status: str                       # sent | failed | retrying | in_flight (uncertain)
    api: str                          # json | multipart | lookup | local
    attempt: int
    content_document_id: str | None = None
    content_version_id: str | None = None
    error_code: str | None = None
    message: str | None = None
    byte_size: int | None = None
    next_attempt_at: datetime | None = None
    uncertain: bool = False
    logged_at: datetime = field(default_factory=utc_now)


def ensure_tables(warehouse) -> None:
    def create() -> None:
        with warehouse.connection() as connection:
            sql.execute(connection, "deal_documents/create_tables")

    retry_on_ddl_race(create)


class DocumentLedger(GraceWindow):

    def due(self) -> tuple[list[dict], int]:
        """(documents to attach now, documents waiting for backoff or a grace period)."""
        params = self._window()
        with self.warehouse.connection() as connection:
            rows = sql.rows(connection, "deal_documents/select_due", params)
            waiting = int(sql.execute(connection, "deal_documents/count_waiting",
                                      params).scalar_one())
        return rows, waiting

    def claim(self, keys: list[str]) -> dict[str, int]:
        """Mark the still-due documents among `keys` in flight, in one transaction; returns
        {key: attempt number} for the ones this run owns."""
        claimed = {}
        params = {**self._window(), "run_id": self.run_id}
        with self.warehouse.connection() as connection:
            for key in keys:
                row = sql.execute(connection, "deal_documents/claim_document",
                                  {**params, "doc_key": key}).first()
                if row is not None:
                    claimed[key] = int(row[0])
        return claimed

    def record(self, outcome: DocOutcome) -> None:
        values = asdict(outcome)
        values["log_status"] = "retrying" if outcome.status == "in_flight" else outcome.status
        with self.warehouse.connection() as connection:
            sql.execute(connection, "deal_documents/record_outcome",
                        {**values, "run_id": self.run_id})

    def log_dry_run(self, key: str, message: str, byte_size: int,
                    content_document_id: str | None) -> None:
        with self.warehouse.connection() as connection:
            sql.execute(connection, "deal_documents/insert_dry_run_log", {
                "run_id": self.run_id, "doc_key": key, "message": message,
                "byte_size": byte_size, "content_document_id": content_document_id,
                "logged_at": utc_now()})

    @staticmethod
    def previous_file(connection, row: dict) -> dict | None:
        """The earlier period's sent review of the same deal and rule, if any."""
        rows = sql.rows(connection, "deal_documents/select_previous_file", row)
        return rows[0] if rows else None

    def remember_document_id(self, key: str, content_document_id: str) -> None:
        with self.warehouse.connection() as connection:
            sql.execute(connection, "deal_documents/update_document_id",
                        {"doc_key": key, "content_document_id": content_document_id})

    def summary(self) -> dict[str, int]:
        with self.warehouse.connection() as connection:
            counts = {r["status"]: int(r["n"])
                      for r in sql.rows(connection, "deal_documents/select_summary")}
        return {s: counts.get(s, 0) for s in ("pending", "in_flight", "retrying", "sent", "failed")}
