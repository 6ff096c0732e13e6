"""Which fields of an object to query: the configured list intersected with the org's describe."""

from resources.settings.catalog import ObjectSpec


def select_fields(spec: ObjectSpec, describe: dict) -> tuple[dict[str, str], list[str]]:
    """(field name -> Salesforce type to query, in describe order; curated fields the org lacks).

    Compound parents (addresses, geolocations) are dropped and their components kept: Bulk
    refuses compound fields, and the components carry the same data.
    """
    wanted = None if spec.fields is None else set(spec.fields)
    selected = {}
    for field in describe["fields"]:
        if field["type"] in ("address", "location", "base64") or field.get("deprecatedAndHidden"):
            continue
        if wanted is None or field["name"] in wanted:
            selected[field["name"]] = field["type"]
    missing = (wanted or set()) - set(selected)
    for name in ("Id", "SystemModstamp"):
        if name not in selected:
            raise ValueError(f"{spec.name}: describe has no {name}; dealsync needs Id and "
                             "SystemModstamp to extract incrementally")
    return selected, sorted(missing)


def reconciliation_fields(fields: dict[str, str], describe: dict) -> dict[str, str]:
    """What the daily reconciliation compares: Id, SystemModstamp, IsDeleted where the object
    has it, and the selected formula and roll-up fields (describe's `calculated`), whose values
    change without SystemModstamp moving."""
    calculated = {f["name"] for f in describe["fields"] if f.get("calculated")}
    return {name: sf_type for name, sf_type in fields.items()
            if name in ("Id", "SystemModstamp", "IsDeleted") or name in calculated}
