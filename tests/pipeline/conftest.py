"""Extraction tests change the org (updates, deletes, faults, schema drift): each gets a fresh one."""

import pytest
from salesforce_emulator.server import Emulator


@pytest.fixture
def emulator(tmp_path):
    with Emulator(org="demo", scale="small", seed=5, state_dir=tmp_path / "emu") as emu:
        yield emu
