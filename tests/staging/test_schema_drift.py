"""Schema drift: new fields widen the tables, dropped fields keep their columns, type changes stop."""

from datetime import datetime

import pytest

from resources.warehouse import SchemaDriftError
from tests.staging.records import OPPORTUNITY_FIELDS, land, opp_id, opportunity, table


def columns(warehouse, table_name: str) -> dict[str, str]:
    rows = warehouse.query("select column_name, data_type from information_schema.columns "
                           "where table_schema = 'staging' and table_name = :t", {"t": table_name})
    return {row["column_name"]: row["data_type"].lower() for row in rows}


def test_a_new_field_becomes_a_nullable_column(warehouse):
    land(warehouse, table([opportunity(1, datetime(2024, 1, 2))]))
    fields = {**OPPORTUNITY_FIELDS, "Next_Review__c": "date", "NextStep": "string"}

    result = land(warehouse, table([opportunity(2, datetime(2024, 1, 3), NextStep="Call",
                                                Next_Review__c=datetime(2024, 2, 1).date())],
                                   fields), fields=fields)

    assert result.added_columns == ["next_review__c", "next_step"]
    assert result.missing_columns == []
    for name in ("opportunity_versions", "opportunity"):
        assert {"next_review__c", "next_step"} <= set(columns(warehouse, name))
    assert warehouse.query("select id, next_step from staging.opportunity order by id") == [
        {"id": opp_id(1), "next_step": None}, {"id": opp_id(2), "next_step": "Call"}]


def test_a_field_no_longer_sent_keeps_its_column_and_is_reported(warehouse):
    land(warehouse, table([opportunity(1, datetime(2024, 1, 2), Probability=40.0)]))
    fields = {k: v for k, v in OPPORTUNITY_FIELDS.items() if k != "Probability"}

    result = land(warehouse, table([opportunity(1, datetime(2024, 1, 5)),
                                    opportunity(2, datetime(2024, 1, 5))], fields), fields=fields)

    assert result.missing_columns == ["probability"]
    assert result.added_columns == []
    assert "probability" in columns(warehouse, "opportunity")
    assert warehouse.query("select probability from staging.opportunity_versions "
                           "order by system_modstamp, id") == [
        {"probability": 40.0}, {"probability": None}, {"probability": None}]


def test_a_type_change_raises_before_anything_is_written(warehouse):
    land(warehouse, table([opportunity(1, datetime(2024, 1, 2), Amount=1500.0)]))
    before = warehouse.query("select * from staging.opportunity_versions")
    fields = {**OPPORTUNITY_FIELDS, "Amount": "string", "Brand_New__c": "string"}
    drifted = table([opportunity(2, datetime(2024, 1, 3), Amount="a lot")], fields)

    with pytest.raises(SchemaDriftError) as raised:
        land(warehouse, drifted, fields=fields, run_id="drift")

    message = str(raised.value)
    for expected in ("Opportunity", "Amount", "double precision", "string (varchar)",
                     "drop/rename the column", "full re-extract of Opportunity"):
        assert expected in message
    assert warehouse.query("select * from staging.opportunity_versions") == before
    assert warehouse.row_count("staging", "opportunity") == 1
    assert "brand_new__c" not in columns(warehouse, "opportunity_versions")  # no partial DDL


def test_types_sharing_a_storage_type_are_not_drift(warehouse):
    land(warehouse, table([opportunity(1, datetime(2024, 1, 2))]))
    fields = {**OPPORTUNITY_FIELDS, "StageName": "string", "Amount": "double"}

    result = land(warehouse, table([opportunity(2, datetime(2024, 1, 3))], fields), fields=fields)

    assert result.rows_landed == 1
