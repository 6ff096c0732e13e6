"""SOQL's relative date literals (TODAY, LAST_N_DAYS:n, THIS_FISCAL_QUARTER, ...) as half-open
[start, end) date ranges, in the default org's calendar: weeks start on Sunday (en_US locale)
and fiscal years are calendar years.
"""

from datetime import date


def _relative_dates() -> dict[str, tuple]:
    """name -> (unit, a, b, c, d): the range starts at unit_start + (a*n + b) units and lasts
    (c*n + d) units; unit_start is the start of the current day/week/month/quarter/year."""
    table = {
        "YESTERDAY": ("day", 0, -1, 0, 1), "TODAY": ("day", 0, 0, 0, 1),
        "TOMORROW": ("day", 0, 1, 0, 1), "N_DAYS_AGO": ("day", -1, 0, 0, 1),
        "LAST_90_DAYS": ("day", 0, -90, 0, 91), "NEXT_90_DAYS": ("day", 0, 1, 0, 90),
        "LAST_N_DAYS": ("day", -1, 0, 1, 1), "NEXT_N_DAYS": ("day", 0, 1, 1, 0),
    }
    for unit, fiscal in (("week", ""), ("month", ""), ("quarter", ""), ("year", ""),
                         ("quarter", "FISCAL_"), ("year", "FISCAL_")):
        one = fiscal + unit.upper()
        table.update({
            f"LAST_{one}": (unit, 0, -1, 0, 1), f"THIS_{one}": (unit, 0, 0, 0, 1),
            f"NEXT_{one}": (unit, 0, 1, 0, 1), f"LAST_N_{one}S": (unit, -1, 0, 1, 0),
            f"NEXT_N_{one}S": (unit, 0, 1, 1, 0), f"N_{one}S_AGO": (unit, -1, 0, 0, 1),
        })
    return table


RELATIVE_DATES = _relative_dates()
_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _unit_start(unit: str, today: date) -> date:
    if unit == "day":
        return today
    if unit == "week":  # weeks start on Sunday (en_US locale)
        return date.fromordinal(today.toordinal() - (today.weekday() + 1) % 7)
    months = _MONTHS[unit]
    return date(today.year, (today.month - 1) // months * months + 1, 1)


def _shift(unit: str, start: date, k: int) -> date:
    if unit in ("day", "week"):
        return date.fromordinal(start.toordinal() + k * (7 if unit == "week" else 1))
    y, m = divmod(start.year * 12 + start.month - 1 + k * _MONTHS[unit], 12)
    return date(y, m + 1, 1)


def relative_range(name: str, n: int | None, today: date) -> tuple[date, date]:
    """Half-open [start, end) of a date literal; fiscal years are calendar years (default org)."""
    unit, a, b, c, d = RELATIVE_DATES[name]
    n = n or 0
    start = _shift(unit, _unit_start(unit, today), a * n + b)
    return start, _shift(unit, start, c * n + d)
