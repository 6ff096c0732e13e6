"""One emulated org for the sync-back tests (dated around today); each test uses its own keys."""

import uuid

import pytest
from salesforce_emulator.server import Emulator

from .org import write_org
from .support import today


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    state = tmp_path_factory.mktemp("sync-back-emulator")
    with Emulator(org=str(write_org(state, today())), state_dir=state) as emu:
        yield emu


@pytest.fixture
def prefix() -> str:
    """A key prefix of this test's own: its Tasks and log rows never mix with another test's."""
    return f"t{uuid.uuid4().hex[:8]}-"
