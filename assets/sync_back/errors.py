"""Which Salesforce write errors are worth another try in a later run, and what fixes the rest.

Transient errors (a locked row, an unavailable server) clear by themselves: the row waits with
backoff and is sent again. Everything else says something is wrong with the row or the org, so
the row is failed with the reason and never resent until someone fixes it and sets it pending.
Unknown codes count as permanent: resending blindly is how duplicates and noise happen.
"""

TRANSIENT_CODES = frozenset({
    "UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION", "REQUEST_RUNNING_TOO_LONG",
    "TOO_MANY_APEX_REQUESTS", "CALL_FAILED", "BULK_UNPROCESSED"})

FIXES = {
    "MALFORMED_ID": "an Id in the row is not a valid Salesforce Id (bad length or checksum): "
                    "correct what_id / who_id / owner_id",
    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST": "use an active value of the Task picklist "
                    "(Setup > Object Manager > Task > Fields) for status / priority / task_subtype",
    "FIELD_INTEGRITY_EXCEPTION": "an Id points at the wrong kind of record: what_id must be an "
                    "Opportunity or Account, who_id a Contact or Lead, owner_id a User",
    "INVALID_FIELD_FOR_INSERT_UPDATE": "the integration user cannot write this Task field: grant "
                    "it field-level edit access in its profile or permission set",
    "INVALID_CROSS_REFERENCE_KEY": "the referenced record does not exist or the integration user "
                    "cannot see it: check the Id and sharing",
    "INACTIVE_OWNER_OR_USER": "owner_id is an inactive user: assign the Task to an active user",
    "REQUIRED_FIELD_MISSING": "fill in the required Task field named in the message",
    "STRING_TOO_LONG": "shorten the value named in the message",
    "JSON_PARSER_ERROR": "a value has the wrong format (dates are YYYY-MM-DD)",
    "INVALID_FIELD": "the Task field does not exist or is hidden from the integration user: check "
                     "sync_back.key_field / external_id_field and field-level security",
    "DUPLICATE_VALUE": "another Task already holds this sync key in a unique field",
    "INVALID_OUTBOX_ROW": "correct the row in sync_back.sync_back_tasks",
}


def is_transient(code: str | None) -> bool:
    return code in TRANSIENT_CODES


def explain(code: str | None, message: str, sync_key: str) -> str:
    """Salesforce's message, the fix, and how to resend once fixed."""
    text = message.strip().rstrip(".")
    fix = FIXES.get(code or "")
    if fix:
        text += f". Fix: {fix}"
    return (f"{text}. To resend after fixing: update sync_back.sync_back_tasks set "
            f"sync_status = 'pending' where sync_key = '{sync_key}'")


class SyncBackConfigError(RuntimeError):
    """The settings do not fit the org (a missing key or external-ID field); names the key."""
