"""`dealsync emulator ...`: the local Salesforce emulator, for demos, tests and benchmarks.

It is a development tool, a separate distribution (`emulator/` in the repository) that the
product wheel does not contain: `make install` installs it beside dealsync.
"""

import argparse
import importlib.util
import sys

MODULE = "salesforce_emulator"


def add_parser(commands) -> None:
    # No options of its own: prefix "+" makes argparse pass even a leading `--help` on to the
    # emulator (a REMAINDER argument cannot start with an option string).
    parser = commands.add_parser("emulator", help="run the local Salesforce emulator (dev tool)",
                                 description=__doc__.splitlines()[0], add_help=False,
                                 prefix_chars="+")
    parser.add_argument("arguments", nargs=argparse.REMAINDER,
                        help="passed to the emulator, e.g. `serve --port 8443`")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if importlib.util.find_spec(MODULE) is None:
        print("dealsync emulator: the emulator is not installed. It is a development tool kept "
              "in the repository's emulator/ folder: run `make install` there, or "
              "`pip install -e ./emulator`.", file=sys.stderr)
        return 2
    from salesforce_emulator.__main__ import main

    return main(args.arguments or ["--help"])
