"""A backfill period gives complete deals: every deal's Account, owner and contact-role Contacts
are staged whatever their age, on both engines, through the job the UI launches (`backfill`,
run over the period's partition ranges)."""

from datetime import datetime, timezone

import pytest
from salesforce_emulator.server import Emulator

from assets.checks.batches import deal_references_sql
from assets.keys import object_key
from assets.salesforce.partitions import period_ranges
from pipelines.backfill import RANGED, run_tags
from pipelines.definitions import build_definitions
from resources.settings import Settings
from tests.support.pipeline import salesforce_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    """The small demo org (5,000 opportunities over three years); the tests only read it."""
    with Emulator(org="demo", scale="small", seed=7,
                  state_dir=tmp_path_factory.mktemp("emulator")) as emu:
        yield emu


def _settings(org, period: str) -> Settings:
    users = [r[0] for r in org.store.con.cursor().execute(
        "SELECT \"Email\" FROM \"User\" WHERE \"Email\" LIKE '%acme-demo.com'").fetchall()]
    return Settings.model_validate({
        "extraction": {"start_date": "1200 days ago", "backfill_period": period,
                       "safety_lag_minutes": 0},
        "licensed_users": {"emails": users}})


def _backfill(org, warehouse, settings: Settings) -> list:
    definitions = build_definitions(settings, {"salesforce": salesforce_for(org),
                                               "warehouse": warehouse})
    windows = definitions.get_assets_def(object_key("Opportunity")).partitions_def
    job = definitions.resolve_job_def(RANGED)
    ranges = period_ranges(windows, settings.extraction.backfill_period,
                           datetime.now(timezone.utc).date(), 12)
    results = [job.execute_in_process(tags=run_tags(settings.extraction.backfill_period, "t",
                                                    first, last))
               for first, last in ranges]
    assert all(r.success for r in results)
    return results


@pytest.mark.parametrize("period", ["30d", "6m", "1y"])
def test_every_deal_of_a_period_has_its_references_staged(org, warehouse, period):
    results = _backfill(org, warehouse, _settings(org, period))

    deals = warehouse.scalar("select count(*) from warehouse.deals")
    missing = warehouse.query(f"select * from ({deal_references_sql(_objects())}) as r "
                              "where r.missing is not null")
    nameless = warehouse.scalar("select count(*) from warehouse.deals "
                                "where account_id is not null and account_name is null")
    assert deals > 0
    assert missing == [] and nameless == 0
    # The windows alone would have missed them: the run fetched the older ones by Id.
    fetched = {event.asset_key.path[-1]: event.materialization.metadata["fetched_by_id"].value
               for result in results for event in result.get_asset_materialization_events()
               if "fetched_by_id" in event.materialization.metadata}
    assert fetched.get("account", 0) > 0 and fetched.get("contact", 0) > 0


def test_a_second_run_asks_for_nothing_already_asked_for(org, duckdb_warehouse):
    settings = _settings(org, "30d")
    _backfill(org, duckdb_warehouse, settings)
    asked = duckdb_warehouse.scalar("select count(*) from staging.reference_fetches")

    again = _backfill(org, duckdb_warehouse, settings)

    assert duckdb_warehouse.scalar("select count(*) from staging.reference_fetches") == asked
    assert not any("fetched_by_id" in e.materialization.metadata
                   for r in again for e in r.get_asset_materialization_events())


def _objects() -> list[str]:
    return ["User", "Account", "Contact", "OpportunityContactRole"]
