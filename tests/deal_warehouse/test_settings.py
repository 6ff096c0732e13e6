"""The warehouse settings fail at load, naming the key and what is allowed."""

from datetime import date

import dagster as dg
import pytest

from assets.salesforce.partitions import backfill_windows, period_ranges
from resources.settings import SettingsError, load_settings


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
    assert settings.extraction.backfill_period == "6m"
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
    ("extraction: {backfill_period: 3m}\n",
     "extraction.backfill_period: Input should be '30d', '60d', '90d', '6m', '1y', 'all' or "
     "'skip'"),
    ("backfill_period: 6m\n", "backfill_period: moved to extraction.backfill_period"),
    ("extraction: {skip_backfill: true}\n",
     "extraction.skip_backfill: replaced by extraction.backfill_period: skip"),
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
    ("30d", "2026-02-01", 1), ("60d", "2026-01-01", 1), ("90d", "2025-12-01", 1),
    ("6m", "2025-09-01", 1), ("1y", "2025-03-01", 2), ("all", "2024-01-01", 3),
    ("skip", None, 0),
])
def test_a_backfill_period_spans_the_months_it_reaches_back_to(period, first, runs):
    """Monthly partitions, at most 12 per run (the default): 6 months is one run."""
    windows = backfill_windows(date(2024, 1, 1))
    ranges = period_ranges(windows, period, date(2026, 3, 15), per_run=12)
    assert len(ranges) == runs
    if runs:
        assert ranges[0][0] == first and ranges[-1][1] == "2026-03-01"
        keys = windows.get_partition_keys_in_range(dg.PartitionKeyRange(ranges[0][0],
                                                                          ranges[-1][1]))
        assert len(keys) == sum(len(windows.get_partition_keys_in_range(
            dg.PartitionKeyRange(a, b))) for a, b in ranges) <= 60


def test_a_backfill_period_longer_than_the_partitions_starts_at_the_first_one():
    windows = backfill_windows(date(2026, 3, 10))
    assert period_ranges(windows, "1y", date(2026, 3, 15), per_run=12) == [
        ("2026-03-01", "2026-03-01")]


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
