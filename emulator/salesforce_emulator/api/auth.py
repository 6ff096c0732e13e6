"""Login: the OAuth 2.0 token endpoint (four grants), SOAP login, and the versions list.

Shapes follow Salesforce's token endpoint (Salesforce Help, "OAuth Endpoints":
https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm) and what
simple-salesforce's login parses (https://github.com/simple-salesforce/simple-salesforce,
simple_salesforce/login.py): OAuth errors are a JSON object (not an array), SOAP faults use the
`sf:` prefix it looks for, and `instance_url` / `serverUrl` point back at this server so the
client's API host becomes the emulator.
"""

import base64
import hashlib
import hmac
import json
import time
from html import escape
from urllib.parse import parse_qs
from xml.dom import minidom
from xml.parsers.expat import ExpatError

from .http import Request, Response

ORG_ID = "00D5g000000DEMOEAA"
VERSIONS = [(f"{v}.0", label) for v, label in [
    (52, "Summer '21"), (53, "Winter '22"), (54, "Spring '22"), (55, "Summer '22"),
    (56, "Winter '23"), (57, "Spring '23"), (58, "Summer '23"), (59, "Winter '24"),
    (60, "Spring '24"), (61, "Summer '24"), (62, "Winter '25"), (63, "Spring '25"),
    (64, "Summer '25"), (65, "Winter '26"), (66, "Spring '26")]]


def register(router, app) -> None:
    router.add("POST", r"/services/oauth2/token", lambda r: token(app, r))
    router.add("POST", r"/services/Soap/u/(?P<version>[\d.]+)", lambda r: soap_login(app, r))
    router.add("GET", r"/services/data", lambda r: Response.json(
        [{"label": label, "url": f"/services/data/v{v}", "version": v} for v, label in VERSIONS]))


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    return Response.json({"error": error, "error_description": description}, status)


def _user_id(app, username: str) -> str | None:
    ids = app.store.find_by(app.store.objects["User"], "Username", username)
    return ids[0] if ids else app.store.default_user_id()


def _token_response(app, user_id: str, scope: str | None = None) -> Response:
    access = app.issue_token(user_id)
    issued = str(int(time.time() * 1000))
    signature = base64.b64encode(hmac.new(app.credentials.client_secret.encode(),
                                          f"{app.base_url}{issued}".encode(),
                                          hashlib.sha256).digest()).decode()
    body = {"access_token": access, "instance_url": app.base_url,
            "id": f"https://login.salesforce.com/id/{ORG_ID}/{user_id}",
            "token_type": "Bearer", "issued_at": issued, "signature": signature}
    if scope:
        body["scope"] = scope
    return Response.json(body)


def token(app, request: Request) -> Response:
    form = {k: v[-1] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()}
    creds = app.credentials
    grant = form.get("grant_type")
    if grant == "password":
        if form.get("client_id") != creds.client_id:
            return _oauth_error("invalid_client_id", "client identifier invalid")
        if form.get("client_secret") != creds.client_secret:
            return _oauth_error("invalid_client", "invalid client credentials")
        if form.get("username") != creds.username or form.get("password") not in (
                creds.password, creds.password + creds.security_token):
            return _oauth_error("invalid_grant", "authentication failure")
        return _token_response(app, _user_id(app, creds.username))
    if grant == "client_credentials":
        basic = request.headers.get("authorization", "")
        client = base64.b64decode(basic[6:]).decode() if basic.lower().startswith("basic ") else \
            f"{form.get('client_id')}:{form.get('client_secret')}"
        if client != f"{creds.client_id}:{creds.client_secret}":
            return _oauth_error("invalid_client", "invalid client credentials")
        return _token_response(app, _user_id(app, creds.username), scope="api")
    if grant == "refresh_token":
        if form.get("client_id") != creds.client_id:
            return _oauth_error("invalid_client_id", "client identifier invalid")
        if form.get("refresh_token") != creds.refresh_token:
            return _oauth_error("invalid_grant", "expired access/refresh token")
        return _token_response(app, _user_id(app, creds.username), scope="api refresh_token")
    if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
        return _jwt_bearer(app, form.get("assertion", ""))
    return _oauth_error("unsupported_grant_type", "grant type not supported")


def _b64url(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _jwt_bearer(app, assertion: str) -> Response:
    """Verify an RS256 assertion against the connected app's public key, as Salesforce does."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    creds = app.credentials
    try:
        header_b64, claims_b64, signature_b64 = assertion.split(".")
        claims = json.loads(_b64url(claims_b64))
        header = json.loads(_b64url(header_b64))
    except ValueError:
        return _oauth_error("invalid_grant", "invalid assertion")
    if header.get("alg") != "RS256" or creds.jwt_public_key_pem is None:
        return _oauth_error("invalid_grant", "invalid assertion")
    public_key = serialization.load_pem_public_key(creds.jwt_public_key_pem)
    try:
        public_key.verify(_b64url(signature_b64), f"{header_b64}.{claims_b64}".encode(),
                          padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return _oauth_error("invalid_grant", "invalid assertion")
    if claims.get("iss") != creds.client_id:
        return _oauth_error("invalid_client_id", "client identifier invalid")
    if claims.get("sub") != creds.username:
        return _oauth_error("invalid_grant", "user hasn't approved this consumer")
    if int(claims.get("exp", 0)) < time.time():
        return _oauth_error("invalid_grant", "expired authorization code")
    return _token_response(app, _user_id(app, creds.username), scope="api")


SOAP_FAULT = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
              'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
              'xmlns:sf="urn:fault.partner.soap.sforce.com" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault>'
              '<faultcode>INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, '
              'password, security token; or user locked out.</faultstring><detail>'
              '<sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>INVALID_LOGIN'
              '</sf:exceptionCode><sf:exceptionMessage>Invalid username, password, security token; '
              'or user locked out.</sf:exceptionMessage></sf:LoginFault></detail></soapenv:Fault>'
              '</soapenv:Body></soapenv:Envelope>')


def _local_text(doc, name: str) -> str:
    for node in doc.getElementsByTagName("*"):
        if node.localName == name and node.firstChild is not None:
            return node.firstChild.nodeValue or ""
    return ""


def soap_login(app, request: Request) -> Response:
    version = request.params["version"]
    try:
        doc = minidom.parseString(request.body)
    except ExpatError:
        return Response(500, SOAP_FAULT.replace("INVALID_LOGIN", "INVALID_XML", 1).encode(),
                        {"Content-Type": "text/xml; charset=utf-8"})
    creds = app.credentials
    username, password = _local_text(doc, "username"), _local_text(doc, "password")
    if username != creds.username or password not in (creds.password,
                                                      creds.password + creds.security_token):
        return Response(500, SOAP_FAULT.encode(), {"Content-Type": "text/xml; charset=utf-8"})
    user_id = _user_id(app, username)
    session = app.issue_token(user_id)
    base = app.base_url
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
        'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result>'
        f"<metadataServerUrl>{base}/services/Soap/m/{version}/{ORG_ID[:15]}</metadataServerUrl>"
        "<passwordExpired>false</passwordExpired><sandbox>false</sandbox>"
        f"<serverUrl>{base}/services/Soap/u/{version}/{ORG_ID[:15]}</serverUrl>"
        f"<sessionId>{escape(session)}</sessionId><userId>{user_id}</userId>"
        f"<userInfo><organizationId>{ORG_ID}</organizationId><userEmail>{escape(username)}</userEmail>"
        f"<userName>{escape(username)}</userName></userInfo>"
        "</result></loginResponse></soapenv:Body></soapenv:Envelope>")
    return Response(200, body.encode(), {"Content-Type": "text/xml; charset=utf-8"})
