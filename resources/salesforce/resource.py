"""Dagster resource for Salesforce: settings from env vars, one logged-in client per run.

    salesforce = SalesforceResource(
        auth_method=dg.EnvVar("SALESFORCE_AUTH_METHOD"),
        instance_url=dg.EnvVar("SALESFORCE_INSTANCE_URL"),
        client_id=dg.EnvVar("SALESFORCE_CLIENT_ID"),
        client_secret=dg.EnvVar("SALESFORCE_CLIENT_SECRET"),
    )

    with salesforce.client(log=context.log) as sf:
        for page in sf.query_pages(soql, object="Account", include_deleted=True):
            ...
        return dg.MaterializeResult(metadata={"salesforce_api": sf.accounting()})

Decimal settings (quota_share, delays, timeouts) are declared as strings because Dagster only
feeds environment variables into str and int fields; numbers given in Python are accepted too.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from pydantic import Field, field_validator

from .client import SalesforceClient
from .connection import AUTH_METHODS, SalesforceSettings, check_auth_method, check_login_domain, parse_number

DECIMAL_SETTINGS = {  # name -> (minimum, maximum)
    "request_timeout": (0.001, None),
    "retry_base_delay": (0.0, None),
    "retry_max_delay": (0.0, None),
    "quota_share": (0.001, 1.0),
    "bulk_poll_seconds": (0.0, None),
}


class SalesforceResource(dg.ConfigurableResource):
    """Salesforce REST / Bulk 2.0 access with OAuth login, retries, a quota guard and call accounting."""

    auth_method: str = Field(
        default="client_credentials",
        description=f"OAuth flow: one of {', '.join(AUTH_METHODS)} (password = legacy "
                    "username + password + security token through the OAuth password grant).")
    login_domain: str = Field(
        default="login",
        description="'login' (production), 'test' (sandbox) or a My Domain host such as "
                    "acme.my.salesforce.com. Also picks the JWT audience (test or *.sandbox.* "
                    "-> https://test.salesforce.com). The token call goes to instance_url if set.")
    instance_url: str | None = Field(
        default=None, description="https URL whose /services/oauth2/token is used for login "
                                  "(a My Domain URL, or the local emulator).")
    client_id: str | None = Field(default=None, description="Connected app consumer key.")
    client_secret: str | None = Field(default=None, repr=False,
                                      description="Connected app consumer secret.")
    username: str | None = Field(default=None, description="Integration user (jwt, password).")
    password: str | None = Field(default=None, repr=False,
                                 description="Password (password flow only).")
    security_token: str | None = Field(
        default=None, repr=False, description="Appended to the password (password flow only).")
    refresh_token: str | None = Field(default=None, repr=False,
                                      description="For the refresh_token flow.")
    jwt_private_key: str | None = Field(
        default=None, repr=False, description="PEM RSA private key text for the jwt flow.")
    jwt_private_key_path: str | None = Field(
        default=None, description="Path to the PEM RSA private key for the jwt flow.")
    ca_bundle: str | None = Field(
        default=None, description="CA bundle to trust (the emulator's certificate); when set, "
                                  "REQUESTS_CA_BUNDLE and proxy environment variables are ignored.")
    api_version: str = Field(default="59.0", description="Salesforce REST API version.")
    request_timeout: str = Field(default="120", description="Seconds before one HTTP request times out.")
    max_attempts: int = Field(default=5, description="Tries per call, counting the first.")
    retry_base_delay: str = Field(default="1", description="Seconds; backoff doubles from here.")
    retry_max_delay: str = Field(default="60", description="Seconds; cap of one backoff sleep.")
    quota_share: str = Field(
        default="0.8", description="Stop before a call once org API usage reaches this share of "
                                   "the daily max (Sforce-Limit-Info).")
    run_call_cap: int | None = Field(
        default=None, description="Stop once this run made this many API calls (optional).")
    bulk_poll_seconds: str = Field(default="2", description="Bulk 2.0 job poll interval, seconds.")

    @field_validator(*DECIMAL_SETTINGS, mode="before")
    @classmethod
    def _decimal_as_text(cls, value, info):
        """Accept 0.8 or "0.8" (or an EnvVar, checked once Dagster resolves it)."""
        if isinstance(value, dg.EnvVar):
            return value
        minimum, maximum = DECIMAL_SETTINGS[info.field_name]
        parse_number(info.field_name, value, minimum=minimum, maximum=maximum)
        return str(value)

    @field_validator("auth_method", mode="before")
    @classmethod
    def _known_auth_method(cls, value):
        return value if isinstance(value, dg.EnvVar) else check_auth_method(value)

    @field_validator("login_domain", mode="before")
    @classmethod
    def _valid_login_domain(cls, value):
        return value if isinstance(value, dg.EnvVar) else check_login_domain(value)

    def _value(self, name: str):
        """A setting's value; an EnvVar not yet resolved by Dagster (a script) is read here."""
        value = getattr(self, name)
        return value.get_value() if hasattr(value, "get_value") else value  # EnvVar, IntEnvVar

    def settings(self) -> SalesforceSettings:
        """Parsed and checked settings; raises SalesforceConfigError naming the bad key."""
        decimals = {name: parse_number(name, self._value(name), minimum=lo, maximum=hi)
                    for name, (lo, hi) in DECIMAL_SETTINGS.items()}
        plain = {name: self._value(name) for name in (
            "auth_method", "login_domain", "instance_url", "client_id", "client_secret",
            "username", "password", "security_token", "refresh_token", "jwt_private_key",
            "jwt_private_key_path", "ca_bundle", "api_version", "max_attempts", "run_call_cap")}
        return SalesforceSettings(**plain, **decimals)

    def get_client(self, log: logging.Logger | None = None) -> SalesforceClient:
        """A logged-in client for this run; the caller closes it (or use `client()`)."""
        client = SalesforceClient(self.settings(), log=log)
        try:
            return client.connect()
        except BaseException:
            client.close()
            raise

    @contextmanager
    def client(self, log: logging.Logger | None = None) -> Iterator[SalesforceClient]:
        """`with salesforce.client(log=context.log) as sf:` one session, token and meter per run."""
        client = self.get_client(log)
        try:
            yield client
        finally:
            client.close()

