"""The dbt project itself: an analyst's model becomes an asset and builds, the data
dictionary comes from dbt docs, and custom-field rules fail with the setting to fix."""

import _thread
import shutil
from pathlib import Path

import dagster as dg
import pytest

from assets.deal_warehouse import dbt_run
from assets.deal_warehouse.asset import build_warehouse_asset
from assets.deal_warehouse.docs import generate
from assets.deal_warehouse.project import PROJECT_DIR

from .support import documented_models, metadata, reset_warehouse, transform, warehouse_settings

ANALYST_MODEL = """-- Won amount per owner: an analyst's model on top of the deal models.
select d.owner_id, o.name as owner_name, sum(d.amount) as won_amount, count(*) as won_deals
from {{ ref('deals') }} as d
left join {{ ref('owners') }} as o on o.user_id = d.owner_id
where d.is_won
group by d.owner_id, o.name
"""


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "transforms"
    shutil.copytree(PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    return project


@pytest.mark.slow
def test_an_analysts_model_is_an_asset_on_reload_and_builds(rules_org, tmp_path):
    project = _project_copy(tmp_path)
    settings = warehouse_settings()
    before = build_warehouse_asset(settings, project)
    key = dg.AssetKey(["analyst", "won_by_owner"])
    assert key not in before.keys

    (project / "models" / "analyst" / "won_by_owner.sql").write_text(ANALYST_MODEL, "utf-8")
    reloaded = build_warehouse_asset(settings, project)  # what a code-location reload does
    assert key in reloaded.keys
    assert dg.AssetKey(["deal_warehouse", "deals"]) in reloaded.asset_deps[key]
    assert reloaded.specs_by_key[key].group_name == "analyst"

    reset_warehouse(rules_org.warehouse)
    rules_org._last = (None, None)
    result = dg.materialize([reloaded], resources={"warehouse": rules_org.warehouse})
    assert result.success
    assert metadata(result, "won_by_owner")["dagster/row_count"] >= 1
    won = rules_org.warehouse.query("select * from warehouse.won_by_owner")
    deals = rules_org.warehouse.query(
        "select owner_id, sum(amount) as amount from warehouse.deals where is_won "
        "group by owner_id")
    assert {(r["owner_id"], r["won_amount"]) for r in won} == {
        (r["owner_id"], r["amount"]) for r in deals}


def test_the_data_dictionary_is_dbt_docs_of_every_model(duckdb_warehouse, tmp_path):
    page = generate(duckdb_warehouse, tmp_path / "docs", empty_catalog=True)
    text = page.read_text(encoding="utf-8")
    assert "<html" in text.lower()
    for name, columns in documented_models().items():
        assert f"model.dealsync.{name}" in text, name
        for column in columns:
            assert column in text


def test_a_custom_rule_on_a_field_not_staged_names_the_setting(rules_org):
    # `fields: all` lets the settings name any field; this org never had Budget__c.
    settings = warehouse_settings(objects={"Opportunity": {"fields": "all"}}, filters={
        "custom_fields": [{"field": "Budget__c", "operator": "equals", "value": "big"}]})
    reset_warehouse(rules_org.warehouse)
    rules_org._last = (None, None)
    result = transform(rules_org.warehouse, settings, raise_on_error=False)
    assert not result.success
    message = str(result.failure_data_for_node("deal_warehouse").error)
    assert "filters.custom_fields.0.field: Opportunity.Budget__c is not in staging." in message
    assert "add it to objects.Opportunity.fields" in message


@pytest.mark.parametrize("rule, fix", [
    ({"field": "Amount", "operator": "contains", "value": "5"},
     "filters.custom_fields.0.operator: Amount is a double precision field; use equals"),
    ({"field": "Amount", "operator": "equals", "value": "lots"},
     "filters.custom_fields.0.value: Amount is a double precision field; lots is not a number"),
])
def test_a_custom_rule_of_the_wrong_type_names_the_setting(rules_org, rule, fix):
    settings = warehouse_settings(filters={"custom_fields": [rule]})
    result = transform(rules_org.warehouse, settings, raise_on_error=False)
    rules_org._last = (None, None)
    assert not result.success
    assert fix in str(result.failure_data_for_node("deal_warehouse").error)


def test_an_interrupted_build_says_it_was_interrupted(rules_org):
    """Terminating a run (the UI's Terminate, or SIGTERM) interrupts dbt in the main thread with
    an exception that has no message; the step's failure must still say why, not end in an
    empty reason. interrupt_main() delivers that interrupt while dbt runs its first model."""
    sent = []

    def interrupt(event):
        if event.info.name == "NodeStart" and not sent:
            sent.append(event.info.name)
            _thread.interrupt_main()

    dbt_run.OBSERVERS.append(interrupt)
    try:
        result = transform(rules_org.warehouse, warehouse_settings(), raise_on_error=False)
    finally:
        dbt_run.OBSERVERS.remove(interrupt)
        rules_org._last = (None, None)  # the shared org's next build starts afresh
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.message
    assert "dbt did not build the deal warehouse" in message
    assert "interrupted" in message and ": ." not in message
