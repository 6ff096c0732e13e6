"""A backfill period launched the way a data engineer does it in the Dagster UI, timed from launch
to success through the real daemon.

    python -m bench.bench_backfill --periods 6m,all --scale small

For each period, on a fresh instance and warehouse: the emulator (its own process), a code
server, the webserver and the daemon on the local SQLite instance (the shipped dagster.yaml, as
`make dev` runs it) and a DuckDB warehouse. The job `backfill_period` is launched with the
period in its run config through the webserver's GraphQL `launchRun` (the Launchpad's call);
the clock stops when the last run it asked for has succeeded. Also reported: runs, partitions,
Dagster events per run, API calls, deals, and deals missing a reference.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

from pipelines.process_exit import run_and_exit

ROOT = Path(__file__).resolve().parent.parent
LAUNCH_RUN = """
mutation($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on PythonError { message }
    ... on Error { message }
  }
}"""


def launch_period(dagster, period: str) -> str:
    """The Launchpad's call: job backfill_period with the period in its config."""
    result = dagster.graphql(LAUNCH_RUN, {"params": {
        "selector": {"repositoryLocationName": "dealsync", "repositoryName": "__repository__",
                     "jobName": "backfill_period"},
        "runConfigData": {"ops": {"plan_backfill": {"config": {"period": period}}}}}})["launchRun"]
    if result["__typename"] != "LaunchRunSuccess":
        raise RuntimeError(f"launchRun failed: {result}")
    return result["run"]["runId"]


def wait_for_backfill(instance, launcher_id: str, timeout_s: float = 900) -> list:
    """The launcher run and every run it asked for, once all have finished."""
    import dagster as dg

    from pipelines.backfill import REQUEST_TAG
    from tests.ops.processes import wait_until

    def finished():
        launcher = instance.get_run_by_id(launcher_id)
        if launcher is None or not launcher.is_finished:
            return None
        if launcher.status != dg.DagsterRunStatus.SUCCESS:
            raise RuntimeError(f"backfill_period run {launcher_id} ended {launcher.status}")
        planned = _planned_runs(instance, launcher_id)
        runs = instance.get_runs(filters=dg.RunsFilter(tags={REQUEST_TAG: launcher_id}))
        if len(runs) < planned or not all(r.is_finished for r in runs):
            return None
        return [launcher, *runs]

    return wait_until(finished, timeout_s, "the backfill's runs to finish", interval_s=0.5)


def _planned_runs(instance, launcher_id: str) -> int:
    import dagster as dg

    for record in instance.get_records_for_run(
            launcher_id, of_type=dg.DagsterEventType.STEP_OUTPUT).records:
        metadata = record.event_log_entry.dagster_event.step_output_data.metadata
        return int(metadata["runs"].value)
    raise RuntimeError(f"run {launcher_id} recorded no plan")


def measure(period: str, scale: str, work: Path) -> dict:
    import dagster as dg
    from salesforce_emulator.api.app import Credentials
    from salesforce_emulator.client import Control

    from bench.bench_emulator import start_emulator
    from resources.warehouse import WarehouseResource
    from tests.ops.processes import Dagster, free_port

    home, logs = work / "home", work / "logs"
    home.mkdir(parents=True)
    logs.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    proc = start_emulator(scale, port, str(work / "emulator"))
    try:
        base_url = f"https://127.0.0.1:{port}"
        ca = str(work / "emulator" / "ca.pem")
        control = Control(base_url, ca)
        users = sorted(u["Email"] for u in control.records("User")
                       if u["IsActive"] and "acme-demo.com" in (u["Email"] or ""))
        settings = work / "settings.yaml"
        settings.write_text(yaml.safe_dump({"licensed_users": {"emails": users}}))
        warehouse_path = work / "dealsync.duckdb"
        credentials = Credentials()
        env = {**os.environ, "DAGSTER_HOME": str(home), "DEALSYNC_CONFIG": str(settings),
               "DEALSYNC_WAREHOUSE": "duckdb", "DEALSYNC_DUCKDB_PATH": str(warehouse_path),
               "SALESFORCE_INSTANCE_URL": base_url, "SALESFORCE_CA_BUNDLE": ca,
               "SALESFORCE_CLIENT_ID": credentials.client_id,
               "SALESFORCE_CLIENT_SECRET": credentials.client_secret}
        dagster = Dagster(env, logs, "pipelines.definitions")
        dagster.set_pools()
        try:
            dagster.start_servers()
            dagster.start_daemon()
            control.reset_counters()
            started = time.time()
            launcher_id = launch_period(dagster, period)
            with dg.DagsterInstance.from_config(str(home)) as instance:
                runs = wait_for_backfill(instance, launcher_id)
                seconds = round(time.time() - started, 1)
                result = _result(period, instance, runs, seconds, control)
        except Exception as exc:
            raise RuntimeError(f"{exc}\n{dagster.logs()}") from exc
        finally:
            dagster.stop()
        warehouse = WarehouseResource(engine="duckdb", duckdb_path=str(warehouse_path))
        result["deals"] = warehouse.scalar("select count(*) from warehouse.deals", read_only=True)
        return result
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _result(period, instance, runs, seconds, control) -> dict:
    import dagster as dg

    launcher, ranged = runs[0], runs[1:]
    return {
        "period": period, "seconds_launch_to_success": seconds,
        "runs": len(ranged), "statuses": sorted({r.status.value for r in ranged}),
        "partitions": sum(_partitions(r) for r in ranged),
        "events_per_run": [len(instance.all_logs(r.run_id)) for r in ranged],
        "launcher_events": len(instance.all_logs(launcher.run_id)),
        "materializations": sum(len(instance.all_logs(
            r.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)) for r in ranged),
        "api_calls": control.counters()["api_calls"],
        "timeline": _timeline(instance, [launcher, *ranged]),
    }


def _timeline(instance, runs) -> list[dict]:
    """Per run: seconds from the launch to its creation, start and end, and its steps."""
    import dagster as dg

    origin = instance.get_run_record_by_id(runs[0].run_id).create_timestamp.timestamp()
    out = []
    for run in runs:
        record = instance.get_run_record_by_id(run.run_id)
        steps = {}
        for entry in instance.all_logs(run.run_id, of_type={dg.DagsterEventType.STEP_START,
                                                            dg.DagsterEventType.STEP_SUCCESS,
                                                            dg.DagsterEventType.STEP_FAILURE}):
            steps.setdefault(entry.step_key, []).append(entry.timestamp)
        out.append({
            "job": run.job_name,
            "created": round(record.create_timestamp.timestamp() - origin, 1),
            "started": round((record.start_time or origin) - origin, 1),
            "ended": round((record.end_time or origin) - origin, 1),
            "steps": {k: round(v[-1] - v[0], 1) for k, v in steps.items()}})
    return out


def _partitions(run) -> int:
    from datetime import date

    first = date.fromisoformat(run.tags["dagster/asset_partition_range_start"])
    last = date.fromisoformat(run.tags["dagster/asset_partition_range_end"])
    return (last.year - first.year) * 12 + last.month - first.month + 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--periods", default="6m,all")
    parser.add_argument("--scale", default="small", choices=("small", "medium"))
    args = parser.parse_args()
    results = []
    for period in args.periods.split(","):
        with tempfile.TemporaryDirectory(prefix=f"bench-backfill-{period}-") as work:
            results.append(measure(period, args.scale, Path(work)))
        print(json.dumps(results[-1]), flush=True)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_backfill.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    run_and_exit(main)
