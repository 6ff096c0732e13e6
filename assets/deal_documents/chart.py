"""The stage history as a chart: one bar per stage the deal went through, on a time axis.

People read a stage history faster as a picture than as a table. Vector shapes (reportlab
graphics) keep the PDF small and sharp, and need no image library at run time.
"""

from datetime import datetime, timedelta

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors

WIDTH, ROW, TOP, LEFT, RIGHT = 480, 18, 28, 130, 20
PALETTE = [colors.HexColor(c) for c in ("#4e79a7", "#f28e2b", "#59a14f", "#e15759",
                                        "#76b7b2", "#edc948", "#b07aa1", "#9c755f")]


def _moment(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime(value.year, value.month, value.day)


def stage_chart(stages: list[dict], now: datetime) -> Drawing:
    """A Gantt-style bar per stage entry, from entered_at to exited_at (or `now`)."""
    spans = []
    for stage in stages:
        start = _moment(stage["entered_at"]) or now
        end = _moment(stage["exited_at"]) or now
        spans.append((stage["stage_name"] or "(no stage)", start, max(end, start)))
    height = TOP + ROW * max(len(spans), 1) + 24
    drawing = Drawing(WIDTH, height)
    drawing.add(String(0, height - 14, "Stage history", fontName="Helvetica-Bold", fontSize=11))
    if not spans:
        drawing.add(String(LEFT, height - TOP - 12, "no stage history yet", fontSize=9))
        return drawing
    first = min(s for _, s, _ in spans)
    last = max(max(e for _, _, e in spans), first + timedelta(days=1))
    scale = (WIDTH - LEFT - RIGHT) / (last - first).total_seconds()
    palette = {}
    for i, (name, start, end) in enumerate(spans):
        y = height - TOP - ROW * (i + 1)
        color = palette.setdefault(name, PALETTE[len(palette) % len(PALETTE)])
        x = LEFT + (start - first).total_seconds() * scale
        width = max((end - start).total_seconds() * scale, 2)
        drawing.add(String(0, y + 4, name[:24], fontSize=8))
        drawing.add(Rect(x, y + 2, width, ROW - 5, fillColor=color, strokeColor=None))
        days = (end - start).total_seconds() / 86400
        drawing.add(String(min(x + width + 3, WIDTH - RIGHT - 20), y + 5, f"{days:.0f}d",
                           fontSize=7))
    axis_y = height - TOP - ROW * len(spans) - 4
    drawing.add(Line(LEFT, axis_y, WIDTH - RIGHT, axis_y, strokeColor=colors.grey))
    drawing.add(String(LEFT, axis_y - 11, first.date().isoformat(), fontSize=7))
    drawing.add(String(WIDTH - RIGHT, axis_y - 11, last.date().isoformat(), fontSize=7,
                       textAnchor="end"))
    return drawing
