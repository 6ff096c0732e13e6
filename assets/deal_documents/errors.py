"""What a failed ContentVersion insert means, and what fixes it.

Transient codes (the same list as the Task sink's) wait with backoff and are tried again;
anything else fails the document with the reason and the fix, never resent blindly.
"""

from assets.sync_back.errors import TRANSIENT_CODES

FIXES = {
    "STORAGE_LIMIT_EXCEEDED": "the org's file storage is full: delete old files or buy more "
                              "file storage (Setup > Storage Usage)",
    "INSUFFICIENT_ACCESS_OR_READONLY": "the integration user cannot attach files to this "
                              "opportunity: give it edit access to the record and Create on "
                              "ContentVersion",
    "INSUFFICIENT_ACCESS": "the integration user cannot create files: grant Create on "
                           "ContentVersion in its profile or permission set",
    "INVALID_CROSS_REFERENCE_KEY": "the opportunity does not exist any more or the integration "
                                   "user cannot see it: check the Id and sharing",
    "ENTITY_IS_DELETED": "the opportunity or the earlier file was deleted in Salesforce",
    "FIELD_INTEGRITY_EXCEPTION": "FirstPublishLocationId / ContentDocumentId points at the wrong "
                                 "kind of record",
    "STRING_TOO_LONG": "shorten documents.rules[].title",
    "JSON_PARSER_ERROR": "the request was too large for JSON: lower "
                         "documents.multipart_over_bytes so large files go multipart",
    "INVALID_FIELD": "the integration user cannot see a ContentVersion field (ReasonForChange, "
                     "FirstPublishLocationId): grant field-level access",
    "MISSING_DEAL": "the deal left warehouse.deals (closed, skipped or deleted) after it was "
                    "queued; nothing to attach",
    "RENDER_FAILED": "the PDF could not be rendered; the message names the error",
}


def is_transient(code: str | None) -> bool:
    return code in TRANSIENT_CODES


def explain(code: str | None, message: str, key: str) -> str:
    """Salesforce's message, the fix, and how to resend once fixed."""
    text = (message or code or "failed").strip().rstrip(".")
    fix = FIXES.get(code or "")
    if fix:
        text += f". Fix: {fix}"
    return (f"{text}. To resend after fixing: update sync_back.deal_documents set status = "
            f"'pending' where doc_key = '{key}'")
