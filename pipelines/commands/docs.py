"""`dealsync docs`: the data dictionary, dbt's documentation site for the deal warehouse."""

import argparse
from pathlib import Path


def add_parser(commands) -> None:
    from assets.deal_warehouse.docs import OUTPUT

    parser = commands.add_parser("docs", help="write (and serve) the deal-warehouse data "
                                 "dictionary", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUTPUT, help=f"folder (default {OUTPUT})")
    parser.add_argument("--serve", type=int, metavar="PORT", help="serve the folder afterwards")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from assets.deal_warehouse.docs import generate
    from pipelines.resources import build_resources

    warehouse = build_resources()["warehouse"]
    built = warehouse.engine == "postgres" or Path(warehouse.duckdb_path).exists()
    page = generate(warehouse, args.out, empty_catalog=not built)
    print(f"data dictionary: {page}")
    if args.serve:
        import functools
        import http.server

        handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                    directory=str(args.out))
        print(f"serving on http://127.0.0.1:{args.serve}/ (Ctrl-C stops)")
        http.server.ThreadingHTTPServer(("127.0.0.1", args.serve), handler).serve_forever()
    return 0
