"""Describe output checked against real payloads recorded from Salesforce (tests/fixtures/describe/,
from CumulusCI's test cassettes; provenance and licence in the NOTICE there).

Pipelines build their SELECT lists, type maps and compound-field handling from describe, so the
key sets must be exactly Salesforce's and the values must follow the live schema.
"""

import json
from pathlib import Path

import pytest
from salesforce_emulator.org.describe import global_describe, sobject_basic_info, sobject_describe
from salesforce_emulator.org.schema import Field
from salesforce_emulator.org.store import Store

REF = Path(__file__).resolve().parents[1] / "fixtures" / "describe"
V = "62.0"
STAGES = [  # (ApiName, SortOrder, IsActive, IsClosed, IsWon, ForecastCategory, Name, Probability)
    ("Prospecting", 1, True, False, False, "Pipeline", "Pipeline", 10),
    ("Legacy Discovery", 2, False, False, False, "Pipeline", "Pipeline", 20),
    ("Negotiation/Review", 3, True, False, False, "Forecast", "Commit", 90),
    ("Closed Won", 4, True, True, True, "Closed", "Closed", 100),
]


def real(name: str) -> dict:
    path = REF / f"GET_sobjects_{name}_describe.json"
    assert path.exists(), f"recorded payload {path} missing"
    return json.loads(path.read_text())


@pytest.fixture
def store() -> Store:
    s = Store()
    stage_obj = s.object("OpportunityStage")
    for api, order, active, closed, won, cat, cat_name, prob in STAGES:
        s.insert(stage_obj, {"ApiName": api, "MasterLabel": api, "IsActive": active,
                             "SortOrder": order, "IsClosed": closed, "IsWon": won,
                             "ForecastCategory": cat, "ForecastCategoryName": cat_name,
                             "DefaultProbability": prob})
    return s


def fields(store: Store, obj: str) -> dict[str, dict]:
    return {f["name"]: f for f in sobject_describe(store, store.object(obj), V)["fields"]}


def test_global_describe_entries_have_the_real_key_set(store):
    ref = real("Global")
    out = global_describe(store.objects, V)
    assert set(out) == set(ref) and out["encoding"] == "UTF-8" and out["maxBatchSize"] == 200
    real_keys = set(ref["sobjects"][0])
    assert len(real_keys) == 28
    assert [e["name"] for e in out["sobjects"]] == sorted(store.objects)
    for entry in out["sobjects"]:
        assert set(entry) == real_keys, entry["name"]
        assert entry["urls"]["describe"] == f"/services/data/v{V}/sobjects/{entry['name']}/describe"


def test_global_entries_match_real_ones_apart_from_version(store):
    """Account, Contact, Opportunity, OCR and User have real entries: ours must equal them."""
    ref = {e["name"]: e for e in real("Global")["sobjects"]}
    ours = {e["name"]: e for e in global_describe(store.objects, "52.0")["sobjects"]}
    for name in ("Account", "Contact", "Opportunity", "OpportunityContactRole", "User"):
        assert ours[name] == ref[name], name
    assert ours["OpportunityContactRole"]["keyPrefix"] == "00K"
    assert ours["Project__c"]["custom"] is True and ours["Project__c"]["keyPrefix"] == "a0P"


def test_opportunity_stage_is_queryable_but_not_replicateable(store):
    entry = sobject_basic_info(store, store.object("OpportunityStage"), V)
    assert entry["recentItems"] == []
    desc = entry["objectDescribe"]
    assert desc["keyPrefix"] is None and desc["replicateable"] is False
    assert desc["queryable"] and desc["retrieveable"]
    assert not (desc["createable"] or desc["updateable"] or desc["deletable"])


def test_every_describe_has_real_top_level_and_field_keys(store):
    ref = real("Opportunity")
    field_keys = set(ref["fields"][0])
    assert len(field_keys) == 57
    for obj in store.objects.values():
        desc = sobject_describe(store, obj, V)
        assert set(desc) == set(ref), obj.name
        assert desc["sobjectDescribeOption"] == "FULL"
        for f in desc["fields"]:
            assert set(f) == field_keys, (obj.name, f["name"])


SKIP = ("picklistValues", "permissionable")  # our values are the schema's; FLS is approximated


@pytest.mark.parametrize("obj,names", [
    ("Opportunity", ["Id", "Name", "AccountId", "OwnerId", "Amount", "Probability", "CloseDate",
                     "IsClosed", "IsPrivate", "Description", "NextStep", "Type", "CreatedDate",
                     "CreatedById", "SystemModstamp", "LastActivityDate"]),
    ("Account", ["BillingAddress", "BillingStreet", "BillingCity", "BillingLatitude", "Phone",
                 "Website", "NumberOfEmployees", "AnnualRevenue", "ParentId", "RecordTypeId"]),
    ("Contact", ["Email", "AccountId"]),
    ("Event", ["WhoId", "DurationInMinutes", "IsAllDayEvent"]),
])
def test_fields_equal_the_real_entries(store, obj, names):
    """Template + schema reproduce real fields exactly (picklist values aside)."""
    ref = {f["name"]: f for f in real(obj)["fields"]}
    ours = fields(store, obj)
    for name in names:
        mine = {k: v for k, v in ours[name].items() if k not in SKIP}
        theirs = {k: v for k, v in ref[name].items() if k not in SKIP}
        assert mine == theirs, name


def test_inactive_picklist_values_are_listed_inactive(store):
    opp = fields(store, "Opportunity")
    values = {p["value"]: p for p in opp["Type"]["picklistValues"]}
    assert values["Renewal (legacy)"]["active"] is False
    assert values["New Customer"] == {"active": True, "defaultValue": False,
                                      "label": "New Customer", "validFor": None,
                                      "value": "New Customer"}
    assert opp["ForecastCategoryName"]["restrictedPicklist"] is True


def test_stage_name_values_come_from_opportunity_stage_rows(store):
    stage = fields(store, "Opportunity")["StageName"]
    assert [(p["value"], p["active"]) for p in stage["picklistValues"]] == \
        [(api, active) for api, _, active, *_ in STAGES]
    assert stage["nillable"] is False and stage["type"] == "picklist"


def test_compound_address_and_components(store):
    acc = fields(store, "Account")
    addr = acc["BillingAddress"]
    assert (addr["type"], addr["soapType"]) == ("address", "urn:address")
    assert not addr["createable"] and not addr["updateable"] and addr["queryByDistance"]
    parts = [n for n, f in acc.items() if f["compoundFieldName"] == "BillingAddress"]
    assert set(parts) == {"BillingStreet", "BillingCity", "BillingState", "BillingPostalCode",
                          "BillingCountry", "BillingLatitude", "BillingLongitude",
                          "BillingGeocodeAccuracy"}
    assert (acc["BillingLongitude"]["precision"], acc["BillingLongitude"]["scale"]) == (18, 15)


def test_formula_field_is_calculated(store):
    f = fields(store, "Opportunity")["Is_Large_Deal__c"]
    assert f["calculated"] is True and f["calculatedFormula"] == "Amount >= 100000"
    assert f["custom"] is True and not f["createable"] and not f["updateable"]
    assert fields(store, "Opportunity")["Amount"]["calculated"] is False


def test_field_added_at_run_time_appears(store):
    before = fields(store, "Opportunity")
    store.add_field("Opportunity", Field("Competitor__c", "string", length=80, custom=True))
    after = fields(store, "Opportunity")
    assert "Competitor__c" not in before
    f = after["Competitor__c"]
    assert (f["length"], f["byteLength"], f["custom"], f["label"]) == (80, 240, True, "Competitor")
    assert f["nillable"] and f["createable"] and not f["defaultedOnCreate"]


def test_task_external_id_field(store):
    task = fields(store, "Task")
    key = task["Dealsync_Key__c"]
    assert key["externalId"] and key["idLookup"] and key["unique"] and key["custom"]
    assert not task["Subject"]["externalId"]
    who = task["WhoId"]
    assert who["polymorphicForeignKey"] and who["referenceTo"] == ["Contact", "Lead"]


def test_record_type_infos(store):
    master = sobject_describe(store, store.object("Account"), V)["recordTypeInfos"]
    assert [(r["name"], r["master"], r["defaultRecordTypeMapping"]) for r in master] == \
        [("Master", True, True)]
    rt_id = store.insert(store.object("RecordType"), {
        "Name": "Household", "DeveloperName": "Household", "SobjectType": "Account",
        "IsActive": True})
    infos = sobject_describe(store, store.object("Account"), V)["recordTypeInfos"]
    assert set(infos[0]) == set(real("Account")["recordTypeInfos"][0])
    assert [(r["recordTypeId"], r["defaultRecordTypeMapping"], r["master"]) for r in infos] == \
        [(rt_id, True, False), ("012000000000000AAA", False, True)]
    assert infos[0]["urls"]["layout"].endswith(f"/sobjects/Account/describe/layouts/{rt_id}")
    assert len(sobject_describe(store, store.object("Opportunity"), V)["recordTypeInfos"]) == 1


def test_child_relationships(store):
    def rels(obj):
        return {(c["childSObject"], c["field"]): (c["relationshipName"], c["cascadeDelete"])
                for c in sobject_describe(store, store.object(obj), V)["childRelationships"]}
    acc = rels("Account")
    assert acc[("Contact", "AccountId")] == ("Contacts", True)
    assert acc[("Opportunity", "AccountId")] == ("Opportunities", True)
    assert acc[("Account", "ParentId")] == ("ChildAccounts", False)
    assert acc[("Task", "AccountId")] == (None, False)
    opp = rels("Opportunity")
    assert opp[("OpportunityContactRole", "OpportunityId")] == ("OpportunityContactRoles", True)
    assert opp[("Task", "WhatId")] == ("Tasks", True)
    assert opp[("Event", "WhatId")] == ("Events", True)
    assert opp[("Project__c", "Opportunity__c")] == ("Projects__r", False)
    ref_keys = set(real("Opportunity")["childRelationships"][0])
    for c in sobject_describe(store, store.object("Contact"), V)["childRelationships"]:
        assert set(c) == ref_keys
