"""Login through every grant simple-salesforce (and Airbyte) use, and the 401 behaviour."""

import base64

import pytest
import requests
from salesforce_emulator.client import connect, trusted_session
from simple_salesforce import Salesforce, SalesforceLogin
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceExpiredSession


def _host(emulator) -> str:
    return emulator.base_url.removeprefix("https://")


def test_client_credentials_grant_gives_a_working_session(emulator):
    c = emulator.credentials
    sf = Salesforce(consumer_key=c.client_id, consumer_secret=c.client_secret,
                    domain=f"{_host(emulator)}/services/oauth2/token#",
                    session=trusted_session(emulator.ca_path))
    assert sf.sf_instance == _host(emulator)
    assert sf.query("SELECT COUNT() FROM User")["totalSize"] > 0


def test_password_grant_through_the_oauth_domain_hack(emulator):
    c = emulator.credentials
    sf = Salesforce(username=c.username, password=c.password, consumer_key=c.client_id,
                    consumer_secret=c.client_secret,
                    domain=f"{_host(emulator)}/services/oauth2/token#",
                    session=trusted_session(emulator.ca_path))
    assert sf.base_url == f"{emulator.base_url}/services/data/v59.0/"
    assert sf.query("SELECT Id FROM OpportunityStage LIMIT 1")["totalSize"] == 1


def test_bad_password_raises_authentication_failed(emulator):
    c = emulator.credentials
    with pytest.raises(SalesforceAuthenticationFailed) as info:
        Salesforce(username=c.username, password="wrong", consumer_key=c.client_id,
                   consumer_secret=c.client_secret,
                   domain=f"{_host(emulator)}/services/oauth2/token#",
                   session=trusted_session(emulator.ca_path))
    assert "invalid_grant" in str(info.value)


def test_soap_login_through_scratch_url(emulator):
    c = emulator.credentials
    session_id, instance = SalesforceLogin(username=c.username, password=c.password,
                                           security_token=c.security_token,
                                           scratch_url=emulator.base_url,
                                           session=trusted_session(emulator.ca_path))
    assert instance == _host(emulator)
    sf = Salesforce(instance_url=emulator.base_url, session_id=session_id,
                    session=trusted_session(emulator.ca_path))
    assert sf.query("SELECT COUNT() FROM Opportunity")["totalSize"] > 0


def test_soap_login_fault_is_raised_with_salesforce_code(emulator):
    c = emulator.credentials
    with pytest.raises(SalesforceAuthenticationFailed) as info:
        SalesforceLogin(username=c.username, password="nope", security_token="x",
                        scratch_url=emulator.base_url, session=trusted_session(emulator.ca_path))
    assert "INVALID_LOGIN" in str(info.value)


def test_jwt_bearer_grant_signed_with_the_connected_app_key(emulator):
    c = emulator.credentials
    sf = Salesforce(username=c.username, consumer_key=c.client_id,
                    privatekey_file=str(emulator.jwt_private_key_path),
                    instance_url=f"{_host(emulator)}/services/oauth2/token#",
                    session=trusted_session(emulator.ca_path))
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] > 0


def test_refresh_token_grant(emulator):
    c = emulator.credentials
    response = trusted_session(emulator.ca_path).post(
        f"{emulator.base_url}/services/oauth2/token",
        data={"grant_type": "refresh_token", "client_id": c.client_id,
              "client_secret": c.client_secret, "refresh_token": c.refresh_token})
    body = response.json()
    assert response.status_code == 200 and body["instance_url"] == emulator.base_url
    assert body["issued_at"].isdigit() and body["token_type"] == "Bearer"
    bad = trusted_session(emulator.ca_path).post(
        f"{emulator.base_url}/services/oauth2/token",
        data={"grant_type": "refresh_token", "client_id": c.client_id, "refresh_token": "stale"})
    assert bad.status_code == 400 and bad.json() == {
        "error": "invalid_grant", "error_description": "expired access/refresh token"}


def test_expired_token_gives_401_json_array_and_expired_session(emulator, control):
    sf = connect(emulator)
    control.expire_tokens()
    with pytest.raises(SalesforceExpiredSession):
        sf.query("SELECT Id FROM User LIMIT 1")
    raw = requests.get(f"{emulator.base_url}/services/data/v59.0/limits/",
                       headers={"Authorization": "Bearer stale"}, verify=str(emulator.ca_path))
    assert raw.status_code == 401
    assert raw.json() == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def test_client_that_logged_in_itself_logs_in_again_after_expiry(emulator, control):
    c = emulator.credentials
    sf = Salesforce(username=c.username, password=c.password, consumer_key=c.client_id,
                    consumer_secret=c.client_secret,
                    domain=f"{_host(emulator)}/services/oauth2/token#",
                    session=trusted_session(emulator.ca_path))
    control.expire_tokens()
    assert sf.query("SELECT COUNT() FROM User")["totalSize"] > 0


def test_versions_list_is_open_and_unmetered(emulator):
    body = requests.get(f"{emulator.base_url}/services/data/", verify=str(emulator.ca_path)).json()
    assert {"label": "Winter '24", "url": "/services/data/v59.0", "version": "59.0"} in body


def test_client_credentials_basic_header_is_checked(emulator):
    bad = base64.b64encode(b"someone:else").decode()
    response = trusted_session(emulator.ca_path).post(
        f"{emulator.base_url}/services/oauth2/token", data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {bad}"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_client"
