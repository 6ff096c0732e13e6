"""Bad mappings fail with the settings key named: structure at load (pydantic), and what the
org and staging allow at the start of the run, before anything is sent."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from resources.settings import Settings

from .support import desired, opportunities, run_fields, settings_with, stage


def _load(**mapping) -> Settings:
    base = {"name": "m", "object": "Opportunity", "source": "deals",
            "fields": {"NextStep": {"column": "next_step"}}}
    return Settings.model_validate({"field_updates": {"mappings": [{**base, **mapping}]}})


@pytest.mark.parametrize("mapping, message", [
    ({"query": "select 1"}, "exactly one of `source`"),
    ({"fields": {"NextStep": {"column": "a", "value": "b"}}}, "exactly one of `column`"),
    ({"fields": {"NextStep": {"column": "a", "direction": "from_salesforce"}}}, "both"),
    ({"fields": {}}, "at least one"),
    ({"fields": {"Next Step": {"column": "a"}}}, "API name"),
    ({"object": "Opportunity; drop"}, "API name"),
    ({"name": "Bad Name"}, "lowercase"),
])
def test_structure_is_checked_at_load(mapping, message):
    with pytest.raises(ValidationError) as error:
        _load(**mapping)
    assert "field_updates" in str(error.value) and "mappings" in str(error.value)
    assert message in str(error.value)


def test_one_field_has_one_owner():
    mapping = {"object": "Opportunity", "source": "deals",
               "fields": {"NextStep": {"column": "next_step"}}}
    with pytest.raises(ValidationError, match=r"fields.NextStep: Opportunity.NextStep is "
                                              r"already written by mapping a"):
        Settings.model_validate({"field_updates": {"mappings": [
            {"name": "a", **mapping}, {"name": "b", **mapping}]}})


def test_off_by_default():
    settings = Settings()
    assert (settings.field_updates.enabled, settings.field_updates.mappings) == (False, [])


BAD = [  # (fields, source column types, expected key and fix)
    ({"Nope__c": {"column": "next_step"}}, {},
     "field_updates.mappings[deal_signals].fields.Nope__c: Opportunity.Nope__c is not staged"),
    ({"IsClosed": {"column": "flag"}}, {"flag": "boolean"},
     "fields.IsClosed: Opportunity.IsClosed is read-only"),
    ({"ExpectedRevenue": {"column": "amount"}}, {"amount": "double precision"},
     "fields.ExpectedRevenue: Opportunity.ExpectedRevenue is read-only"),
    ({"NextStep": {"column": "due"}}, {"due": "date"},
     "fields.NextStep: column due holds date values"),
    ({"Amount": {"column": "next_step"}}, {},
     "fields.Amount: column next_step holds str values"),
    ({"ForecastCategoryName": {"value": "Bogus"}}, {},
     "fields.ForecastCategoryName: Opportunity.ForecastCategoryName.value: 'Bogus' is not an "
     "active value of the restricted picklist"),
]


@pytest.mark.slow
def test_mappings_that_do_not_fit_the_org_stop_the_run_with_the_key(emulator, warehouse):
    stage(emulator, warehouse)
    renewal = opportunities(emulator)["Globex - Renewal"]
    for fields, types, message in BAD:
        desired(warehouse, [{"opportunity_id": renewal["Id"], "next_step": "x", "due":
                             "2031-01-01", "flag": True, "amount": 5.0}], types)
        result, _ = run_fields(emulator, warehouse, settings_with(fields), raise_on_error=False)
        assert not result.success, fields
        (failure,) = result.get_step_failure_events()
        text = failure.step_failure_data.user_failure_data.description
        assert message in text, text
        assert "Fix:" in text
    assert opportunities(emulator)["Globex - Renewal"]["NextStep"] is None


@pytest.mark.slow
def test_a_formula_field_is_refused(emulator, duckdb_warehouse):
    warehouse = duckdb_warehouse
    settings = settings_with({"Is_Large_Deal__c": {"value": True}})
    settings = settings.model_copy(update={"objects": {"Opportunity": {"fields": "all"}}})
    stage(emulator, warehouse, settings=Settings.model_validate(settings.model_dump()))
    desired(warehouse, [{"opportunity_id": opportunities(emulator)["Globex - Renewal"]["Id"]}])

    result, _ = run_fields(emulator, warehouse, settings, raise_on_error=False)

    (failure,) = result.get_step_failure_events()
    assert ("field_updates.mappings[deal_signals].fields.Is_Large_Deal__c: "
            "Opportunity.Is_Large_Deal__c is a formula field") in \
        failure.step_failure_data.user_failure_data.description


def test_the_documented_examples_load():
    """dealsync.yaml's commented mappings, uncommented, are valid settings."""
    import yaml

    lines = (Path(__file__).resolve().parents[2] / "dealsync.yaml").read_text().splitlines()
    start = lines.index("field_updates:")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("# -----"))
    block = [line for line in lines[start:end] if "mappings: []" not in line]
    text = "\n".join(line.replace("  # ", "  ", 1) if line.startswith("  #   ") or
                     line.startswith("  # mappings:") else line for line in block)
    section = yaml.safe_load(text)["field_updates"]
    mappings = Settings.model_validate({"field_updates": section}).field_updates.mappings
    assert [m.name for m in mappings] == ["deal_health", "overdue_next_step"]
