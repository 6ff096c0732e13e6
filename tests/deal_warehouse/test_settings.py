"""The warehouse settings fail at load, naming the key and what is allowed."""

from datetime import date

import pytest

from pipelines.backfill_period import backfill_ranges
from pipelines.settings import SettingsError, load_settings


def _load(tmp_path, text: str):
    path = tmp_path / "dealsync.yaml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def _error(tmp_path, text: str) -> str:
    with pytest.raises(SettingsError) as raised:
        _load(tmp_path, text)
    return str(raised.value)


def test_the_shipped_settings_file_loads():
    settings = load_settings("dealsync.yaml")
    assert settings.backfill_period == "6m"
    assert settings.licensed_users.source_label() == "settings"


@pytest.mark.parametrize("text, message", [
    ("filters:\n  custom_fields:\n    - {field: Region__c, operator: eq, value: EMEA}\n",
     "filters.custom_fields.0.operator: Input should be 'equals', 'not_equals', 'contains' or "
     "'not_contains'"),
    ("filters:\n  record_types: {include: [A], exclude: [B]}\n",
     "filters.record_types: give exactly one of include or exclude"),
    ("filters:\n  stages: {include: []}\n", "filters.stages.include: List should have at least 1"),
    ("filters:\n  custom_fields:\n    - {field: Budget__c, operator: equals, value: 1}\n",
     "filters.custom_fields.0.field: Budget__c is not extracted; add it to "
     "objects.Opportunity.fields"),
    ("filters:\n  custom_fields:\n    - {field: Amount, operator: contains, value: 5}\n",
     "operator contains needs a text value"),
    ("objects:\n  RecordType: {enabled: false}\nfilters:\n  record_types: {exclude: [Partner]}\n",
     "filters.record_types: needs objects.RecordType.enabled: true"),
    ("backfill_period: 3m\n",
     "backfill_period: Input should be '30d', '60d', '90d', '6m', '1y', 'all' or 'skip'"),
    ("licensed_users: {emails: [ann@x.example], table: crm.users}\n",
     "licensed_users: give exactly one of emails, csv or table (got emails, table)"),
    ("licensed_users: {emails: [ann@x.example, not-an-email]}\n",
     "emails[1]: 'not-an-email' is not an email address"),
    ("licensed_users: {table: users}\n", "table: 'users' must be schema.table"),
    ("licensed_users: {csv: missing.csv}\n", "missing.csv does not exist"),
    ("stage_mapping: {}\n", "stage_mapping: is empty"),
    ("warehouse: {pipeline_daily_day: 30}\n", "warehouse.pipeline_daily_day: Extra inputs"),
])
def test_bad_values_name_the_key_and_the_fix(tmp_path, text, message):
    assert message in _error(tmp_path, text)


def test_a_licensed_users_csv_is_read_relative_to_the_settings_file(tmp_path):
    (tmp_path / "people.csv").write_text("Name,EMAIL\nAnn,ann@x.example\nBen,\n", "utf-8")
    settings = _load(tmp_path, "licensed_users: {csv: people.csv}\n")
    assert settings.licensed_users.csv == str(tmp_path / "people.csv")

    (tmp_path / "people.csv").write_text("Name,EMAIL\nAnn,ann at x\n", "utf-8")
    assert "people.csv line 2: 'ann at x' is not an email address" in _error(
        tmp_path, "licensed_users: {csv: people.csv}\n")


@pytest.mark.parametrize("period, first, runs", [
    ("30d", "2026-02-14", 1), ("60d", "2026-01-15", 1), ("90d", "2025-12-16", 1),
    ("6m", "2025-09-15", 1), ("1y", "2025-03-16", 2), ("all", "2024-01-01", 3),
    ("skip", None, 0),
])
def test_backfill_period_maps_onto_daily_partitions(tmp_path, period, first, runs):
    settings = _load(tmp_path, f"backfill_period: {period}\nextraction:\n  start_date: 2024-01-01"
                               "\n  max_partitions_per_run: 300\n")
    ranges = backfill_ranges(settings, today=date(2026, 3, 15))
    assert len(ranges) == runs
    if runs:
        assert ranges[0][0] == first and ranges[-1][1] == "2026-03-15"
        assert all(a <= b for a, b in ranges)


def test_a_backfill_period_longer_than_the_partitions_starts_at_the_first_one(tmp_path):
    settings = _load(tmp_path, "backfill_period: 1y\nextraction:\n  start_date: 2026-03-01\n")
    assert backfill_ranges(settings, today=date(2026, 3, 15)) == [("2026-03-01", "2026-03-15")]


def test_a_duckdb_file_named_like_the_schema_is_refused_with_the_fix(tmp_path):
    from assets.deal_warehouse.run import deal_models, run_warehouse
    from assets.deal_warehouse.state import WarehouseNameError
    from resources.warehouse import WarehouseResource

    clash = WarehouseResource(engine="duckdb", duckdb_path=str(tmp_path / "warehouse.duckdb"))
    with pytest.raises(WarehouseNameError, match="DEALSYNC_DUCKDB_PATH=data/dealsync.duckdb"):
        run_warehouse(clash, load_settings("dealsync.yaml"), models=deal_models())


def test_transforms_before_any_extraction_say_what_to_run_first(warehouse):
    from assets.deal_warehouse.run import deal_models, run_warehouse
    from assets.deal_warehouse.state import MissingStagingError

    with pytest.raises(MissingStagingError, match="staging.user does not exist.*incremental_sync"):
        run_warehouse(warehouse, load_settings("dealsync.yaml"), models=deal_models())
