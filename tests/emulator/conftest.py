"""Fixtures for the fidelity suite: one demo org per session, driven by unmodified simple-salesforce."""

import pytest

from emulator.client import Control, connect
from emulator.server import Emulator


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    with Emulator(org="demo", scale="small", seed=7,
                  state_dir=tmp_path_factory.mktemp("emulator")) as emu:
        yield emu


@pytest.fixture
def sf(emulator):
    return connect(emulator)


@pytest.fixture
def control(emulator):
    ctl = Control(emulator.base_url, emulator.ca_path)
    yield ctl
    # Each test leaves the org healthy for the next: no armed faults, quota restored.
    ctl.clear_faults()
    ctl.limits(daily_max=1_000_000, used=0)
