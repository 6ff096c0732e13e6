"""Benchmark the staging layer: land synthetic Opportunity versions into DuckDB and PostgreSQL.

    .venv/bin/python bench/bench_staging.py                       # 1,000,000 rows, both engines
    .venv/bin/python bench/bench_staging.py --rows 200000 --engines duckdb

Each engine runs in its own subprocess so the peak RSS printed is that engine's alone (the
PostgreSQL server's memory is not included). Batches are generated lazily, 50k rows at a time,
as an extractor would stream them; generation time is measured and excluded from rows/s.
Phases: first land (all new), re-land of the same versions (the convergent-rerun path), a
500-row refresh tick into the full tables, a full rebuild of current state, and a hard-delete
reconciliation against every live Id.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.process_exit import run_and_exit

FIELDS = {
    "Id": "id", "IsDeleted": "boolean", "AccountId": "reference", "RecordTypeId": "reference",
    "IsPrivate": "boolean", "Name": "string", "Description": "textarea", "StageName": "picklist",
    "Amount": "currency", "Probability": "percent", "ExpectedRevenue": "currency",
    "TotalOpportunityQuantity": "double", "CloseDate": "date", "Type": "picklist",
    "NextStep": "string", "LeadSource": "picklist", "IsClosed": "boolean", "IsWon": "boolean",
    "ForecastCategoryName": "picklist", "OwnerId": "reference", "LastActivityDate": "date",
    "FiscalYear": "int", "Region__c": "picklist", "CreatedDate": "datetime",
    "SystemModstamp": "datetime",
}
STAGES = ["Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost"]
START = datetime(2024, 1, 1)


def salesforce_ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    digits = pa.array(np.char.zfill(numbers.astype(str), 9))
    return pc.binary_join_element_wise(prefix + "5g0", digits, "AAA", "")


def pick(values: list[str], rng: np.random.Generator, n: int) -> pa.Array:
    return pa.array(np.array(values, dtype=object)[rng.integers(0, len(values), n)], pa.string())


def opportunity_batch(index: int, size: int, id_pool: int, rng: np.random.Generator) -> pa.Table:
    """One batch of versions, SystemModstamp ascending across batches like a windowed query."""
    numbers = rng.integers(0, id_pool, size)
    first_ms = int((START - datetime(1970, 1, 1)).total_seconds() * 1000) + index * size * 1000
    stamps = first_ms + np.arange(size) * 1000
    amount = rng.uniform(1_000, 250_000, size).round(2)
    probability = rng.integers(0, 101, size).astype(float)
    stage = pick(STAGES, rng, size)
    return pa.table({
        "Id": salesforce_ids("006", numbers),
        "IsDeleted": pa.array(rng.random(size) < 0.02),
        "AccountId": salesforce_ids("001", numbers // 4),
        "RecordTypeId": salesforce_ids("012", numbers % 3),
        "IsPrivate": pa.array(rng.random(size) < 0.05),
        "Name": pc.binary_join_element_wise("Deal ", pa.array(numbers.astype(str)), ""),
        "Description": pick(["", "Renewal of the annual plan", "Expansion, 40 seats\nphase 2",
                             'Quote "Q-19" sent'], rng, size),
        "StageName": stage,
        "Amount": pa.array(amount),
        "Probability": pa.array(probability),
        "ExpectedRevenue": pa.array((amount * probability / 100).round(2)),
        "TotalOpportunityQuantity": pa.array(rng.integers(1, 500, size).astype(float)),
        "CloseDate": pa.array(19_700 + rng.integers(0, 700, size), pa.int32()).cast(pa.date32()),
        "Type": pick(["New Customer", "Existing Customer - Upgrade", "Renewal (legacy)"], rng, size),
        "NextStep": pick(["Call back", "Send contract", "Demo", ""], rng, size),
        "LeadSource": pick(["Web", "Phone Inquiry", "Partner Referral"], rng, size),
        "IsClosed": pc.starts_with(stage, "Closed"),
        "IsWon": pc.equal(stage, "Closed Won"),
        "ForecastCategoryName": pick(["Pipeline", "Best Case", "Commit", "Closed"], rng, size),
        "OwnerId": salesforce_ids("005", numbers % 200),
        "LastActivityDate": pa.array(19_700 + rng.integers(0, 700, size), pa.int32())
        .cast(pa.date32()),
        "FiscalYear": pa.array(rng.integers(2023, 2027, size), pa.int64()),
        "Region__c": pick(["AMER", "EMEA", "APAC", "LATAM"], rng, size),
        "CreatedDate": pa.array(stamps - 86_400_000, pa.timestamp("ms")),
        "SystemModstamp": pa.array(stamps, pa.timestamp("ms")),
    })


class TimedBatches:
    """Yields generated batches and keeps the time spent generating them out of the land time."""

    def __init__(self, rows: int, batch_size: int, id_pool: int, seed: int):
        self.rows, self.batch_size, self.id_pool, self.seed = rows, batch_size, id_pool, seed
        self.generation_s = 0.0

    def __iter__(self):
        rng = np.random.default_rng(self.seed)
        for index, start in enumerate(range(0, self.rows, self.batch_size)):
            began = time.perf_counter()
            batch = opportunity_batch(index, min(self.batch_size, self.rows - start),
                                      self.id_pool, rng)
            self.generation_s += time.perf_counter() - began
            yield batch


def timed_land(warehouse, args, run_id: str) -> dict:
    batches = TimedBatches(args.rows, args.batch_size, args.id_pool, args.seed)
    began = time.perf_counter()
    result = warehouse.land("Opportunity", FIELDS, batches, window_start=START,
                            window_end=START + timedelta(days=365), run_id=run_id, api="bench")
    seconds = time.perf_counter() - began - batches.generation_s
    return {"seconds": round(seconds, 2), "rows_per_s": round(result.rows_landed / seconds),
            "generation_s": round(batches.generation_s, 2), "inserted": result.inserted,
            "updated": result.updated, "deleted": result.deleted}


def timed_tick(warehouse, args, rows: int = 500) -> dict:
    """A 10-minute refresh: a few hundred newer versions into the already large tables."""
    tick = opportunity_batch(args.rows // args.batch_size + 1, rows, args.id_pool,
                             np.random.default_rng(args.seed + 1))
    began = time.perf_counter()
    result = warehouse.land("Opportunity", FIELDS, [tick], window_start=START,
                            window_end=START + timedelta(days=365), run_id="tick", api="rest")
    return {"rows": result.rows_landed, "seconds": round(time.perf_counter() - began, 3)}


def run_engine(args) -> dict:
    """Child process: one engine, all phases; prints a JSON line."""
    from resources.warehouse import WarehouseResource

    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    warehouse = WarehouseResource(engine=args.engine, duckdb_path=args.duckdb_path,
                                  postgres_url=args.postgres_url)
    report = {"engine": args.engine, "rows": args.rows, "batch_size": args.batch_size,
              "first_land": timed_land(warehouse, args, "bench-1"),
              "rerun_land": timed_land(warehouse, args, "bench-2")}
    report["tick_land"] = timed_tick(warehouse, args)
    began = time.perf_counter()
    current_rows = warehouse.rebuild_current("Opportunity")
    report["rebuild_current"] = {"seconds": round(time.perf_counter() - began, 2),
                                 "rows": current_rows}
    live = warehouse.query("select id, system_modstamp, is_deleted from staging.opportunity "
                           "where not is_deleted")
    present = live[: int(len(live) * 0.99)]  # 1% vanished from Salesforce
    began = time.perf_counter()
    org = pa.table({"Id": [r["id"] for r in present],
                    "SystemModstamp": pa.array([r["system_modstamp"] for r in present],
                                               pa.timestamp("ms")),
                    "IsDeleted": [False] * len(present)})
    diff = warehouse.compare_with_org(
        "Opportunity", {"Id": "id", "SystemModstamp": "datetime", "IsDeleted": "boolean"},
        (pa.Table.from_batches([b]) for b in org.to_batches(100_000)), datetime(1970, 1, 1))
    report["compare_with_org"] = {"seconds": round(time.perf_counter() - began, 2),
                                  "org_records": diff.org_records, "purged": diff.purged}
    report["versions_rows"] = warehouse.row_count("staging", "opportunity_versions")
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    report["baseline_rss_mb"] = round(baseline_kb / 1024)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=50_000)
    parser.add_argument("--id-pool", type=int, default=400_000,
                        help="distinct Opportunity Ids the versions are spread over")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engines", default="duckdb,postgres")
    parser.add_argument("--postgres-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--duckdb-path", help=argparse.SUPPRESS)
    parser.add_argument("--postgres-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(run_engine(args)))
        return

    for engine in args.engines.split(","):
        with tempfile.TemporaryDirectory(prefix="dealsync-bench-") as tmp:
            child = [sys.executable, __file__, "--engine", engine, "--rows", str(args.rows),
                     "--batch-size", str(args.batch_size), "--id-pool", str(args.id_pool),
                     "--seed", str(args.seed), "--duckdb-path", str(Path(tmp) / "bench.duckdb")]
            database = None
            if engine == "postgres":
                database = f"dealsync_bench_{uuid.uuid4().hex[:8]}"
                _admin(args.postgres_admin_url, f"create database {database}")
                child += ["--postgres-url", args.postgres_admin_url.rsplit("/", 1)[0] + "/" + database]
            try:
                output = subprocess.run(child, check=True, capture_output=True, text=True).stdout
            finally:
                if database:
                    _admin(args.postgres_admin_url, f"drop database if exists {database} with (force)")
        report = json.loads(output.strip().splitlines()[-1])
        first, rerun = report["first_land"], report["rerun_land"]
        print(f"{engine:8s} land {report['rows']:,} rows in {first['seconds']} s = "
              f"{first['rows_per_s']:,} rows/s | rerun (replace all) {rerun['seconds']} s = "
              f"{rerun['rows_per_s']:,} rows/s | tick of {report['tick_land']['rows']} rows "
              f"{report['tick_land']['seconds']} s | "
              f"rebuild_current {report['rebuild_current']['seconds']} s"
              f" | compare_with_org({report['compare_with_org']['org_records']:,} records) "
              f"{report['compare_with_org']['seconds']} s | peak RSS {report['peak_rss_mb']} MB "
              f"(after imports {report['baseline_rss_mb']} MB)")
        print("  " + json.dumps(report))


def _admin(url: str, statement: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1),
                              isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()


if __name__ == "__main__":
    run_and_exit(main)
