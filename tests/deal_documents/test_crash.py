"""A document sink killed between the ContentVersion insert and the local commit: the re-run
finds the file by its key (ReasonForChange) and records it; Salesforce holds exactly one."""

import pytest

from tests.support.crash import KILLED, run_killed

from .support import build_warehouse, ledger, log, run_documents, settings_with, versions

pytestmark = pytest.mark.slow


def test_sink_killed_after_the_insert_attaches_the_document_once(emulator, warehouse, control,
                                                                 rule_name):
    build_warehouse(emulator, warehouse)

    crashed = run_killed("tests.deal_documents.crash_documents", emulator, warehouse,
                         rule=rule_name)

    assert crashed.returncode == -9, crashed.stdout + crashed.stderr
    assert KILLED in crashed.stdout
    (written,) = versions(emulator, rule_name)                   # Salesforce has it...
    assert [r["status"] for r in ledger(warehouse, rule_name).values()] == ["in_flight"]
    assert log(warehouse, rule_name) == []                       # ...the warehouse does not
    control.reset_counters()

    _, metadata = run_documents(emulator, warehouse, settings_with(rule_name))

    assert versions(emulator, rule_name) == [written]           # exactly one, not re-attached
    (row,) = ledger(warehouse, rule_name).values()
    assert (row["status"], row["content_version_id"], row["content_document_id"]) == (
        "sent", written["Id"], written["ContentDocumentId"])
    assert [(e["status"], e["api"]) for e in log(warehouse, rule_name)] == [("sent", "lookup")]
    assert (metadata["recovered"], metadata["sent"], metadata["api_calls"]) == (1, 1, 1)
    assert control.counters()["by_kind"] == {"query": 1}         # one look-up query, no insert
