"""Cost of the daily reconciliation: API calls, wall time and records corrected, and whether
staging equals the org afterwards.

    python -m bench.bench_reconciliation --scales medium,large

Per scale: one emulator (in this process) and a fresh DuckDB warehouse. All history is
backfilled (the `backfill` job), then the org changes behind the ticks' backs: Contacts
updated and inserted with a SystemModstamp 25 minutes old (beyond the 10-minute lookback),
Opportunities deleted, undeleted and purged, an Account's Industry changed (a cross-object
formula on its Opportunities) and the org's today moved by a day (`Days_Open__c` = TODAY() -
CreatedDate moves on every opportunity). Opportunity is synced with `fields: all`, so its
formula fields are compared. The reconciliation runs twice: the first corrects, the second
must find nothing. Reported: API calls as the emulator counted them, seconds, records
compared and corrected by reason, and rows of staging that differ from the org (must be 0).
"""

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pipelines.process_exit import run_and_exit

ROOT = Path(__file__).resolve().parent.parent
CHANGES = 100  # of each kind
COMPARED = ["SystemModstamp", "IsDeleted"]


def _settings(store):
    from resources.settings import Settings

    from .bench_references import _settings as backfill_settings

    base = backfill_settings(store, "all").model_dump()
    base["objects"]["Opportunity"] = {"fields": "all"}
    return Settings.model_validate(base)


def _change_the_org(emulator, control) -> dict:
    """What the ticks would miss, CHANGES of each kind."""
    con = emulator.store.con.cursor()

    def ids(sql: str) -> list[str]:
        return [r[0] for r in con.execute(sql).fetchall()]

    late = (datetime.now(timezone.utc).replace(microsecond=0)
            - timedelta(minutes=25)).strftime("%Y-%m-%dT%H:%M:%SZ")
    contacts = ids(f'SELECT "Id" FROM "Contact" WHERE NOT "IsDeleted" ORDER BY "Id" '
                   f"LIMIT {CHANGES}")
    for record_id in contacts:
        control.update("Contact", record_id, {"LastName": "Late update", "SystemModstamp": late})
    control.insert("Contact", [{"LastName": f"Late insert {n}", "SystemModstamp": late}
                               for n in range(CHANGES)])
    live = ids(f'SELECT "Id" FROM "Opportunity" WHERE NOT "IsDeleted" ORDER BY "Id" DESC '
               f"LIMIT {3 * CHANGES}")
    for record_id in live[:CHANGES]:
        control.delete("Opportunity", record_id)
    for record_id in live[CHANGES:2 * CHANGES]:
        control.delete("Opportunity", record_id, purge=True)
    deleted = ids(f'SELECT "Id" FROM "Opportunity" WHERE "IsDeleted" ORDER BY "Id" '
                  f"LIMIT {CHANGES}")
    for record_id in deleted:
        control.undelete("Opportunity", record_id)
    account = ids('SELECT "AccountId" FROM "Opportunity" WHERE "AccountId" IS NOT NULL '
                  'AND NOT "IsDeleted" LIMIT 1')[0]
    control.update("Account", account, {"Industry": "Benchmarking"})
    control.set_today(days=1)
    return {"late_updates": len(contacts), "late_inserts": CHANGES, "deletes": CHANGES,
            "purges": CHANGES, "undeletes": len(deleted), "account_industry_changed": 1,
            "today_moved_days": 1}


def _rows_wrong(emulator, warehouse, objects: list[str]) -> dict:
    """Per object: Ids missing from staging or staged with another SystemModstamp/IsDeleted;
    a purged record may stay staged, marked deleted."""
    from tests.support.pipeline import emulator_rows, staged_rows

    wrong = {}
    for name in objects:
        org, staged = emulator_rows(emulator, name, COMPARED), staged_rows(warehouse, name,
                                                                          COMPARED)
        bad = [i for i in org if staged.get(i) != org[i]]
        bad += [i for i in staged.keys() - org.keys() if staged[i][1] is not True]
        wrong[name] = len(bad)
    return wrong


def _reconcile(emulator, control, warehouse, settings) -> dict:
    from tests.support.pipeline import reconcile

    control.reset_counters()
    started = time.perf_counter()
    result = reconcile(emulator, warehouse, settings)
    seconds = time.perf_counter() - started
    assert result.success
    metadata = result.get_asset_materialization_events()[0].materialization.metadata
    by_object = metadata["by_object"].value
    return {"seconds": round(seconds, 1), "api_calls": int(control.counters()["api_calls"]),
            "records_compared": metadata["records_compared"].value,
            "records_corrected": metadata["records_corrected"].value,
            "by_object": {n: {k: r[k] for k in ("api", "org_records", "read_again", "purged",
                                                "reasons", "api_calls")}
                          for n, r in by_object.items()}}


def measure(emulator, control, scale: str, work: Path) -> dict:
    from resources.warehouse import WarehouseResource

    from .bench_references import _run

    settings = _settings(emulator.store)
    warehouse = WarehouseResource(engine="duckdb", duckdb_path=str(work / "dealsync.duckdb"))
    started = time.perf_counter()
    backfill_calls = _run(emulator, control, warehouse, settings, "all")
    result = {"scale": scale, "backfill": {"seconds": round(time.perf_counter() - started, 1),
                                           "api_calls": backfill_calls}}
    windowed = [s.name for s in settings.object_specs() if not s.small]
    try:
        result["changes"] = _change_the_org(emulator, control)
        result["first"] = _reconcile(emulator, control, warehouse, settings)
        result["second"] = _reconcile(emulator, control, warehouse, settings)
    finally:
        control.reset_clock()
    result["rows_wrong_after"] = _rows_wrong(emulator, warehouse, windowed)
    return result


def main() -> int:
    from salesforce_emulator import Control, Emulator

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="medium,large")
    args = parser.parse_args()
    results = []
    for scale in args.scales.split(","):
        with tempfile.TemporaryDirectory(prefix="bench-reconciliation-") as tmp, \
                Emulator(org="demo", scale=scale, seed=7, state_dir=Path(tmp) / "emu") as emu:
            results.append(measure(emu, Control(emu.base_url, emu.ca_path), scale, Path(tmp)))
            print(json.dumps(results[-1]), flush=True)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_reconciliation.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    run_and_exit(main)
