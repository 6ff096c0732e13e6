"""Benchmark the demo-org generator: wall time, rows per object and peak memory per scale.

    .venv/bin/python -m bench.bench_generator --scale small
    .venv/bin/python -m bench.bench_generator --scale all        # each scale in a fresh process

Peak RSS (ru_maxrss) only grows within a process, so every scale runs in its own process to
report its own peak. The store is an in-memory DuckDB database, as in tests and `make demo`.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import datetime

from salesforce_emulator.generator.demo import SCALES, generate_org
from salesforce_emulator.org.store import Store

from pipelines.process_exit import run_and_exit

FIXED_NOW = "2025-06-30T12:00:00"


def _peak_rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KiB on Linux


def run(scale: str, seed: int, now: datetime) -> dict:
    baseline = _peak_rss_mb()  # interpreter + numpy/pyarrow/duckdb, before any data
    started = time.perf_counter()
    store = Store()
    counts = generate_org(store, scale, seed=seed, now=now)
    seconds = time.perf_counter() - started
    memory = store.con.execute("SELECT memory_usage FROM pragma_database_size()").fetchone()[0]
    return {
        "scale": scale, "seconds": round(seconds, 2), "rows": counts,
        "total_rows": sum(counts.values()),
        "rows_per_second": round(sum(counts.values()) / seconds),
        "peak_rss_mb": _peak_rss_mb(), "baseline_rss_mb": baseline,
        "duckdb_memory": memory,
    }


def report(result: dict) -> None:
    print(f"scale={result['scale']}  wall={result['seconds']:.2f}s  "
          f"rows={result['total_rows']:,} ({result['rows_per_second']:,}/s)  "
          f"peak_rss={result['peak_rss_mb']:,} MB (baseline {result['baseline_rss_mb']} MB)  "
          f"duckdb={result['duckdb_memory']}")
    for name, count in result["rows"].items():
        print(f"  {name:<24}{count:>12,}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=[*SCALES, "all"], default="small")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--now", default=FIXED_NOW, help="end of the history (ISO, UTC)")
    parser.add_argument("--json", action="store_true", help="print one JSON line per scale")
    args = parser.parse_args(argv)
    if args.scale == "all":
        for scale in SCALES:
            command = [sys.executable, "-m", "bench.bench_generator", "--scale", scale,
                       "--seed", str(args.seed), "--now", args.now]
            if args.json:
                command.append("--json")
            subprocess.run(command, check=True)
        return
    result = run(args.scale, args.seed, datetime.fromisoformat(args.now))
    if args.json:
        print(json.dumps(result))
    else:
        report(result)


if __name__ == "__main__":
    run_and_exit(main)
