"""Sync-back throughput and API cost: N outbox rows to Salesforce Tasks, per write path.

Each case starts from an empty DuckDB warehouse, queues N rows, runs the real sink asset
against an emulator in its own process, and reads the emulator's API counters (what
Salesforce would charge against the daily limit). A re-run must cost nothing.

    python -m bench.bench_sink --rows 10000
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
from salesforce_emulator.api.app import Credentials
from salesforce_emulator.client import Control, connect

from assets.sync_back.assets import build_sink_asset
from assets.sync_back.outbox import queue_rows
from assets.sync_back.tables import ensure_tables
from pipelines.process_exit import run_and_exit
from resources.salesforce import SalesforceResource
from resources.settings import Settings
from resources.warehouse import WarehouseResource

ORG = {"User": [{"_ref": "u", "Username": "rep@bench.example", "LastName": "Rep",
                 "Email": "rep@bench.example", "Alias": "rep", "TimeZoneSidKey": "Europe/Berlin"}],
       "Account": [{"_ref": "a", "Name": "Bench Inc", "OwnerId": "@u"}],
       "Contact": [{"_ref": "c", "AccountId": "@a", "LastName": "Buyer", "OwnerId": "@u"}],
       "Opportunity": [{"_ref": "o", "Name": "Bench deal", "AccountId": "@a", "OwnerId": "@u",
                        "StageName": "Prospecting", "CloseDate": "2031-01-01"}]}
CASES = {  # name -> sync_back settings
    "collections, upsert": {"bulk_threshold": 10**9},
    "collections, create + key": {"bulk_threshold": 10**9, "external_id_field": None},
    "bulk 2.0, upsert": {},
    "bulk 2.0, create + key": {"external_id_field": None},
    "dry run (local cost only)": {"dry_run": True},
}


class Bench:
    def __init__(self, port: int, state: str):
        self.base, self.ca = f"https://127.0.0.1:{port}", os.path.join(state, "ca.pem")
        self.control = Control(self.base, self.ca)
        self.state = state
        c = Credentials()
        self.salesforce = SalesforceResource(instance_url=self.base, ca_bundle=self.ca,
                                             client_id=c.client_id, client_secret=c.client_secret,
                                             bulk_poll_seconds="0.2")

    def ids(self) -> dict:
        sf = connect(SimpleNamespace(base_url=self.base, ca_path=self.ca,
                                     credentials=Credentials()))
        opp = sf.query("SELECT Id, OwnerId FROM Opportunity LIMIT 1")["records"][0]
        contact = sf.query("SELECT Id FROM Contact LIMIT 1")["records"][0]
        return {"what_id": opp["Id"], "owner_id": opp["OwnerId"], "who_id": contact["Id"]}, sf

    def run(self, name: str, options: dict, rows: int) -> dict:
        path = os.path.join(self.state, f"{abs(hash(name))}.duckdb")
        warehouse = WarehouseResource(engine="duckdb", duckdb_path=path)
        ensure_tables(warehouse)
        links, sf = self.ids()
        tag = name.replace(" ", "").replace(",", "-").replace("+", "")
        queue_rows(warehouse, [{**links, "sync_key": f"{tag}-{i:06d}", "subject": f"Follow up {i}",
                                "activity_date": "2031-01-15"} for i in range(rows)])
        settings = Settings.model_validate({"sync_back": {"enabled": True, **options}})
        out = {"case": name, "rows": rows}
        for attempt in ("first run", "re-run"):
            self.control.reset_counters()
            started = time.perf_counter()
            resources = {"salesforce": self.salesforce, "warehouse": warehouse}
            result = dg.materialize([build_sink_asset(settings)], resources=resources)
            seconds = time.perf_counter() - started
            (event,) = result.asset_materializations_for_node("sync_back__salesforce_tasks")
            metadata = event.metadata
            counters = self.control.counters()
            sent = metadata["would_send" if options.get("dry_run") else "sent"].value
            out[attempt] = {"seconds": round(seconds, 2), "api_calls": counters["api_calls"],
                            "by_kind": counters["by_kind"], "sent": sent}
        count = sf.query(f"SELECT COUNT() FROM Task WHERE Dealsync_Key__c LIKE '{tag}-%'")
        out["tasks_in_salesforce"] = count["totalSize"]
        return out


def start_emulator(org: Path, port: int, state: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "salesforce_emulator", "serve",
                             "--org", str(org), "--port", str(port), "--state-dir", state],
                            stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("Salesforce emulator listening"):
            return proc
    raise RuntimeError("emulator did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=18445)
    parser.add_argument("--case", action="append", choices=sorted(CASES),
                        help="run only these cases (default: all)")
    args = parser.parse_args()
    state = tempfile.mkdtemp(prefix="bench-sink-")
    org = Path(state) / "org.json"
    org.write_text(json.dumps(ORG))
    proc = start_emulator(org, args.port, state)
    try:
        bench = Bench(args.port, state)
        for name in args.case or CASES:
            r = bench.run(name, CASES[name], args.rows)
            first, again = r["first run"], r["re-run"]
            print(f"{name:28} {r['rows']:>6,} rows  {first['api_calls']:>3} API calls "
                  f"{first['by_kind']}  {first['seconds']:>6.1f} s "
                  f"({r['rows'] / first['seconds']:,.0f} rows/s)  "
                  f"{'would send' if CASES[name].get('dry_run') else 'sent'} {first['sent']:,}  "
                  f"in Salesforce {r['tasks_in_salesforce']:,}  re-run {again['api_calls']} calls",
                  flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    run_and_exit(main)
