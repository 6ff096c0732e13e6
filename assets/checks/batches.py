"""What each check validates: the SQL that produces a batch, and the expectations on it.

Expectation lists are functions of the `great_expectations.expectations` module, so defining
checks costs nothing until one runs. The batch SQL is the same text on DuckDB and PostgreSQL;
values are rendered as portable literals (make_date / make_timestamp, no ':' that SQLAlchemy's
text() or GX's query assets would read as a bind parameter).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from resources.staging.naming import quote
from transforms import sql

SF_ID = r"^[a-zA-Z0-9]{18}$"
SF_ID_15_OR_18 = r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$"   # no capture groups: pandas warns
YMD = r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"


@dataclass(frozen=True)
class Batch:
    name: str                                  # GX data asset and suite name
    sql: str                                   # one SELECT, literals inlined
    id_column: str                             # offending rows are reported by this column
    expectations: Callable[[object], list]     # gxe module -> expectations
    row_count_table: str | None = None         # the batch's row count guards this table


def literal(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        seconds = value.second + value.microsecond / 1_000_000
        return (f"make_timestamp({value.year}, {value.month}, {value.day}, {value.hour}, "
                f"{value.minute}, {seconds})")
    if isinstance(value, date):
        return f"make_date({value.year}, {value.month}, {value.day})"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def check_sql(name: str, identifiers: dict | None = None, **values) -> str:
    """transforms/checks/<name>.sql with quoted identifiers and literal values."""
    rendered = {k: quote(v) for k, v in (identifiers or {}).items()}
    rendered.update({k: literal(v) for k, v in values.items()})
    return sql.statement(f"checks/{name}").format_map(rendered)


def min_rows(previous: int | None, max_drop_share: float) -> int:
    """Fewest rows allowed now: the previous count minus the allowed share (0 on a first run)."""
    return 0 if not previous else math.ceil(previous * (1 - max_drop_share))


def id_expectations(gxe, column: str, severity: str = "critical") -> list:
    return [gxe.ExpectColumnValuesToNotBeNull(column=column, severity=severity),
            gxe.ExpectColumnValuesToBeUnique(column=column, severity=severity),
            gxe.ExpectColumnValuesToMatchRegex(column=column, regex=SF_ID, severity=severity)]


def staging_batches(object_name: str, table: str, previous: int | None, checks,
                    fresh_after: datetime) -> list[Batch]:
    floor = min_rows(previous, checks.max_row_drop_share)
    return [
        Batch(f"staging_{table}", check_sql("staging_ids", {"table": table}), "id",
              lambda gxe: id_expectations(gxe, "id") + [
                  gxe.ExpectTableRowCountToBeBetween(min_value=floor, severity="critical")],
              row_count_table=f"staging.{table}"),
        Batch(f"sync_freshness_{table}",
              check_sql("sync_freshness", object=object_name, fresh_after=fresh_after), "object",
              lambda gxe: [gxe.ExpectColumnValuesToBeInSet(column="fresh", value_set=[True],
                                                           severity="warning")]),
    ]


# checks/deal_references/<part>.sql -> the objects it needs extracted.
REFERENCE_PARTS = {"account": ("Account",), "owner": ("User",),
                   "contact_roles": ("OpportunityContactRole", "Contact")}


def deal_references_sql(objects: list[str]) -> str:
    """Deals whose Account, owner or contact-role Contacts are not staged, over the objects
    the settings extract (a switched-off Account cannot be missing)."""
    parts = [sql.statement(f"checks/deal_references/{part}")
             for part, needs in REFERENCE_PARTS.items() if set(needs) <= set(objects)]
    return sql.statement("checks/deal_references").format(parts=" union all ".join(parts))


def deals_batches(previous: int | None, checks, objects: list[str]) -> list[Batch]:
    floor = min_rows(previous, checks.max_row_drop_share)

    def deals(gxe) -> list:
        flags = [gxe.ExpectColumnValuesToBeInSet(column=c, value_set=[True], severity="critical")
                 for c in ("owner_known", "stage_known", "close_date_valid")]
        refs = [gxe.ExpectColumnValuesToMatchRegex(column=c, regex=SF_ID, severity="critical")
                for c in ("account_id", "owner_id", "primary_contact_id")]
        return id_expectations(gxe, "opportunity_id") + refs + flags + [
            gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0, severity="critical"),
            gxe.ExpectTableRowCountToBeBetween(min_value=floor, severity="critical")]

    return [
        Batch("deals", check_sql("deals", first_date=date(1700, 1, 1),
                                 last_date=date(4000, 12, 31)),
              "opportunity_id", deals, row_count_table="warehouse.deals"),
        Batch("deal_placement", check_sql("deal_placement"), "opportunity_id",
              lambda gxe: [gxe.ExpectColumnValuesToBeNull(column="problem", severity="critical")]),
        Batch("deal_references", deal_references_sql(objects), "opportunity_id",
              lambda gxe: [gxe.ExpectColumnValuesToBeNull(column="missing", severity="critical")]),
    ]


def deal_skips_batches(previous: int | None, checks) -> list[Batch]:
    floor = min_rows(previous, checks.max_row_drop_share)
    return [Batch("deal_skips", check_sql("deal_skips"), "opportunity_id",
                  lambda gxe: id_expectations(gxe, "opportunity_id") + [
                      gxe.ExpectColumnValuesToNotBeNull(column="reason", severity="critical"),
                      gxe.ExpectTableRowCountToBeBetween(min_value=floor, severity="critical")],
                  row_count_table="warehouse.deal_skips")]


def outbox_batches(checks) -> list[Batch]:
    """Any bad row warns (the sink fails just that row); more than the allowed share blocks."""
    blocking_share = 1 - checks.outbox_max_invalid_share

    def rules(gxe, severity: str, mostly: float) -> list:
        kw = {"severity": severity, "mostly": mostly}
        return [
            gxe.ExpectColumnValuesToBeInSet(column="has_link", value_set=[True], **kw),
            gxe.ExpectColumnValuesToMatchRegex(column="what_id", regex=SF_ID_15_OR_18, **kw),
            gxe.ExpectColumnValuesToMatchRegex(column="who_id", regex=SF_ID_15_OR_18, **kw),
            gxe.ExpectColumnValuesToNotBeNull(column="subject", **kw),
            gxe.ExpectColumnValuesToMatchRegex(column="subject", regex=r"\S", **kw),
            gxe.ExpectColumnValuesToNotBeNull(column="activity_date", **kw),
            gxe.ExpectColumnValuesToMatchRegex(column="activity_date", regex=YMD, **kw)]

    return [Batch("outbox", check_sql("outbox_pending"), "sync_key",
                  lambda gxe: rules(gxe, "warning", 1.0) + rules(gxe, "critical", blocking_share))]
