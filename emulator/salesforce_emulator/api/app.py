"""The emulated org as a web application: auth, API metering, faults and dispatch.

Every data call passes the same gate, in Salesforce's order: bearer token (401
INVALID_SESSION_ID), the org's API access (403, profiles.py), daily request limit (403
REQUEST_LIMIT_EXCEEDED), then the handler. Each metered response carries `Sforce-Limit-Info`,
which is how clients watch their quota. Bulk API 1.0 (`/services/async/...`) passes the same
gate with its own error format.

A JSON (non-multipart) body is limited to 52,428,800 bytes, as Salesforce limits one ("Insert or
Update Blob Data": 50 MB of text or 37.5 MB of base64-encoded data,
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_insert_update_blob.htm);
a larger file must go multipart.
"""

import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from ..org.errors import ApiError
from ..org.profiles import Profiles
from ..org.schema import ObjectDef
from ..org.store import Store
from .faults import Faults
from .http import Request, Response, Router, internal_error

DATA_PREFIX = r"/services/data/v(?P<version>\d+\.\d)"
MAX_JSON_BODY = 52_428_800
TOO_LARGE = ("; nested exception is: \n\tcommon.exception.ApiException: Maximum size of request "
             f"reached. Maximum size of request is {MAX_JSON_BODY} bytes.")


@dataclass
class Credentials:
    """What the demo org accepts. Printed at start; only for the local emulator."""
    client_id: str = "dealsync-demo-client"
    client_secret: str = "dealsync-demo-secret"
    username: str = "integration@dealsync.demo"
    password: str = "demo-password"
    security_token: str = "DEMOTOKEN"
    refresh_token: str = "dealsync-demo-refresh-token"
    jwt_public_key_pem: bytes | None = None


class Usage:
    """API calls used today against the org's daily maximum, with per-kind and per-object counts."""

    def __init__(self, daily_max: int):
        self.daily_max = daily_max
        self.used = 0
        self.by_kind: Counter = Counter()
        self.by_object: Counter = Counter()
        self._lock = threading.Lock()

    def charge(self, kind: str, obj: str | None) -> None:
        with self._lock:
            self.used += 1
            self.by_kind[kind] += 1
            if obj:
                self.by_object[obj] += 1

    def attribute(self, obj: str) -> None:
        """Name the object of a call whose URL does not (query, queryAll, Bulk jobs)."""
        with self._lock:
            self.by_object[obj] += 1

    def exhausted(self) -> bool:
        return self.used >= self.daily_max

    def header(self) -> str:
        return f"api-usage={self.used}/{self.daily_max}"

    def snapshot(self) -> dict:
        with self._lock:
            return {"api_calls": self.used, "daily_max": self.daily_max,
                    "by_kind": dict(self.by_kind), "by_object": dict(self.by_object)}

    def reset(self) -> None:
        with self._lock:
            self.used = 0
            self.by_kind.clear()
            self.by_object.clear()


class EmulatorApp:
    def __init__(self, store: Store, credentials: Credentials | None = None,
                 daily_max: int = 1_000_000, seed: int = 0, verbose: bool = False,
                 profiles=()):
        self.store = store
        self.profiles = Profiles(profiles)
        self.today_shift = timedelta(0)  # POST /control/clock moves the org's today
        self.credentials = credentials or Credentials()
        self.usage = Usage(daily_max)
        self.faults = Faults(seed)
        self.verbose = verbose
        self.base_url = ""  # https://127.0.0.1:PORT, set once bound
        self.tokens: dict[str, str] = {}  # access token -> user Id
        self._token_lock = threading.Lock()
        self.data_routes = Router()
        self.open_routes = Router()  # oauth, SOAP, versions, control: not metered, no bearer
        from . import auth, bulk, bulk1, composite, content, control, control_org, query, records
        for module in (query, content, records, composite, bulk, bulk1):
            module.register(self.data_routes, self)
        for module in (auth, control, control_org):
            module.register(self.open_routes, self)

    # ----- the org as the API user sees it --------------------------------------------------
    def objects(self) -> dict[str, ObjectDef]:
        """The schema through the active profiles (the store's own dict when none is set)."""
        return self.profiles.view(self.store.objects)

    def object(self, name: str) -> ObjectDef | None:
        """Case-insensitive lookup among the objects the API user sees."""
        return next((o for n, o in self.objects().items() if n.lower() == name.lower()), None)

    def now(self) -> datetime:
        """The org's clock for formulas and date literals: now, moved by /control/clock."""
        return datetime.now(timezone.utc) + self.today_shift

    # ----- tokens -------------------------------------------------------------------------
    def issue_token(self, user_id: str | None) -> str:
        org_id = "00D5g000000DEMOEAA"
        token = f"{org_id[:15]}!{secrets.token_urlsafe(48)}"
        with self._token_lock:
            self.tokens[token] = user_id or self.store.default_user_id()
        return token

    def expire_tokens(self) -> int:
        with self._token_lock:
            n = len(self.tokens)
            self.tokens.clear()
            return n

    def user_for(self, request: Request) -> str:
        auth = request.headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else request.headers.get("x-sfdc-session", "")
        user = self.tokens.get(token)
        if user is None:
            raise ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")
        return user

    # ----- dispatch -----------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        try:
            if request.path.startswith("/services/data/v") and request.path.rstrip("/").count("/") > 2:
                return self.handle_data(request)
            if request.path.startswith("/services/async/"):
                from .bulk1_format import error_response
                return error_response(self.handle_data(request), request)
            handler, params = self.open_routes.match(request.method, request.path)
            request.params = params
            return handler(request)
        except ApiError as exc:
            return Response.error(exc)
        except Exception as exc:  # noqa: BLE001 - a bug answers 500 like Salesforce, and is logged
            return internal_error(exc, request)

    def handle_data(self, request: Request, metered: bool = True) -> Response:
        """One REST/Bulk call: auth, quota, faults, handler; `metered=False` inside /composite."""
        headers = {"Sforce-Limit-Info": self.usage.header()}
        drop = None
        try:
            request.user_id = self.user_for(request)
            refused = self.profiles.gate_error()
            if refused is not None:
                raise refused
            handler, params = self.data_routes.match(request.method, request.path)
            request.params = params
            if metered:
                if self.usage.exhausted():
                    raise ApiError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
                # Charged before faults: a call Salesforce answers with an error still counts.
                self.usage.charge(getattr(handler, "kind", "rest"), params.get("sobject"))
                headers["Sforce-Limit-Info"] = self.usage.header()
                self._apply_faults(request)
                drop = self.faults.take("drop", request.method, request.path)
            if len(request.body) > MAX_JSON_BODY and "json" in request.headers.get("content-type", ""):
                raise ApiError(400, "JSON_PARSER_ERROR", TOO_LARGE)
            response = handler(request)
            if metered and request.sobject and not params.get("sobject"):
                self.usage.attribute(request.sobject)
            stall = self.faults.take("stall", request.method, request.path) if metered else None
            if stall:
                time.sleep(stall.seconds)
        except ApiError as exc:
            response = Response.error(exc)
        except Exception as exc:  # noqa: BLE001 - a bug answers 500 like Salesforce, and is logged
            response = internal_error(exc, request)
        response.headers.update(headers)
        if drop is not None:
            response.headers["X-Emulator-Drop-After"] = str(drop.after_bytes)
        return response

    def _apply_faults(self, request: Request) -> None:
        # Faults match the path plus the query string, so a test can aim at one object's SOQL.
        target = f"{request.path}?{urlencode(request.query)}" if request.query else request.path
        latency = self.faults.take("latency", request.method, target)
        if latency:
            time.sleep(latency.seconds)
        error = self.faults.take("error", request.method, target)
        if error:
            raise ApiError(error.status, error.code, error.message)
