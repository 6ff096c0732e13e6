"""`dealsync status` as the terminal shows it: a table per object, then deals and the outbox."""

HEADERS = ("object", "state", "history from", "last success (UTC)", "staged", "deleted",
           "last run", "dealsync API calls today", "last error (UTC)")
NUMERIC = {4, 5, 6, 7}


def render(report: dict, connection_line: str | None = None) -> str:
    """The report as the terminal shows it."""
    lines = [f"dealsync status at {report['generated_at']} UTC "
             f"(warehouse: {report['warehouse']})"]
    if connection_line:
        lines.append(connection_line)
    lines += ["", *_table(report["objects"]), ""]
    t = report["totals"]
    running = f", {t['objects_running']} running" if t.get("objects_running") else ""
    lines.append(f"Objects: {t['objects_ok']} ok, {t['objects_failing']} failing{running}, "
                 f"{t['objects_never_synced']} never synced; {t['records_staged']} records "
                 "staged")
    lines.append(_api_line(t["api_calls_today"], report.get("org_api")))
    deals = report["deals"]
    if deals is None:
        lines.append("Deals: the deal warehouse has not been built yet")
    else:
        reasons = ", ".join(f"{r} {n}" for r, n in deals["skips_by_reason"].items())
        lines.append(f"Deals: {deals['deals']} in the warehouse; {deals['deal_skips']} skipped "
                     f"({reasons})")
    outbox = report["sync_back"]
    if outbox is None:
        lines.append("Sync-back: the outbox has not been created yet")
    else:
        lines.append("Sync-back outbox: " + ", ".join(
            f"{status.replace('_', ' ')} {n}" for status, n in outbox.items()))
    return "\n".join(lines + _errors(report["objects"]))


def _api_line(own: int, org: dict | None) -> str:
    """dealsync's own calls today beside the org's total, which other integrations share."""
    text = f"API calls today: {own} by dealsync"
    if org is None:
        return text + " (the org's total shows after a sync, or with --check-connection)"
    return (text + f"; the org's total (every integration) was {org['used']} of "
            f"{org['daily_max']} at {org['seen_at']} UTC")


def _errors(objects: list[dict]) -> list[str]:
    """Each distinct error once, with every object it stopped and when it was first seen."""
    groups: dict[str, list[dict]] = {}
    for o in objects:
        if o["state"] == "failing" and o["last_error"]:
            groups.setdefault(o["last_error"], []).append(o)
    lines = []
    for error, failing in groups.items():
        names = ", ".join(o["object"] for o in failing)
        since = min(o["last_failure_at"] or "" for o in failing)
        lines += ["", f"{names} failing since {since} UTC "
                  f"({max(o['consecutive_failures'] for o in failing)} in a row): {error}"]
    return lines


def _state(o: dict) -> str:
    running = o.get("running")
    if not running:
        return o["state"]
    expected = running["expected"]
    return f"running {running['landed']}" + (f" of {expected}" if expected is not None else "")


def _table(objects: list[dict]) -> list[str]:
    rows = [[o["object"], _state(o), (o.get("history_start") or "-")[:10],
             o["last_success_at"] or "-", o["records_staged"], o["records_deleted"],
             "-" if o["records_last_run"] is None else o["records_last_run"],
             o["api_calls_today"], _last_error(o)] for o in objects]
    widths = [max(len(str(v)) for v in column) for column in zip(HEADERS, *rows)]

    def line(values) -> str:
        cells = [str(v).rjust(w) if i in NUMERIC else str(v).ljust(w)
                 for i, (v, w) in enumerate(zip(values, widths))]
        return "  ".join(cells).rstrip()

    return [line(HEADERS), *(line(r) for r in rows)]


def _last_error(o: dict, width: int = 60) -> str:
    """The error's first line, dated: an old error next to a recent success reads as such."""
    error = o["last_error"]
    if not error:
        return "-"
    first = error.strip().splitlines()[0]
    first = first if len(first) <= width else first[:width - 3] + "..."
    return f"{(o.get('last_failure_at') or '')[:16]} {first}".strip()
