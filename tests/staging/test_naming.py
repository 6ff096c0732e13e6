"""Warehouse names are snake_case of Salesforce API names, the same everywhere."""

from datetime import datetime

import pytest

from resources.warehouse import column_name, table_name
from tests.staging.records import USER_FIELDS, land, sf_id, table


@pytest.mark.parametrize("api_name, expected", [
    ("OpportunityContactRole", "opportunity_contact_role"),
    ("OpportunityStage", "opportunity_stage"),
    ("User", "user"),
    ("Project__c", "project__c"),
])
def test_table_name(api_name, expected):
    assert table_name(api_name) == expected


@pytest.mark.parametrize("api_name, expected", [
    ("SystemModstamp", "system_modstamp"),
    ("Region__c", "region__c"),
    ("Id", "id"),
    ("IsDeleted", "is_deleted"),
    ("Is_Large_Deal__c", "is_large_deal__c"),
    ("ActivityDateTime", "activity_date_time"),
    ("URLField__c", "url_field__c"),
    ("ns__Score__c", "ns__score__c"),
    ("Address2__c", "address2__c"),
])
def test_column_name(api_name, expected):
    assert column_name(api_name) == expected


@pytest.mark.parametrize("bad", ["", "Has Space", "1Field", "Drop;Table", "Long" * 20])
def test_names_that_cannot_be_warehouse_identifiers_are_refused(bad):
    with pytest.raises(ValueError):
        column_name(bad)


def test_fields_that_collide_after_snake_casing_are_refused(warehouse):
    with pytest.raises(ValueError, match="both map to column 'foo_bar'"):
        land(warehouse, fields={"Id": "id", "FooBar": "string", "Foo_Bar": "string",
                                "SystemModstamp": "datetime"})


def test_staging_user_works_unquoted_on_both_engines(warehouse):
    users = table([{"Id": sf_id("005", 7), "Username": "grace@example.com", "IsActive": True,
                    "SystemModstamp": datetime(2024, 1, 1)}], USER_FIELDS)
    land(warehouse, users, fields=USER_FIELDS, object_name="User")

    rows = warehouse.query("select u.username from staging.user u "
                           "join staging.user_versions as v on v.id = u.id where u.is_active")
    assert rows == [{"username": "grace@example.com"}]
    warehouse.execute("update staging.user set is_active = false")
    assert warehouse.scalar("select count(*) from staging.user where not is_active") == 1
