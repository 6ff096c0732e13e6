"""`make demo`: the whole pipeline end to end against a local emulated org.

Starts the emulator with the demo org, backfills every partition (the first one reaches back to
all history), lets the org change for a few seconds (live mode), runs one 10-minute tick, and
prints a summary. Runs go to the Dagster instance in $DAGSTER_HOME, so `make dev` shows them.
"""

import os
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_SETTINGS_TEMPLATE = ROOT / "pipelines" / "demo_settings.yaml"
DEMO_SETTINGS = ROOT / ".emulator" / "demo_settings.yaml"
DEMO_WAREHOUSE = ROOT / "data" / "demo.duckdb"


def _write_settings(emulator) -> None:
    """The demo settings plus the licensed users: the org's users on the company domain."""
    import yaml
    settings = yaml.safe_load(DEMO_SETTINGS_TEMPLATE.read_text())
    emails = [row[0] for row in emulator.store.con.cursor().execute(
        'SELECT "Email" FROM "User" WHERE lower("Email") LIKE \'%acme-demo.com%\' ORDER BY "Id"'
    ).fetchall()]
    settings["licensed_users"] = {"emails": emails}
    DEMO_SETTINGS.write_text(yaml.safe_dump(settings, sort_keys=False))


def _environment(emulator) -> None:
    """Point the pipeline at the emulator, exactly as a deployment points it at an org."""
    _write_settings(emulator)
    c = emulator.credentials
    os.environ.update({
        "SALESFORCE_INSTANCE_URL": emulator.base_url, "SALESFORCE_CA_BUNDLE": str(emulator.ca_path),
        "SALESFORCE_CLIENT_ID": c.client_id, "SALESFORCE_CLIENT_SECRET": c.client_secret,
        "DEALSYNC_CONFIG": str(DEMO_SETTINGS), "DEALSYNC_WAREHOUSE": "duckdb",
        "DEALSYNC_DUCKDB_PATH": str(DEMO_WAREHOUSE),
    })


def _step(title: str) -> float:
    print(f"\n== {title}", flush=True)
    return time.perf_counter()


def main() -> int:
    from salesforce_emulator.client import Control
    from salesforce_emulator.server import Emulator

    started = _step("Starting the Salesforce emulator (demo org, small scale)")
    if DEMO_WAREHOUSE.exists():
        DEMO_WAREHOUSE.unlink()
    DEMO_WAREHOUSE.parent.mkdir(parents=True, exist_ok=True)
    with Emulator(org="demo", scale="small", seed=7, state_dir=ROOT / ".emulator") as emulator:
        print(emulator.banner().splitlines()[0], f"({time.perf_counter() - started:.1f}s)")
        _environment(emulator)
        control = Control(emulator.base_url, emulator.ca_path)
        from pipelines import demo_runs  # imported after the environment is set

        t = _step("Backfill: every partition of every object")
        backfill = demo_runs.backfill()
        print(f"backfill {'succeeded' if backfill.success else 'FAILED'} in "
              f"{time.perf_counter() - t:.1f}s, {control.counters()['api_calls']} API calls")

        t = _step("Live mode: the org changes for 5 seconds")
        control.live(20)
        time.sleep(5)
        control.live(0)
        print(f"{emulator.app.live.changes} changes (stage moves, new tasks and emails, deletes)")

        control.reset_counters()
        t = _step("Incremental tick (what the 10-minute schedule runs)")
        time.sleep(1.1)  # the tick reads up to the current second
        tick = demo_runs.tick()
        demo_runs.print_tick(tick)
        print(f"tick {'succeeded' if tick.success else 'FAILED'} in {time.perf_counter() - t:.1f}s, "
              f"{control.counters()['api_calls']} API calls")
        _step("Summary")
        demo_runs.print_summary(emulator)
        ok = backfill.success and tick.success
    print(f"\nDemo {'finished' if ok else 'FAILED'} at {datetime.now(timezone.utc):%H:%M:%S} UTC. "
          f"Warehouse: {DEMO_WAREHOUSE}. Explore the runs with `make dev`.")
    return 0 if ok else 1

