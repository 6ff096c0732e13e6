"""The fidelity suite drives the shared demo org (tests/conftest.py) with unmodified simple-salesforce."""

import pytest
from salesforce_emulator.client import connect


@pytest.fixture
def sf(emulator):
    return connect(emulator)
