"""`dealsync docs`: write the deal-warehouse data dictionary (or check it is current)."""

import argparse


def add_parser(commands) -> None:
    parser = commands.add_parser("docs", help="write the deal-warehouse data dictionary",
                                 description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if it is out of date")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from assets.warehouse.dictionary import main

    return main(["--check"] if args.check else [])
