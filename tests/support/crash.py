"""Kill a sink with SIGKILL right after its first Salesforce write, before it commits: what a
crash, an OOM kill or a lost node does. It runs in a child process so the test survives it.

The test calls `run_killed("tests.<suite>.<module>", emulator, warehouse, **options)`; that module
builds its asset with `after_send=die` and hands it to `materialize_child`.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import dagster as dg

from resources.warehouse import WarehouseResource
from tests.support.pipeline import RemoteEmulator, salesforce_for

ROOT = Path(__file__).resolve().parents[2]
KILLED = "killing the sink before it commits"


def run_killed(module: str, emulator, warehouse, **options) -> subprocess.CompletedProcess:
    """Run `python -m module '<spec>'`; the spec names the emulator, the warehouse and options."""
    if warehouse.engine == "duckdb":
        where = {"engine": "duckdb", "duckdb_path": warehouse.duckdb_path}
    else:
        where = {"engine": "postgres", "postgres_url": warehouse.postgres_url}
    spec = {"base_url": emulator.base_url, "ca_path": str(emulator.ca_path), "warehouse": where,
            **options}
    return subprocess.run([sys.executable, "-m", module, json.dumps(spec)], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)


def child_spec() -> dict:
    return json.loads(sys.argv[1])


def die(*sent) -> None:
    """The sinks' after_send hook: report what was sent, then die without committing."""
    print(f"sent {sent!r}; {KILLED}", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


def materialize_child(asset: dg.AssetsDefinition, spec: dict) -> None:
    emulator = RemoteEmulator(spec["base_url"], spec["ca_path"])
    dg.materialize([asset], resources={"salesforce": salesforce_for(emulator),
                                       "warehouse": WarehouseResource(**spec["warehouse"])})
