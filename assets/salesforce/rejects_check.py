"""The WARN asset check on each object: its records that could not be staged.

Run by the extraction op itself (no separate step, no Great Expectations), right after the
object lands; it reads staging.rejects, so a reject from an earlier run that is still not fixed
keeps the check failing, and a fixed record clears it.
"""

import dagster as dg

from assets.keys import REJECTS_CHECK, object_key
from resources.warehouse import WarehouseResource


def rejects_check_spec(name: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        REJECTS_CHECK, asset=object_key(name),
        description=f"Records of {name} that could not be staged (no or a malformed Id, a value "
                    "that does not fit its type, text that cannot be stored): a warning, the "
                    "rest landed. They are in staging.rejects, each with its fix, until a later "
                    "sync lands them.")


def rejects_checks(context, warehouse: WarehouseResource, runs: dict):
    """The WARN check of each object this run landed: its records in staging.rejects."""
    wanted = [n for n in runs
              if dg.AssetCheckKey(object_key(n), REJECTS_CHECK) in context.selected_asset_check_keys]
    if not wanted:
        return
    found = warehouse.rejects()
    for name in wanted:
        rows = found.get(name, [])
        yield dg.AssetCheckResult(
            asset_key=object_key(name), check_name=REJECTS_CHECK, passed=not rows,
            severity=dg.AssetCheckSeverity.WARN,
            description=(f"{len(rows)} {name} records could not be staged; the rest landed"
                         if rows else f"every {name} record landed"),
            metadata={"rejected_records": len(rows),
                      "rejects": dg.MetadataValue.md(_rejects_markdown(rows[:20]))})


def _rejects_markdown(rows: list[dict]) -> str:
    if not rows:
        return "none"
    lines = ["| Id | field | value | error | fix |", "|---|---|---|---|---|"]
    for r in rows:
        cells = [r["record_id"] or "(none)", r["field"], r["value_excerpt"] or "", r["error"],
                 r["fix"]]
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


