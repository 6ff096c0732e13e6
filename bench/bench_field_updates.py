"""Field write-back cost: N Opportunity field updates through sObject Collections.

An emulator in its own process holds N Opportunities; the real extraction stages them into
DuckDB; a warehouse table wants a new NextStep (and a health flag in Description) for each.
Reported: API calls (what Salesforce charges against the daily limit) and wall time of the
first run, a re-run before staging catches up, and a re-run after a staging tick. Re-runs
must cost 0 calls; the first run at most 60 for 10,000 records.

    python -m bench.bench_field_updates --rows 10000
"""

import argparse
import json
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.bench_sink import start_emulator
from pipelines.process_exit import run_and_exit

SETTINGS = "extraction:\n  start_date: 30 days ago\n  safety_lag_minutes: 0\n"
STAGES = [("Prospecting", 1, False, False), ("Closed Won", 2, True, True),
          ("Closed Lost", 3, True, False)]


def org(rows: int) -> dict:
    created = (date.today() - timedelta(days=60)).isoformat() + "T10:00:00Z"
    return {
        "User": [{"_ref": "u", "Username": "rep@bench.example", "LastName": "Rep",
                  "Email": "rep@bench.example", "Alias": "rep", "TimeZoneSidKey": "Europe/Berlin",
                  "CreatedDate": created}],
        "OpportunityStage": [{"ApiName": n, "MasterLabel": n, "SortOrder": o, "IsActive": True,
                              "IsClosed": c, "IsWon": w, "DefaultProbability": 10,
                              "ForecastCategory": "Pipeline", "ForecastCategoryName": "Pipeline"}
                             for n, o, c, w in STAGES],
        "Account": [{"_ref": "a", "Name": "Bench Inc", "OwnerId": "@u"}],
        "Opportunity": [{"Name": f"Bench deal {i}", "AccountId": "@a", "OwnerId": "@u",
                         "StageName": "Prospecting", "CloseDate": "2031-01-01",
                         "CreatedDate": created} for i in range(rows)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=18447)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-fields-"))
    (work / "settings.yaml").write_text(SETTINGS)
    os.environ["DEALSYNC_CONFIG"] = str(work / "settings.yaml")
    (work / "org.json").write_text(json.dumps(org(args.rows)))

    import dagster as dg
    from salesforce_emulator.client import Control

    from assets.field_updates.assets import build_field_updates_asset
    from resources.settings import Settings, load_settings
    from resources.warehouse import WarehouseResource
    from tests.support.pipeline import RemoteEmulator, extract, salesforce_for

    proc = start_emulator(work / "org.json", args.port, str(work / "emu"))
    try:
        emu = RemoteEmulator(f"https://127.0.0.1:{args.port}", str(work / "emu" / "ca.pem"))
        control = Control(emu.base_url, emu.ca_path)
        warehouse = WarehouseResource(engine="duckdb", duckdb_path=str(work / "dealsync.duckdb"))
        started = time.perf_counter()
        extract(emu, warehouse)
        staged_s = time.perf_counter() - started
        warehouse.execute("create schema if not exists warehouse")
        warehouse.execute("create table warehouse.deal_signals as select id as opportunity_id, "
                          "'Call about ' || name as next_step, 'health: green' as health "
                          "from staging.opportunity")
        base = load_settings().model_dump()
        base["field_updates"] = {"enabled": True, "mappings": [{
            "name": "deal_signals", "object": "Opportunity", "source": "deal_signals",
            "id_column": "opportunity_id",
            "fields": {"NextStep": {"column": "next_step"},
                       "Description": {"column": "health", "direction": "both"}}}]}
        settings = Settings.model_validate(base)
        out = {"records": args.rows, "fields_per_record": 2, "staging_s": round(staged_s, 1)}
        for name in ("first run", "re-run (staging behind)", "re-run (after a tick)"):
            if name.endswith("tick)"):
                time.sleep(1.1)
                extract(emu, warehouse, incremental=True)
            control.reset_counters()
            started = time.perf_counter()
            result = dg.materialize([build_field_updates_asset(settings.field_updates)],
                                    resources={"salesforce": salesforce_for(emu),
                                               "warehouse": warehouse})
            seconds = time.perf_counter() - started
            (event,) = result.asset_materializations_for_node(
                "sync_back__salesforce_field_updates")
            counters = control.counters()
            out[name] = {"seconds": round(seconds, 2), "api_calls": counters["api_calls"],
                         "by_kind": counters["by_kind"], "sent": event.metadata["sent"].value}
        updated = sum(1 for r in control.records("Opportunity")
                      if (r.get("NextStep") or "").startswith("Call about "))
        out["updated_in_salesforce"] = updated
        print(json.dumps(out, indent=1), flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    run_and_exit(main)
