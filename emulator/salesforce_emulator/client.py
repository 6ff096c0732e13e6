"""Clients for the emulator: simple-salesforce connected to it, and the control API."""

import requests
from simple_salesforce import Salesforce

API_VERSION = "59.0"


def trusted_session(ca_path) -> requests.Session:
    """A session that trusts the emulator's CA and ignores REQUESTS_CA_BUNDLE, which would
    otherwise override `verify` (https://github.com/psf/requests/issues/4650)."""
    session = requests.Session()
    session.verify = str(ca_path)
    session.trust_env = False
    return session


def oauth_token(base_url: str, ca_path, client_id: str, client_secret: str) -> dict:
    response = trusted_session(ca_path).post(
        f"{base_url}/services/oauth2/token",
        data={"grant_type": "client_credentials"}, auth=(client_id, client_secret), timeout=30)
    response.raise_for_status()
    return response.json()


def connect(emulator, version: str = API_VERSION) -> Salesforce:
    """The unmodified simple-salesforce client, logged in to `emulator` by client credentials."""
    c = emulator.credentials
    token = oauth_token(emulator.base_url, emulator.ca_path, c.client_id, c.client_secret)
    return Salesforce(instance_url=token["instance_url"], session_id=token["access_token"],
                      session=trusted_session(emulator.ca_path), version=version)


class Control:
    """The local control API, for tests and the demo."""

    def __init__(self, base_url: str, ca_path):
        self.base = f"{base_url}/control"
        self.session = trusted_session(ca_path)

    def _call(self, method: str, path: str, **kw):
        response = self.session.request(method, self.base + path, timeout=60, **kw)
        if response.status_code >= 400:
            raise RuntimeError(f"emulator control {method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def insert(self, sobject: str, records) -> list[str]:
        return self._call("POST", f"/records/{sobject}", json=records)["ids"]

    def update(self, sobject: str, record_id: str, values: dict) -> None:
        self._call("PATCH", f"/records/{sobject}/{record_id}", json=values)

    def delete(self, sobject: str, record_id: str, purge: bool = False) -> None:
        self._call("DELETE", f"/records/{sobject}/{record_id}", params={"purge": str(purge).lower()})

    def records(self, sobject: str) -> list[dict]:
        return self._call("GET", f"/records/{sobject}")

    def add_field(self, sobject: str, name: str, type: str = "string", length: int = 255) -> None:
        self._call("POST", f"/fields/{sobject}", json={"name": name, "type": type, "length": length})

    def drop_field(self, sobject: str, name: str) -> None:
        self._call("DELETE", f"/fields/{sobject}/{name}")

    def fault(self, **spec) -> dict:
        return self._call("POST", "/faults", json=spec)

    def faults(self) -> list[dict]:
        """Every armed fault with how often it fired."""
        return self._call("GET", "/faults")

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def counters(self) -> dict:
        return self._call("GET", "/counters")

    def reset_counters(self) -> None:
        self._call("POST", "/counters/reset")

    def expire_tokens(self) -> int:
        return self._call("POST", "/tokens/expire")["expired"]

    def limits(self, **values) -> dict:
        return self._call("POST", "/limits", json=values)

    def live(self, rate: float) -> None:
        self._call("POST", "/live", json={"rate": rate})

    def profile(self, *names: str, hidden_fields: dict | None = None,
                inactive_picklist_values: dict | None = None) -> dict:
        """Switch the org to these profiles (none: the full org)."""
        body = {"profiles": list(names)}
        if hidden_fields is not None:
            body["hidden_fields"] = hidden_fields
        if inactive_picklist_values is not None:
            body["inactive_picklist_values"] = inactive_picklist_values
        return self._call("POST", "/profile", json=body)

    def reset_profile(self) -> None:
        self._call("DELETE", "/profile")

    def set_today(self, today: str | None = None, days: int | None = None) -> dict:
        return self._call("POST", "/clock", json={"today": today} if today else {"days": days or 0})

    def reset_clock(self) -> None:
        self._call("DELETE", "/clock")

    def poison(self, sobject: str, kind: str, **spec) -> dict:
        return self._call("POST", f"/poison/{sobject}", json={"kind": kind, **spec})

    def fix_poison(self, sobject: str, record_id: str, values: dict | None = None) -> None:
        self._call("DELETE", f"/poison/{sobject}/{record_id}", json=values or {})

    def undelete(self, sobject: str, record_id: str) -> list[str]:
        return self._call("POST", f"/undelete/{sobject}/{record_id}")["restored"]
