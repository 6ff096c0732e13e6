"""`dealsync status`: is the sync working?

    dealsync status                     per-object health, deals and skips, the sync-back outbox
    dealsync status --json              the same report as JSON (what the sync_status asset shows)
    dealsync status --check-connection  also log in to Salesforce and read the org's API usage

The warehouse and Salesforce come from the same environment variables as the pipeline
(DEALSYNC_WAREHOUSE, DEALSYNC_WAREHOUSE_URL, DEALSYNC_DUCKDB_PATH, SALESFORCE_*), the settings
from DEALSYNC_CONFIG. Exit status: 0 healthy, 1 needs attention (an object's last sync failed,
or a sync-back row failed), 2 the report could not be made (the message says which key to fix).
"""

import json
import sys

EXIT_OK, EXIT_ATTENTION, EXIT_ERROR = 0, 1, 2


def add_parser(commands) -> None:
    parser = commands.add_parser("status", help="is the sync working?",
                                 description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--check-connection", action="store_true",
                        help="log in to Salesforce and read the org's daily API usage "
                             "(spends two API calls)")
    parser.set_defaults(run=lambda args: run_status(args.json, args.check_connection))


def run_status(as_json: bool, check_connection: bool) -> int:
    try:
        report, connection = _report(check_connection)
    except Exception as exc:  # the user sees one line naming what to fix, not a traceback
        print(f"dealsync status: {describe_error(exc)}", file=sys.stderr)
        return EXIT_ERROR
    from assets.operations.status import needs_attention

    from .status_text import render

    if as_json:
        if connection is not None:
            report["salesforce"] = connection
        print(json.dumps(report, indent=2, default=str))
    else:
        print(render(report, _connection_line(connection)))
    return EXIT_ATTENTION if needs_attention(report) or (
        connection is not None and not connection["ok"]) else EXIT_OK


def _report(check_connection: bool) -> tuple[dict, dict | None]:
    import dagster as dg

    from assets.operations.status import collect
    from resources.settings import load_settings

    from ..resources import build_resources

    settings = load_settings()
    with dg.build_resources(build_resources()) as resources:  # resolves the EnvVars
        report = collect(resources.warehouse, settings.enabled_objects())
        connection = salesforce_connection(resources.salesforce) if check_connection else None
    return report, connection


def salesforce_connection(salesforce) -> dict:
    """Log in and read /limits: {"ok", "instance_url", "api_used", "api_max"} or the error."""
    from resources.salesforce.errors import SalesforceResourceError

    try:
        with salesforce.client() as client:
            daily = client.limits().get("DailyApiRequests", {})
            used = daily["Max"] - daily["Remaining"] if daily else None
            return {"ok": True, "instance_url": client.token.instance_url,
                    "api_used": used, "api_max": daily.get("Max")}
    except SalesforceResourceError as exc:
        return {"ok": False, "error": str(exc)}


def _connection_line(connection: dict | None) -> str | None:
    if connection is None:
        return None
    if not connection["ok"]:
        return f"Salesforce: cannot connect: {connection['error']}"
    return (f"Salesforce: connected to {connection['instance_url']}; org API usage today "
            f"{connection['api_used']} of {connection['api_max']}")


def describe_error(exc: Exception) -> str:
    """One line for the terminal, secrets scrubbed; settings and warehouse errors name the key."""
    import sqlalchemy as sa

    from resources.secrets import known_secrets, redact
    from resources.staging.connections import WarehouseLockTimeout

    exc = _cause(exc)
    if isinstance(exc, WarehouseLockTimeout):
        text = (f"the warehouse is busy ({exc}); DuckDB allows one writer, so retry when the "
                "run finishes, or use the PostgreSQL warehouse")
    elif isinstance(exc, sa.exc.OperationalError):
        reason = str(exc.orig or exc).strip().splitlines()[0]
        text = (f"cannot read the warehouse: {reason} (check DEALSYNC_WAREHOUSE_URL, or "
                "DEALSYNC_DUCKDB_PATH for DuckDB)")
    else:
        text = f"{type(exc).__name__}: {exc}"
    return redact(text, known_secrets())


def _cause(exc: Exception) -> Exception:
    """The error under Dagster's wrappers (a resource that failed to start wraps its reason)."""
    from dagster._core.errors import DagsterError

    while isinstance(exc, DagsterError):
        inner = getattr(exc, "user_exception", None) or exc.__cause__
        if inner is None:
            break
        exc = inner
    return exc

