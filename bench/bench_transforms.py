"""Benchmark the deal warehouse: a full rebuild of the large org, then an incremental run after
1,000 changed opportunities, with wall time and peak memory of each.

    .venv/bin/python -m bench.bench_transforms                    # large org, DuckDB
    .venv/bin/python -m bench.bench_transforms --scale medium --engines duckdb,postgres \\
        --postgres-url postgresql://postgres@127.0.0.1:5432/dealsync_bench

Staging is loaded straight from a generated emulator store through WarehouseResource.land
(the same landing path extraction uses, without the HTTP hop), into bench/out/. `--reuse`
keeps a loaded staging between runs; `--fresh-warehouse` then drops the built schemas first
(so a staging loaded for the previous implementation's run can be reused). Each phase runs in
its own subprocess, so the peak RSS printed is that phase's alone (PostgreSQL's server memory
is not included). The transform phases run the dbt project the way the Dagster op does
(assets/deal_warehouse/run.py); `import_and_parse_s` is the one-time cost of importing dbt and
loading the parsed manifest in a new process (a run's start), `seconds` the run itself.

The numbers before dbt came from the same command on the last commit with the hand-written
runner (14b57a2), in a scratch copy: `git archive 14b57a2 | tar -x -C /tmp/before`, then
`cd /tmp/before && /work/wt-dbt/.venv/bin/python -m bench.bench_transforms ...`.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from pipelines.process_exit import run_and_exit

OUT = Path(__file__).resolve().parent / "out"
OBJECTS = ["User", "OpportunityStage", "RecordType", "Account", "Contact", "Opportunity",
           "OpportunityContactRole", "Task", "Event", "EmailMessage"]
CHANGES = 1_000


def _warehouse(args):
    from resources.warehouse import WarehouseResource

    return WarehouseResource(engine=args.engine, duckdb_path=str(args.duckdb_path),
                             postgres_url=args.postgres_url, lock_timeout_seconds=600)


def _settings(licensed: list[str]):
    from resources.settings import Settings

    return Settings.model_validate({
        "licensed_users": {"emails": licensed},
        "filters": {"record_types": {"exclude": ["Partner"]}},
        # Staging was loaded seconds before the full run: with the default lookback the
        # incremental run would re-read all of it. A tick's extraction lands only its changes.
        "warehouse": {"incremental_lookback_minutes": 0, "publish_snapshot": False}})


def phase_load(args) -> dict:
    """Generate the org and land every object into staging (one version per record)."""
    from datetime import datetime

    from salesforce_emulator.generator.demo import generate_org
    from salesforce_emulator.org.store import Store

    from resources.settings.catalog import DEFAULT_OBJECTS

    began = time.perf_counter()
    store = Store()
    counts = generate_org(store, scale=args.scale, seed=7)
    generated = time.perf_counter() - began
    warehouse = _warehouse(args)
    landed = {}
    for name in OBJECTS:
        obj = store.objects[name]
        wanted = set(DEFAULT_OBJECTS[name].fields)
        fields = {f.name: f.type for f in obj.stored_fields() if f.name in wanted}
        columns = ", ".join(f'"{f}"' for f in fields)
        reader = store.con.cursor().execute(
            f'SELECT {columns} FROM "{name}"').to_arrow_reader(200_000)
        result = warehouse.land(name, fields, reader, window_start=datetime(1970, 1, 1),
                                window_end=datetime.utcnow(), run_id="bench-load", api="bench")
        landed[name] = result.rows_landed
    licensed = [r[0].strip().lower() for r in store.con.execute(
        "SELECT \"Email\" FROM \"User\" WHERE lower(trim(\"Email\")) LIKE '%@acme-demo.com'"
    ).fetchall()]
    (OUT / f"licensed_{args.scale}.json").write_text(json.dumps(licensed))
    return {"generated_s": round(generated, 1), "generated_rows": sum(counts.values()),
            "landed": landed, "seconds": round(time.perf_counter() - began, 1)}


def phase_transform(args, full: bool) -> dict:
    began = time.perf_counter()
    from assets.deal_warehouse.dbt_run import fresh_manifest
    from assets.deal_warehouse.run import deal_models, run_warehouse

    fresh_manifest(args.engine)
    parsed = time.perf_counter() - began
    licensed = json.loads((OUT / f"licensed_{args.scale}.json").read_text())
    began = time.perf_counter()
    result = run_warehouse(_warehouse(args), _settings(licensed), models=deal_models(),
                           full_rebuild=full)
    result.raise_for_failure()
    slowest = sorted(result.outcome.nodes, key=lambda n: n.seconds, reverse=True)[:6]
    return {"mode": result.mode, "seconds": round(time.perf_counter() - began, 1),
            "import_and_parse_s": round(parsed, 1),
            "dbt_nodes_s": round(sum(n.seconds for n in result.outcome.nodes), 1),
            "slowest": {n.name: round(n.seconds, 2) for n in slowest},
            "opportunities_in_scope": result.scope, "rows": result.row_counts}


def drop_warehouse(args) -> None:
    """Forget the built warehouse (staging stays), for a run over a reused staging."""
    with _warehouse(args).connection() as connection:
        for schema in ("warehouse", "warehouse_internal"):
            connection.execute(sa_text(f"drop schema if exists {schema} cascade"))


def sa_text(sql: str):
    import sqlalchemy as sa

    return sa.text(sql)


def phase_change(args) -> dict:
    """1,000 opportunities get a new version (stage and amount), landed as a tick would."""
    from datetime import datetime, timedelta

    import pyarrow as pa
    from salesforce_emulator.org.schema import build_objects

    from resources.settings.catalog import DEFAULT_OBJECTS
    from resources.staging.naming import column_name

    warehouse = _warehouse(args)
    stored = {f.name: f.type for f in build_objects()["Opportunity"].stored_fields()}
    fields = {f: stored[f] for f in DEFAULT_OBJECTS["Opportunity"].fields if f in stored}
    columns = ", ".join(column_name(f) for f in fields)
    rows = warehouse.query(f"select {columns} from staging.opportunity where not is_deleted "
                           "and not is_closed order by id limit :n", {"n": CHANGES})
    now = datetime.utcnow().replace(microsecond=0)
    changed = {"SystemModstamp": now, "LastModifiedDate": now, "LastStageChangeDate": now}
    batch = pa.table({f: [changed.get(f, r[column_name(f)]) for r in rows] for f in fields})
    stages = ["Proposal/Price Quote" if r["stage_name"] == "Negotiation/Review"
              else "Negotiation/Review" for r in rows]
    batch = batch.set_column(list(fields).index("StageName"), "StageName", pa.array(stages))
    batch = batch.set_column(list(fields).index("Amount"), "Amount",
                             pa.array([float(r["amount"] or 0) + 1000.0 for r in rows]))
    began = time.perf_counter()
    warehouse.land("Opportunity", fields, [batch], window_start=now - timedelta(minutes=10),
                   window_end=now, run_id="bench-changes", api="bench")
    return {"changed": len(rows), "land_seconds": round(time.perf_counter() - began, 2)}


def tick_breakdown(run_id: str) -> dict:
    """Where a finished run's seconds went, from the Dagster instance in $DAGSTER_HOME (e.g.
    the tick `make demo` runs): from the run's start to its first step, each step, and the end."""
    import dagster as dg

    instance = dg.DagsterInstance.get()
    if run_id == "latest":
        run_id = instance.get_runs(limit=1, filters=dg.RunsFilter(
            job_name="incremental_sync", statuses=[dg.DagsterRunStatus.SUCCESS]))[0].run_id
    started, steps, ended = None, {}, None
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None:
            continue
        kind = dg.DagsterEventType
        if event.event_type == kind.RUN_START:
            started = entry.timestamp
        elif event.event_type == kind.STEP_START:
            steps[event.step_key] = [entry.timestamp, None]
        elif event.event_type in (kind.STEP_SUCCESS, kind.STEP_FAILURE) and event.step_key in steps:
            steps[event.step_key][1] = entry.timestamp
        elif event.event_type in (kind.RUN_SUCCESS, kind.RUN_FAILURE):
            ended = entry.timestamp
    first = min(s for s, _ in steps.values())
    last = max(e for _, e in steps.values() if e)
    return {"run_id": run_id, "total_s": round(ended - started, 2),
            "run_start_s": round(first - started, 2),
            "steps_s": {key: round(end - start, 2) for key, (start, end) in
                        sorted(steps.items(), key=lambda kv: kv[1][0]) if end},
            "run_end_s": round(ended - last, 2)}


def child(args) -> None:
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = {"load": lambda: phase_load(args), "full": lambda: phase_transform(args, True),
              "drop": lambda: drop_warehouse(args) or {},
              "change": lambda: phase_change(args),
              "incremental": lambda: phase_transform(args, False)}[args.phase]()
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    report["baseline_rss_mb"] = round(baseline / 1024)
    print("RESULT " + json.dumps(report, default=str))


def run_phase(args, engine: str, phase: str) -> dict:
    command = [sys.executable, "-m", "bench.bench_transforms", "--child", phase,
               "--scale", args.scale, "--engine", engine, "--duckdb-path", str(args.duckdb_path)]
    if args.postgres_url:
        command += ["--postgres-url", args.postgres_url]
    done = subprocess.run(command, capture_output=True, text=True)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if done.returncode or line is None:
        print(f"{engine} {phase} failed:\n{done.stderr[-3000:]}", file=sys.stderr, flush=True)
        raise SystemExit(1)
    return json.loads(line[len("RESULT "):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large", choices=["small", "medium", "large"])
    parser.add_argument("--engines", default="duckdb")
    parser.add_argument("--postgres-url")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded staging")
    parser.add_argument("--fresh-warehouse", action="store_true",
                        help="with --reuse: drop the built warehouse schemas first")
    parser.add_argument("--phases", default="full,change,incremental")
    parser.add_argument("--tick-breakdown", metavar="RUN_ID",
                        help="print where a finished incremental_sync run's seconds went "
                        "('latest' for the newest; reads $DAGSTER_HOME) and stop")
    parser.add_argument("--child", dest="phase")
    parser.add_argument("--engine", default="duckdb")
    parser.add_argument("--duckdb-path", type=Path)
    args = parser.parse_args()
    if args.tick_breakdown:
        print(json.dumps(tick_breakdown(args.tick_breakdown), indent=2))
        return
    if args.phase:
        child(args)
        return
    OUT.mkdir(exist_ok=True)
    for engine in args.engines.split(","):
        args.duckdb_path = OUT / f"transforms_{args.scale}.duckdb"
        fresh = not (args.reuse and (engine == "postgres" or args.duckdb_path.exists()))
        if fresh and engine == "duckdb":
            args.duckdb_path.unlink(missing_ok=True)
        report = {"engine": engine, "scale": args.scale}
        if fresh:
            report["load"] = run_phase(args, engine, "load")
        elif args.fresh_warehouse:
            run_phase(args, engine, "drop")
        for phase in args.phases.split(","):
            report[phase] = run_phase(args, engine, phase)
            print(f"{engine} {phase}: {json.dumps(report[phase], default=str)}", flush=True)
        print(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    run_and_exit(main)
