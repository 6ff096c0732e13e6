"""The other paths of the document sink, on both engines: multipart for large files, dry run
(PDFs written locally, nothing sent), a permanent error logged with its fix, a transient one
retried."""

from pathlib import Path

import pypdf
import pytest

from .support import (
    RENEWAL,
    build_warehouse,
    ledger,
    log,
    opportunity_id,
    run_documents,
    settings_with,
    versions,
)

pytestmark = pytest.mark.slow


def test_files_over_the_threshold_go_multipart(emulator, warehouse, control, rule_name):
    build_warehouse(emulator, warehouse)

    _, metadata = run_documents(emulator, warehouse,
                                settings_with(rule_name, multipart_over_bytes=1000))

    (version,) = versions(emulator, rule_name)
    assert bytes(version["VersionData"]).startswith(b"%PDF-")
    assert metadata["rendered_bytes"] == len(bytes(version["VersionData"])) > 1000
    assert version["FirstPublishLocationId"] == opportunity_id(emulator)
    assert [(e["status"], e["api"]) for e in log(warehouse, rule_name)] == [("sent", "multipart")]


def test_dry_run_writes_the_pdfs_and_sends_nothing(emulator, warehouse, control, rule_name,
                                                   tmp_path):
    build_warehouse(emulator, warehouse)
    control.reset_counters()

    _, metadata = run_documents(emulator, warehouse, settings_with(
        rule_name, dry_run=True, output_dir=str(tmp_path / "out"),
        when="not is_closed and amount >= 1000"))  # Renewal (1,000) and Expansion (5,000)

    assert control.counters()["api_calls"] == 0 and versions(emulator, rule_name) == []
    files = sorted((tmp_path / "out").glob("*.pdf"))
    assert len(files) == 2 and metadata["would_attach"] == 2
    texts = {pypdf.PdfReader(f).pages[0].extract_text().split("\n")[0] for f in files}
    assert texts == {f"Deal review {RENEWAL}", "Deal review Globex - Expansion"}
    assert {r["status"] for r in ledger(warehouse, rule_name).values()} == {"pending"}
    entries = log(warehouse, rule_name)
    assert [e["status"] for e in entries] == ["dry_run", "dry_run"]
    assert all(Path(f).name in "".join(e["message"] for e in entries) for f in files)
    assert all("new file linked to Opportunity" in e["message"] for e in entries)


def test_a_permanent_error_fails_the_document_with_its_fix(emulator, warehouse, control,
                                                           rule_name):
    build_warehouse(emulator, warehouse)
    control.fault(kind="error", match="sobjects/ContentVersion", method="POST", status=400,
                  code="STORAGE_LIMIT_EXCEEDED", message="storage limit exceeded", next=1)

    _, metadata = run_documents(emulator, warehouse, settings_with(rule_name))
    _, again = run_documents(emulator, warehouse, settings_with(rule_name))

    assert versions(emulator, rule_name) == []
    (entry,) = log(warehouse, rule_name)
    assert (entry["status"], entry["error_code"]) == ("failed", "STORAGE_LIMIT_EXCEEDED")
    assert "Fix: the org's file storage is full" in entry["message"]
    assert f"where doc_key = '{entry['doc_key']}'" in entry["message"]
    assert "STORAGE_LIMIT_EXCEEDED" in metadata["problems"]
    assert (metadata["failed"], again["sent"], again["api_calls"]) == (1, 0, 0)  # not resent


def test_a_transient_error_is_retried_in_the_next_run(emulator, warehouse, control, rule_name):
    build_warehouse(emulator, warehouse)
    control.fault(kind="error", match="sobjects/ContentVersion", method="POST", status=400,
                  code="UNABLE_TO_LOCK_ROW", message="unable to obtain exclusive access", next=1)

    _, first = run_documents(emulator, warehouse, settings_with(rule_name))
    _, second = run_documents(emulator, warehouse, settings_with(rule_name))

    assert (first["retried"], second["sent"]) == (1, 1)
    assert len(versions(emulator, rule_name)) == 1
    assert [(e["status"], e["error_code"], e["attempt"]) for e in log(warehouse, rule_name)] == [
        ("retrying", "UNABLE_TO_LOCK_ROW", 1), ("sent", None, 2)]
