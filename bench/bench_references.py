"""API cost of a complete backfill period, two ways: references fetched by Id (what dealsync
does) against reference objects (Account, Contact, OpportunityContactRole) loaded whole.

    python -m bench.bench_references --scales small,medium --periods 30d,6m,1y

Per scale, one emulator (in this process); per period, a fresh DuckDB warehouse each way:
- by Id: the `backfill` job over the period's partitions, every object, references completed;
- whole: the same job without the three reference objects, then those three over every
  partition (all history).
Reported: API calls as the emulator counted them, seconds, deals, and deals missing a
reference (both must be 0).
"""

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from pipelines.process_exit import run_and_exit

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_OBJECTS = ("Account", "Contact", "OpportunityContactRole")


def _settings(store, period: str):
    from resources.settings import Settings

    users = [r[0] for r in store.con.cursor().execute(
        "SELECT \"Email\" FROM \"User\" WHERE \"Email\" LIKE '%acme-demo.com'").fetchall()]
    return Settings.model_validate({
        "extraction": {"start_date": "1200 days ago", "backfill_period": period,
                       "safety_lag_minutes": 0},
        "licensed_users": {"emails": users},
        "warehouse": {"publish_snapshot": False}})


def _run(emulator, control, warehouse, settings, period: str, objects=None) -> int:
    """Run the backfill job over `period` (only `objects` when given); API calls it cost."""
    import dagster as dg

    from assets.keys import DEAL_WAREHOUSE, object_key
    from assets.salesforce.partitions import period_ranges
    from pipelines.backfill import RANGED, run_tags
    from pipelines.definitions import build_definitions
    from tests.support.pipeline import salesforce_for

    definitions = build_definitions(settings, {"salesforce": salesforce_for(emulator),
                                               "warehouse": warehouse})
    name = RANGED
    if objects is not None:  # the backfill job's shape, over fewer objects
        name = "bench_subset"
        definitions = dg.Definitions.merge(definitions, dg.Definitions(jobs=[dg.define_asset_job(
            name, selection=(dg.AssetSelection.assets(*[object_key(n) for n in objects])
                             | dg.AssetSelection.groups(DEAL_WAREHOUSE)).without_checks())]))
    windows = definitions.get_assets_def(object_key("Opportunity")).partitions_def
    job = definitions.resolve_job_def(name)
    control.reset_counters()
    for first, last in period_ranges(windows, period, datetime.now(timezone.utc).date(), 12):
        result = job.execute_in_process(tags=run_tags(period, "bench", first, last),
                                        instance=dg.DagsterInstance.ephemeral())
        assert result.success
    return int(control.counters()["api_calls"])


def measure(emulator, control, scale: str, period: str, work: Path) -> dict:
    from assets.checks.batches import deal_references_sql
    from resources.warehouse import WarehouseResource

    settings = _settings(emulator.store, period)
    everything = settings.enabled_objects()
    result = {"scale": scale, "period": period}
    for way in ("by_id", "whole"):
        warehouse = WarehouseResource(engine="duckdb", duckdb_path=str(work / f"{way}.duckdb"))
        started = time.perf_counter()
        if way == "by_id":
            calls = _run(emulator, control, warehouse, settings, period)
        else:
            calls = _run(emulator, control, warehouse, settings, period,
                         [n for n in everything if n not in REFERENCE_OBJECTS])
            calls += _run(emulator, control, warehouse, settings, "all", REFERENCE_OBJECTS)
        missing = warehouse.scalar(f"select count(*) from ({deal_references_sql(everything)}) "
                                   "as r where r.missing is not null")
        result[way] = {"api_calls": calls, "seconds": round(time.perf_counter() - started, 1),
                       "deals": warehouse.scalar("select count(*) from warehouse.deals"),
                       "deals_missing_a_reference": missing}
    return result


def main() -> int:
    from salesforce_emulator import Control, Emulator

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="small,medium")
    parser.add_argument("--periods", default="30d,6m,1y")
    args = parser.parse_args()
    results = []
    for scale in args.scales.split(","):
        with tempfile.TemporaryDirectory(prefix="bench-references-") as tmp, \
                Emulator(org="demo", scale=scale, seed=7, state_dir=Path(tmp) / "emu") as emu:
            control = Control(emu.base_url, emu.ca_path)
            for period in args.periods.split(","):
                work = Path(tmp) / f"{scale}-{period}"
                work.mkdir()
                results.append(measure(emu, control, scale, period, work))
                print(json.dumps(results[-1]), flush=True)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_references.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    run_and_exit(main)
