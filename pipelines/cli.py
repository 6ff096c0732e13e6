"""`dealsync`: the one command for people running the sync.

    dealsync status      is the sync working? (per object, deals, the sync-back outbox)
    dealsync doctor      is this org ready for a first sync? (what to fix, if anything)
    dealsync backfill    backfill the period the settings ask for
    dealsync docs        the deal-warehouse data dictionary (dbt docs)
    dealsync dbt         the deal warehouse's dbt project: parse, vars
    dealsync emulator    the local Salesforce emulator (a development tool, installed separately)
    dealsync demo        the whole pipeline end to end against the emulator

The warehouse and Salesforce come from the same environment variables as the pipeline
(DEALSYNC_WAREHOUSE, DEALSYNC_WAREHOUSE_URL, DEALSYNC_DUCKDB_PATH, SALESFORCE_*), the settings
from DEALSYNC_CONFIG.
"""

import argparse
import os
import sys

from .commands import backfill, dbt, demo, docs, doctor, emulator, status
from .process_exit import run_and_exit

COMMANDS = (status, doctor, backfill, docs, dbt, emulator, demo)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dealsync", description=__doc__.splitlines()[0],
                                     epilog="Run `dealsync COMMAND --help` for a command's "
                                            "options.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(commands)
    args = parser.parse_args(argv)
    return args.run(args)


def entry() -> None:
    """The console script: exit without DuckDB's interpreter-teardown noise."""
    run_and_exit(_main_until_the_reader_leaves)


def _main_until_the_reader_leaves() -> int:
    """`dealsync status --json | head`: when the reader closes the pipe, stop quietly (as a
    Unix tool does), not with a BrokenPipeError traceback."""
    try:
        return main()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
