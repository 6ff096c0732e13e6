"""Extraction benchmark: a backfill of the whole org, then 10-minute ticks, against an emulator in
its own process, through the real Dagster asset.

Reports backfill records/s and this process's peak RSS, and for ticks with no changes and with
N changes: wall time and the API calls the emulator counted.

    python -m bench.bench_extract --scale medium [--warehouse postgres --url postgresql://...]
"""

import argparse
import json
import os
import random
import resource
import tempfile
import time
from pathlib import Path

from pipelines.process_exit import run_and_exit

SETTINGS = "extraction:\n  start_date: 1 days ago\n  safety_lag_minutes: 0\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="medium", choices=("small", "medium", "large"))
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--warehouse", default="duckdb", choices=("duckdb", "postgres"))
    parser.add_argument("--url", help="PostgreSQL URL for --warehouse postgres")
    parser.add_argument("--port", type=int, default=18444)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-extract-"))
    (workdir / "settings.yaml").write_text(SETTINGS)
    os.environ["DEALSYNC_CONFIG"] = str(workdir / "settings.yaml")

    from salesforce_emulator.client import Control

    from bench.bench_emulator import start_emulator
    from resources.warehouse import WarehouseResource
    from tests.support.pipeline import RemoteEmulator, extract, suite_settings

    proc = start_emulator(args.scale, args.port, str(workdir / "emu"))
    try:
        emu = RemoteEmulator(f"https://127.0.0.1:{args.port}", str(workdir / "emu" / "ca.pem"))
        control = Control(emu.base_url, emu.ca_path)
        warehouse = (WarehouseResource(engine="postgres", postgres_url=args.url)
                     if args.warehouse == "postgres" else
                     WarehouseResource(engine="duckdb", duckdb_path=str(workdir / "wh.duckdb")))
        settings = suite_settings()
        control.reset_counters()
        started = time.perf_counter()
        result = extract(emu, warehouse, settings)
        backfill_s = time.perf_counter() - started
        landed = _landed(result)
        out = {"scale": args.scale, "warehouse": args.warehouse, "backfill_records": landed,
               "backfill_s": round(backfill_s, 1),
               "backfill_records_per_s": round(landed / backfill_s),
               "backfill_api_calls": control.counters()["api_calls"]}
        out["tick_no_changes"] = _tick(emu, control, warehouse, settings)
        opps = [r["Id"] for r in control.records("Opportunity")[:5000] if not r["IsDeleted"]]
        rng = random.Random(1)
        for opp in rng.sample(opps, args.changes):
            control.update("Opportunity", opp, {"Amount": float(rng.randrange(1000, 900000))})
        out[f"tick_{args.changes}_changes"] = _tick(emu, control, warehouse, settings)
        out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print(json.dumps(out, indent=2))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _tick(emu, control, warehouse, settings) -> dict:
    from tests.support.pipeline import extract
    time.sleep(1.1)  # the tick's window ends at the current second
    control.reset_counters()
    started = time.perf_counter()
    result = extract(emu, warehouse, settings, incremental=True)
    wall = time.perf_counter() - started
    landed = _landed(result)
    counters = control.counters()
    return {"wall_s": round(wall, 2), "api_calls": counters["api_calls"],
            "by_kind": counters["by_kind"], "records_landed": landed}


def _landed(result) -> int:
    """Rows landed by the run: a range run repeats its metadata on every partition's event."""
    per_asset = {e.asset_key: e.materialization.metadata["rows_landed"].value
                 for e in result.get_asset_materialization_events()}
    return sum(per_asset.values())


if __name__ == "__main__":
    run_and_exit(main)
