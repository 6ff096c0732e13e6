"""What fixes a failed field update, and which failures clear by themselves.

Transient errors (a locked row, an unavailable server) are retried with backoff in later runs;
the rest fail the field until its desired value changes (a new value is a new attempt).
"""

TRANSIENT_CODES = frozenset({
    "UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION", "REQUEST_RUNNING_TOO_LONG",
    "TOO_MANY_APEX_REQUESTS", "CALL_FAILED"})

FIXES = {
    "INVALID_FIELD_FOR_INSERT_UPDATE": "the integration user cannot edit this field: grant it "
        "field-level edit access (profile or permission set), or remove the field from the "
        "mapping; formula and system fields can never be written",
    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST": "the value is not an active value of the "
        "restricted picklist: change the mapping's column to an active value (Setup > Object "
        "Manager > the object > Fields > the picklist) or activate the value",
    "FIELD_INTEGRITY_EXCEPTION": "the value breaks the field's integrity rule (an Id of the wrong "
        "object in a lookup, a value a dependent picklist or validation forbids): correct the "
        "value in the mapping's source",
    "UNABLE_TO_LOCK_ROW": "another process held the record; retried automatically with backoff. "
        "If it keeps failing, schedule field updates away from other bulk jobs on the object",
    "INVALID_FIELD": "the field does not exist or is hidden from the integration user: check the "
        "mapping's field name and field-level security",
    "MALFORMED_ID": "the id column holds a value that is not an Id of this object",
    "ENTITY_IS_DELETED": "the record was deleted in Salesforce: drop it from the mapping's source",
    "STRING_TOO_LONG": "shorten the value (the message names the maximum length)",
    "JSON_PARSER_ERROR": "the value has the wrong format for the field type",
    "INSUFFICIENT_ACCESS_OR_READONLY": "give the integration user edit access to the record "
        "(sharing) or the object",
    "REQUIRED_FIELD_MISSING": "a required field cannot be emptied: give the column a value",
}


def is_transient(code: str | None) -> bool:
    return code in TRANSIENT_CODES


def explain(code: str | None, message: str, object_name: str, record_id: str) -> str:
    """Salesforce's message naming the record, then the fix."""
    text = f"{object_name} {record_id}: {message.strip().rstrip('.')}"
    fix = FIXES.get(code or "")
    return f"{text}. Fix: {fix}" if fix else text


class FieldUpdateConfigError(RuntimeError):
    """The mappings do not fit the org or the staging tables; names the settings key."""
