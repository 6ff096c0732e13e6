"""A small threaded HTTPS server with a route table; no web framework.

Keep-alive (HTTP/1.1) matters: simple-salesforce reuses one requests.Session, and a TLS handshake
per page would make the emulator, not the pipeline, what a benchmark measures.
"""

import json
import logging
import re
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import orjson

from ..org.errors import ApiError

JSON_TYPE = "application/json;charset=UTF-8"
log = logging.getLogger("salesforce_emulator")


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    params: dict[str, str] = field(default_factory=dict)  # from the route pattern
    user_id: str | None = None  # the caller, once the bearer token is checked
    sobject: str | None = None  # the object a query or job touched, for the call counters

    def json(self):
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise ApiError(400, "JSON_PARSER_ERROR", f"Unexpected character: {exc}") from exc


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload, status: int = 200, headers: dict | None = None) -> "Response":
        try:
            body = orjson.dumps(payload)
        except orjson.JSONEncodeError:  # a lone surrogate (poison records): escaped, as on the wire
            body = json.dumps(payload, ensure_ascii=True, default=str).encode()
        return cls(status, body, {"Content-Type": JSON_TYPE, **(headers or {})})

    @classmethod
    def error(cls, exc: ApiError) -> "Response":
        return cls.json(exc.body(), exc.status)


def internal_error(exc: Exception, request: Request | None = None) -> Response:
    """A bug answers 500 UNKNOWN_EXCEPTION, as Salesforce does, and is logged with its traceback:
    the client gets an answer it can read, never a dropped connection."""
    where = f" in {request.method} {request.path}" if request is not None else ""
    log.error("unexpected error%s", where, exc_info=exc)
    return Response.error(ApiError(500, "UNKNOWN_EXCEPTION", f"An unexpected error occurred: {exc}"))


class Router:
    """Ordered (method, regex) -> handler table; the first match wins."""

    def __init__(self):
        self.routes: list[tuple[str, re.Pattern, object]] = []

    def add(self, method: str, pattern: str, handler) -> None:
        self.routes.append((method, re.compile(f"^{pattern}/?$"), handler))

    def match(self, method: str, path: str):
        allowed = False
        for route_method, regex, handler in self.routes:
            m = regex.match(path)
            if m:
                if route_method == method:
                    return handler, m.groupdict()
                allowed = True
        if allowed:
            raise ApiError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed. "
                           "Allowed are GET,PATCH,POST,DELETE as appropriate")
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")


def parse_request(method: str, raw_path: str, headers, body: bytes) -> Request:
    parts = urlsplit(raw_path)
    query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    return Request(method, parts.path, query, {k.lower(): v for k, v in headers.items()}, body)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "dealsync-emulator"

    def _handle(self) -> None:
        request = None
        try:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = parse_request(self.command, self.path, self.headers, body)
            response = self.server.app.handle(request)
        except Exception as exc:  # noqa: BLE001 - answer 500 rather than drop the connection
            response = internal_error(exc, request)
            if request is None:  # the body may be unread: answer, then close the connection
                response.headers["Connection"] = "close"
        drop_after = response.headers.pop("X-Emulator-Drop-After", None)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if drop_after is not None:
            # Fault injection: part of the body, then a dead connection, as a network cut does.
            self.wfile.write(response.body[: int(drop_after)])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _handle

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        if self.server.app.verbose:
            super().log_message(format, *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def serve(app, host: str, port: int, cert_path, key_path) -> tuple[_Server, threading.Thread]:
    """Start serving `app` (an object with .handle(Request) -> Response) on a daemon thread."""
    server = _Server((host, port), _Handler)
    server.app = app
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert_path), str(key_path))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, name="emulator-http", daemon=True)
    thread.start()
    return server, thread
