"""How fast the emulator serves Opportunities through REST paging and Bulk 2.0 CSV.

The emulator runs as its own process (as in the demo and the ops tests), so the client's JSON
and CSV parsing does not share its GIL. Reported per API: records/s for a raw HTTP client, and
for the unmodified simple-salesforce client, plus the emulator's peak RSS.

    python -m bench.bench_emulator --scale large   # 1M opportunities
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
from salesforce_emulator.client import oauth_token, trusted_session

from pipelines.process_exit import run_and_exit

SOQL = ("SELECT Id, Name, StageName, Amount, CloseDate, Type, OwnerId, AccountId, IsClosed, IsWon, "
        "Probability, ForecastCategoryName, LastActivityDate, CreatedDate, LastModifiedDate, "
        "SystemModstamp, IsDeleted, Region__c FROM Opportunity")


def start_emulator(scale: str, port: int, state_dir: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "salesforce_emulator", "serve", "--scale", scale,
                             "--port", str(port), "--state-dir", state_dir],
                            stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("Salesforce emulator listening"):
            return proc
    raise RuntimeError("emulator did not start")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rest_raw(base: str, session, token: str) -> tuple[int, float]:
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    body = orjson.loads(session.get(f"{base}/services/data/v59.0/query/", params={"q": SOQL},
                                    headers=headers).content)
    n = len(body["records"])
    while not body["done"]:
        body = orjson.loads(session.get(base + body["nextRecordsUrl"], headers=headers).content)
        n += len(body["records"])
    return n, time.perf_counter() - started


def bulk_raw(base: str, session, token: str, page: int) -> tuple[int, float]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    job = session.post(f"{base}/services/data/v59.0/jobs/query", headers=headers, data=json.dumps(
        {"operation": "query", "query": SOQL, "columnDelimiter": "COMMA", "lineEnding": "LF"})).json()
    while session.get(f"{base}/services/data/v59.0/jobs/query/{job['id']}",
                      headers=headers).json()["state"] != "JobComplete":
        time.sleep(0.05)
    n, locator = 0, None
    while locator != "null":
        params = {"maxRecords": page, **({"locator": locator} if locator else {})}
        result = session.get(f"{base}/services/data/v59.0/jobs/query/{job['id']}/results",
                             params=params, headers=headers)
        n += int(result.headers["Sforce-NumberOfRecords"])
        locator = result.headers["Sforce-Locator"]
    return n, time.perf_counter() - started


def through_simple_salesforce(base: str, ca: str, token: str) -> dict:
    from simple_salesforce import Salesforce
    sf = Salesforce(instance_url=base, session_id=token, session=trusted_session(ca))
    started = time.perf_counter()
    n = sum(1 for _ in sf.query_all_iter(SOQL))
    rest = n / (time.perf_counter() - started)
    started = time.perf_counter()
    m = sum(page.count("\n") - 1 for page in sf.bulk2.Opportunity.query(SOQL, max_records=100000, wait=0.1))
    bulk = m / (time.perf_counter() - started)
    return {"rest_records_per_s": round(rest), "bulk_records_per_s": round(bulk), "records": n}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="large", choices=("small", "medium", "large"))
    parser.add_argument("--port", type=int, default=18443)
    parser.add_argument("--bulk-page", type=int, default=100000)
    parser.add_argument("--skip-client", action="store_true", help="skip the simple-salesforce pass")
    args = parser.parse_args()
    state = tempfile.mkdtemp()
    started = time.perf_counter()
    proc = start_emulator(args.scale, args.port, state)
    load_s = time.perf_counter() - started
    try:
        base = f"https://127.0.0.1:{args.port}"
        ca = os.path.join(state, "ca.pem")
        from salesforce_emulator.api.app import Credentials
        c = Credentials()
        token = oauth_token(base, ca, c.client_id, c.client_secret)["access_token"]
        session = trusted_session(ca)
        n, rest_s = rest_raw(base, session, token)
        m, bulk_s = bulk_raw(base, session, token, args.bulk_page)
        result = {"scale": args.scale, "startup_s": round(load_s, 1), "records": n,
                  "rest_raw_records_per_s": round(n / rest_s), "rest_raw_s": round(rest_s, 1),
                  "bulk_raw_records_per_s": round(m / bulk_s), "bulk_raw_s": round(bulk_s, 1)}
        if not args.skip_client:
            result["simple_salesforce"] = through_simple_salesforce(base, ca, token)
        result["emulator_peak_rss_mb"] = round(peak_rss_mb(proc.pid))
        print(json.dumps(result, indent=2))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    run_and_exit(main)
