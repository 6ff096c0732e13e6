"""The field sink's run metadata: counts, API calls, and markdown tables of problems/previews."""

import dagster as dg

from .sink import FieldSink

COUNTS = ("sent", "recovered", "conflict", "failed", "retrying", "in_flight")


def _cell(value) -> str:
    return ("" if value is None else str(value)).replace("|", "/").replace("\n", " ")[:200]


def _diff_counts(sink: FieldSink) -> dict:
    return {f"skipped_{k}": int(v) for k, v in sink.diff.counts.items()}


def run_metadata(sink: FieldSink, accounting: dict) -> dict:
    lines = ["| object | record | field | status | staged | desired | Salesforce | errorCode "
             "| message |", "|---|---|---|---|---|---|---|---|---|"]
    for r in sink.problems:
        c = r.change
        lines.append("| " + " | ".join(_cell(v) for v in (
            c.object, c.record_id, c.field, r.status, c.before, c.after, r.salesforce_value,
            r.error_code, r.message)) + " |")
    metadata = {
        **{name: int(sink.counts[name]) for name in COUNTS}, **_diff_counts(sink),
        "dry_run": False, "api_calls": int(accounting["api_calls"]),
        "api_calls_by_api": dg.MetadataValue.json(accounting["by_api"]),
        "fields_by_state": dg.MetadataValue.json(sink.ledger.counts()),
        "problems": dg.MetadataValue.md("\n".join(lines) if sink.problems
                                        else "no conflicts, failed or retrying fields"),
    }
    if sink.stopped:
        metadata["stopped"] = sink.stopped
    return metadata


def dry_run_metadata(sink: FieldSink, accounting: dict) -> dict:
    lines = ["| object | record | field | before | after | why |", "|---|---|---|---|---|---|"]
    changes = [(c, "") for c in sink.diff.changes] + [(c, "conflict: ") for c in
                                                      sink.diff.conflicts]
    for c, tag in changes[:50]:
        lines.append("| " + " | ".join(_cell(v) for v in (
            c.object, c.record_id, c.field, c.before, c.after, tag + c.why)) + " |")
    return {
        "dry_run": True, "api_calls": int(accounting["api_calls"]),
        "would_send": int(sink.counts["would_send"]),
        "would_conflict": int(sink.counts["would_conflict"]), **_diff_counts(sink),
        "preview_table": "sync_back.field_update_preview",
        "preview": dg.MetadataValue.md("\n".join(lines) if changes else "nothing to send"),
    }
