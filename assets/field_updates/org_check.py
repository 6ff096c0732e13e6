"""Does a mapping fit the staging tables and the org? Each problem names its settings key.

Staging first (no API call): the object must be synced with the mapped fields, since the diff
reads what Salesforce held as last staged. Then describe (one call per object, made only when
something is to be sent or previewed): the object and fields exist, are writable, are not
formulas, fit the source's types, and a constant for a restricted picklist is an active value.
"""

from dataclasses import dataclass

from resources.salesforce import SalesforceCallError
from resources.settings.field_updates import FieldMapping
from resources.staging.naming import column_name, table_name

from .errors import FieldUpdateConfigError
from .values import SALESFORCE_KINDS, BadValue, fits, kind_of, normalise


@dataclass(frozen=True)
class FieldPlan:
    """One mapped field, ready for the diff."""

    name: str                   # Salesforce API name
    column: str | None          # source column, or None for a constant
    constant: str | None        # the constant's normalised text
    direction: str
    kind: str                   # boolean | int | double | date | datetime | text
    staged_column: str


def key(mapping: FieldMapping, field: str | None = None) -> str:
    base = f"field_updates.mappings[{mapping.name}]"
    return f"{base}.fields.{field}" if field else base


def plan_fields(mapping: FieldMapping, staged: dict[str, str]) -> list[FieldPlan]:
    """FieldPlans from the staged columns (name -> storage type); raises when a field is not
    staged, naming the setting that stages it."""
    if not staged:
        raise FieldUpdateConfigError(
            f"{key(mapping)}.object: staging.{table_name(mapping.object)} does not exist. Fix: "
            f"sync {mapping.object} first (objects.{mapping.object}) so the current values can "
            "be compared; nothing is sent without them")
    plans = []
    for name, spec in mapping.fields.items():
        column = column_name(name)
        if column not in staged:
            raise FieldUpdateConfigError(
                f"{key(mapping, name)}: {mapping.object}.{name} is not staged (no column "
                f"staging.{table_name(mapping.object)}.{column}). Fix: add {name} to "
                f"objects.{mapping.object}.fields (or check the field name)")
        kind = kind_of(staged[column])
        constant = None
        if spec.value is not None:
            try:
                constant = normalise(kind, spec.value)
            except BadValue as exc:
                raise FieldUpdateConfigError(f"{key(mapping, name)}.value: {exc} "
                                             f"({mapping.object}.{name} is {kind})") from None
        plans.append(FieldPlan(name, spec.column, constant, spec.direction, kind, column))
    return plans


def check_source(mapping: FieldMapping, plans: list[FieldPlan], rows: list[dict]) -> None:
    """The source has the id column and every mapped column, with values of a fitting type."""
    if not rows:
        return
    columns = set(rows[0])
    needed = [mapping.id_column] + [p.column for p in plans if p.column]
    missing = [c for c in needed if c not in columns]
    if missing:
        raise FieldUpdateConfigError(
            f"{key(mapping)}: the source has no column {', '.join(missing)} (it has "
            f"{', '.join(sorted(columns))}). Fix: select it in the query or correct the mapping")
    for p in plans:
        if p.column is None:
            continue
        bad = next((r[p.column] for r in rows if not fits(p.kind, r[p.column])), None)
        if bad is not None:
            raise FieldUpdateConfigError(
                f"{key(mapping, p.name)}: column {p.column} holds {type(bad).__name__} values "
                f"(e.g. {bad!r}) but {mapping.object}.{p.name} is a {p.kind} field. Fix: cast "
                "the column in the source or map another field")


def describe_fields(client, mapping: FieldMapping) -> dict[str, dict]:
    try:
        described = client.describe(mapping.object)
    except SalesforceCallError as exc:
        raise FieldUpdateConfigError(
            f"{key(mapping)}.object: Salesforce does not know {mapping.object} or hides it from "
            f"the integration user ({exc}). Fix: use the object's API name (custom objects end "
            "in __c) and grant read/edit access") from exc
    return {f["name"]: f for f in described["fields"]}


def check_org(mapping: FieldMapping, plans: list[FieldPlan], fields: dict[str, dict]) -> None:
    """Raise on the first mapped field the org cannot take; names the key and the fix."""
    for p in plans:
        f = fields.get(p.name)
        where = f"{key(mapping, p.name)}: {mapping.object}.{p.name}"
        if f is None:
            raise FieldUpdateConfigError(f"{where} does not exist or is hidden from the "
                                         "integration user. Fix: correct the name or grant "
                                         "field-level security")
        if f.get("calculated"):
            raise FieldUpdateConfigError(f"{where} is a formula field and cannot be written. "
                                         "Fix: remove it from the mapping")
        if not f.get("updateable"):
            raise FieldUpdateConfigError(f"{where} is read-only for the integration user. Fix: "
                                         "grant field-level edit access or remove the field")
        kind = SALESFORCE_KINDS.get(f["type"], "text")
        if kind != p.kind:
            raise FieldUpdateConfigError(f"{where} is {f['type']} in Salesforce but staged as "
                                         f"{p.kind}. Fix: re-sync {mapping.object}")
        if p.constant is not None and f.get("restrictedPicklist"):
            active = active_values(f)
            if p.constant not in active:
                raise FieldUpdateConfigError(
                    f"{where}.value: {p.constant!r} is not an active value of the restricted "
                    f"picklist (active: {', '.join(sorted(active))}). Fix: use an active value")


def active_values(field: dict) -> set[str]:
    return {v["value"] for v in field.get("picklistValues") or [] if v.get("active")}


def restricted(plans: list[FieldPlan], fields: dict[str, dict]) -> dict[str, set[str]]:
    """Field -> active values, for the restricted picklists among the mapped fields."""
    return {p.name: active_values(fields[p.name]) for p in plans
            if fields[p.name].get("restrictedPicklist")}
