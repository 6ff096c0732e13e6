"""A fresh emulated org per test (the sync-back org: four Opportunities), since each test
edits Opportunity fields in Salesforce and a shared org would let tests see each other's edits."""

import pytest
from salesforce_emulator.server import Emulator

from tests.sync_back.org import write_org
from tests.sync_back.support import today


@pytest.fixture
def emulator(tmp_path):
    with Emulator(org=str(write_org(tmp_path, today())), state_dir=tmp_path / "emu") as emu:
        yield emu
