"""OAuth 2.0 login for the four flows dealsync supports, done with the run's own session.

simple-salesforce hard-codes https://{domain}.salesforce.com for its logins (see its
`login.py`), which rules out the emulator and makes My Domain awkward; so we POST to the token
endpoint ourselves and hand simple-salesforce the access token and instance URL.
"""

import time
from dataclasses import dataclass, field
from pathlib import Path

import jwt
import requests
from simple_salesforce.exceptions import SalesforceGeneralError

from .connection import SalesforceSettings
from .errors import SalesforceAuthError

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
JWT_LIFETIME_SECONDS = 180

# What usually fixes each OAuth error Salesforce returns ("OAuth 2.0 Endpoints" and the
# flows' pages in Salesforce Help: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flows.htm).
LOGIN_FIXES = {
    "invalid_client_id": "check client_id (the connected app's consumer key)",
    "invalid_client": "check client_secret (the consumer secret) and that the connected app "
                      "enables this OAuth flow (client credentials also needs a Run As user)",
    "authentication failure": "check username, password and security_token, and the user's "
                              "login IP ranges",
    "expired access/refresh token": "the refresh token was revoked or expired: re-authorize the "
                                    "connected app and store the new refresh_token",
    "user hasn't approved this consumer": "pre-authorize the user for the connected app "
                                          "(admin-approved users) and check username",
    "invalid assertion": "the JWT signature was rejected: the private key must match the "
                         "certificate uploaded to the connected app",
    "unsupported_grant_type": "enable this OAuth flow on the connected app",
    "inactive_user": "the integration user is inactive or frozen",
    "inactive_org": "the org is locked or inactive",
}


@dataclass(frozen=True)
class Token:
    """An access token and the instance it is valid for; the token itself is never printed."""
    access_token: str = field(repr=False)
    instance_url: str
    issued_at: float


def _private_key(settings: SalesforceSettings) -> str:
    if settings.jwt_private_key:
        # Keys passed through environment variables often carry literal "\n" sequences.
        return settings.jwt_private_key.replace("\\n", "\n")
    return Path(settings.jwt_private_key_path).read_text()


def jwt_assertion(settings: SalesforceSettings, now: float | None = None) -> str:
    """RS256 assertion: iss=client_id, sub=username, aud=login or test, exp=now+3 min."""
    audience = "https://test.salesforce.com" if settings.is_sandbox else "https://login.salesforce.com"
    claims = {"iss": settings.client_id, "sub": settings.username, "aud": audience,
              "exp": int((now or time.time()) + JWT_LIFETIME_SECONDS)}
    try:
        return jwt.encode(claims, _private_key(settings), algorithm="RS256")
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        # The library's message describes the key format problem, never the key itself.
        raise SalesforceAuthError(
            f"cannot sign the JWT assertion with the configured private key "
            f"({type(exc).__name__}); jwt_private_key(_path) must be an RSA private key in PEM "
            "format") from None


def token_request(settings: SalesforceSettings) -> tuple[dict, tuple[str, str] | None]:
    """The form body (and HTTP Basic credentials, for client_credentials) of the token POST."""
    method = settings.auth_method
    if method == "client_credentials":
        return {"grant_type": "client_credentials"}, (settings.client_id, settings.client_secret)
    if method == "jwt":
        return {"grant_type": JWT_GRANT, "assertion": jwt_assertion(settings)}, None
    if method == "refresh_token":
        form = {"grant_type": "refresh_token", "client_id": settings.client_id,
                "refresh_token": settings.refresh_token}
        if settings.client_secret:
            form["client_secret"] = settings.client_secret
        return form, None
    return {"grant_type": "password", "client_id": settings.client_id,
            "client_secret": settings.client_secret, "username": settings.username,
            "password": (settings.password or "") + (settings.security_token or "")}, None


def _login_failure(settings: SalesforceSettings, url: str,
                   response: requests.Response) -> SalesforceAuthError:
    try:
        body = response.json()
        error, description = body.get("error", ""), body.get("error_description", "")
    except ValueError:
        error, description = "", response.text[:200]
    fix = LOGIN_FIXES.get(description) or LOGIN_FIXES.get(error)
    text = (f"Salesforce login with auth_method={settings.auth_method!r} at {url} failed: "
            f"HTTP {response.status_code} {error}: {description}")
    return SalesforceAuthError(text + (f". Fix: {fix}" if fix else ""))


def fetch_token(session: requests.Session, settings: SalesforceSettings) -> Token:
    """One token POST. 5xx raises SalesforceGeneralError so the caller's retry policy applies."""
    url = f"{settings.login_base_url()}/services/oauth2/token"
    form, basic_auth = token_request(settings)
    response = session.post(url, data=form, auth=basic_auth, timeout=settings.request_timeout)
    if response.status_code >= 500:
        raise SalesforceGeneralError(url, response.status_code, "oauth2/token", response.text[:500])
    if response.status_code != 200:
        raise _login_failure(settings, url, response)
    body = response.json()
    instance_url = body.get("instance_url") or settings.instance_url
    if not body.get("access_token") or not instance_url:
        raise SalesforceAuthError(
            f"Salesforce login at {url} returned no access_token/instance_url; set instance_url "
            "to the org's My Domain URL")
    return Token(access_token=body["access_token"], instance_url=instance_url.rstrip("/"),
                 issued_at=time.time())
