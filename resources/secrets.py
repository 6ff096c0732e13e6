"""The one place secrets are scrubbed from text before it is logged, shown or stored.

Known secrets (the Salesforce credentials and the warehouse URL in the environment, the
PostgreSQL password) are replaced wherever they appear; patterns catch the rest (URLs with a
password, bearer tokens, key=value pairs, Salesforce session ids).
"""

import os
import re

import sqlalchemy as sa

MAX_ERROR_CHARS = 4000
_SECRET_PATTERNS = [
    # scheme://user:password@host -> scheme://user:***@host
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@", re.I), r"\1***@"),
    (re.compile(r"\b(Bearer|OAuth)\s+[A-Za-z0-9._~+/!=-]+", re.I), r"\1 ***"),
    (re.compile(r"\b(password|passwd|pwd|secret|client_secret|token|access_token|refresh_token|"
                r"security_token|session_?id|api_?key|authorization)(\s*[=:]\s*)"
                r"(\"[^\"]*\"|'[^']*'|[^\s,;&]+)", re.I), r"\1\2***"),
    # Salesforce session ids / access tokens: org id + '!' + opaque token.
    (re.compile(r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+"), "***"),
]


def redact(text: str, known_secrets: tuple[str, ...] = ()) -> str:
    """Error text without credentials, short enough to read in a table cell."""
    for secret in known_secrets:
        if secret:
            text = text.replace(secret, "***")
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS - 15] + "... [truncated]"

SECRET_VARIABLES = ("SALESFORCE_CLIENT_SECRET", "SALESFORCE_PASSWORD", "SALESFORCE_SECURITY_TOKEN",
                    "SALESFORCE_REFRESH_TOKEN", "SALESFORCE_PRIVATE_KEY", "DEALSYNC_WAREHOUSE_URL")


def known_secrets(postgres_url: str | None = None) -> tuple[str, ...]:
    """Secret values this process knows: the variables above and the warehouse URL's password."""
    values = [os.environ[name] for name in SECRET_VARIABLES if os.environ.get(name)]
    for url in (postgres_url, os.environ.get("DEALSYNC_WAREHOUSE_URL")):
        if url:
            values += [url, _password(url)]
    return tuple(dict.fromkeys(v for v in values if v))


def _password(url: str) -> str | None:
    try:
        return sa.engine.make_url(url).password
    except sa.exc.ArgumentError:
        return None  # not a URL: the whole value is scrubbed already
