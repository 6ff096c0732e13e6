"""`dealsync dbt`: the deal warehouse's dbt project (transforms/) outside a Dagster run.

    dealsync dbt parse   build the manifest of each engine (the install step; no database)
    dealsync dbt vars    the settings as dbt vars, JSON, for `dbt build --vars '...'` by hand
"""

import argparse
import json


def add_parser(commands) -> None:
    parser = commands.add_parser("dbt", help="the deal warehouse's dbt project: parse, vars",
                                 description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("action", choices=("parse", "vars"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.action == "parse":
        from assets.deal_warehouse.project import ENGINES, ensure_manifest

        for engine in ENGINES:
            print(f"dbt manifest ({engine}): {ensure_manifest(engine)}")
        return 0
    from assets.deal_warehouse.settings_vars import licensed_rows, settings_vars
    from pipelines.resources import build_resources
    from resources.settings import load_settings

    settings = load_settings()
    if settings.licensed_users.table is not None:  # a warehouse table: read it
        with build_resources()["warehouse"].connection(read_only=True) as connection:
            licensed = licensed_rows(connection, settings)
    else:
        licensed = licensed_rows(None, settings)
    print(json.dumps(settings_vars(settings, licensed)))
    return 0
