"""A document sink killed between the ContentVersion insert and the local commit: the re-run
finds the file by its key (ReasonForChange) and records it; Salesforce holds exactly one."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .support import build_warehouse, ledger, log, run_documents, settings_with, versions

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _warehouse_spec(warehouse) -> dict:
    if warehouse.engine == "duckdb":
        return {"engine": "duckdb", "duckdb_path": warehouse.duckdb_path}
    return {"engine": "postgres", "postgres_url": warehouse.postgres_url}


def test_sink_killed_after_the_insert_attaches_the_document_once(emulator, warehouse, control,
                                                                 rule_name):
    build_warehouse(emulator, warehouse)
    spec = {"base_url": emulator.base_url, "ca_path": str(emulator.ca_path),
            "warehouse": _warehouse_spec(warehouse), "rule": rule_name}

    crashed = subprocess.run([sys.executable, "-m", "tests.deal_documents.crash_documents",
                              json.dumps(spec)], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)

    assert crashed.returncode == -9, crashed.stdout + crashed.stderr
    assert "killing the sink" in crashed.stdout
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
