"""Errors the Salesforce resource raises: each says what failed, on which object, and the fix.

The extraction assets branch on the type: `QuotaStop` means "checkpoint and end cleanly",
`BulkUnavailable` means "re-run this slice over REST", anything else fails the run. Messages
never contain tokens, passwords or secrets: they are built from Salesforce's error body and
our own settings names, never from request payloads.
"""

from simple_salesforce.exceptions import SalesforceError as ClientError

# What to do about the Salesforce error codes an ELT run meets ("Status Codes and Error
# Responses", REST API Developer Guide:
# https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
FIXES = {
    "MALFORMED_QUERY": "check the SOQL syntax; the message shows the position Salesforce rejected",
    "INVALID_FIELD": "the field does not exist or is hidden from the integration user: re-describe "
                     "the object and drop the field, or grant field-level security",
    "INVALID_TYPE": "the object does not exist or the integration user cannot see it: check the "
                    "name (custom objects end in __c) and the user's object permissions",
    "INVALID_QUERY_LOCATOR": "the server-side query cursor expired or was evicted: restart the "
                             "query from the last checkpoint",
    "QUERY_TIMEOUT": "the query ran too long in Salesforce: narrow the window (halve it) or use "
                     "Bulk 2.0 for this slice",
    "NOT_FOUND": "check the object name and the api_version setting",
    "API_DISABLED_FOR_ORG": "the org's edition has no API access: use an edition that includes "
                            "it (Enterprise, Unlimited, Developer, Performance) or buy API access",
    "API_CURRENTLY_DISABLED": "give the integration user's profile or a permission set the "
                              "'API Enabled' permission",
    "INSUFFICIENT_ACCESS": "grant the integration user read access to the object",
    "OPERATION_TOO_LARGE": "grant the integration user 'View All Data' (Task/Event queries over "
                           "100,000 distinct who/what ids need it), or narrow the window",
    "TXN_SECURITY_METERING_ERROR": "a Transaction Security policy blocked the call: ask the "
                                   "Salesforce admin to exempt the integration user",
    "INVALID_SESSION_ID": "the new token was rejected too: check that the connected app allows "
                          "the 'api' scope and the user is active",
    "REQUEST_LIMIT_EXCEEDED": "the org's daily API limit is spent: wait for the 24 h rolling "
                              "window, or ask for a higher limit",
}


class SalesforceResourceError(Exception):
    """Base class for everything the Salesforce resource raises on purpose."""


class SalesforceConfigError(SalesforceResourceError, ValueError):
    """A setting is missing or invalid; the message names the key and the allowed values."""


class SalesforceAuthError(SalesforceResourceError):
    """Login failed; the message names the auth method, the login host and the likely fix."""


class SalesforceCallError(SalesforceResourceError):
    """A call failed for good (not transient, or retries exhausted)."""

    def __init__(self, message: str, *, object: str | None, call: str, status: int | None,
                 code: str | None, attempts: int):
        super().__init__(message)
        self.object, self.call, self.status, self.code = object, call, status, code
        self.attempts = attempts


class QuotaStop(SalesforceResourceError):
    """The API budget for this run or org is used up: save the checkpoint and end cleanly.

    `reason` is "org_share" (org usage reached quota_share of the daily max), "run_cap"
    (this run made run_call_cap calls) or "limit_exceeded" (Salesforce answered
    REQUEST_LIMIT_EXCEEDED).
    """

    def __init__(self, message: str, *, reason: str, used: int | None = None,
                 daily_max: int | None = None, run_calls: int | None = None):
        super().__init__(message)
        self.reason, self.used, self.daily_max, self.run_calls = reason, used, daily_max, run_calls


class BulkUnavailable(SalesforceResourceError):
    """Salesforce refused or failed the Bulk 2.0 job: the caller should re-run this slice over REST."""

    def __init__(self, message: str, *, object: str, code: str | None = None):
        super().__init__(message)
        self.object, self.code = object, code


def error_details(exc: ClientError) -> tuple[str | None, str]:
    """(errorCode, message) from a simple-salesforce exception's decoded body."""
    content = exc.content
    if isinstance(content, list) and content and isinstance(content[0], dict):
        first = content[0]
        return first.get("errorCode"), str(first.get("message", "")).strip()
    if isinstance(content, dict):
        return content.get("errorCode") or content.get("error"), str(
            content.get("message") or content.get("error_description") or "").strip()
    return None, str(content or "").strip()[:500]


def fix_for(code: str | None) -> str | None:
    if code is None:
        return None
    for prefix, fix in FIXES.items():
        if code.startswith(prefix):
            return fix
    return None


def call_failed(exc: BaseException, *, object: str | None, call: str,
                attempts: int) -> SalesforceCallError:
    """Wrap a final failure in a message that names the object, the call and the fix."""
    target = f"{object} {call}" if object else call
    if isinstance(exc, ClientError):
        code, message = error_details(exc)
        text = f"Salesforce {target} failed: HTTP {exc.status} {code or ''}: {message}".replace(" :", ":")
        status = exc.status
    else:
        code, status = None, None
        text = f"Salesforce {target} failed: {type(exc).__name__}: {exc}"
    if attempts > 1:
        text += f" (gave up after {attempts} attempts)"
    fix = fix_for(code)
    if fix:
        text += f". Fix: {fix}"
    return SalesforceCallError(text, object=object, call=call, status=status, code=code,
                               attempts=attempts)
