"""What the warehouse holds, in a few numbers: deals, deals by pipeline stage, skips by reason.

The demo prints it, and the asset metadata shows the same counts as Markdown tables.
"""

REASONS = ("owner_not_found", "stage_not_found", "filtered_out")

DEALS_BY_STAGE = """
select coalesce(pipeline_stage, '(not in pipeline)') as pipeline_stage,
       count(*) as deals,
       coalesce(sum(amount), 0) as amount,
       min(coalesce(pipeline_sort_order, 999999)) as sort_order
from warehouse.deals
group by coalesce(pipeline_stage, '(not in pipeline)')
order by sort_order, pipeline_stage
"""
SKIPS_BY_REASON = """
select reason, count(*) as skips
from warehouse.deal_skips
group by reason
"""


def warehouse_summary(warehouse) -> dict:
    """{"deals": n, "deal_skips": n, "deals_by_pipeline_stage": {...}, "skips_by_reason": {...}}.

    Reads through a read-only connection, so it can run beside the pipeline on PostgreSQL.
    """
    with warehouse.connection(read_only=True) as connection:
        return summarize(connection)


def summarize(connection) -> dict:
    import sqlalchemy as sa

    stages = [dict(r) for r in connection.execute(sa.text(DEALS_BY_STAGE)).mappings()]
    reasons = {r["reason"]: int(r["skips"])
               for r in connection.execute(sa.text(SKIPS_BY_REASON)).mappings()}
    return {
        "deals": sum(int(s["deals"]) for s in stages),
        "deal_skips": sum(reasons.values()),
        "deals_by_pipeline_stage": {s["pipeline_stage"]: int(s["deals"]) for s in stages},
        "amount_by_pipeline_stage": {s["pipeline_stage"]: round(float(s["amount"]), 2)
                                     for s in stages},
        "skips_by_reason": {reason: reasons.get(reason, 0) for reason in REASONS},
    }


def markdown_table(headers: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def deals_markdown(summary: dict) -> str:
    rows = [[stage, count, f"{summary['amount_by_pipeline_stage'][stage]:,.2f}"]
            for stage, count in summary["deals_by_pipeline_stage"].items()]
    return markdown_table(["pipeline stage", "deals", "amount"], rows or [["(none)", 0, "0.00"]])


def skips_markdown(summary: dict) -> str:
    rows = [[reason, count] for reason, count in summary["skips_by_reason"].items()]
    return markdown_table(["reason", "skips"], rows)
