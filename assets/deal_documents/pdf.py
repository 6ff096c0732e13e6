"""Render a deal-review PDF: facts, owner, contacts and roles, recent activity and emails, and
the stage history chart. Standard PDF fonts only, so Salesforce previews it and nothing is
loaded at run time."""

import io
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .chart import stage_chart
from .facts import DealFacts

STYLES = getSampleStyleSheet()
GRID = TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 8),
                   ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                   ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                   ("VALIGN", (0, 0), (-1, -1), "TOP")])


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return str(value)


def _table(header: list[str], rows: list[list], empty: str) -> Table | Paragraph:
    if not rows:
        return Paragraph(escape(empty), STYLES["Italic"])
    cells = [header] + [[Paragraph(escape(_text(v))[:300], STYLES["BodyText"]) if i == 0 and
                         len(_text(v)) > 40 else _text(v)[:80] for i, v in enumerate(r)]
                        for r in rows]
    table = Table(cells, repeatRows=1, hAlign="LEFT")
    table.setStyle(GRID)
    return table


def render_pdf(facts: DealFacts, title: str, period: str, now: datetime) -> bytes:
    deal = facts.deal
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="dealsync",
                            subject=f"Deal review {period}", leftMargin=18 * mm,
                            rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm)
    facts_rows = [
        ["Account", deal.get("account_name")], ["Owner", deal.get("owner_name")],
        ["Owner email", deal.get("owner_email")], ["Stage", deal.get("stage_name")],
        ["Amount", deal.get("amount")], ["Probability", deal.get("probability")],
        ["Close date", deal.get("close_date")], ["Forecast", deal.get("forecast_category")],
        ["Next step", deal.get("next_step")], ["Type", deal.get("opportunity_type")],
        ["Last activity", deal.get("last_activity_date")], ["Created", deal.get("created_date")]]
    story = [
        Paragraph(escape(title), STYLES["Title"]),
        Paragraph(escape(f"{deal.get('opportunity_name')} ({deal['opportunity_id']}) - review "
                         f"for {period}, generated {now:%Y-%m-%d %H:%M} UTC"), STYLES["Normal"]),
        Spacer(1, 4 * mm),
        _table(["Fact", "Value"], facts_rows, ""),
        Spacer(1, 5 * mm),
        stage_chart(facts.stages, now),
        Spacer(1, 5 * mm),
        Paragraph("Contacts and roles", STYLES["Heading3"]),
        _table(["Contact", "Role", "Primary", "Email", "Title"],
               [[c["contact_name"], c["role"], "yes" if c["is_primary"] else "",
                 c["contact_email"], c["contact_title"]] for c in facts.contacts],
               "No contact roles on this deal."),
        Paragraph("Recent activity", STYLES["Heading3"]),
        _table(["Subject", "Date", "Type", "Status", "Owner"],
               [[a["subject"], a["activity_date"], a["subtype"] or a["activity_type"],
                 a["status"], a["owner_name"]] for a in facts.activities],
               "No tasks or events on this deal."),
        Paragraph("Recent emails", STYLES["Heading3"]),
        _table(["Subject", "Date", "Direction", "From"],
               [[e["subject"], e["message_date"], e["direction"],
                 e["from_name"] or e["from_address"]] for e in facts.emails],
               "No emails on this deal."),
    ]
    doc.build(story)
    return buffer.getvalue()
