"""`dealsync demo`: the whole pipeline end to end against a local emulated org (`make demo`)."""

import argparse


def add_parser(commands) -> None:
    parser = commands.add_parser("demo", help="run the pipeline end to end against the emulator",
                                 description=__doc__.splitlines()[0])
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..demo import main

    return main()
