"""The warehouse in Dagster: the jobs that run it (incremental tick, backfill period command)
and the sensors that re-run the transforms, without re-extraction, when the rules change."""

from pathlib import Path

import dagster as dg
import pytest
from salesforce_emulator.server import Emulator

from assets.deal_warehouse.asset import build_warehouse_asset
from pipelines.cli import main as dealsync
from pipelines.warehouse_defs import full_rebuild_job, transform_job
from pipelines.warehouse_sensors import build_sensors
from resources.settings import cached_settings, load_settings
from tests.support.pipeline import extract, today_key

from .support import by_id

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MINIMAL_ORG = ROOT / "tests" / "fixtures" / "minimal_org.json"
SETTINGS = """# suite settings plus the warehouse keys
extraction:
  start_date: 30 days ago
  safety_lag_minutes: 0
  backfill_period: all
licensed_users: {{csv: licensed.csv}}
{extra}"""
ONLY_REQUIRED = "objects:\n" + "".join(
    f"  {name}: {{enabled: false}}\n" for name in ("Account", "Contact", "OpportunityContactRole",
                                                   "Task", "Event", "EmailMessage", "RecordType"))


@pytest.fixture
def emulator(tmp_path):
    with Emulator(org=str(MINIMAL_ORG), state_dir=tmp_path / "emulator") as emu:
        yield emu




def _write_settings(tmp_path, monkeypatch, emails, extra="") -> Path:
    (tmp_path / "licensed.csv").write_text("email\n" + "\n".join(emails) + "\n", "utf-8")
    path = tmp_path / "dealsync.yaml"
    path.write_text(SETTINGS.format(extra=extra), "utf-8")
    monkeypatch.setenv("DEALSYNC_CONFIG", str(path))
    cached_settings.cache_clear()
    return path


def _use_emulator(monkeypatch, emulator, warehouse):
    c = emulator.credentials
    for key, value in {"SALESFORCE_INSTANCE_URL": emulator.base_url,
                       "SALESFORCE_CLIENT_ID": c.client_id,
                       "SALESFORCE_CLIENT_SECRET": c.client_secret,
                       "SALESFORCE_CA_BUNDLE": str(emulator.ca_path),
                       "DEALSYNC_WAREHOUSE": warehouse.engine}.items():
        monkeypatch.setenv(key, value)
    if warehouse.engine == "duckdb":
        monkeypatch.setenv("DEALSYNC_DUCKDB_PATH", warehouse.duckdb_path)
    else:
        monkeypatch.setenv("DEALSYNC_WAREHOUSE_URL", warehouse.postgres_url)


def _deal_names(warehouse) -> set[str]:
    return {r["opportunity_name"] for r in by_id(warehouse, "deals").values()}


def test_the_backfill_command_extracts_then_builds_the_warehouse(
        emulator, duckdb_warehouse, tmp_path, monkeypatch, capsys):
    """Wiring, not SQL: one engine is enough here (the SQL runs on both everywhere else). The
    run goes through the real code location, quality checks included, as `dagster dev` would.
    Only the required objects are on: the others' staging tables never exist, which the
    warehouse must cope with."""
    warehouse = duckdb_warehouse
    _write_settings(tmp_path, monkeypatch, ["alice.martin@acme-demo.com"], extra=ONLY_REQUIRED)
    _use_emulator(monkeypatch, emulator, warehouse)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    try:
        assert dealsync(["backfill", "--dry-run"]) == 0
        assert dealsync(["backfill"]) == 0
        out = capsys.readouterr().out
        assert "Period all: 1 run(s) over" in out and "succeeded" in out
        assert _deal_names(warehouse) == {"Globex - Platform renewal", "Globex - Analytics add-on"}
        assert {d["account_name"] for d in by_id(warehouse, "deals").values()} == {None}

        from pipelines.definitions import defs

        definitions = defs()
        graph = definitions.resolve_asset_graph()
        tick = definitions.resolve_job_def("incremental_sync")
        warehouse_keys = {k for k in graph.get_all_asset_keys() if k.path[0] == "deal_warehouse"}
        marts = {k for k in warehouse_keys if len(k.path) == 2}  # the rest: deal_warehouse/internal
        assert len(marts) == 12
        assert warehouse_keys <= set(tick.asset_layer.selected_asset_keys)  # after every tick
    finally:
        cached_settings.cache_clear()


def test_sensors_rerun_the_transforms_when_rules_change_but_not_otherwise(
        emulator, warehouse, tmp_path, monkeypatch):
    path = _write_settings(tmp_path, monkeypatch, ["alice.martin@acme-demo.com"])
    rules_changed, _ = build_sensors(transform_job)
    instance = dg.DagsterInstance.ephemeral()
    assert isinstance(rules_changed(dg.build_sensor_context(
        resources={"warehouse": warehouse})), dg.SkipReason)  # nothing built yet
    extract(emulator, warehouse, instance=instance)
    run_transforms_job(warehouse, instance)
    assert _deal_names(warehouse) == {"Globex - Platform renewal", "Globex - Analytics add-on"}

    def evaluate():
        return rules_changed(dg.build_sensor_context(instance=instance,
                                                     resources={"warehouse": warehouse}))

    assert isinstance(evaluate(), dg.SkipReason)
    path.write_text(path.read_text() + "# a comment changes nothing\n", "utf-8")
    assert isinstance(evaluate(), dg.SkipReason)

    # A newly licensed user: the sensor asks for a transform run, and the deals appear.
    (tmp_path / "licensed.csv").write_text(
        "email\nalice.martin@acme-demo.com\n BOB.nunez@acme-demo.com\n", "utf-8")
    request = evaluate()
    assert isinstance(request, dg.RunRequest) and request.run_key.startswith("rules-")
    result = run_transforms_job(warehouse, instance)
    assert {e.asset_key.path[0] for e in result.get_asset_materialization_events()} == {
        "deal_warehouse"}  # transforms only: no re-extraction
    assert "Globex - Pilot" in _deal_names(warehouse)
    assert isinstance(evaluate(), dg.SkipReason)
    rebuilt = run_transforms_job(warehouse, instance, full_rebuild_job)
    deals = next(e for e in rebuilt.get_asset_materialization_events()
                 if e.asset_key.path[-1] == "deals").materialization.metadata
    assert (deals["mode"].value, deals["why"].value) == ("full", "full rebuild requested")

    # The same people from a warehouse table another system maintains: same rules, no run;
    # then that table gains a row.
    warehouse.execute("create schema if not exists crm")
    warehouse.execute("create table crm.licensed_users (email varchar)")
    warehouse.execute("insert into crm.licensed_users values ('alice.martin@acme-demo.com'), "
                      "('bob.nunez@acme-demo.com')")
    path.write_text(SETTINGS.replace("{{csv: licensed.csv}}", "{{table: crm.licensed_users}}")
                    .format(extra=""), "utf-8")
    assert isinstance(evaluate(), dg.SkipReason)
    warehouse.execute("delete from crm.licensed_users where email like 'bob%'")
    assert isinstance(evaluate(), dg.RunRequest)
    warehouse.execute("insert into crm.licensed_users values ('bob.nunez@acme-demo.com')")
    assert isinstance(evaluate(), dg.SkipReason)

    # A settings change that matters (a filter), and a broken settings file.
    path.write_text(path.read_text() + "filters:\n  stages: {exclude: [Closed Won]}\n", "utf-8")
    assert isinstance(evaluate(), dg.RunRequest)
    path.write_text(path.read_text() + "stage_mapping: {}\n", "utf-8")
    skipped = evaluate()
    assert isinstance(skipped, dg.SkipReason) and "stage_mapping" in skipped.skip_message


def run_transforms_job(warehouse, instance, job=transform_job) -> dg.ExecuteInProcessResult:
    """The sensor's job, as a run launched from it would execute (settings read afresh)."""
    defs = dg.Definitions(assets=[build_warehouse_asset(load_settings())], jobs=[job],
                          resources={"warehouse": warehouse})
    return defs.resolve_job_def(job.name).execute_in_process(instance=instance)


def test_an_incremental_tick_still_runs_the_quality_checks_that_gate_the_sink(
        emulator, duckdb_warehouse, tmp_path, monkeypatch):
    """The tick's second run is incremental: every model the deals quality check depends on
    must still be materialized, or Dagster would skip the check and the sink would go ungated."""
    from assets.keys import MODE_TAG
    from pipelines.definitions import build_definitions
    from tests.support.pipeline import salesforce_for

    _write_settings(tmp_path, monkeypatch, ["alice.martin@acme-demo.com"])
    defs = build_definitions(load_settings(), {"salesforce": salesforce_for(emulator),
                                               "warehouse": duckdb_warehouse})
    extract(emulator, duckdb_warehouse)
    modes = []
    for _ in range(2):
        result = defs.resolve_job_def("incremental_sync").execute_in_process(
            partition_key=today_key(), tags={MODE_TAG: "incremental"})
        assert result.success
        modes.append(next(e for e in result.get_asset_materialization_events()
                          if e.asset_key.path == ["deal_warehouse", "deals"]
                          ).materialization.metadata["mode"].value)
        checked = {e.asset_key.to_user_string() for e in result.get_asset_check_evaluations()
                   if e.check_name == "quality"}
        assert {"deal_warehouse/deals", "deal_warehouse/deal_skips"} <= checked
    assert modes == ["full", "incremental"]
    cached_settings.cache_clear()


def test_automation_builds_the_deals_after_an_extraction_that_did_not(emulator, duckdb_warehouse,
                                                                      tmp_path, monkeypatch):
    """Declarative automation replaces the after-extraction sensor: an extraction run without
    the deal models (a backfill launched from the asset graph) requests them; a run that built
    them itself (a tick, the backfill job) does not."""
    from pipelines.definitions import build_definitions
    from tests.support.pipeline import salesforce_for

    _write_settings(tmp_path, monkeypatch, ["alice.martin@acme-demo.com"])
    defs = build_definitions(load_settings(), {"salesforce": salesforce_for(emulator),
                                               "warehouse": duckdb_warehouse})
    instance = dg.DagsterInstance.ephemeral()
    deal_models = dg.AssetSelection.groups("deal_warehouse")
    first = dg.evaluate_automation_conditions(defs=defs, instance=instance,
                                              asset_selection=deal_models)
    assert first.total_requested == 0  # the first evaluation only starts the clock

    extract(emulator, duckdb_warehouse, instance=instance)  # extraction alone
    after = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=first.cursor,
                                              asset_selection=deal_models)
    requested = {key for key in defs.resolve_asset_graph().get_all_asset_keys()
                 if key.path[0] == "deal_warehouse" and after.get_num_requested(key)}
    assert {dg.AssetKey(["deal_warehouse", "deals"]),
            dg.AssetKey(["deal_warehouse", "deal_skips"])} <= requested

    result = defs.resolve_job_def("backfill").execute_in_process(
        instance=instance, tags={"dagster/asset_partition_range_start": today_key(),
                                 "dagster/asset_partition_range_end": today_key()})
    assert result.success  # extraction and the deal models in one run
    quiet = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=after.cursor,
                                              asset_selection=deal_models)
    assert quiet.total_requested == 0
    cached_settings.cache_clear()
