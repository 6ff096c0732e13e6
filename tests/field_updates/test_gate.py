"""A failing blocking check upstream (on the deals) stops the field sink in the same run; a
passing one lets it run. The deals asset here is a stand-in with the real key and a real
blocking check; the sink, staging, emulator and warehouse are the real ones."""

import dagster as dg
import pytest

from assets.keys import DEALS_KEY
from tests.support.pipeline import salesforce_for

from .support import NODE, desired, opportunities, settings_with, stage, state

pytestmark = pytest.mark.slow  # real extraction + emulator per test


def _deals(passed: bool) -> dg.AssetsDefinition:
    @dg.asset(key=DEALS_KEY, check_specs=[dg.AssetCheckSpec("amounts_not_negative",
                                                            asset=DEALS_KEY, blocking=True)])
    def deals():
        yield dg.MaterializeResult()
        yield dg.AssetCheckResult(check_name="amounts_not_negative", passed=passed,
                                  severity=dg.AssetCheckSeverity.ERROR,
                                  metadata={"unexpected_count": 0 if passed else 1})
    return deals


def _run(emulator, warehouse, passed: bool) -> dg.ExecuteInProcessResult:
    from assets.field_updates.assets import build_field_updates_asset
    return dg.materialize([_deals(passed), build_field_updates_asset(
        settings_with().field_updates)], resources={"salesforce": salesforce_for(emulator),
                                                     "warehouse": warehouse},
        raise_on_error=False)


def test_a_failing_blocking_check_stops_the_field_sink(emulator, warehouse):
    stage(emulator, warehouse)
    renewal = opportunities(emulator)["Globex - Renewal"]
    desired(warehouse, [{"opportunity_id": renewal["Id"], "next_step": "Call Hank"}])

    blocked = _run(emulator, warehouse, passed=False)

    assert not blocked.success
    assert blocked.asset_materializations_for_node(NODE) == []
    assert opportunities(emulator)["Globex - Renewal"]["NextStep"] is None
    assert warehouse.query("select count(*) as n from information_schema.tables where "
                           "table_name = 'field_update_state'")[0]["n"] == 0  # never started

    passing = _run(emulator, warehouse, passed=True)

    assert passing.success
    assert opportunities(emulator)["Globex - Renewal"]["NextStep"] == "Call Hank"
    assert state(warehouse)[(renewal["Id"], "NextStep")]["status"] == "sent"
