"""SalesforceResource against the shared demo org (tests/conftest.py), over HTTPS."""

import pytest

from resources.salesforce import SalesforceResource

# Tiny delays keep retry tests fast; the backoff shape is the production one.
FAST = {"retry_base_delay": "0.01", "retry_max_delay": "0.05", "bulk_poll_seconds": "0.05",
        "request_timeout": "10"}


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

