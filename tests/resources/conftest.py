"""One emulated demo org per session, reached over HTTPS by the unmodified simple-salesforce."""

import pytest

from emulator.client import Control
from emulator.server import Emulator
from resources.salesforce import SalesforceResource

# Tiny delays keep retry tests fast; the backoff shape is the production one.
FAST = {"retry_base_delay": "0.01", "retry_max_delay": "0.05", "bulk_poll_seconds": "0.05",
        "request_timeout": "10"}


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    with Emulator(org="demo", scale="small", seed=7,
                  state_dir=tmp_path_factory.mktemp("salesforce-emulator")) as emu:
        yield emu


@pytest.fixture
def control(emulator):
    ctl = Control(emulator.base_url, emulator.ca_path)
    ctl.clear_faults()
    ctl.reset_counters()
    yield ctl
    # Leave the org healthy for the next test: no armed faults, quota restored.
    ctl.clear_faults()
    ctl.limits(daily_max=1_000_000, used=0)


@pytest.fixture
def make_resource(emulator):
    """SalesforceResource pointed at the emulator; keyword arguments override any setting."""
    def make(**overrides) -> SalesforceResource:
        creds = emulator.credentials
        settings = {"auth_method": "client_credentials", "instance_url": emulator.base_url,
                    "ca_bundle": str(emulator.ca_path), "client_id": creds.client_id,
                    "client_secret": creds.client_secret, **FAST, **overrides}
        return SalesforceResource(**settings)
    return make


@pytest.fixture
def client(make_resource, control):
    with make_resource().client() as sf:
        yield sf

