"""One emulated org for the sync-back tests (dated around today); each test uses its own keys."""

import uuid

import pytest

from emulator.client import Control
from emulator.server import Emulator

from .org import write_org
from .support import today


@pytest.fixture(scope="session")
def sync_org(tmp_path_factory):
    state = tmp_path_factory.mktemp("sync-back-emulator")
    with Emulator(org=str(write_org(state, today())), state_dir=state) as emu:
        yield emu


@pytest.fixture
def control(sync_org):
    ctl = Control(sync_org.base_url, sync_org.ca_path)
    ctl.clear_faults()
    ctl.reset_counters()
    yield ctl
    ctl.clear_faults()


@pytest.fixture
def prefix() -> str:
    """A key prefix of this test's own: its Tasks and log rows never mix with another test's."""
    return f"t{uuid.uuid4().hex[:8]}-"
