"""Deal-review PDFs attached to the opportunity as Salesforce Files, on both engines: a valid
PDF with the deal and a stage chart, linked to the deal, one per period, the next period a new
version of the same file, and nothing sent twice."""

import io
from datetime import timedelta

import pypdf
import pytest

from .support import (
    RENEWAL,
    build_warehouse,
    ledger,
    links,
    log,
    opportunity_id,
    run_documents,
    settings_with,
    today,
    versions,
)

pytestmark = pytest.mark.slow


def _pdf_text_and_drawing(data: bytes) -> tuple[str, bytes]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    content = b"".join(page.get_contents().get_data() for page in reader.pages)
    return text, content


def test_a_review_pdf_is_attached_to_the_deal_and_next_period_is_version_two(
        emulator, warehouse, control, rule_name):
    build_warehouse(emulator, warehouse)
    opp = opportunity_id(emulator)
    settings = settings_with(rule_name)
    control.reset_counters()

    result, metadata = run_documents(emulator, warehouse, settings)

    assert result.success
    (first,) = versions(emulator, rule_name)
    key = f"{rule_name}:{opp}:{today():%Y-%m}"
    assert (first["ReasonForChange"], first["VersionNumber"]) == (f"[dealsync:{key}]", "1")
    assert first["Title"] == f"Deal review {RENEWAL}" and first["PathOnClient"].endswith(".pdf")
    shares = links(emulator, first["ContentDocumentId"])
    assert (opp, "V") in shares and sorted(s for _, s in shares) == ["I", "V"]
    data = bytes(first["VersionData"])
    assert data.startswith(b"%PDF-")
    text, content = _pdf_text_and_drawing(data)
    assert RENEWAL in text and "Hank Scorpio" in text and "Decision Maker" in text
    assert "Stage history" in text and "Prospecting" in text and "Renewal call" in text
    assert content.count(b" re") >= 1  # the chart's bars are vector rectangles
    row = ledger(warehouse, rule_name)[key]
    assert (row["status"], row["content_version_id"], row["attempts"]) == ("sent", first["Id"], 1)
    assert [(e["status"], e["api"], e["content_version_id"]) for e in log(warehouse, rule_name)] \
        == [("sent", "json", first["Id"])]
    assert (metadata["sent"], metadata["api_calls"]) == (1, 1)  # one insert (login not counted)
    assert control.counters()["api_calls"] == 1

    control.reset_counters()
    _, again = run_documents(emulator, warehouse, settings)
    assert (again["sent"], again["api_calls"]) == (0, 0) and len(versions(emulator, rule_name)) == 1

    next_month = (today().replace(day=1) + timedelta(days=32)).replace(day=1)
    _, later = run_documents(emulator, warehouse, settings, as_of=next_month)

    first_again, second = versions(emulator, rule_name)
    assert second["ContentDocumentId"] == first["ContentDocumentId"]
    assert (first_again["IsLatest"], second["IsLatest"], second["VersionNumber"]) == (
        False, True, "2")
    assert second["ReasonForChange"] == f"[dealsync:{rule_name}:{opp}:{next_month:%Y-%m}]"
    assert later["sent"] == 1
    assert len(links(emulator, first["ContentDocumentId"])) == 2  # still one file on the deal
