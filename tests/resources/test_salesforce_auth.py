"""Login through every supported OAuth flow, clear failures, and re-login when a token expires."""

import time

import jwt
import pytest

from resources.salesforce import (
    SalesforceAuthError,
    SalesforceCallError,
    SalesforceConfigError,
    SalesforceResource,
)
from resources.salesforce.auth import jwt_assertion
from resources.salesforce.connection import SalesforceSettings


def login_settings(emulator, method: str) -> dict:
    c = emulator.credentials
    return {
        "client_credentials": {"client_id": c.client_id, "client_secret": c.client_secret},
        "jwt": {"client_id": c.client_id, "username": c.username,
                "jwt_private_key_path": str(emulator.jwt_private_key_path)},
        "refresh_token": {"client_id": c.client_id, "client_secret": c.client_secret,
                          "refresh_token": c.refresh_token},
        "password": {"client_id": c.client_id, "client_secret": c.client_secret,
                     "username": c.username, "password": c.password,
                     "security_token": c.security_token},
    }[method]


@pytest.mark.parametrize("method", ["client_credentials", "jwt", "refresh_token", "password"])
def test_every_auth_method_logs_in_and_queries(make_resource, emulator, control, method):
    resource = make_resource(**({"client_secret": None} | login_settings(emulator, method)),
                             auth_method=method)
    with resource.client() as sf:
        assert sf.token.instance_url == emulator.base_url
        assert sf.count("User") > 0
        assert sf.accounting()["logins"] == 1


def test_jwt_login_with_key_text_from_an_env_var(make_resource, emulator, control):
    pem = emulator.jwt_private_key_path.read_text().replace("\n", "\\n")  # as env vars carry it
    settings = login_settings(emulator, "jwt") | {"jwt_private_key_path": None,
                                                  "jwt_private_key": pem, "client_secret": None}
    with make_resource(auth_method="jwt", **settings).client() as sf:
        assert sf.count("Account") > 0


def test_jwt_audience_follows_the_login_domain(emulator):
    settings = dict(login_settings(emulator, "jwt"), auth_method="jwt")
    for domain, audience in [("login", "https://login.salesforce.com"),
                             ("test", "https://test.salesforce.com"),
                             ("acme--uat.sandbox.my.salesforce.com", "https://test.salesforce.com"),
                             ("acme.my.salesforce.com", "https://login.salesforce.com")]:
        claims = jwt.decode(jwt_assertion(SalesforceSettings(login_domain=domain, **settings)),
                            options={"verify_signature": False})
        assert claims["aud"] == audience
        assert claims["iss"] == emulator.credentials.client_id
        assert claims["sub"] == emulator.credentials.username
        assert 170 <= claims["exp"] - time.time() <= 180


def test_login_url_comes_from_instance_url_or_login_domain():
    base = {"client_id": "id", "client_secret": "secret"}
    assert SalesforceSettings(**base).login_base_url() == "https://login.salesforce.com"
    assert SalesforceSettings(login_domain="test", **base).login_base_url() == "https://test.salesforce.com"
    assert SalesforceSettings(login_domain="https://acme.my.salesforce.com/", **base
                              ).login_base_url() == "https://acme.my.salesforce.com"
    assert SalesforceSettings(instance_url="https://acme.my.salesforce.com/", login_domain="test",
                              **base).login_base_url() == "https://acme.my.salesforce.com"


def test_wrong_secret_fails_clearly_without_showing_the_secret(make_resource, control):
    secret = "not-the-right-secret-42"
    with pytest.raises(SalesforceAuthError) as info:
        make_resource(client_secret=secret).get_client()
    message = str(info.value)
    assert "client_credentials" in message and "invalid_client" in message
    assert "Fix: check client_secret" in message
    assert secret not in message and secret not in repr(info.value)
    assert info.value.__cause__ is None or secret not in str(info.value.__cause__)


def test_secrets_are_not_in_reprs(make_resource, emulator):
    resource = make_resource(auth_method="password", username="u", password="pw-secret-1",
                             security_token="token-secret-2", refresh_token="refresh-secret-3")
    shown = repr(resource) + repr(resource.settings())
    for secret in ("pw-secret-1", "token-secret-2", "refresh-secret-3",
                   emulator.credentials.client_secret):
        assert secret not in shown


def test_wrong_password_names_the_flow_and_fix(make_resource, emulator, control):
    settings = login_settings(emulator, "password") | {"password": "hunter2-wrong"}
    with pytest.raises(SalesforceAuthError) as info:
        make_resource(auth_method="password", **settings).get_client()
    assert "authentication failure" in str(info.value)
    assert "security_token" in str(info.value)
    assert "hunter2-wrong" not in str(info.value)
    assert emulator.credentials.security_token not in str(info.value)


def test_invalid_auth_method_error_names_the_key_and_allowed_values():
    with pytest.raises(ValueError) as info:
        SalesforceResource(auth_method="oauth-magic")
    assert "auth_method" in str(info.value)
    assert "client_credentials, jwt, refresh_token, password" in str(info.value)


def test_missing_credentials_name_the_keys(emulator):
    resource = SalesforceResource(auth_method="jwt", client_id="x", instance_url=emulator.base_url)
    with pytest.raises(SalesforceConfigError) as info:
        resource.get_client()
    assert "username" in str(info.value) and "jwt_private_key" in str(info.value)


def test_expired_token_mid_run_logs_in_again_without_losing_rows(make_resource, control):
    soql = "SELECT Id FROM Task ORDER BY Id"
    with make_resource().client() as sf:
        clean = [r["Id"] for page in sf.query_pages(soql, object="Task") for r in page]
    with make_resource().client() as sf:
        pages = sf.query_pages(soql, object="Task")
        seen = [r["Id"] for r in next(pages)]
        assert control.expire_tokens() >= 1
        seen += [r["Id"] for page in pages for r in page]
        assert sf.accounting()["relogins"] == 1
        assert sf.accounting()["logins"] == 2
    assert seen == clean and len(clean) > 2000


def test_session_rejected_again_after_relogin_is_not_retried_forever(client, control):
    control.fault(kind="error", next=2, status=401, code="INVALID_SESSION_ID",
                  message="Session expired or invalid", match="/query")
    with pytest.raises(SalesforceCallError) as info:
        client.count("Account")
    assert info.value.code == "INVALID_SESSION_ID" and "connected app" in str(info.value)
    assert client.accounting()["relogins"] == 1


def test_ca_bundle_wins_over_requests_ca_bundle(make_resource, control, monkeypatch, tmp_path):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "missing.pem"))
    with make_resource().client() as sf:
        assert sf.count("User") > 0


def test_untrusted_certificate_fails_at_once(make_resource, control, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with pytest.raises(SalesforceCallError) as info:
        make_resource(ca_bundle=None).get_client()
    assert info.value.attempts == 1 and "SSLError" in str(info.value)
    assert str(info.value).startswith("Salesforce login failed")
