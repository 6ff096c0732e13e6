"""SOQL syntax tree -> DuckDB SQL pieces: field paths and joins, WHERE and ORDER BY.

Salesforce's semantics live here: case-insensitive text comparisons, `!=` and NOT IN matching
nulls, 15- and 18-character IDs, date literals as ranges, picklists sorted in definition order.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import NoReturn

from ..org import ids
from ..org.schema import PICKLISTS, Field, ObjectDef
from ..org.store import quote
from .dates import RELATIVE_DATES, relative_range
from .lexer import SoqlError, located
from .parser import FieldRef, InList, Logic, Not, Value

TEXT_TYPES = {"string", "picklist", "multipicklist", "combobox", "textarea", "email", "phone",
              "url"}
NUMBER_TYPES = {"int", "double", "currency", "percent"}
_SOAP_TYPES = {"id": "id", "reference": "id", "int": "int", "double": "double",
               "currency": "double", "percent": "double", "boolean": "boolean", "date": "date",
               "datetime": "dateTime"}
# Fields of the `Name` pseudo-object that polymorphic relationships (What, Who) point to.
NAME_FIELDS = {"id": Field("Id", "id", length=18), "name": Field("Name", "string", length=255),
               "type": Field("Type", "picklist", length=40)}
MAX_RELATIONSHIP_DEPTH = 5
_NO_FIELD = ("No such column '{0}' on entity '{1}'. If you are attempting to use a custom field, "
             "be sure to append the '__c' after the custom field name. Please reference your "
             "WSDL or the describe call for the appropriate names.")
_NO_RELATIONSHIP = ("Didn't understand relationship '{0}' in field path. If you are attempting to "
                    "use a custom relationship, be sure to append the '__r' after the custom "
                    "relationship name. Please reference your WSDL or the describe call for the "
                    "appropriate names.")


def sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _blank(res: "Resolved", value: Value) -> bool:
    """Salesforce stores '' in text fields as null, so `= ''` means `= null` there."""
    return value.kind == "string" and value.value == "" and res.field.type in TEXT_TYPES


def opaque(f: Field) -> bool:
    """Compound, multi-select and long text fields: no filtering, sorting or grouping on them."""
    return f.type in ("address", "multipicklist", "base64") or \
        (f.type == "textarea" and f.length > 255)


@dataclass(frozen=True)
class Resolved:
    """A field path resolved against the schema, with the SQL that reads it."""
    expr: str | None  # raw value (None for a compound address field: see components)
    field: Field
    path: tuple[str, ...]  # describe spelling
    objects: tuple[str, ...]  # object at each level; "Name" after a polymorphic hop
    aliases: frozenset[str]  # join aliases the expression needs
    hop_urls: tuple[str, ...]  # per relationship hop: SQL for its record url, null if no parent
    components: tuple[tuple[str, str | None], ...] = ()  # address: (json key, SQL)


class Scope:
    """Resolves fields against one query's root object, collecting the LEFT JOINs they need."""

    def __init__(self, text: str, objects: dict[str, ObjectDef], root: ObjectDef, *,
                 include_deleted: bool, today: date, api_version: str):
        self.text, self.objects, self.root = text, objects, root
        self.include_deleted, self.today = include_deleted, today
        self.url_base = f"/services/data/v{api_version}/sobjects/"
        self.joins: dict[tuple, tuple[str, str, str]] = {}  # key -> (alias, sql, parent alias)
        self.params: list = []

    def error(self, code: str, pos: int, message: str) -> SoqlError:
        return SoqlError(code, located(self.text, pos, message))

    def url(self, id_sql: str, obj_name: str | None = None, type_sql: str | None = None) -> str:
        """SQL for a record's REST url; null when the Id is null (an empty lookup)."""
        if obj_name:
            return f"{sql_str(self.url_base + obj_name + '/')} || {id_sql}"
        return f"{sql_str(self.url_base)} || {type_sql} || '/' || {id_sql}"

    # ----- field paths and joins ------------------------------------------------------------
    def resolve(self, ref: FieldRef) -> Resolved:
        segs = ref.path
        if len(segs) > 1 and segs[0].lower() == self.root.name.lower() \
                and self.root.relationship(segs[0]) is None:
            segs = segs[1:]  # `SELECT Account.Name FROM Account`: the object name may qualify
        if len(segs) > MAX_RELATIONSHIP_DEPTH + 1:
            raise self.error("MALFORMED_QUERY", ref.pos, "SOQL statements cannot query more than "
                             f"{MAX_RELATIONSHIP_DEPTH} levels of relationships")
        obj, alias, path, objects, aliases, urls = self.root, "t0", [], [self.root.name], set(), []
        for i, seg in enumerate(segs[:-1]):
            rel = obj.relationship(seg)
            known = rel.reference_to if rel else ()
            targets = [self.objects[n] for n in known if n in self.objects]
            if not targets:
                raise self.error("INVALID_FIELD", ref.pos, _NO_RELATIONSHIP.format(seg))
            path.append(rel.relationship_name)
            if rel.polymorphic:
                expr, f, url, joined = self._polymorphic(ref, alias, rel, targets, segs[i + 1:])
                return Resolved(expr, f, (*path, f.name), (*objects, "Name"),
                                frozenset(aliases | joined), (*urls, url))
            alias = self.join(alias, rel, targets[0])
            obj = targets[0]
            objects.append(obj.name)
            aliases.add(alias)
            urls.append(self.url(f'{alias}."Id"', obj.name))
        f = obj.field(segs[-1])
        if f is None:
            raise self.error("INVALID_FIELD", ref.pos, _NO_FIELD.format(segs[-1], obj.name))
        return Resolved(self.column(alias, f, obj.name), f, (*path, f.name), tuple(objects),
                        frozenset(aliases), tuple(urls), self._components(obj, alias, f))

    def _polymorphic(self, ref: FieldRef, parent: str, rel: Field, targets: list[ObjectDef],
                     rest: tuple[str, ...]) -> tuple[str, Field, str, set[str]]:
        """What.Id / What.Name / What.Type: one LEFT JOIN per target object, coalesced.

        Returns the expression, its field, the url SQL of the parent and the join aliases."""
        f = NAME_FIELDS.get(rest[0].lower())
        if len(rest) > 1:
            raise self.error("INVALID_FIELD", ref.pos, _NO_RELATIONSHIP.format(rest[0]))
        if f is None:
            raise self.error("INVALID_FIELD", ref.pos, _NO_FIELD.format(rest[0], "Name"))
        joined = [(self.join(parent, rel, t), t) for t in targets]
        id_sql = "coalesce(" + ", ".join(f'{a}."Id"' for a, _ in joined) + ")"
        type_sql = "CASE " + " ".join(f'WHEN {a}."Id" IS NOT NULL THEN {sql_str(t.name)}'
                                      for a, t in joined) + " END"
        names = [f'{a}."Name"' for a, t in joined if "Name" in t.fields]
        expr = {"id": id_sql, "type": type_sql,
                "name": f"coalesce({', '.join(names)})" if names else "NULL"}[f.name.lower()]
        return expr, f, self.url(id_sql, type_sql=type_sql), {a for a, _ in joined}

    def join(self, parent: str, rel: Field, target: ObjectDef) -> str:
        key = (parent, rel.name, target.name)
        if key not in self.joins:
            alias = f"t{len(self.joins) + 1}"
            on = f'{alias}."Id" = {parent}.{quote(rel.name)}'
            if target.has_is_deleted and not self.include_deleted:
                on += f' AND {alias}."IsDeleted" IS NOT TRUE'  # a deleted parent reads as empty
            self.joins[key] = (alias, f"LEFT JOIN {quote(target.name)} {alias} ON {on}", parent)
        return self.joins[key][0]

    def from_sql(self, needed: set[str]) -> str:
        """FROM clause with only the joins `needed` (and their parents): counts skip the rest."""
        needed = set(needed)
        for alias, _, parent in reversed(list(self.joins.values())):
            if alias in needed:
                needed.add(parent)
        joins = [sql for alias, sql, _ in self.joins.values() if alias in needed]
        return " ".join([f"{quote(self.root.name)} t0", *joins])

    def column(self, alias: str, f: Field, obj_name: str = "") -> str | None:
        """SQL reading a field: formulas computed now (today is the org's), a blob as its url."""
        if f.formula:
            today = f"DATE '{self.today.isoformat()}'"
            return "(" + f.formula.replace("{t}", alias).replace("{today}", today) + ")"
        if f.type == "base64":  # a query gives the blob's url, never its bytes
            url = self.url(f'{alias}."Id"', obj_name) + f" || '/{f.name}'"
            return f"CASE WHEN {alias}.{quote(f.name)} IS NULL THEN NULL ELSE {url} END"
        return None if f.type == "address" else f"{alias}.{quote(f.name)}"

    def _components(self, obj: ObjectDef, alias: str, f: Field) -> tuple:
        """BillingAddress -> (("city", t0."BillingCity"), ...) in the JSON key order."""
        if f.type != "address":
            return ()
        prefix = f.name[: -len("Address")]
        parts = {c.name[len(prefix):].lower(): self.column(alias, c)
                 for c in obj.fields.values() if c.compound_field_name == f.name}
        keys = ("city", "country", "geocodeAccuracy", "latitude", "longitude", "postalCode",
                "state", "street")
        return tuple((k, parts.get(k.lower())) for k in keys)

    # ----- WHERE --------------------------------------------------------------------------
    def where(self, cond, needed: set[str], two_valued: bool = False) -> str:
        """SQL for a condition. Under NOT, null comparisons count as false (two-valued logic)."""
        if isinstance(cond, Logic):
            return "(" + f" {cond.op} ".join(self.where(c, needed, two_valued)
                                            for c in cond.items) + ")"
        if isinstance(cond, Not):
            return f"NOT {self.where(cond.item, needed, True)}"
        res = self.resolve(cond.field)
        self._check_filterable(res, cond.field.pos)
        if res.field.type == "datetime":  # compare what clients see: whole seconds (`.000`)
            res = replace(res, expr=f"date_trunc('second', {res.expr})")
        needed.update(res.aliases)
        if isinstance(cond, InList):
            pred = self.in_list(res, cond.values, cond.negate)
        else:
            pred = self.compare(res, cond.op, cond.value)
        return f"coalesce({pred}, false)" if two_valued else f"({pred})"

    def _check_filterable(self, res: Resolved, pos: int) -> None:
        f = res.field
        if opaque(f):
            raise self.error("INVALID_FIELD", pos,
                             f"field '{f.name}' can not be filtered in query call")

    def compare(self, res: Resolved, op: str, value: Value) -> str:
        f, e = res.field, res.expr
        if value.kind == "null" or (op in ("=", "!=") and _blank(res, value)):
            if op not in ("=", "!="):
                raise self.error("MALFORMED_QUERY", value.pos,
                                 "null can only be compared with = or !=")
            if value.kind == "null":
                return f"{e} IS {'' if op == '=' else 'NOT '}NULL"
            return f"{e} IS NULL OR {e} = ''" if op == "=" else f"{e} IS NOT NULL AND {e} <> ''"
        if value.kind == "relative":
            return self.date_range(res, op, value)
        if op == "like":
            if f.type not in TEXT_TYPES:
                raise self.error("INVALID_FIELD", value.pos,
                                 f"invalid operator on field '{f.name}': LIKE needs a text field")
            self.params.append(value.value)
            return f"{e} ILIKE ? ESCAPE '\\'"
        if f.type == "boolean" and op not in ("=", "!="):
            raise self.error("INVALID_FIELD", value.pos,
                             f"invalid operator on boolean field '{f.name}': {op}")
        self.params.append(self.literal(res, value))
        lhs, rhs = (f"lower({e})", "lower(?)") if f.type in TEXT_TYPES else (e, "?")
        if op == "!=":
            return f"{lhs} IS DISTINCT FROM {rhs}"
        return f"{lhs} {op} {rhs}"

    def in_list(self, res: Resolved, values: tuple[Value, ...], negate: bool) -> str:
        """IN / NOT IN; NOT IN also matches nulls unless the list itself holds null."""
        special = [v for v in values if v.kind in ("null", "relative") or _blank(res, v)]
        plain = [v for v in values if v not in special]
        terms = []
        if plain:
            self.params.extend(self.literal(res, v) for v in plain)
            text = res.field.type in TEXT_TYPES
            lhs, rhs = (f"lower({res.expr})", "lower(?)") if text else (res.expr, "?")
            terms.append(f"{lhs} IN ({', '.join([rhs] * len(plain))})")
        terms += [self.compare(res, "=", v) for v in special]
        cond = " OR ".join(terms)
        return f"NOT coalesce({cond}, false)" if negate else cond

    def literal(self, res: Resolved, value: Value):
        """The Python parameter for `value`, after Salesforce's type check against the field."""
        f = res.field
        if f.type in TEXT_TYPES or f.type in ("id", "reference"):
            ok = value.kind == "string"
        elif f.type in NUMBER_TYPES:
            ok = value.kind == "number"
        else:
            ok = value.kind == f.type
        if not ok:
            self._type_error(f, value)
        if f.type in ("id", "reference"):
            full = ids.normalize(value.value)
            if full is None:
                raise self.error("INVALID_QUERY_FILTER_OPERATOR", value.pos,
                                 f"invalid ID field: {value.value}")
            return full
        return value.value

    def _type_error(self, f: Field, value: Value) -> NoReturn:
        soap = _SOAP_TYPES.get(f.type, "string")
        quoted = soap in ("string", "id")
        raise self.error("INVALID_FIELD", value.pos,
                         f"value of filter criterion for field '{f.name}' must be of type {soap} "
                         f"and should {'' if quoted else 'not '}be enclosed in quotes")

    def date_range(self, res: Resolved, op: str, value: Value) -> str:
        """TODAY, LAST_N_DAYS:n ...: `=` means within [start, end); `<`, `>` compare to the ends."""
        name, n = value.value
        needs_n = "_N_" in name or name.startswith("N_")
        if name not in RELATIVE_DATES or needs_n != (n is not None):
            raise self.error("MALFORMED_QUERY", value.pos, f"unexpected token: '{value.text}'")
        if res.field.type not in ("date", "datetime"):
            self._type_error(res.field, value)
        start, end = relative_range(name, n, self.today)
        if res.field.type == "datetime":
            start, end = datetime.combine(start, time()), datetime.combine(end, time())
        e = res.expr
        sql, params = {"=": (f"{e} >= ? AND {e} < ?", [start, end]),
                       "!=": (f"{e} IS NULL OR {e} < ? OR {e} >= ?", [start, end]),
                       "<": (f"{e} < ?", [start]), "<=": (f"{e} < ?", [end]),
                       ">": (f"{e} >= ?", [end]), ">=": (f"{e} >= ?", [start])}[op]
        self.params.extend(params)
        return f"({sql})"

    # ----- ORDER BY -----------------------------------------------------------------------
    def order_terms(self, res: Resolved, pos: int, desc: bool, nulls_first: bool | None) -> list:
        f = res.field
        if opaque(f):
            raise self.error("INVALID_FIELD", pos,
                             f"field '{f.name}' can not be sorted in a query call")
        first = (not desc) if nulls_first is None else nulls_first
        suffix = f"{'DESC' if desc else 'ASC'} NULLS {'FIRST' if first else 'LAST'}"
        return [f"{key} {suffix}" for key in self.sort_keys(res)]

    def sort_keys(self, res: Resolved) -> list[str]:
        """Text sorts case-insensitively; picklists in their defined order, unknown values last."""
        f, e = res.field, res.expr
        if f.type not in TEXT_TYPES:
            return [e]
        keys = [f"lower({e})"]
        if f.type == "picklist" and f.picklist == "Stage":
            rank = f'(SELECT min(s."SortOrder") FROM "OpportunityStage" s WHERE s."ApiName" = {e})'
        elif f.type == "picklist" and PICKLISTS.get(f.picklist or ""):
            rank = "CASE " + " ".join(f"WHEN {e} = {sql_str(v)} THEN {i}" for i, (v, _) in
                                      enumerate(PICKLISTS[f.picklist])) + " END"
        else:
            return keys
        return [f"CASE WHEN {e} IS NULL THEN NULL ELSE coalesce({rank}, 1000000000) END", *keys]
