"""Typed, validated Salesforce settings: what the per-run client is built from.

The Dagster resource stores decimals as strings (Dagster feeds environment variables only into
str and int fields); this module parses them once, checks every key, and names the key and
the allowed values when something is wrong.
"""

from dataclasses import dataclass, field
from pathlib import Path

from .errors import SalesforceConfigError

AUTH_METHODS = ("client_credentials", "jwt", "refresh_token", "password")

# Which settings each login flow needs (Salesforce Help, "OAuth Authorization Flows":
# https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flows.htm).
REQUIRED_BY_METHOD = {
    "client_credentials": ("client_id", "client_secret"),
    "jwt": ("client_id", "username"),
    "refresh_token": ("client_id", "refresh_token"),
    "password": ("client_id", "client_secret", "username", "password"),
}


def check_auth_method(value: str) -> str:
    if value not in AUTH_METHODS:
        raise SalesforceConfigError(
            f"auth_method={value!r} is not supported; allowed values: {', '.join(AUTH_METHODS)}")
    return value


def parse_number(key: str, value, *, minimum: float, maximum: float | None = None) -> float:
    """A decimal setting (given as str, int or float) within [minimum, maximum]."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SalesforceConfigError(f"{key}={value!r} is not a number") from None
    if number < minimum or (maximum is not None and number > maximum):
        upper = f" and at most {maximum:g}" if maximum is not None else ""
        raise SalesforceConfigError(f"{key}={value!r} must be at least {minimum:g}{upper}")
    return number


def check_login_domain(value: str) -> str:
    """"login", "test", or a My Domain host such as acme.my.salesforce.com."""
    host = value.strip().removeprefix("https://").rstrip("/")
    if host in ("login", "test") or ("." in host and "/" not in host):
        return host
    raise SalesforceConfigError(
        f"login_domain={value!r} is not valid; use 'login' (production), 'test' (sandbox) or a "
        "My Domain host such as 'acme.my.salesforce.com' (or set instance_url)")


@dataclass(frozen=True)
class SalesforceSettings:
    auth_method: str = "client_credentials"
    login_domain: str = "login"
    instance_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    security_token: str | None = field(default=None, repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    jwt_private_key: str | None = field(default=None, repr=False)
    jwt_private_key_path: str | None = None
    ca_bundle: str | None = None
    api_version: str = "59.0"
    request_timeout: float = 120.0
    max_attempts: int = 5
    retry_base_delay: float = 1.0
    retry_max_delay: float = 60.0
    quota_share: float = 0.8
    run_call_cap: int | None = None
    bulk_poll_seconds: float = 2.0

    def __post_init__(self):
        check_auth_method(self.auth_method)
        object.__setattr__(self, "login_domain", check_login_domain(self.login_domain))
        missing = [key for key in REQUIRED_BY_METHOD[self.auth_method] if not getattr(self, key)]
        if self.auth_method == "jwt" and not (self.jwt_private_key or self.jwt_private_key_path):
            missing.append("jwt_private_key or jwt_private_key_path")
        if missing:
            raise SalesforceConfigError(
                f"auth_method={self.auth_method!r} needs {', '.join(missing)} (not set)")
        if self.jwt_private_key_path and not Path(self.jwt_private_key_path).is_file():
            raise SalesforceConfigError(
                f"jwt_private_key_path={self.jwt_private_key_path!r} is not a readable file")
        if self.ca_bundle and not Path(self.ca_bundle).is_file():
            raise SalesforceConfigError(f"ca_bundle={self.ca_bundle!r} is not a readable file")
        if self.instance_url and not self.instance_url.startswith("https://"):
            raise SalesforceConfigError(
                f"instance_url={self.instance_url!r} must start with https:// (simple-salesforce "
                "only speaks HTTPS)")
        if self.max_attempts < 1:
            raise SalesforceConfigError(f"max_attempts={self.max_attempts} must be at least 1")
        if not 0 < self.quota_share <= 1:
            raise SalesforceConfigError(
                f"quota_share={self.quota_share} must be in (0, 1], e.g. 0.8 for 80% of the daily max")
        if self.run_call_cap is not None and self.run_call_cap < 1:
            raise SalesforceConfigError(f"run_call_cap={self.run_call_cap} must be at least 1 (or unset)")

    @property
    def is_sandbox(self) -> bool:
        return self.login_domain == "test" or ".sandbox." in self.login_domain

    def login_base_url(self) -> str:
        """Where the token endpoint lives: instance_url when set, else the login domain."""
        if self.instance_url:
            return self.instance_url.rstrip("/")
        if self.login_domain in ("login", "test"):
            return f"https://{self.login_domain}.salesforce.com"
        return f"https://{self.login_domain}"
