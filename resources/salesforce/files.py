"""Salesforce Files: insert a ContentVersion (base64 in JSON, or multipart/form-data for large
files) and find versions by a key kept in ContentVersion.ReasonForChange.

A ContentVersion without ContentDocumentId creates a new file, linked to the record named in
FirstPublishLocationId; one with a ContentDocumentId adds a version to that file
("Insert or Update Blob Data", REST API Developer Guide:
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_insert_update_blob.htm).
An insert is never resent when its outcome is unknown (collections.once): the caller looks the
key up before trying again.
"""

import base64
import json

from simple_salesforce.format import format_soql
from simple_salesforce.util import call_salesforce

from .collections import CallFailure, failure_from, once
from .errors import SalesforceCallError

CONTENT_VERSION = "ContentVersion"
MAX_IN_LIST = 100  # keys per look-up query: well inside SOQL's 4,000-character WHERE limit


def insert_version(client, fields: dict, data: bytes, *, multipart: bool) -> dict:
    """Insert one ContentVersion; returns {"id", "api"} ("json" or "multipart").

    Raises CallFailure (code, message, ambiguous, transient) when Salesforce refuses it or the
    answer is lost."""
    if multipart:
        attempt, api = (lambda: _multipart(client, fields, data)), "multipart"
    else:
        body = {**fields, "VersionData": base64.b64encode(data).decode("ascii")}
        attempt = lambda: client.sf.restful(f"sobjects/{CONTENT_VERSION}/", method="POST",
                                            json=body)
        api = "json"
    try:
        result = once(client, attempt, call="ContentVersion insert", object=CONTENT_VERSION,
                      api="rest")
    except SalesforceCallError as exc:
        raise failure_from(exc.__cause__ or exc, ambiguous=False) from exc
    if not isinstance(result, dict) or not result.get("id"):
        raise CallFailure("UNEXPECTED_RESPONSE", f"Salesforce answered a ContentVersion insert "
                          f"with {str(result)[:200]}", ambiguous=True, transient=True)
    return {"id": result["id"], "api": api}


def _multipart(client, fields: dict, data: bytes) -> dict:
    """The multipart form Salesforce documents for ContentVersion: `entity_content` JSON, then
    the `VersionData` binary part."""
    sf = client.sf
    files = {"entity_content": ("", json.dumps(fields), "application/json"),
             "VersionData": (fields.get("PathOnClient") or "file", data, "application/pdf")}
    headers = {k: v for k, v in sf.headers.items() if k.lower() != "content-type"}
    return call_salesforce(url=f"{sf.base_url}sobjects/{CONTENT_VERSION}/", method="POST",
                           session=sf.session, headers=headers, files=files).json()


def versions_by_reason(client, reasons: list[str]) -> dict[str, list[dict]]:
    """ReasonForChange -> the versions holding it, oldest first (Id, ContentDocumentId,
    VersionNumber)."""
    found: dict[str, list[dict]] = {}
    for start in range(0, len(reasons), MAX_IN_LIST):
        soql = format_soql("SELECT Id, ContentDocumentId, VersionNumber, ReasonForChange "
                           "FROM ContentVersion WHERE ReasonForChange IN {reasons} "
                           "ORDER BY CreatedDate, Id", reasons=reasons[start:start + MAX_IN_LIST])
        for page in client.query_pages(soql, object=CONTENT_VERSION):
            for record in page:
                found.setdefault(record["ReasonForChange"], []).append(record)
    return found


def version(client, version_id: str) -> dict:
    """One ContentVersion's document, number and size."""
    soql = format_soql("SELECT Id, ContentDocumentId, VersionNumber, ContentSize, Title "
                       "FROM ContentVersion WHERE Id = {id}", id=version_id)
    records = [r for page in client.query_pages(soql, object=CONTENT_VERSION) for r in page]
    return records[0] if records else {}
