"""What the Salesforce resource costs on top of bare simple-salesforce: REST pages and Bulk 2.0.

Both sides read the same Opportunities from one emulator process, so the difference is the
resource's own work per page (quota guard, metering, retry wrapper, stripping `attributes`).
Best of `--repeat` runs each, to keep scheduler noise out of the ratio.

    python -m bench.bench_salesforce_client --scale medium --repeat 3
"""

import argparse
import csv
import io
import os
import tempfile
import time

from salesforce_emulator.api.app import Credentials
from salesforce_emulator.client import oauth_token, trusted_session
from simple_salesforce import Salesforce

from bench.bench_emulator import start_emulator
from pipelines.process_exit import run_and_exit
from resources.salesforce import SalesforceResource

SOQL = ("SELECT Id, Name, StageName, Amount, CloseDate, OwnerId, AccountId, IsClosed, IsWon, "
        "SystemModstamp, IsDeleted FROM Opportunity")


def csv_rows(page: bytes) -> int:
    return sum(1 for _ in csv.DictReader(io.StringIO(page.decode("utf-8"))))


def bare_client(base: str, ca: str) -> Salesforce:
    c = Credentials()
    token = oauth_token(base, ca, c.client_id, c.client_secret)
    return Salesforce(instance_url=base, session_id=token["access_token"],
                      session=trusted_session(ca), version="59.0")


def resource(base: str, ca: str) -> SalesforceResource:
    c = Credentials()
    return SalesforceResource(instance_url=base, ca_bundle=ca, client_id=c.client_id,
                              client_secret=c.client_secret, bulk_poll_seconds="0.05")


def bare_rest(base, ca) -> int:
    return sum(1 for _ in bare_client(base, ca).query_all_iter(SOQL))


def bare_bulk(base, ca) -> int:
    pages = bare_client(base, ca).bulk2.Opportunity.query(SOQL, max_records=50_000, wait=0.05)
    return sum(csv_rows(page) for page in pages)


def resource_rest(base, ca) -> int:
    with resource(base, ca).client() as sf:
        return sum(len(page) for page in sf.query_pages(SOQL, object="Opportunity"))


def resource_bulk(base, ca) -> int:
    with resource(base, ca).client() as sf:
        return sum(csv_rows(page) for page in sf.bulk_query_pages(SOQL, object="Opportunity"))


def best_rate(run, base: str, ca: str, repeat: int) -> tuple[int, float]:
    best, rows = 0.0, 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = run(base, ca)
        best = max(best, rows / (time.perf_counter() - started))
    return rows, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="medium", choices=("small", "medium", "large"))
    parser.add_argument("--port", type=int, default=18444)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    state = tempfile.mkdtemp()
    proc = start_emulator(args.scale, args.port, state)
    try:
        base, ca = f"https://127.0.0.1:{args.port}", os.path.join(state, "ca.pem")
        for api, bare, ours in (("REST", bare_rest, resource_rest),
                                ("Bulk 2.0", bare_bulk, resource_bulk)):
            rows, bare_rate = best_rate(bare, base, ca, args.repeat)
            rows_ours, our_rate = best_rate(ours, base, ca, args.repeat)
            assert rows == rows_ours, f"{api}: resource read {rows_ours} rows, bare client {rows}"
            print(f"{api:9} {rows:>9,} rows   bare {bare_rate:>9,.0f} rows/s   "
                  f"resource {our_rate:>9,.0f} rows/s   ({our_rate / bare_rate:.0%})")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    run_and_exit(main)
