"""A record that cannot land is set aside, not fatal: the rest of its object lands, the deal
warehouse is built, a WARN check names it, and once fixed in Salesforce it lands on a later
tick and leaves staging.rejects. Over REST and over Bulk 2.0, on both engines."""

import time

import dagster as dg
import pytest

from assets.keys import REJECTS_CHECK, object_key
from tests.support.pipeline import emulator_rows, extract, staged_rows, suite_settings

pytestmark = pytest.mark.slow

POISON = [("Contact", "null_id", None), ("Contact", "malformed_id", None),
          ("Opportunity", "bad_type", "Amount"), ("Contact", "unpaired_surrogate", "Title"),
          ("Account", "nul_byte", "Name")]


def _poison(control) -> dict[str, dict]:
    made = {}
    for sobject, kind, field in POISON:
        made[kind] = control.poison(sobject, kind, **({"field": field} if field else {}))
    return made


def _checks(result) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.asset_key.path[-1]: e for e in result.get_asset_check_evaluations()
            if e.check_name == REJECTS_CHECK}


@pytest.mark.parametrize("api", ["rest", "bulk"])
def test_unstageable_records_are_set_aside_and_land_once_fixed(emulator, control, warehouse,
                                                              api):
    made = _poison(control)
    settings = suite_settings(bulk_threshold=0 if api == "bulk" else 100_000)
    time.sleep(1.1)  # a backfill reads up to the current second: let the poison commit before

    result = extract(emulator, warehouse, settings)

    assert result.success  # nothing fatal
    rejects = {(r["object"], r["field"]): r for r in warehouse.query(
        "select * from staging.rejects")}
    assert set(rejects) == {("Contact", "Id"), ("Opportunity", "Amount"), ("Contact", "Title")}
    assert rejects[("Contact", "Id")]["record_id"] in (None, made["malformed_id"]["wire_value"])
    bad_amount = rejects[("Opportunity", "Amount")]
    assert bad_amount["record_id"] == made["bad_type"]["id"] and "double" in bad_amount["error"]
    assert "Salesforce" in bad_amount["fix"] and bad_amount["value_excerpt"]
    assert rejects[("Contact", "Title")]["record_id"] == made["unpaired_surrogate"]["id"]
    assert warehouse.scalar("select count(*) from staging.rejects where object = 'Contact'") == 3
    # The rest of each object landed; the NUL was removed, not refused.
    contacts = set(emulator_rows(emulator, "Contact", ["IsDeleted"]))
    poisoned = {made[k]["id"] for k in ("null_id", "malformed_id", "unpaired_surrogate")}
    assert set(staged_rows(warehouse, "Contact", ["IsDeleted"])) == contacts - poisoned
    name = staged_rows(warehouse, "Account", ["Name"])[made["nul_byte"]["id"]][0]
    assert "\x00" not in name and name
    checks = _checks(result)
    assert not checks["contact"].passed
    assert checks["contact"].severity == dg.AssetCheckSeverity.WARN
    assert checks["contact"].metadata["rejected_records"].value == 3
    assert checks["account"].passed and not checks["opportunity"].passed

    for kind in ("null_id", "malformed_id", "unpaired_surrogate", "bad_type"):
        control.fix_poison("Opportunity" if kind == "bad_type" else "Contact", made[kind]["id"])
    time.sleep(1.1)
    tick = extract(emulator, warehouse, settings, incremental=True)

    assert tick.success
    assert warehouse.scalar("select count(*) from staging.rejects") == 0
    assert set(staged_rows(warehouse, "Contact", ["IsDeleted"])) == contacts
    assert made["bad_type"]["id"] in staged_rows(warehouse, "Opportunity", ["Amount"])
    assert all(c.passed for c in _checks(tick).values())


def test_the_warehouse_and_the_sink_run_beside_rejects(emulator, control, duckdb_warehouse):
    """The tick job (extraction, deal warehouse, quality gate, outbox, sink) succeeds."""
    from pipelines.definitions import build_definitions
    from tests.support.pipeline import salesforce_for, today_key

    _poison(control)
    settings = suite_settings()
    time.sleep(1.1)
    definitions = build_definitions(settings, {"salesforce": salesforce_for(emulator),
                                               "warehouse": duckdb_warehouse})
    result = definitions.resolve_job_def("incremental_sync").execute_in_process(
        partition_key=today_key(), tags={"dealsync/mode": "incremental"}, raise_on_error=False)

    assert result.success
    built = {e.asset_key for e in result.get_asset_materialization_events()}
    assert object_key("Contact") in built
    assert dg.AssetKey(["sync_back", "salesforce_tasks"]) in built
    assert duckdb_warehouse.scalar("select count(*) from staging.rejects") == 4
