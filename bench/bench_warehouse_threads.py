"""Stress the deal warehouse's dbt build on PostgreSQL with many threads: the same fixture org
built again and again from an empty warehouse schema, counting runs that fail.

    .venv/bin/python -m bench.bench_warehouse_threads --runs 100 --threads 8

Why: dbt-adapters marks a schema cached with its first relation, so a model thread that looked
up a staging table while another thread was still listing the staging schema could read it as
missing (transforms/macros/staged_columns.sql). A flake like that needs many runs to show, so
it is counted here, not asserted in a timed test. PostgreSQL comes from tests.support.postgres
(127.0.0.1:5432, or one started from the binaries on PATH).
"""

import argparse
import logging
import os
import tempfile
from collections import Counter
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    os.environ["DEALSYNC_PG_THREADS"] = str(args.threads)  # profiles.yml reads it
    logging.disable(logging.CRITICAL)

    from tests.deal_warehouse.support import (
        ORGS,
        OrgRun,
        reset_warehouse,
        transform,
        warehouse_settings,
    )
    from tests.support.postgres import start_postgres

    server = start_postgres()
    org = OrgRun(ORGS / "deal_rules.json", "postgres", Path(tempfile.mkdtemp()), server)
    settings, failures = warehouse_settings(), Counter()
    try:
        for number in range(args.runs):
            reset_warehouse(org.warehouse)
            result = transform(org.warehouse, settings, raise_on_error=False)
            if not result.success:
                (failure,) = [e for e in result.all_events if e.is_step_failure]
                message = failure.step_failure_data.error.message
                failures[message.splitlines()[0][:160]] += 1
                print(f"run {number}: {message.splitlines()[0][:160]}", flush=True)
    finally:
        org.close()
    print(f"{sum(failures.values())} of {args.runs} builds failed "
          f"(PostgreSQL, {args.threads} dbt threads)")
    for message, count in failures.most_common():
        print(f"  {count} x {message}")


if __name__ == "__main__":
    main()
