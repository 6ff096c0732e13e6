"""The Great Expectations checks on real DuckDB files and a real PostgreSQL server: what they
catch, the severity they report, and the evidence they leave (counts, sample Ids, Data Docs)."""

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import dagster as dg
import psycopg2
import sqlalchemy as sa

from assets.checks.quality_checks import (
    DEALS_KEY,
    build_deals_check,
    build_outbox_check,
    build_staging_checks,
)
from assets.keys import OUTBOX_KEY, object_key

from .support import queue, settings_with, task_row
from .tables import deal_tables, reference_tables, sf_id, staging_table

ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN
OPP = [sf_id("006", n) for n in range(1, 6)]


def evaluate(warehouse, check, key, tmp_path, docs=False, **checks):
    """Run one check (on `key`) of the definition `check(...)` builds from the settings."""
    settings = settings_with(checks={"data_docs_dir": str(tmp_path / "docs"),
                                     "data_docs": docs, **checks})
    checks_ = settings.sync_back.checks
    takes_objects = check in (build_staging_checks, build_deals_check)
    definition = (check(checks_, settings.enabled_objects()) if takes_objects
                  else check(checks_))
    targets = [dg.AssetSpec(k) for k in {c.asset_key for c in definition.check_keys}]
    result = dg.materialize([*targets, definition], raise_on_error=False,
                            selection=dg.AssetSelection.checks(dg.AssetCheckKey(key, "quality")),
                            resources={"warehouse": warehouse})
    (evaluation,) = result.get_asset_check_evaluations()
    return evaluation, {k: v.value for k, v in evaluation.metadata.items()}


def test_clean_staging_table_passes_and_links_its_data_docs_page(warehouse, tmp_path):
    staging_table(warehouse, "opportunity", OPP)
    warehouse.record_sync_success("Opportunity", record_count=5)

    evaluation, metadata = evaluate(warehouse, build_staging_checks, object_key("Opportunity"),
                                    tmp_path, docs=True)

    assert evaluation.passed, metadata["failures"]
    assert (metadata["row_count"], metadata["unexpected_count"]) == (5, 0)
    assert metadata["validated_in"] == {"postgres": "PostgreSQL (in the database)",
                                        "duckdb": "pandas (from DuckDB)"}[warehouse.engine]
    page = Path(metadata["data_docs"].removeprefix("file://"))
    assert page.is_file() and "staging_opportunity" in page.read_text()


def test_bad_ids_fail_with_error_count_and_sample_ids(warehouse, tmp_path):
    dup, short = OPP[0], OPP[1][:15]
    staging_table(warehouse, "opportunity", [dup, dup, short, None, OPP[2]])
    warehouse.record_sync_success("Opportunity", record_count=5)

    evaluation, metadata = evaluate(warehouse, build_staging_checks, object_key("Opportunity"),
                                    tmp_path, docs=True)

    assert (evaluation.passed, evaluation.severity) == (False, ERROR)
    failed = {f["expectation"]: f for f in metadata["failed_expectations"]}
    assert failed["expect_column_values_to_be_unique"]["unexpected_count"] == 2
    assert failed["expect_column_values_to_match_regex"]["sample_ids"] == [short]
    assert failed["expect_column_values_to_not_be_null"]["unexpected_count"] == 1
    assert {dup, short} <= set(metadata["sample_ids"])
    assert metadata["unexpected_count"] == 4
    assert short in Path(metadata["data_docs"].removeprefix("file://")).read_text()


def test_row_count_drop_beyond_the_allowed_share_blocks(warehouse, tmp_path):
    ids = [sf_id("006", n) for n in range(10)]
    warehouse.record_sync_success("Opportunity", record_count=10)
    staging_table(warehouse, "opportunity", ids)
    assert evaluate(warehouse, build_staging_checks, object_key("Opportunity"), tmp_path)[0].passed
    staging_table(warehouse, "opportunity", ids[:6])          # -40%: allowed at 50%
    assert evaluate(warehouse, build_staging_checks, object_key("Opportunity"), tmp_path)[0].passed

    staging_table(warehouse, "opportunity", ids[:2])          # -67% against the previous run
    evaluation, metadata = evaluate(warehouse, build_staging_checks, object_key("Opportunity"),
                                    tmp_path)

    assert (evaluation.passed, evaluation.severity) == (False, ERROR)
    assert (metadata["row_count"], metadata["previous_row_count"]) == (2, 6)
    assert "expect_table_row_count_to_be_between" in metadata["failures"]


def test_a_stale_or_missing_sync_only_warns(duckdb_warehouse, tmp_path):
    warehouse = duckdb_warehouse
    staging_table(warehouse, "contact", [sf_id("003", 1)])
    evaluation, metadata = evaluate(warehouse, build_staging_checks, object_key("Contact"),
                                    tmp_path)
    assert (evaluation.passed, evaluation.severity) == (False, WARN)   # never synced
    assert metadata["sample_ids"] == ["Contact"]

    warehouse.record_sync_success("Contact", record_count=1)
    warehouse.execute("update staging.sync_status set last_success_at = :t "
                      "where object = 'Contact'", {"t": datetime.utcnow() - timedelta(minutes=31)})
    evaluation, _ = evaluate(warehouse, build_staging_checks, object_key("Contact"), tmp_path)
    assert (evaluation.passed, evaluation.severity) == (False, WARN)


def _deal(n: int, **values) -> dict:
    return {"opportunity_id": OPP[n], "owner_id": sf_id("005", 1), "stage_name": "Prospecting",
            "amount": 10.0, "close_date": "2031-01-01", "is_retained": False, **values}


def test_deals_check_catches_each_broken_rule_by_opportunity_id(warehouse, tmp_path):
    staging_table(warehouse, "opportunity", OPP + [sf_id("006", 99)], deleted={sf_id("006", 99)})
    deal_tables(warehouse, owners=[sf_id("005", 1)], stages=["Prospecting"],
                deals=[_deal(0, owner_id=sf_id("005", 7)),         # owner not in owners
                       _deal(1, stage_name="Gone", amount=-1.0),   # stage not in stages, < 0
                       _deal(2, stage_name="Gone", is_retained=True, amount=None),  # allowed
                       _deal(3, close_date=None),                  # no close date
                       {**_deal(0), "opportunity_id": sf_id("006", 99)}],  # a deleted opportunity
                skips=[{"opportunity_id": OPP[3], "reason": "filtered_out"}])  # in both
    reference_tables(warehouse, users=[sf_id("005", 1), sf_id("005", 7)])

    evaluation, metadata = evaluate(warehouse, build_deals_check, DEALS_KEY, tmp_path, docs=True)

    assert (evaluation.passed, evaluation.severity) == (False, ERROR)
    failed = {(f["batch"], f["column"]): f["sample_ids"] for f in metadata["failed_expectations"]}
    assert failed[("deals", "owner_known")] == [OPP[0]]
    assert failed[("deals", "stage_known")] == [OPP[1]]
    assert failed[("deals", "amount")] == [OPP[1]]
    assert failed[("deals", "close_date_valid")] == [OPP[3]]
    placement = sorted(failed[("deal_placement", "problem")])
    assert placement == sorted([OPP[3], OPP[4], sf_id("006", 99)])
    assert len(metadata["data_docs_pages"]) == 2


def test_a_deal_whose_account_owner_or_contact_is_not_staged_blocks_naming_them(
        warehouse, tmp_path):
    contact, gone = sf_id("003", 1), sf_id("003", 2)
    staging_table(warehouse, "opportunity", OPP)
    deal_tables(warehouse, owners=[sf_id("005", 1)], stages=["Prospecting"],
                deals=[_deal(0, account_id=sf_id("001", 1)),
                       _deal(1, account_id=sf_id("001", 2)),        # account not staged
                       _deal(2, owner_id=sf_id("005", 9)),          # owner not staged
                       _deal(3)],
                skips=[{"opportunity_id": OPP[4], "reason": "filtered_out"}])
    reference_tables(warehouse, accounts=[sf_id("001", 1)], users=[sf_id("005", 1)],
                     contacts=[contact], roles=[(OPP[0], contact), (OPP[3], gone)])

    evaluation, metadata = evaluate(warehouse, build_deals_check, DEALS_KEY, tmp_path)

    assert (evaluation.passed, evaluation.severity) == (False, ERROR)
    (failure,) = [f for f in metadata["failed_expectations"] if f["batch"] == "deal_references"]
    assert sorted(failure["sample_ids"]) == sorted([OPP[1], OPP[2], OPP[3]])
    assert sorted(failure["sample_values"]) == sorted([
        f"Account {sf_id('001', 2)}", f"User {sf_id('005', 9)}", f"Contact {gone}"])
    assert failure["unexpected_count"] == 3


def test_outbox_check_warns_on_a_few_bad_rows_and_blocks_on_many(duckdb_warehouse, tmp_path):
    warehouse = duckdb_warehouse
    queue(warehouse, [task_row(f"ok-{i}", OPP[0]) for i in range(30)]
          + [task_row("bad-date", OPP[0], activity_date="03/01/2031")])

    evaluation, metadata = evaluate(warehouse, build_outbox_check, OUTBOX_KEY, tmp_path)
    assert (evaluation.passed, evaluation.severity) == (False, WARN)
    assert metadata["sample_ids"] == ["bad-date"]

    queue(warehouse, [task_row(f"nolink-{i}", None) for i in range(3)])
    evaluation, metadata = evaluate(warehouse, build_outbox_check, OUTBOX_KEY, tmp_path)
    assert (evaluation.passed, evaluation.severity) == (False, ERROR)   # 4 of 34 > 5%


def test_a_missing_table_fails_closed_and_says_what_to_do(warehouse, tmp_path):
    evaluation, metadata = evaluate(warehouse, build_deals_check, DEALS_KEY, tmp_path)
    assert (evaluation.passed, evaluation.severity) == (False, ERROR)
    assert "warehouse.deals" in evaluation.description and "Fix:" in evaluation.description


def test_postgres_checks_leave_no_connection_and_no_password_behind(postgres_url, tmp_path):
    from resources.warehouse import WarehouseResource
    url = sa.engine.make_url(postgres_url).set(password="s3cret-pw").render_as_string(False)
    warehouse = WarehouseResource(engine="postgres", postgres_url=url)
    staging_table(warehouse, "opportunity", OPP[:1] * 2)
    database = sa.engine.make_url(url).database

    evaluation, metadata = evaluate(warehouse, build_staging_checks, object_key("Opportunity"),
                                    tmp_path, docs=True)

    assert not evaluation.passed
    with psycopg2.connect(host="127.0.0.1", port=sa.engine.make_url(url).port, user="postgres",
                          dbname="postgres") as admin, admin.cursor() as cursor:
        cursor.execute("select count(*) from pg_stat_activity where datname = %s", (database,))
        assert cursor.fetchone()[0] == 0
    docs = "".join(p.read_text(errors="ignore") for p in (tmp_path / "docs").rglob("*.html"))
    assert "s3cret-pw" not in docs and "s3cret-pw" not in json.dumps(metadata, default=str)


def test_old_data_docs_runs_are_pruned(duckdb_warehouse, tmp_path):
    old = tmp_path / "docs" / "validations" / "staging_opportunity" / "old-run"
    old.mkdir(parents=True)
    week_ago = time.time() - 8 * 86400
    os.utime(old, (week_ago, week_ago))
    staging_table(duckdb_warehouse, "opportunity", OPP)
    evaluate(duckdb_warehouse, build_staging_checks, object_key("Opportunity"), tmp_path, docs=True)
    assert not old.exists()
    assert any((tmp_path / "docs" / "validations" / "staging_opportunity").iterdir())


def test_loading_the_code_location_does_not_import_great_expectations():
    code = ("import sys; from pipelines.definitions import defs; d = defs(); "
            "d.resolve_asset_graph(); print('great_expectations' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2], timeout=120,
                         env={**os.environ, "DEALSYNC_CONFIG": os.environ["DEALSYNC_CONFIG"]})
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr[-2000:]


def test_data_docs_storage_stays_bounded_by_runs_and_age(tmp_path):
    """A tick every 10 minutes would otherwise add a page per check per run, forever."""
    import os
    import time

    from assets.checks.gx_runner import Docs, prune_docs

    suite = tmp_path / "validations" / "deals"
    now = time.time()
    for n in range(30):  # run 0 is the newest
        run = suite / f"run-{n:02d}"
        run.mkdir(parents=True)
        (run / "page.html").write_text("<html/>")
        os.utime(run, (now - n * 600, now - n * 600))
    old = suite / "run-old"
    old.mkdir()
    os.utime(old, (now - 9 * 86400, now - 9 * 86400))

    assert prune_docs(Docs(str(tmp_path), retention_days=7, keep_runs=24)) == 7
    assert sorted(p.name for p in suite.iterdir()) == [f"run-{n:02d}" for n in range(24)]
