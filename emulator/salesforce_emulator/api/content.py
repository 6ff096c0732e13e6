"""Salesforce Files: ContentVersion (068), ContentDocument (069) and ContentDocumentLink (06A).

As the Object Reference describes them ("ContentVersion":
https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contentversion.htm,
"ContentDocumentLink":
https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contentdocumentlink.htm):
- inserting a ContentVersion without ContentDocumentId creates its ContentDocument, linked to
  the owner's library (ShareType I) and, with FirstPublishLocationId, to that record (ShareType V);
- inserting one with an existing ContentDocumentId adds a version: the old version's IsLatest
  turns false and the document's LatestPublishedVersionId moves to the new one;
- VersionData comes as base64 in JSON or as the binary part of a multipart/form-data request
  (an `entity_content` JSON part, then a `VersionData` part), and is read back from
  `sobjects/ContentVersion/{Id}/VersionData` ("Insert or Update Blob Data",
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_insert_update_blob.htm).
"""

import hashlib
import json
from email import policy
from email.parser import BytesParser

from ..org import ids
from ..org.errors import ApiError
from .http import Request, Response

DATA = r"/services/data/v(?P<version>\d+\.\d)"
FILE_TYPES = {"pdf": "PDF", "txt": "TEXT", "csv": "CSV", "png": "PNG", "jpg": "JPG", "jpeg": "JPG",
              "gif": "GIF", "doc": "WORD", "docx": "WORD_X", "xls": "EXCEL", "xlsx": "EXCEL_X",
              "ppt": "POWER_POINT", "pptx": "POWER_POINT_X", "zip": "ZIP", "html": "HTML",
              "xml": "XML", "json": "JSON"}


def register(router, app) -> None:
    def blob(request: Request) -> Response:
        obj = app.object(request.params["sobject"])
        full = ids.normalize(request.params["id"])
        f = obj.field(request.params["blob"]) if obj else None
        row = app.store.get(obj, full) if obj and full and f and f.type == "base64" else None
        if row is None or row.get(f.name) is None:
            raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
        return Response(200, bytes(row[f.name]), {"Content-Type": "application/octet-stream"})

    blob.kind = "rest"
    router.add("GET", rf"{DATA}/sobjects/(?P<sobject>\w+)/(?P<id>[a-zA-Z0-9]{{15,18}})/"
               r"(?P<blob>VersionData)", blob)


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/")


def multipart_body(request: Request) -> dict:
    """The record of a multipart request: its JSON part's fields plus the binary part."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + request.body)
    values, blobs = None, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition") or ""
        payload = part.get_payload(decode=True) or b""
        if name.startswith("entity_") or part.get_content_type() == "application/json":
            try:
                values = json.loads(payload)
            except ValueError as exc:
                raise ApiError(400, "JSON_PARSER_ERROR", f"Unexpected character: {exc}") from exc
        elif name:
            blobs[name] = payload
    if not isinstance(values, dict):
        raise ApiError(400, "INVALID_MULTIPART_REQUEST",
                       "a multipart request needs a JSON part named entity_content")
    return {**values, **blobs}


def _file_fields(values: dict, data: bytes | None) -> dict:
    path = values.get("PathOnClient") or ""
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return {"ContentSize": len(data or b""), "FileExtension": ext or None,
            "FileType": FILE_TYPES.get(ext, "UNKNOWN"),
            "Checksum": hashlib.md5(data or b"").hexdigest()}  # noqa: S324 - as Salesforce's


def create_version(app, obj, values: dict, user_id: str) -> str:
    """Insert a checked ContentVersion with its document and links; returns the version Id."""
    store = app.store
    docs, links = store.objects["ContentDocument"], store.objects["ContentDocumentLink"]
    data = values.get("VersionData")
    if data is None and not values.get("ContentUrl"):
        raise ApiError(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [VersionData]",
                       ["VersionData"])
    if data is not None and not values.get("PathOnClient"):
        raise ApiError(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [PathOnClient]",
                       ["PathOnClient"])
    files = _file_fields(values, data)
    doc_files = {k: v for k, v in files.items() if k != "Checksum"}
    with store.lock:
        stamp = store.stamp()
        owner = values.get("OwnerId") or user_id
        doc_id = values.get("ContentDocumentId")
        fpl = values.get("FirstPublishLocationId")
        if doc_id:
            older = store.con.cursor().execute(
                'SELECT "Id" FROM "ContentVersion" WHERE "ContentDocumentId" = ? AND NOT "IsDeleted"',
                [doc_id]).fetchall()
            for (old_id,) in older:
                store.update(obj, old_id, {"IsLatest": False}, user_id, stamp)
            number, status = len(older) + 1, store.get(docs, doc_id)["PublishStatus"]
        else:
            number, status = 1, "P" if fpl else "R"
            doc_id = store.insert(docs, {"Title": values.get("Title"), "OwnerId": owner,
                                         "PublishStatus": status, "ContentModifiedDate": stamp,
                                         **doc_files}, user_id, stamp)
            store.insert(links, {"LinkedEntityId": owner, "ContentDocumentId": doc_id,
                                 "ShareType": "I", "Visibility": "AllUsers"}, user_id, stamp)
            if fpl:
                store.insert(links, {"LinkedEntityId": fpl, "ContentDocumentId": doc_id,
                                     "ShareType": "V", "Visibility": "AllUsers"}, user_id, stamp)
        version_id = store.insert(obj, {**values, **files, "ContentDocumentId": doc_id,
                                        "OwnerId": owner, "IsLatest": True,
                                        "VersionNumber": str(number), "PublishStatus": status,
                                        "ContentModifiedDate": values.get("ContentModifiedDate") or stamp},
                                  user_id, stamp)
        store.update(docs, doc_id, {"LatestPublishedVersionId": version_id,
                                    "Title": values.get("Title"), "ContentModifiedDate": stamp,
                                    **doc_files}, user_id, stamp)
    return version_id
