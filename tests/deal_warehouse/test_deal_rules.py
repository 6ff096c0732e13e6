"""Which opportunities become deals, and why the others are skipped: the rules org (fixture
org in the emulator, extracted by the real extraction asset) under the real Dagster assets."""

from datetime import datetime

import duckdb
import pytest

from resources.staging.types import canonical_type

from .support import (
    by_id,
    documented_models,
    documented_state_tables,
    dump,
    ids_by_name,
    metadata,
    placement_problems,
    reset_warehouse,
    transform,
    warehouse_settings,
)

pytestmark = pytest.mark.slow

IMPORTED = {"Initech - Platform", "Globex - Upgrade", "Initech - Reseller",
            "Initech - Support plan", "Globex - Analytics", "Globex - Side project"}


def _by_name(org, table: str) -> dict:
    names = {v: k for k, v in ids_by_name(org.warehouse).items()}
    return {names[i]: row for i, row in by_id(org.warehouse, table).items()}


def test_every_live_opportunity_is_a_deal_or_a_skip_with_what_to_fix(rules_org):
    rules_org.build(warehouse_settings(), "default")

    deals, skips = _by_name(rules_org, "deals"), _by_name(rules_org, "deal_skips")
    assert set(deals) == IMPORTED
    assert {name: row["reasons"] for name, row in skips.items()} == {
        "Globex - Agency deal": "owner_not_found",
        "Initech - Old pilot": "stage_not_found",
        "Globex - Everything wrong": "owner_not_found,stage_not_found",
    }
    assert "Initech - Duplicate" not in deals | skips  # deleted in Salesforce
    assert placement_problems(rules_org.warehouse) == []

    agency = skips["Globex - Agency deal"]
    assert agency["reason"] == "owner_not_found"
    assert agency["owner_email"] == "cara.diaz@partner-agency.io"
    assert agency["detail"] == ('owner_not_found: owner email "cara.diaz@partner-agency.io" '
                                'matches no licensed user (add it to licensed_users)')
    old = skips["Initech - Old pilot"]
    assert old["detail"] == ('stage_not_found: stage "Legacy Discovery" is inactive in '
                             'Salesforce (add it to stage_mapping to import its deals)')
    both = skips["Globex - Everything wrong"]
    assert both["reason"] == "owner_not_found"
    assert both["detail"].startswith('owner_not_found: owner email "cara.diaz@')
    assert '; stage_not_found: stage "Legacy Discovery"' in both["detail"]


def test_owner_emails_match_trimmed_and_case_insensitive(rules_org):
    rules_org.build(warehouse_settings(), "default")

    owners = {r["name"]: r for r in by_id(rules_org.warehouse, "owners", "user_id").values()}
    # Salesforce has "  Ann.Lee@ACME-Demo.com "; the licence list says ann.lee@acme-demo.com.
    assert owners["Ann Lee"]["email"] == "  Ann.Lee@ACME-Demo.com "
    assert owners["Ann Lee"]["licensed_email"] == "ann.lee@acme-demo.com"
    # The licence list has "  BEN.Ortiz@Acme-Demo.com ".
    assert owners["Ben Ortiz"]["licensed_email"] == "ben.ortiz@acme-demo.com"
    assert {n: o["owner_status"] for n, o in owners.items()} == {
        "Ann Lee": "active", "Ben Ortiz": "active", "Cara Diaz": "unlicensed",
        "Dan Wu": "inactive", "Eve Moreau": "active"}
    deals = _by_name(rules_org, "deals")
    assert deals["Initech - Support plan"]["owner_status"] == "inactive"
    assert deals["Initech - Platform"]["owner_email"] == "  Ann.Lee@ACME-Demo.com "


def test_deals_carry_account_contact_and_activity_facts(rules_org):
    rules_org.build(warehouse_settings(), "default")

    platform = _by_name(rules_org, "deals")["Initech - Platform"]
    assert (platform["account_name"], platform["stage_name"], platform["pipeline_stage"]) == (
        "Initech", "Prospecting", "Prospecting")
    assert (platform["record_type"], platform["opportunity_type"], platform["amount"]) == (
        "New_Business", "New Customer", 50000.0)
    assert platform["next_step"] == "Send the proposal"
    assert (platform["primary_contact_name"], platform["primary_contact_email"]) == (
        "Hank Scorpio", "hank@initech.example")
    assert platform["contact_count"] == 2
    # Two email tasks, a call, a meeting; emails: two EmailMessages plus the logged email task
    # that has no EmailMessage (the other email task is the EmailMessage's own Task).
    assert platform["activity_count"] == 4
    assert platform["email_count"] == 3
    assert str(platform["last_activity_date"]) == "2025-03-12"  # Hank's reply
    emails = [r for r in by_id(rules_org.warehouse, "deal_emails", "email_id").values()
              if r["opportunity_id"] == platform["opportunity_id"]]
    assert sorted(e["direction"] for e in emails) == ["inbound", "outbound"]
    assert "text_body" not in emails[0]


def test_an_inactive_stage_can_be_mapped_to_import_old_deals(rules_org):
    mapping = {"Prospecting": "Early", "Qualification": "Early", "Needs Analysis": "Early",
               "Legacy Discovery": "Early", "Value Proposition": "Middle",
               "Perception Analysis": "Middle", "Closed Won": "Won", "closed lost": "Lost"}
    result = rules_org.build(warehouse_settings(stage_mapping=mapping), "mapping")

    deals, skips = _by_name(rules_org, "deals"), _by_name(rules_org, "deal_skips")
    assert deals["Initech - Old pilot"]["pipeline_stage"] == "Early"
    side = skips["Globex - Side project"]  # Negotiation/Review is not mapped
    assert side["detail"] == ('stage_not_found: stage "Negotiation/Review" is not in '
                              'stage_mapping (add it, stage names are case-sensitive)')
    stages = by_id(rules_org.warehouse, "stages", "stage_name")
    assert "Closed Lost" not in stages  # the mapping says "closed lost": names match exactly
    assert stages["Legacy Discovery"]["is_active"] is False
    assert stages["Value Proposition"]["pipeline_sort_order"] == 4
    assert metadata(result, "deals")["warnings"] == [
        "stage_mapping: 'closed lost' is not a Salesforce stage; did you mean 'Closed Lost'? "
        "Stage names are case-sensitive"]
    assert placement_problems(rules_org.warehouse) == []


FILTER_CASES = {
    "record_types exclude": (
        {"record_types": {"exclude": ["Partner"]}},
        {"Initech - Reseller": ("filtered_out", "record_type",
                                'filtered_out: record_type "Partner" is in '
                                'filters.record_types.exclude')}),
    "record_types include": (
        {"record_types": {"include": ["New_Business", "Renewal"]}},
        {"Initech - Reseller": ("filtered_out", "record_type", None),
         "Globex - Side project": ("filtered_out", "record_type",
                                   'filtered_out: record_type "(none)" is not in '
                                   'filters.record_types.include')}),
    "opportunity_types include": (
        {"opportunity_types": {"include": ["New Customer"]}},
        {"Globex - Upgrade": ("filtered_out", "opportunity_type", None),
         "Initech - Support plan": ("filtered_out", "opportunity_type", None),
         "Globex - Side project": ("filtered_out", "opportunity_type", None)}),
    "opportunity_types exclude": (
        {"opportunity_types": {"exclude": ["Existing Customer - Upgrade"]}},
        {"Globex - Upgrade": ("filtered_out", "opportunity_type",
                              'filtered_out: opportunity_type "Existing Customer - Upgrade" is '
                              'in filters.opportunity_types.exclude'),
         "Initech - Support plan": ("filtered_out", "opportunity_type", None)}),
    "stages include": (
        {"stages": {"include": ["Prospecting", "Qualification", "Closed Won"]}},
        {"Initech - Reseller": ("filtered_out", "stage", None),
         "Globex - Analytics": ("filtered_out", "stage", None),
         "Globex - Side project": ("filtered_out", "stage",
                                   'filtered_out: stage "Negotiation/Review" is not in '
                                   'filters.stages.include')}),
    "stages exclude": (
        {"stages": {"exclude": ["Closed Won"]}},
        {"Initech - Support plan": ("filtered_out", "stage", None)}),
    "custom equals": (
        {"custom_fields": [{"field": "Region__c", "operator": "equals", "value": "EMEA"}]},
        {"Globex - Upgrade": ("filtered_out", "custom_fields[0]",
                              "filtered_out: custom_fields[0] (Region__c equals 'EMEA')"),
         "Initech - Reseller": ("filtered_out", "custom_fields[0]", None),
         "Globex - Side project": ("filtered_out", "custom_fields[0]", None)}),
    "custom not_equals": (  # a deal without a region is not EMEA, so it passes
        {"custom_fields": [{"field": "Region__c", "operator": "not_equals", "value": "EMEA"}]},
        {"Initech - Platform": ("filtered_out", "custom_fields[0]", None),
         "Initech - Support plan": ("filtered_out", "custom_fields[0]", None),
         "Globex - Analytics": ("filtered_out", "custom_fields[0]", None)}),
    "custom contains": (
        {"custom_fields": [{"field": "Region__c", "operator": "contains", "value": "ME"}]},
        {"Initech - Reseller": ("filtered_out", "custom_fields[0]", None),
         "Globex - Side project": ("filtered_out", "custom_fields[0]", None)}),
    "custom not_contains ignoring case": (
        {"custom_fields": [{"field": "Region__c", "operator": "not_contains", "value": "me",
                            "ignore_case": True}]},
        {"Initech - Platform": ("filtered_out", "custom_fields[0]",
                                "filtered_out: custom_fields[0] (Region__c not_contains 'me' "
                                "(ignoring case))"),
         "Globex - Upgrade": ("filtered_out", "custom_fields[0]", None),
         "Initech - Support plan": ("filtered_out", "custom_fields[0]", None),
         "Globex - Analytics": ("filtered_out", "custom_fields[0]", None)}),
    "custom rules are AND-ed": (
        {"custom_fields": [
            {"field": "Region__c", "operator": "not_equals", "value": "APAC"},
            {"field": "NextStep", "operator": "contains", "value": "PROPOSAL",
             "ignore_case": True}]},
        {"Globex - Upgrade": ("filtered_out", "custom_fields[1]", None),
         "Initech - Reseller": ("filtered_out", "custom_fields[0], custom_fields[1]",
                                "filtered_out: custom_fields[0] (Region__c not_equals 'APAC'), "
                                "custom_fields[1] (NextStep contains 'PROPOSAL' (ignoring "
                                "case))"),
         "Initech - Support plan": ("filtered_out", "custom_fields[1]", None),
         "Globex - Analytics": ("filtered_out", "custom_fields[1]", None),
         "Globex - Side project": ("filtered_out", "custom_fields[1]", None)}),
}
ALWAYS_SKIPPED = {"Globex - Agency deal", "Initech - Old pilot", "Globex - Everything wrong"}


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_each_filter_names_itself_in_the_skip(rules_org, case):
    filters, expected = FILTER_CASES[case]
    rules_org.build(warehouse_settings(filters=filters), case)

    skips = _by_name(rules_org, "deal_skips")
    filtered = {name: row for name, row in skips.items() if name not in ALWAYS_SKIPPED}
    assert set(filtered) == set(expected)
    for name, (reason, failed, detail) in expected.items():
        assert (filtered[name]["reason"], filtered[name]["failed_filters"]) == (reason, failed)
        if detail is not None:
            assert filtered[name]["detail"] == detail
    assert set(_by_name(rules_org, "deals")) == IMPORTED - set(expected)
    assert placement_problems(rules_org.warehouse) == []


def test_all_reasons_are_listed_in_the_documented_order(rules_org):
    rules_org.build(warehouse_settings(filters={"record_types": {"exclude": ["Partner"]}}),
                    "record_types exclude")

    wrong = _by_name(rules_org, "deal_skips")["Globex - Everything wrong"]
    assert wrong["reasons"] == "owner_not_found,stage_not_found,filtered_out"
    assert wrong["reason"] == "owner_not_found"
    parts = wrong["detail"].split("; ")
    assert [p.split(":")[0] for p in parts] == ["owner_not_found", "stage_not_found",
                                                "filtered_out"]
    assert parts[2] == 'filtered_out: record_type "Partner" is in filters.record_types.exclude'


def test_metadata_reports_row_counts_and_counts_by_reason_and_stage(rules_org):
    result = rules_org.build(warehouse_settings(), "default")

    deals, skips = metadata(result, "deals"), metadata(result, "deal_skips")
    assert deals["dagster/row_count"] == len(IMPORTED)
    assert skips["dagster/row_count"] == 3
    assert "| owner_not_found | 2 |" in skips["skips_by_reason"]
    assert "| stage_not_found | 1 |" in skips["skips_by_reason"]
    assert "| filtered_out | 0 |" in skips["skips_by_reason"]
    assert "| Prospecting | 1 | 50,000.00 |" in deals["deals_by_pipeline_stage"]
    for model in ("owners", "stages", "deal_contacts", "deal_stage_history",
                  "deal_pipeline_daily", "owner_performance"):
        assert metadata(result, model)["dagster/row_count"] >= 1
    assert deals["mode"] == "full" and deals["why"] == "first run"


def test_every_table_has_exactly_its_documented_columns(rules_org):
    """The dbt YAML (contracts) and the state tables' documentation match what is built."""
    rules_org.build(warehouse_settings(), "default")
    built: dict[str, dict[str, str]] = {}
    for row in rules_org.warehouse.query(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'warehouse' order by table_name, ordinal_position"):
        built.setdefault(row["table_name"], {})[row["column_name"]] = canonical_type(
            row["data_type"])
    documented = {**documented_models("marts"), **documented_models("staging"),
                  **documented_models("intermediate"), **documented_state_tables()}
    documented = {name: columns for name, columns in documented.items() if name in built
                  or not name.startswith(("int_", "stg_"))}
    for name, columns in documented.items():
        assert built[name] == columns, name
    assert set(built) == set(documented)


def test_duckdb_and_postgres_build_identical_tables(rules_org_duckdb, rules_org_postgres):
    settings = warehouse_settings(
        stage_mapping={"Prospecting": "Early", "Qualification": "Early", "Closed Won": "Won",
                       "Legacy Discovery": "Early", "Value Proposition": "Middle",
                       "Perception Analysis": "Middle", "Negotiation/Review": "Late"},
        filters={"opportunity_types": {"exclude": ["Existing Customer - Downgrade"]},
                 "custom_fields": [{"field": "Region__c", "operator": "not_equals",
                                    "value": "APAC"}]})
    as_of = datetime(2031, 2, 1, 12, 0)  # one instant for both, so durations agree
    built = []
    for org in (rules_org_duckdb, rules_org_postgres):
        reset_warehouse(org.warehouse)
        transform(org.warehouse, settings, as_of=as_of)
        built.append(dump(org.warehouse))
        org._last = (None, None)  # the next test rebuilds
    assert built[0] == built[1]
    assert len(built[0]["deals"]) == 6 and len(built[0]["deal_skips"]) == 3


def test_a_duckdb_reader_gets_a_snapshot_published_after_each_run(rules_org_duckdb):
    org = rules_org_duckdb
    settings = warehouse_settings(["ann.lee@acme-demo.com"], warehouse={"publish_snapshot": True})
    result = org.build(settings, "snapshot")
    snapshot = org.warehouse.duckdb_path.replace(".duckdb", "_snapshot.duckdb")
    assert metadata(result, "deals")["analyst_snapshot"] == snapshot
    # While an analyst holds the snapshot open, the pipeline keeps writing the warehouse.
    reader = duckdb.connect(snapshot, read_only=True)
    try:
        assert reader.execute("select count(*) from warehouse.deals").fetchone() == (2,)
        transform(org.warehouse, warehouse_settings(warehouse={"publish_snapshot": True}))
        assert reader.execute("select count(*) from warehouse.deals").fetchone() == (2,)
    finally:
        reader.close()
    org._last = (None, None)
    fresh = duckdb.connect(snapshot, read_only=True)
    try:  # a new connection sees the new run; staging (email bodies) is never copied
        assert fresh.execute("select count(*) from warehouse.deals").fetchone() == (6,)
        assert fresh.execute("select distinct table_schema from information_schema.tables"
                             ).fetchall() == [("warehouse",)]
    finally:
        fresh.close()
