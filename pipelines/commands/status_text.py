"""`dealsync status` as the terminal shows it: a table per object, then deals and the outbox."""

HEADERS = ("object", "state", "last success (UTC)", "staged", "deleted", "last run",
           "API calls today", "last error")


def render(report: dict, connection_line: str | None = None) -> str:
    """The report as the terminal shows it."""
    lines = [f"dealsync status at {report['generated_at']} UTC "
             f"(warehouse: {report['warehouse']})"]
    if connection_line:
        lines.append(connection_line)
    lines += ["", *_table(report["objects"]), ""]
    t = report["totals"]
    lines.append(f"Objects: {t['objects_ok']} ok, {t['objects_failing']} failing, "
                 f"{t['objects_never_synced']} never synced; {t['records_staged']} records "
                 f"staged; {t['api_calls_today']} API calls today")
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
    errors = [o for o in report["objects"] if o["state"] == "failing"]
    for o in errors:
        lines += ["", f"{o['object']} failing since {o['last_failure_at']} "
                  f"({o['consecutive_failures']} in a row): {o['last_error']}"]
    return "\n".join(lines)


def _table(objects: list[dict]) -> list[str]:
    rows = [[o["object"], o["state"], o["last_success_at"] or "-", o["records_staged"],
             o["records_deleted"], "-" if o["records_last_run"] is None else o["records_last_run"],
             o["api_calls_today"], _first_line(o["last_error"])] for o in objects]
    widths = [max(len(str(v)) for v in column) for column in zip(HEADERS, *rows)]
    numeric = {3, 4, 5, 6}

    def line(values) -> str:
        cells = [str(v).rjust(w) if i in numeric else str(v).ljust(w)
                 for i, (v, w) in enumerate(zip(values, widths))]
        return "  ".join(cells).rstrip()

    return [line(HEADERS), *(line(r) for r in rows)]


def _first_line(error: str | None, width: int = 60) -> str:
    if not error:
        return "-"
    first = error.strip().splitlines()[0]
    return first if len(first) <= width else first[:width - 3] + "..."
