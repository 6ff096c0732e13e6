"""The emulator's SOQL engine: compile_soql() turns SOQL into DuckDB SQL and a row -> record mapper.

Used by the REST query/queryAll endpoints and by Bulk 2.0 query jobs. Parsing is in
parser.py; field paths, joins, WHERE and ORDER BY semantics in compiler.py. Values are
formatted inside the SQL and records are built by a generated function, because the server must
turn rows into JSON records at well over 50,000 records/s.
"""

from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime, timezone
from typing import Callable

from ..org.schema import Field, ObjectDef
from ..org.store import quote
from .compiler import NUMBER_TYPES, Resolved, Scope, opaque
from .lexer import SoqlError, located
from .parser import Aggregate, FieldRef, Parser, Query
from .restrictions import check_required_filter

__all__ = ["SoqlError", "OutputColumn", "CompiledQuery", "compile_soql"]

MAX_OFFSET = 2000
_UNKNOWN_OBJECT = ("sObject type '{0}' is not supported. If you are attempting to use a custom "
                   "object, be sure to append the '__c' after the entity name. Please reference "
                   "your WSDL or the describe call for the appropriate names.")


@dataclass
class OutputColumn:
    path: tuple[str, ...]  # describe spelling, e.g. ("Owner", "Email")
    field: Field  # the leaf field
    objects: tuple[str, ...]  # object at each level, e.g. ("Opportunity", "User")


@dataclass
class CompiledQuery:
    """SQL for the rows (`sql`) and their count (`count_sql`); both take `params`."""
    object: ObjectDef
    sql: str
    params: list
    columns: list[OutputColumn]
    is_count: bool
    count_sql: str
    record_source: str = dc_field(default="", repr=False)  # the generated to_record, for debugging
    _record: Callable = dc_field(default=None, repr=False, compare=False)

    def to_record(self, row: tuple) -> dict:
        """REST JSON record for one row of `sql` (hidden url columns are dropped)."""
        return self._record(row)

    def csv_header(self) -> list[str]:
        return _header(self.columns)


def compile_soql(text: str, objects: dict[str, ObjectDef], *, include_deleted: bool = False,
                 now: datetime | None = None, for_bulk: bool = False,
                 api_version: str = "59.0") -> CompiledQuery:
    """Compile SOQL for REST (`for_bulk=False`) or Bulk 2.0 CSV output; raises SoqlError."""
    query = Parser(text).parse()
    root = _find_object(objects, query, text)
    _check_clauses(query, for_bulk)
    check_required_filter(root, query)
    now = now or datetime.now(timezone.utc)
    today = (now.astimezone(timezone.utc) if now.tzinfo else now).date()
    scope = Scope(text, objects, root, include_deleted=include_deleted, today=today,
                  api_version=api_version)
    where_aliases: set[str] = set()
    conds = [scope.where(query.where, where_aliases)] if query.where is not None else []
    if root.has_is_deleted and not include_deleted:
        conds.append('t0."IsDeleted" IS NOT TRUE')
    where = f" WHERE {' AND '.join(conds)}" if conds else ""
    page = (f" LIMIT {query.limit}" if query.limit is not None else "") + \
           (f" OFFSET {query.offset}" if query.offset is not None else "")
    if query.count_only:
        count_sql = _count_sql(f"FROM {scope.from_sql(where_aliases)}{where}", page)
        return CompiledQuery(root, count_sql, scope.params, [], True, count_sql,
                             _record=_no_records)
    if query.group_by or any(isinstance(i, Aggregate) for i in query.items):
        return _compile_aggregate(query, scope, where, page)
    compiled = _compile_records(query, scope, where, page, for_bulk)
    compiled.count_sql = _count_sql(f"FROM {scope.from_sql(where_aliases)}{where}", page)
    return compiled


def _header(columns: list[OutputColumn]) -> list[str]:
    return [".".join(c.path) for c in columns]


def _find_object(objects: dict[str, ObjectDef], query: Query, text: str) -> ObjectDef:
    for name, obj in objects.items():
        if name.lower() == query.object_name.lower():
            return obj
    raise SoqlError("INVALID_TYPE", located(text, query.object_pos,
                                            _UNKNOWN_OBJECT.format(query.object_name)))


def _check_clauses(query: Query, for_bulk: bool) -> None:
    if query.count_only and query.group_by:
        raise SoqlError("MALFORMED_QUERY", "COUNT() cannot be used with GROUP BY; use COUNT(Id)")
    if query.offset is not None and query.offset > MAX_OFFSET:
        raise SoqlError("NUMBER_OUTSIDE_VALID_RANGE",
                        f"Maximum SOQL offset allowed is {MAX_OFFSET}")
    if for_bulk and query.count_only:
        unsupported = "COUNT()"
    elif for_bulk and (query.group_by or any(isinstance(i, Aggregate) for i in query.items)):
        unsupported = "aggregate functions and GROUP BY"
    elif for_bulk and query.offset is not None:
        unsupported = "OFFSET"
    else:
        return
    raise SoqlError("MALFORMED_QUERY", f"{unsupported} is not supported in Bulk API 2.0 queries")


def _count_sql(from_where: str, page: str) -> str:
    """One integer: the rows the query returns (LIMIT/OFFSET applied); joins only if filtered on."""
    if not page:
        return f"SELECT count(*) {from_where}"
    return f"SELECT count(*) FROM (SELECT 1 {from_where}{page})"


def _no_records(row: tuple) -> dict:
    raise TypeError("no JSON records: COUNT() gives totalSize only, Bulk queries give CSV values")


# ----- plain record queries -----------------------------------------------------------------------
def _compile_records(query: Query, scope: Scope, where: str, page: str,
                     for_bulk: bool) -> CompiledQuery:
    resolved = [scope.resolve(ref) for ref in query.items]
    seen = set()
    for r in resolved:  # paths are in describe spelling, so `Id` and `id` collide
        if r.path in seen:
            raise SoqlError("INVALID_FIELD", f"duplicate field selected: {'.'.join(r.path)}")
        seen.add(r.path)
    select = [_output_sql(r, for_bulk) for r in resolved]
    order = [term for item in query.order_by for term in _order_terms(scope, item)]
    columns = [OutputColumn(r.path, r.field, r.objects) for r in resolved]
    record, source = _no_records, ""
    if for_bulk:  # columns named like the CSV header, for jobs that materialise the result
        select = [f"{sql} AS {quote(name)}" for sql, name in zip(select, _header(columns))]
    else:
        root_url = scope.url('t0."Id"', scope.root.name)
        record, source, hidden = _record_function(scope.root.name, root_url, resolved)
        select += hidden
    # REST pages need a total order (rowid last). A Bulk job with no ORDER BY or LIMIT has no
    # order to keep, as in Salesforce, and skipping the sort halves a 1M-row job.
    ordering = "" if for_bulk and not order and not page else \
        f" ORDER BY {', '.join([*order, 't0.rowid'])}"
    sql = (f"SELECT {', '.join(select)} FROM {scope.from_sql(_all_aliases(scope))}{where}"
           f"{ordering}{page}")
    return CompiledQuery(scope.root, sql, scope.params, columns, False, "", source, record)


def _all_aliases(scope: Scope) -> set[str]:
    return {alias for alias, _, _ in scope.joins.values()}


def _order_terms(scope: Scope, item) -> list[str]:
    if isinstance(item.target, Aggregate):
        raise SoqlError("MALFORMED_QUERY", located(scope.text, item.target.pos,
                                                   "aggregate ORDER BY needs GROUP BY"))
    res = scope.resolve(item.target)
    return scope.order_terms(res, item.target.pos, item.desc, item.nulls_first)


def _format(expr: str, ftype: str, for_bulk: bool) -> str:
    """Render dates and datetimes as Salesforce writes them (JSON or CSV); booleans for CSV.

    Salesforce keeps datetimes to the second, so the milliseconds always read `.000`."""
    if ftype == "datetime":
        return f"strftime({expr}, '%Y-%m-%dT%H:%M:%S.000{'Z' if for_bulk else '+0000'}')"
    if ftype == "date":
        return f"strftime({expr}, '%Y-%m-%d')"
    if ftype == "boolean" and for_bulk:
        return f"CASE WHEN {expr} THEN 'true' WHEN NOT {expr} THEN 'false' END"
    return expr


def _output_sql(res: Resolved, for_bulk: bool) -> str:
    if for_bulk and res.field.type == "base64":
        raise SoqlError("API_ERROR", f"Bulk API does not support base64 fields: {res.field.name}")
    if res.field.type != "address":
        return _format(res.expr, res.field.type, for_bulk)
    if for_bulk:
        raise SoqlError("API_ERROR", "Selecting compound data not supported in Bulk Query")
    parts = ", ".join(f'"{key}" := {sql or "NULL"}' for key, sql in res.components)
    all_null = " AND ".join(f"{sql} IS NULL" for _, sql in res.components if sql) or "true"
    return f"CASE WHEN {all_null} THEN NULL ELSE struct_pack({parts}) END"


def _record_function(root_type: str, root_url: str | None, resolved: list[Resolved]):
    """Generate `lambda r: {...}` building the nested REST record straight from the row tuple.

    Parent objects are keyed by relationship name in first-SELECT order; each carries a hidden
    url column that is null when the lookup is empty, so the parent becomes null.
    Returns (function, its source, the hidden column SQL to append to the SELECT).
    """
    hidden: list[str] = []

    def hide(sql: str) -> int:
        hidden.append(sql)
        return len(resolved) + len(hidden) - 1

    root = {"type": root_type, "url": hide(root_url) if root_url else None, "children": {}}
    for index, r in enumerate(resolved):
        node = root
        for depth, rel in enumerate(r.path[:-1]):
            if rel not in node["children"]:
                node["children"][rel] = {"type": r.objects[depth + 1],
                                         "url": hide(r.hop_urls[depth]), "children": {}}
            node = node["children"][rel]
        node["children"][r.path[-1]] = index
    source = "lambda r: " + _node_source(root, is_root=True)
    return eval(compile(source, "<soql record>", "eval"), {"__builtins__": {}}), source, hidden


def _node_source(node: dict, is_root: bool) -> str:
    attrs = f'"type": {node["type"]!r}'
    if node["url"] is not None:
        attrs += f', "url": r[{node["url"]}]'
    items = [f'"attributes": {{{attrs}}}']
    for key, child in node["children"].items():
        value = f"r[{child}]" if isinstance(child, int) else _node_source(child, is_root=False)
        items.append(f"{key!r}: {value}")
    body = "{" + ", ".join(items) + "}"
    return body if is_root else f"(None if r[{node['url']}] is None else {body})"


# ----- aggregate queries --------------------------------------------------------------------------
def _compile_aggregate(query: Query, scope: Scope, where: str, page: str) -> CompiledQuery:
    """COUNT/COUNT_DISTINCT/SUM/AVG/MIN/MAX with GROUP BY: AggregateResult records, exprN keys."""
    groups = [_group_field(scope, ref) for ref in query.group_by]
    grouped = {r.path: r for r in groups}
    select, resolved, names = [], [], set()
    expr_n = 0
    for item in query.items:
        if isinstance(item, Aggregate):
            sql, f = _aggregate_sql(scope, item)
            name = item.alias or f"expr{expr_n}"
            if item.alias is None:
                expr_n += 1
        else:
            r = scope.resolve(item)
            if r.path not in grouped:
                raise SoqlError("MALFORMED_QUERY", located(
                    scope.text, item.pos, f"Field must be grouped or aggregated: {r.path[-1]}"))
            sql, f, name = r.expr, r.field, r.field.name
        if name.lower() in names:
            raise SoqlError("MALFORMED_QUERY", f"duplicate alias: {name}")
        names.add(name.lower())
        select.append(_format(sql, f.type, False))
        resolved.append(Resolved(sql, f, (name,), ("AggregateResult",), frozenset(), ()))
    order = [t for item in query.order_by for t in _aggregate_order(scope, item, grouped)]
    order += [r.expr for r in groups]  # deterministic pages
    group_sql = f" GROUP BY {', '.join(r.expr for r in groups)}" if groups else ""
    order_sql = f" ORDER BY {', '.join(order)}" if order else ""
    sql = (f"SELECT {', '.join(select)} FROM {scope.from_sql(_all_aliases(scope))}{where}"
           f"{group_sql}{order_sql}{page}")
    record, source, _ = _record_function("AggregateResult", None, resolved)
    columns = [OutputColumn(r.path, r.field, r.objects) for r in resolved]
    return CompiledQuery(scope.root, sql, scope.params, columns, False,
                         f"SELECT count(*) FROM ({sql})", source, record)


def _group_field(scope: Scope, ref: FieldRef) -> Resolved:
    r = scope.resolve(ref)
    f = r.field
    if opaque(f) or f.type in ("datetime", "double", "currency", "percent"):
        raise SoqlError("INVALID_FIELD", located(
            scope.text, ref.pos, f"field '{f.name}' can not be grouped in a query call"))
    return r


def _aggregate_sql(scope: Scope, item: Aggregate) -> tuple[str, Field]:
    r = scope.resolve(item.arg)
    f, func = r.field, item.func
    counting = func in ("COUNT", "COUNT_DISTINCT")
    if opaque(f) or (not counting and f.type == "boolean") or \
            (func in ("SUM", "AVG") and f.type not in NUMBER_TYPES):
        raise SoqlError("MALFORMED_QUERY", located(
            scope.text, item.arg.pos, f"field {f.name} does not support aggregate operator {func}"))
    if counting:
        distinct = "DISTINCT " if func == "COUNT_DISTINCT" else ""
        return f"count({distinct}{r.expr})", Field(item.alias or func, "int")
    out_type = "double" if func == "AVG" else f.type
    return f"{func.lower()}({r.expr})", Field(item.alias or func, out_type)


def _aggregate_order(scope: Scope, item, grouped: dict) -> list[str]:
    direction = "DESC" if item.desc else "ASC"
    first = (not item.desc) if item.nulls_first is None else item.nulls_first
    if isinstance(item.target, Aggregate):
        sql, _ = _aggregate_sql(scope, item.target)
        return [f"{sql} {direction} NULLS {'FIRST' if first else 'LAST'}"]
    r = scope.resolve(item.target)
    if r.path not in grouped:
        raise SoqlError("MALFORMED_QUERY", located(scope.text, item.target.pos,
                        f"Ordered field must be grouped or aggregated: {r.path[-1]}"))
    return scope.order_terms(r, item.target.pos, item.desc, item.nulls_first)
