"""Deal-review documents: N PDFs rendered and attached to N opportunities as Salesforce Files.

Starts an emulator with N opportunities, fills a DuckDB deal warehouse with N deals (3 contacts,
10 activities, 5 emails and 4 stage entries each), then measures
  - PDF generation alone: wall time and peak Python memory (tracemalloc) for N documents;
  - the real document asset: wall time, API calls (the emulator's counters: what Salesforce
    would charge), and a re-run, which must cost nothing.

    python -m bench.bench_documents --documents 1000 [--multipart]
"""

import argparse
import json
import resource
import socket
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import sqlalchemy as sa
from salesforce_emulator.api.app import Credentials
from salesforce_emulator.client import Control, connect

from assets.deal_documents.asset import build_documents_asset
from assets.deal_documents.facts import read_facts
from assets.deal_documents.pdf import render_pdf
from bench.bench_sink import start_emulator
from pipelines.process_exit import run_and_exit
from resources.salesforce import SalesforceResource
from resources.settings import Settings
from resources.warehouse import WarehouseResource

TABLES = {
    "deals": "opportunity_id varchar, opportunity_name varchar, account_name varchar, "
             "owner_name varchar, owner_email varchar, stage_name varchar, amount double, "
             "probability double, close_date date, forecast_category varchar, next_step varchar, "
             "opportunity_type varchar, last_activity_date date, created_date timestamp, "
             "is_closed boolean",
    "deal_contacts": "opportunity_id varchar, contact_name varchar, role varchar, "
                     "is_primary boolean, contact_email varchar, contact_title varchar",
    "deal_activities": "opportunity_id varchar, activity_id varchar, activity_date date, "
                       "activity_type varchar, subtype varchar, subject varchar, status varchar, "
                       "owner_name varchar",
    "deal_emails": "opportunity_id varchar, email_id varchar, message_date timestamp, "
                   "direction varchar, from_name varchar, from_address varchar, subject varchar",
    "deal_stage_history": "opportunity_id varchar, entry_number bigint, stage_name varchar, "
                          "entered_at timestamp, exited_at timestamp, days_in_stage double, "
                          "is_current boolean",
}
STAGES = ["Prospecting", "Qualification", "Proposal", "Negotiation/Review"]


def org(n: int) -> dict:
    return {"User": [{"_ref": "u", "Username": "rep@bench.example", "LastName": "Rep",
                      "Email": "rep@bench.example", "Alias": "rep",
                      "TimeZoneSidKey": "Europe/Berlin"}],
            "Account": [{"_ref": "a", "Name": "Bench Inc", "OwnerId": "@u"}],
            "Opportunity": [{"Name": f"Bench deal {i:05d}", "AccountId": "@a", "OwnerId": "@u",
                             "StageName": "Negotiation/Review", "CloseDate": "2031-01-01",
                             "Amount": 60000 + i} for i in range(n)]}


def fill_warehouse(warehouse: WarehouseResource, ids: list[str]) -> None:
    """N deals with the detail a real deal has, in the deal warehouse's table shapes."""
    now = datetime(2026, 11, 30)
    rows = {name: [] for name in TABLES}
    for n, opp in enumerate(ids):
        rows["deals"].append({"opportunity_id": opp, "opportunity_name": f"Bench deal {n:05d}",
                              "account_name": "Bench Inc", "owner_name": "Rita Rep",
                              "owner_email": "rep@bench.example", "stage_name": STAGES[-1],
                              "amount": 60000.0 + n, "probability": 60.0,
                              "close_date": now.date() + timedelta(days=40),
                              "forecast_category": "Pipeline", "next_step": "Send the contract",
                              "opportunity_type": "New Business",
                              "last_activity_date": now.date(), "created_date": now - timedelta(90),
                              "is_closed": False})
        rows["deal_contacts"] += [{"opportunity_id": opp, "contact_name": f"Buyer {k}",
                                   "role": "Decision Maker" if k == 0 else "Influencer",
                                   "is_primary": k == 0, "contact_email": f"b{k}@bench.example",
                                   "contact_title": "VP"} for k in range(3)]
        rows["deal_activities"] += [{"opportunity_id": opp, "activity_id": f"{opp}-a{k}",
                                     "activity_date": now.date() - timedelta(days=3 * k),
                                     "activity_type": "task", "subtype": "Call",
                                     "subject": f"Call {k} about pricing", "status": "Completed",
                                     "owner_name": "Rita Rep"} for k in range(10)]
        rows["deal_emails"] += [{"opportunity_id": opp, "email_id": f"{opp}-e{k}",
                                 "message_date": now - timedelta(days=5 * k),
                                 "direction": "inbound", "from_name": "Buyer 0",
                                 "from_address": "b0@bench.example",
                                 "subject": f"Re: proposal v{k}"} for k in range(5)]
        rows["deal_stage_history"] += [{"opportunity_id": opp, "entry_number": k + 1,
                                        "stage_name": stage,
                                        "entered_at": now - timedelta(days=90 - 20 * k),
                                        "exited_at": None if k == 3 else
                                        now - timedelta(days=70 - 20 * k),
                                        "days_in_stage": 20.0, "is_current": k == 3}
                                       for k, stage in enumerate(STAGES)]
    with warehouse.connection() as connection:
        connection.execute(sa.text("create schema if not exists warehouse"))
        for name, columns in TABLES.items():
            connection.execute(sa.text(f"create table warehouse.{name} ({columns})"))
            names = list(rows[name][0])
            connection.execute(sa.text(f"insert into warehouse.{name} ({', '.join(names)}) "
                                       f"values ({', '.join(':' + c for c in names)})"),
                               rows[name])


def measure_rendering(warehouse: WarehouseResource, ids: list[str]) -> dict:
    """Render every document twice: timed alone, then under tracemalloc for the peak."""
    with warehouse.connection() as connection:
        facts = [read_facts(connection, opp, 10) for opp in ids]
    when = datetime(2026, 12, 1)
    started = time.perf_counter()
    size = sum(len(render_pdf(f, f"Deal review {f.deal['opportunity_name']}", "2026-12", when))
               for f in facts)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    for f in facts:
        render_pdf(f, f"Deal review {f.deal['opportunity_name']}", "2026-12", when)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": round(seconds, 2), "peak_mib": round(peak / 2**20, 2),
            "mean_kib": round(size / len(ids) / 1024, 1)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--multipart", action="store_true", help="send every file multipart")
    args = parser.parse_args()
    state = tempfile.mkdtemp(prefix="bench-documents-")
    args.port = args.port or free_port()
    org_path = Path(state) / "org.json"
    org_path.write_text(json.dumps(org(args.documents)))
    proc = start_emulator(org_path, args.port, state)
    try:
        base, ca = f"https://127.0.0.1:{args.port}", str(Path(state) / "ca.pem")
        sf = connect(SimpleNamespace(base_url=base, ca_path=ca, credentials=Credentials()))
        ids = [r["Id"] for r in sf.query_all("SELECT Id FROM Opportunity ORDER BY Name")["records"]]
        warehouse = WarehouseResource(engine="duckdb", duckdb_path=str(Path(state) / "dw.duckdb"))
        fill_warehouse(warehouse, ids)
        render = measure_rendering(warehouse, ids)
        print(f"PDF generation: {len(ids):,} documents in {render['seconds']} s, peak Python "
              f"memory {render['peak_mib']} MiB (tracemalloc), mean size {render['mean_kib']} KiB",
              flush=True)
        c = Credentials()
        salesforce = SalesforceResource(instance_url=base, ca_bundle=ca, client_id=c.client_id,
                                        client_secret=c.client_secret)
        options = {"enabled": True, "rules": [{"name": "deal_review", "when": "not is_closed"}],
                   **({"multipart_over_bytes": 0} if args.multipart else {})}
        settings = Settings.model_validate({"documents": options})
        control = Control(base, ca)
        for attempt in ("first run", "re-run"):
            control.reset_counters()
            started = time.perf_counter()
            result = dg.materialize([build_documents_asset(settings.documents)],
                                    resources={"salesforce": salesforce, "warehouse": warehouse})
            seconds = time.perf_counter() - started
            (event,) = result.asset_materializations_for_node(
                "sync_back__salesforce_deal_documents")
            counters = control.counters()
            print(f"asset {attempt}: attached {event.metadata['sent'].value:,} in {seconds:.1f} s "
                  f"({args.documents / seconds:,.1f} docs/s), {counters['api_calls']} API calls "
                  f"{counters['by_kind']}", flush=True)
        files = sf.query("SELECT COUNT() FROM ContentVersion WHERE ReasonForChange LIKE "
                         "'[dealsync:deal_review:%'")["totalSize"]
        print(f"ContentVersions in Salesforce: {files:,}; process peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    run_and_exit(main)
