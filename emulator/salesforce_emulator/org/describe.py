"""Global describe, sObject describe and sObject basic info, as Salesforce renders them.

Pipelines decide what to extract from describe (queryable objects, compound parents, formula fields,
new custom fields), so every key a real payload carries is present. Field entries start from one
real field per type (data/describe_templates.json, built from describe responses recorded in
CumulusCI's test cassettes, https://github.com/SFDO-Tooling/CumulusCI) and are filled from the
live ObjectDef on every call: fields added at run time show up at once. The resources are the
REST API Developer Guide's "sObject Describe" and "Describe Global"
(https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/).

Choices where the recorded payloads and the documentation are silent:
- OpportunityStage: describe reports `keyPrefix: null` and `replicateable: false`, like the real
  picklist-master `*Status` objects; it stays queryable and retrieveable. Record IDs keep `01J`.
- `nillable` is `Field.nillable`, except audit fields and OwnerId, which Salesforce reports as
  non-nillable and fills itself (`defaultedOnCreate: true`), as the store does.
- `permissionable` (field-level security) is approximated: writable or formula, and nillable
  or boolean.
- RecordTypeId stays in describe even without record types, so describe matches what SOQL accepts.
"""

import json
import re
from functools import cache
from pathlib import Path

from .schema import FORMULAS, Field, ObjectDef, picklist_values
from .store import Store

MASTER_RECORD_TYPE_ID = "012000000000000AAA"
AUDIT_FIELDS = {"CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById",
                "SystemModstamp"}
# Fields the store fills on insert besides audit fields, booleans and OwnerId.
DERIVED_ON_CREATE = {("Opportunity", "Probability"), ("Opportunity", "ForecastCategoryName")}
FALLBACK_LABELS = {"Id": "Record ID", "IsDeleted": "Deleted"}  # as on real custom objects
# (precision, scale) where a real field differs from its type's template.
NUMBER_OVERRIDES = {("Account", "AnnualRevenue"): (18, 0)}
SOAP_TYPES = {"id": "tns:ID", "reference": "tns:ID", "boolean": "xsd:boolean", "int": "xsd:int",
              "double": "xsd:double", "currency": "xsd:double", "percent": "xsd:double",
              "date": "xsd:date", "datetime": "xsd:dateTime", "address": "urn:address",
              "base64": "xsd:base64Binary"}
# (child object, field) -> (relationshipName, cascadeDelete), from the real describes.
CHILD_RELATIONSHIPS = {
    ("Account", "ParentId"): ("ChildAccounts", False),
    ("Contact", "AccountId"): ("Contacts", True),
    ("Opportunity", "AccountId"): ("Opportunities", True),
    ("OpportunityContactRole", "OpportunityId"): ("OpportunityContactRoles", True),
    ("OpportunityContactRole", "ContactId"): ("OpportunityContactRoles", True),
    ("Task", "WhatId"): ("Tasks", True), ("Task", "WhoId"): ("Tasks", True),
    ("Event", "WhatId"): ("Events", True), ("Event", "WhoId"): ("Events", True),
    ("EmailMessage", "RelatedToId"): ("Emails", False),
    ("EmailMessage", "ParentId"): ("EmailMessages", True),
    ("User", "ManagerId"): ("ManagedUsers", False),  # inferred, no recorded User describe
}
# Global-describe flags for objects without a real entry in the reference payload (inferred).
_NOT_LAYOUTABLE = dict(activateable=False, associateEntityType=None, associateParentEntity=None,
                       customSetting=False, deepCloneable=False, deprecatedAndHidden=False,
                       feedEnabled=False, hasSubtypes=False, isInterface=False, isSubtype=False,
                       layoutable=False, mergeable=False, mruEnabled=False, searchable=False,
                       triggerable=False, undeletable=False)
_LAYOUTABLE = {**_NOT_LAYOUTABLE, "layoutable": True, "mruEnabled": True, "searchable": True,
               "triggerable": True, "undeletable": True}
INFERRED_FLAGS = {
    "OpportunityStage": _NOT_LAYOUTABLE, "RecordType": _NOT_LAYOUTABLE,
    "Task": {**_LAYOUTABLE, "feedEnabled": True}, "EmailMessage": _LAYOUTABLE,
}
NON_REPLICATEABLE = {"OpportunityStage"}
NULL_KEY_PREFIX = {"OpportunityStage"}


@cache
def _data() -> dict:
    """The real templates, read once; results are never cached because the schema can change."""
    path = Path(__file__).parent.parent / "data" / "describe_templates.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _template(ftype: str) -> dict:
    types = _data()["field_types"]
    if ftype == "multipicklist":  # no real sample: a picklist with Salesforce's multi-select sizes
        return {**types["picklist"], "type": "multipicklist", "length": 4099, "byteLength": 12297,
                "groupable": False, "sortable": False}
    base = types.get(ftype, types["string"])
    return {k: v for k, v in base.items() if k != "source"}


def derive_label(name: str) -> str:
    """A readable label for fields without a real one (custom fields, fields added at run time).

    `LastStageChangeDate` -> `Last Stage Change Date`, `AccountId` -> `Account ID`,
    `Is_Large_Deal__c` -> `Is Large Deal`.
    """
    if name in FALLBACK_LABELS:
        return FALLBACK_LABELS[name]
    base = re.sub(r"__c$", "", name).replace("_", " ")
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", base).split()
    if len(words) > 1 and words[-1] == "Id":
        words[-1] = "ID"
    return " ".join(words)


_LAYOUT_PATHS = {"compactLayouts": "describe/compactLayouts", "rowTemplate": "{ID}",
                 "approvalLayouts": "describe/approvalLayouts", "listviews": "listviews",
                 "describe": "describe", "quickActions": "quickActions",
                 "layouts": "describe/layouts", "sobject": ""}
_PLAIN_PATHS = {"rowTemplate": "{ID}", "describe": "describe", "sobject": ""}


def _urls(name: str, api_version: str, layoutable: bool) -> dict:
    """The real entry's url set when there is one (User has passwordUtilities, OCR no listviews)."""
    paths = _data()["url_paths"].get(name) or (_LAYOUT_PATHS if layoutable else _PLAIN_PATHS)
    base = f"/services/data/v{api_version}/sobjects/{name}"
    return {key: f"{base}/{path}" if path else base for key, path in paths.items()}


def global_entry(obj: ObjectDef, api_version: str) -> dict:
    """One object's entry in global describe: the 28 keys of a real entry."""
    flags = _data()["object_flags"].get(obj.name) or INFERRED_FLAGS.get(obj.name) or _LAYOUTABLE
    entry = {**flags,
             "createable": obj.createable, "custom": obj.custom, "deletable": obj.deletable,
             "keyPrefix": None if obj.name in NULL_KEY_PREFIX else obj.key_prefix,
             "label": obj.label, "labelPlural": obj.label_plural, "name": obj.name,
             "queryable": True, "replicateable": obj.name not in NON_REPLICATEABLE,
             "retrieveable": True,
             "updateable": any(f.updateable for f in obj.fields.values()),
             "urls": _urls(obj.name, api_version, flags["layoutable"])}
    return dict(sorted(entry.items()))


def global_describe(objects: dict[str, ObjectDef], api_version: str) -> dict:
    """GET /sobjects: every object of the org, by name as Salesforce lists them."""
    return {"encoding": "UTF-8", "maxBatchSize": 200,
            "sobjects": [global_entry(objects[n], api_version) for n in sorted(objects)]}


def sobject_basic_info(store: Store, obj: ObjectDef, api_version: str) -> dict:
    """GET /sobjects/X/ (simple-salesforce `metadata()`)."""
    return {"objectDescribe": global_entry(obj, api_version), "recentItems": []}


def sobject_describe(store: Store, obj: ObjectDef, api_version: str,
                     instance_url: str | None = None, objects: dict | None = None) -> dict:
    """GET /sobjects/X/describe: the top-level keys of the real Opportunity describe."""
    entry = global_entry(obj, api_version)
    urls = dict(entry["urls"])
    if instance_url and entry["layoutable"]:
        urls.update(uiDetailTemplate=f"{instance_url}/{{ID}}",
                    uiEditTemplate=f"{instance_url}/{{ID}}/e",
                    uiNewRecord=f"{instance_url}/{obj.key_prefix}/e")
    stages = store.stages() if any(f.picklist == "Stage" for f in obj.fields.values()) else None
    name_field = _name_field(obj)
    out = {**entry,
           "actionOverrides": [], "childRelationships": child_relationships(objects or store.objects, obj),
           "compactLayoutable": entry["layoutable"], "defaultImplementation": None,
           "extendedBy": None, "extendsInterfaces": None,
           "fields": [field_describe(obj, f, stages, f.name == name_field)
                      for f in obj.fields.values()],
           "implementedBy": None, "implementsInterfaces": None, "listviewable": None,
           "lookupLayoutable": None, "namedLayoutInfos": [], "networkScopeFieldName": None,
           "recordTypeInfos": record_type_infos(store, obj, api_version),
           "searchLayoutable": entry["layoutable"], "sobjectDescribeOption": "FULL",
           "supportedScopes": _scopes(obj), "urls": urls}
    return dict(sorted(out.items()))


def _name_field(obj: ObjectDef) -> str | None:
    """The record's display name: Name, else Subject (activities, email) or MasterLabel."""
    return next((n for n in ("Name", "Subject", "MasterLabel") if n in obj.fields), None)


def _scopes(obj: ObjectDef) -> list[dict]:
    known = _data()["supported_scopes"].get(obj.name)
    if known is not None:
        return known
    if "OwnerId" not in obj.fields:
        return []
    plural = obj.label_plural.lower()
    return [{"label": f"All {plural}", "name": "everything"},
            {"label": f"My {plural}", "name": "mine"}]


def field_describe(obj: ObjectDef, f: Field, stages: list[tuple[str, bool]] | None = None,
                   name_field: bool = False) -> dict:
    """One field entry (57 keys): the real template for its type, filled from the Field."""
    d = _template(f.type)
    system = f.name in AUDIT_FIELDS or f.name == "OwnerId"
    nillable = f.nillable and not system
    string_like = SOAP_TYPES.get(f.type) is None
    length = 0
    if string_like or f.type in ("id", "reference"):  # picklists without a length: real, else 255
        length = f.length or _data()["lengths"].get(obj.name, {}).get(f.name) or d["length"]
    d.update(
        name=f.name, label=_data()["labels"].get(obj.name, {}).get(f.name) or derive_label(f.name),
        length=length, byteLength=3 * length if string_like else length,
        soapType=SOAP_TYPES.get(f.type, "xsd:string"), type=f.type,
        nillable=nillable, createable=f.createable, updateable=f.updateable,
        defaultedOnCreate=(f.type in ("id", "boolean") or system
                           or (obj.name, f.name) in DERIVED_ON_CREATE) and f.formula is None,
        custom=f.custom, compoundFieldName=f.compound_field_name, nameField=name_field,
        referenceTo=list(f.reference_to), relationshipName=f.relationship_name,
        polymorphicForeignKey=f.polymorphic, namePointing=f.polymorphic,
        searchPrefilterable=(f.type == "reference" and nillable
                             and f.reference_to != ("RecordType",)),
        restrictedPicklist=f.restricted, externalId=f.external_id, unique=f.external_id,
        idLookup=(f.type in ("id", "email") or f.external_id or f.name == "Username"
                  or (name_field and f.type == "string" and f.createable)),
        permissionable=(f.createable or f.updateable or f.formula is not None)
        and (nillable or f.type == "boolean"),
        calculated=f.formula is not None,
        calculatedFormula=FORMULAS[(obj.name, f.name)][1] if f.formula is not None else None,
        picklistValues=[{"active": active, "defaultValue": False, "label": value, "validFor": None,
                         "value": value} for value, active in picklist_values(obj, f, stages)],
    )
    if f.type == "textarea":  # a short text area filters and sorts like a string (BillingStreet)
        short = length <= 255
        d.update(extraTypeInfo="plaintextarea", aggregatable=short, filterable=short,
                 groupable=short, sortable=short)
    if f.type == "double" and f.name.endswith(("Latitude", "Longitude")):
        d["precision"], d["scale"] = 18, 15
    if (obj.name, f.name) in NUMBER_OVERRIDES:
        d["precision"], d["scale"] = NUMBER_OVERRIDES[(obj.name, f.name)]
    return d


def child_relationships(objects: dict[str, ObjectDef], parent: ObjectDef) -> list[dict]:
    """Reference fields of every org object that point at `parent`, sorted as Salesforce does."""
    out = []
    for child in objects.values():
        for f in child.fields.values():
            if f.type != "reference" or parent.name not in f.reference_to:
                continue
            name, cascade = CHILD_RELATIONSHIPS.get((child.name, f.name), (None, False))
            if name is None and f.custom:  # custom lookup default: plural label + __r
                name = child.label_plural.replace(" ", "_") + "__r"
            out.append({"cascadeDelete": cascade, "childSObject": child.name,
                        "deprecatedAndHidden": False, "field": f.name, "junctionIdListNames": [],
                        "junctionReferenceTo": [], "relationshipName": name,
                        "restrictedDelete": False})
    return sorted(out, key=lambda r: (r["childSObject"], r["field"]))


def record_type_infos(store: Store, obj: ObjectDef, api_version: str) -> list[dict]:
    """The object's RecordType rows (first active one is the default), then Master."""
    rows = store.con.cursor().execute(
        'SELECT "Id", "Name", "DeveloperName", "IsActive" FROM "RecordType" '
        'WHERE "SobjectType" = ? ORDER BY "Name"', [obj.name]).fetchall()
    default_id = next((r[0] for r in rows if r[3]), MASTER_RECORD_TYPE_ID)
    rows = [*rows, (MASTER_RECORD_TYPE_ID, "Master", "Master", True)]
    layouts = f"/services/data/v{api_version}/sobjects/{obj.name}/describe/layouts"
    return [{"active": bool(active), "available": bool(active),
             "defaultRecordTypeMapping": rt_id == default_id, "developerName": dev_name,
             "master": rt_id == MASTER_RECORD_TYPE_ID, "name": name, "recordTypeId": rt_id,
             "urls": {"layout": f"{layouts}/{rt_id}"}} for rt_id, name, dev_name, active in rows]
