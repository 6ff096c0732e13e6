"""Salesforce Files: ContentVersion in JSON and multipart, documents, versions and links."""

import base64
import json
import os

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest


def _opp(sf) -> str:
    return sf.query("SELECT Id FROM Opportunity WHERE IsDeleted = false LIMIT 1")["records"][0]["Id"]


def _version(sf, **values) -> dict:
    created = sf.ContentVersion.create(values)
    return sf.query("SELECT Id, ContentDocumentId, IsLatest, VersionNumber, ContentSize, FileType, "
                    f"FileExtension, VersionData FROM ContentVersion WHERE Id = '{created['id']}'"
                    )["records"][0]


def _multipart(sf, entity: dict, data: bytes):
    files = {"entity_content": ("", json.dumps(entity), "application/json"),
             "VersionData": (entity.get("PathOnClient", "file.bin"), data, "application/octet-stream")}
    headers = {k: v for k, v in sf.headers.items() if k.lower() != "content-type"}
    return sf.session.post(f"{sf.base_url}sobjects/ContentVersion/", headers=headers, files=files)


def test_json_upload_publishes_a_document_linked_to_the_record(sf):
    opp = _opp(sf)
    data = b"%PDF-1.4 deal summary"
    version = _version(sf, Title="Deal summary", PathOnClient="summary.pdf",
                       VersionData=base64.b64encode(data).decode(), FirstPublishLocationId=opp)
    assert version["Id"].startswith("068") and version["ContentDocumentId"].startswith("069")
    assert (version["IsLatest"], version["VersionNumber"], version["ContentSize"]) == (True, "1", len(data))
    assert (version["FileType"], version["FileExtension"]) == ("PDF", "pdf")
    assert version["VersionData"].endswith(f"/sobjects/ContentVersion/{version['Id']}/VersionData")
    blob = sf.session.get(f"{sf.base_url}sobjects/ContentVersion/{version['Id']}/VersionData",
                          headers=sf.headers)
    assert blob.status_code == 200 and blob.content == data
    links = sf.query("SELECT Id, LinkedEntityId, ShareType, ContentDocument.Title FROM "
                     f"ContentDocumentLink WHERE LinkedEntityId = '{opp}'")["records"]
    mine = [link for link in links if link["ContentDocument"]["Title"] == "Deal summary"]
    assert len(mine) == 1 and mine[0]["Id"].startswith("06A") and mine[0]["ShareType"] == "V"
    both = sf.query("SELECT LinkedEntityId, ShareType FROM ContentDocumentLink WHERE "
                    f"ContentDocumentId = '{version['ContentDocumentId']}'")["records"]
    assert sorted(r["ShareType"] for r in both) == ["I", "V"]  # the owner's library, the deal
    doc = sf.ContentDocument.get(version["ContentDocumentId"])
    assert doc["LatestPublishedVersionId"] == version["Id"] and doc["Title"] == "Deal summary"


def test_a_new_version_of_an_existing_document(sf):
    first = _version(sf, Title="Proposal", PathOnClient="proposal.txt",
                     VersionData=base64.b64encode(b"v1").decode(), FirstPublishLocationId=_opp(sf))
    second = _version(sf, Title="Proposal v2", PathOnClient="proposal.txt",
                      VersionData=base64.b64encode(b"version 2").decode(),
                      ContentDocumentId=first["ContentDocumentId"])
    assert second["ContentDocumentId"] == first["ContentDocumentId"]
    assert (second["IsLatest"], second["VersionNumber"]) == (True, "2")
    versions = sf.query("SELECT Id, IsLatest FROM ContentVersion WHERE ContentDocumentId = "
                        f"'{first['ContentDocumentId']}' ORDER BY VersionNumber")["records"]
    assert [(v["Id"], v["IsLatest"]) for v in versions] == [(first["Id"], False), (second["Id"], True)]
    doc = sf.ContentDocument.get(first["ContentDocumentId"])
    assert doc["LatestPublishedVersionId"] == second["Id"] and doc["ContentSize"] == 9
    assert sf.query("SELECT COUNT() FROM ContentDocument WHERE Id = "
                    f"'{first['ContentDocumentId']}'")["totalSize"] == 1


def test_multipart_upload(sf):
    data = bytes(range(256)) * 40 + b"\r\n--not-a-boundary\r\n"
    response = _multipart(sf, {"Title": "Binary", "PathOnClient": "raw.bin",
                               "FirstPublishLocationId": _opp(sf)}, data)
    assert response.status_code == 201, response.text
    version_id = response.json()["id"]
    blob = sf.session.get(f"{sf.base_url}sobjects/ContentVersion/{version_id}/VersionData",
                          headers=sf.headers)
    assert blob.content == data


def test_content_document_link_needs_a_filter(sf):
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.query("SELECT Id FROM ContentDocumentLink")
    assert info.value.content[0]["errorCode"] == "MALFORMED_QUERY"
    assert "Implementation restriction" in info.value.content[0]["message"]


def test_describe_entries(sf):
    names = {o["name"]: o for o in sf.describe()["sobjects"]}
    assert {"ContentVersion", "ContentDocument", "ContentDocumentLink"} <= set(names)
    assert names["ContentVersion"]["keyPrefix"] == "068" and names["ContentDocument"]["createable"] is False
    fields = {f["name"]: f for f in sf.ContentVersion.describe()["fields"]}
    assert fields["VersionData"]["type"] == "base64" and fields["IsLatest"]["createable"] is False
    assert fields["FirstPublishLocationId"]["referenceTo"] == ["Opportunity", "Account", "Contact", "User"]


def test_missing_path_on_client_is_required(sf):
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.ContentVersion.create({"Title": "x", "VersionData": base64.b64encode(b"x").decode()})
    assert info.value.content[0]["fields"] == ["PathOnClient"]


def test_a_file_too_large_for_json_must_go_multipart(sf, control):
    data = os.urandom(38 * 1024 * 1024)  # base64 makes it over 52,428,800 bytes of JSON
    control.reset_counters()
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.ContentVersion.create({"Title": "Big", "PathOnClient": "big.bin",
                                  "VersionData": base64.b64encode(data).decode()})
    error = info.value.content[0]
    assert error["errorCode"] == "JSON_PARSER_ERROR"
    assert "Maximum size of request is 52428800 bytes" in error["message"]
    assert control.counters()["api_calls"] == 1  # refused, and still counted
    response = _multipart(sf, {"Title": "Big", "PathOnClient": "big.bin"}, data)
    assert response.status_code == 201, response.text
    size = sf.query(f"SELECT ContentSize FROM ContentVersion WHERE Id = '{response.json()['id']}'")
    assert size["records"][0]["ContentSize"] == len(data)
