"""`dealsync doctor`: check an org before the first sync and say what to fix.

    dealsync doctor          every check, with the fix for what is missing
    dealsync doctor --json   the same as JSON

It logs in with the same SALESFORCE_* variables and settings (DEALSYNC_CONFIG) as the pipeline,
and spends two or three API calls. Exit status: 0 ready (warnings say what will be left out),
1 something to fix first, 2 it could not log in (the message says why).
"""

import argparse
import json
import sys

EXIT_READY, EXIT_FIX, EXIT_ERROR = 0, 1, 2
MARK = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


def add_parser(commands) -> None:
    parser = commands.add_parser("doctor", help="check an org before the first sync",
                                 description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import dagster as dg

    from assets.operations.doctor import FAIL, examine
    from resources.settings import load_settings

    from ..resources import build_resources
    from .status import describe_error

    try:
        settings = load_settings()
        with dg.build_resources(build_resources()) as resources:
            with resources.salesforce.client() as client:
                findings = examine(client, settings)
                instance = client.token.instance_url
    except Exception as exc:  # one line naming what to fix, not a traceback
        print(f"dealsync doctor: {describe_error(exc)}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps({"instance_url": instance, "findings": [f.__dict__ for f in findings]},
                         indent=2))
    else:
        print(f"dealsync doctor: {instance}")
        for f in findings:
            print(f"  {MARK[f.level]}  {f.check}: {f.message}")
        failing = sum(f.level == FAIL for f in findings)
        print("Ready for the first sync." if not failing else
              f"{failing} thing(s) to fix before the first sync.")
    return EXIT_FIX if any(f.level == FAIL for f in findings) else EXIT_READY
