"""One emulated org for the deal-document tests; each test attaches under a rule name of its own,
so its document keys never mix with another test's."""

import json
import uuid

import pytest
from salesforce_emulator.server import Emulator

from tests.sync_back.org import org

from .support import today


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    state = tmp_path_factory.mktemp("deal-documents-emulator")
    records = org(today())
    records["Task"].append({"WhatId": "@stale", "OwnerId": "@bob", "Subject": "Renewal call",
                            "Status": "Completed", "Priority": "Normal",
                            "ActivityDate": today().isoformat()})
    path = state / "documents_org.json"
    path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    with Emulator(org=str(path), state_dir=state) as emu:
        yield emu


@pytest.fixture
def rule_name() -> str:
    return f"r{uuid.uuid4().hex[:8]}"
