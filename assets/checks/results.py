"""GX validation results -> one Dagster AssetCheckResult: verdict, severity and what to look at.

A failed `critical` expectation makes the check fail with ERROR (it blocks the sink when the
check is blocking); failed `warning` expectations alone fail it with WARN. An expectation that
raised counts as failed with its own severity: the gate fails closed.
"""

import dagster as dg

from resources.secrets import redact

from .gx_runner import BatchResult

SAMPLE_IDS = 10


def _failed(results: list[BatchResult]) -> list[tuple[BatchResult, dict]]:
    out = []
    for batch_result in results:
        for r in batch_result.result.results:
            if not r.success:
                out.append((batch_result, r.to_json_dict()))  # JSON-safe: no numpy scalars
    return out


def _row(batch_result: BatchResult, r: dict) -> dict:
    config, result = r["expectation_config"], r.get("result") or {}
    id_column = batch_result.batch.id_column
    ids = [str(item.get(id_column)) for item in result.get("partial_unexpected_index_list") or []
           if isinstance(item, dict)]
    values = [str(v) for v in (result.get("partial_unexpected_list") or [])]
    error = _exception_message(r.get("exception_info"))
    return {"batch": batch_result.batch.name, "expectation": config["type"],
            "column": config["kwargs"].get("column"), "severity": config.get("severity"),
            "unexpected_count": result.get("unexpected_count"),
            "observed_value": result.get("observed_value"),
            "sample_ids": list(dict.fromkeys(ids))[:SAMPLE_IDS],
            "sample_values": list(dict.fromkeys(values))[:5], "error": error}


def _exception_message(info) -> str | None:
    """GX reports a raised expectation as {exception_message, ...} or {metric id: {...}}."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception") or info.get("exception_message"):
        return info.get("exception_message") or "raised an exception"
    for value in info.values():
        message = _exception_message(value)
        if message:
            return message
    return None


def check_result(results: list[BatchResult], extra: dict | None = None, *, what: str = "",
                 fix: str = "", secrets: tuple[str, ...] = ()) -> dg.AssetCheckResult:
    failed = [_row(b, r) for b, r in _failed(results)]
    for f in failed:
        f["error"] = redact(f["error"], secrets) if f["error"] else None
    critical = any(f["severity"] in (None, "critical") for f in failed)
    sample_ids = list(dict.fromkeys(i for f in failed for i in f["sample_ids"]))[:SAMPLE_IDS]
    evaluated = sum(len(b.result.results) for b in results)
    pages = [b.docs_url for b in results if b.docs_url]
    failing_pages = [b.docs_url for b in results if b.docs_url and not b.result.success]
    metadata = {
        "gx_evaluated": evaluated, "gx_failed": len(failed),
        "unexpected_count": sum(f["unexpected_count"] or 0 for f in failed),
        "sample_ids": dg.MetadataValue.json(sample_ids),
        "failed_expectations": dg.MetadataValue.json(failed),
        "failures": dg.MetadataValue.md(_table(failed)),
        **(extra or {}),
    }
    if pages:
        metadata["data_docs"] = dg.MetadataValue.url((failing_pages or pages)[0])
        metadata["data_docs_pages"] = dg.MetadataValue.json(pages)
    severity = dg.AssetCheckSeverity.WARN if failed and not critical else \
        dg.AssetCheckSeverity.ERROR
    description = None
    errors = [f for f in failed if f["error"]]
    if errors:  # the batch could not be validated (a missing table or column): say so first
        metadata["error"] = errors[0]["error"].strip().splitlines()[0][:500]
        description = f"{what}: {len(errors)} expectations could not run: {metadata['error']}. " \
                      f"Fix: {fix}"
    elif failed:
        description = "; ".join(
            f"{f['batch']}: {f['expectation']}" + (f"({f['column']})" if f["column"] else "")
            + (f" {f['unexpected_count']} rows, e.g. {', '.join(f['sample_ids'][:3])}"
               if f["unexpected_count"] else "")
            + (f" observed {f['observed_value']}" if f["observed_value"] is not None else "")
            for f in failed)[:1000]
    return dg.AssetCheckResult(passed=not failed, severity=severity, metadata=metadata,
                               description=description)


def _table(failed: list[dict]) -> str:
    if not failed:
        return "all expectations passed"
    lines = ["| batch | expectation | column | severity | unexpected | sample Ids |",
             "|---|---|---|---|---|---|"]
    for f in failed:
        sample = ", ".join(f["sample_ids"][:5]) or ", ".join(f["sample_values"]) or \
            str(f["observed_value"] if f["observed_value"] is not None else f["error"] or "")
        count = "" if f["unexpected_count"] is None else f["unexpected_count"]
        lines.append(f"| {f['batch']} | {f['expectation']} | {f['column'] or ''} | "
                     f"{f['severity']} | {count} | {sample.replace('|', '/')[:200]} |")
    return "\n".join(lines)


def error_result(what: str, exc: BaseException, fix: str,
                 secrets: tuple[str, ...] = ()) -> dg.AssetCheckResult:
    """The batch could not be read or validated at all: fail closed, say what and how to fix."""
    lines = str(exc).strip().splitlines()
    text = redact(f"{what}: {type(exc).__name__}: {lines[0][:500] if lines else ''}", secrets)
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.ERROR,
                               description=f"{text}. Fix: {fix}",
                               metadata={"error": text, "fix": fix})
