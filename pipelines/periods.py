"""Reporting periods, defined once for the metrics, the filters and the board pack: month,
quarter, financial year and calendar year (the grains the filters offer), and the school audit
rounds, academic year (September-August) and term.

Labels are spelled exactly as `pipelines.metrics.PERIOD_EXPR` groups rows ("2026-04", "2026 Q2",
"2026-27", "2026"), so a period chosen in the sidebar lines up with the rows `rates()` returns;
academic years read "2025/26" and terms "Autumn 2025".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

GRAINS: tuple[str, ...] = ("month", "quarter", "financial_year", "calendar_year")  # the filters'
ALL_GRAINS = (*GRAINS, "academic_year", "term")
TERMS = ((1, "Spring"), (4, "Summer"), (9, "Autumn"))  # our rule: Jan-Mar, Apr-Aug, Sep-Dec
GRAIN_NAMES = {
    "month": "Month",
    "quarter": "Quarter (calendar)",
    "financial_year": "Financial year (April-March)",
    "calendar_year": "Calendar year",
}
GRAIN_WORDS = {  # as the grain reads inside a sentence or a chart title
    "month": "month", "quarter": "quarter", "financial_year": "financial year",
    "calendar_year": "calendar year",
}
MONTHS_PER = {"month": 1, "quarter": 3, "financial_year": 12, "calendar_year": 12}
_QUARTER_MONTHS = {1: "Jan-Mar", 2: "Apr-Jun", 3: "Jul-Sep", 4: "Oct-Dec"}
_PATTERNS = {
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarter": re.compile(r"^(\d{4}) Q([1-4])$"),
    "financial_year": re.compile(r"^(\d{4})-(\d{2})$"),
    "calendar_year": re.compile(r"^(\d{4})$"),
    "academic_year": re.compile(r"^(\d{4})/(\d{2})$"),
    "term": re.compile(r"^(Spring|Summer|Autumn) (\d{4})$"),
}


@dataclass(frozen=True)
class Period:
    grain: str
    label: str  # as metrics.rates() labels the group
    start: dt.date
    end: dt.date

    @property
    def display(self) -> str:
        """The label a person reads: "Nov 2026", "2026 Q3 (Jul-Sep)", "2026-27 (Apr-Mar)"."""
        if self.grain == "month":
            return self.start.strftime("%b %Y")
        if self.grain == "quarter":
            return f"{self.label} ({_QUARTER_MONTHS[(self.start.month - 1) // 3 + 1]})"
        if self.grain == "financial_year":
            return f"{self.label} (Apr-Mar)"
        return self.label

    @property
    def short(self) -> str:
        """The label on a chart axis or in a table: "Nov 2026", "2026 Q3", "2026-27", "2026"."""
        return self.start.strftime("%b %Y") if self.grain == "month" else self.label


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_of(grain: str, day: dt.date) -> Period:
    """The period of a grain that contains a day."""
    if grain == "month":
        return Period(grain, f"{day:%Y-%m}", day.replace(day=1), month_end(day.year, day.month))
    if grain == "quarter":
        q = (day.month - 1) // 3 + 1
        return Period(grain, f"{day.year} Q{q}", dt.date(day.year, 3 * q - 2, 1),
                      month_end(day.year, 3 * q))
    if grain == "financial_year":
        start = day.year if day.month >= 4 else day.year - 1
        return Period(grain, f"{start}-{(start + 1) % 100:02d}", dt.date(start, 4, 1),
                      dt.date(start + 1, 3, 31))
    if grain == "calendar_year":
        return Period(grain, str(day.year), dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    if grain == "academic_year":
        start = day.year if day.month >= 9 else day.year - 1
        return Period(grain, f"{start}/{(start + 1) % 100:02d}", dt.date(start, 9, 1),
                      dt.date(start + 1, 8, 31))
    if grain == "term":
        begins, name = max(t for t in TERMS if t[0] <= day.month)
        following = [b for b, _ in TERMS if b > begins]
        end = month_end(day.year, following[0] - 1) if following else dt.date(day.year, 12, 31)
        return Period(grain, f"{name} {day.year}", dt.date(day.year, begins, 1), end)
    raise ValueError(f"unknown period grain '{grain}' (one of {', '.join(ALL_GRAINS)})")


def periods_between(grain: str, first: dt.date, last: dt.date) -> list[Period]:
    """Every period of a grain from the one holding `first` to the one holding `last`."""
    out = [period_of(grain, min(first, last))]
    while out[-1].end < last:
        out.append(period_of(grain, out[-1].end + dt.timedelta(days=1)))
    return out


def parse(grain: str, label: str) -> Period | None:
    """The period a label names, or None if the label is not one of this grain's."""
    match = _PATTERNS.get(grain, re.compile("$^")).match(label or "")
    if not match:
        return None
    if grain == "term":
        begins = dict((name, month) for month, name in TERMS)[match.group(1)]
        return period_of(grain, dt.date(int(match.group(2)), begins, 1))
    year = int(match.group(1))
    try:
        if grain == "month":
            day = dt.date(year, int(match.group(2)), 1)
        elif grain == "quarter":
            day = dt.date(year, 3 * int(match.group(2)) - 2, 1)
        elif grain in ("financial_year", "academic_year"):
            if int(match.group(2)) != (year + 1) % 100:
                return None
            day = dt.date(year, 4 if grain == "financial_year" else 9, 1)
        else:
            day = dt.date(year, 1, 1)
    except ValueError:
        return None
    return period_of(grain, day)


def shift_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier if negative); a month's last day stays a last day,
    so 31 October shifted back a month is 30 September and 16 November is 16 October."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = month_end(year, month + 1)
    if day == month_end(day.year, day.month):
        return last
    return dt.date(year, month + 1, min(day.day, last.day))


def display_label(grain: str, label: str) -> str:
    """A rates() group label as a chart or table shows it; labels of no period stay as they are."""
    period = parse(grain, label)
    return period.short if period else label


def with_periods(frame: pd.DataFrame, grain: str) -> pd.DataFrame:
    """A rates() frame grouped by period, with a `period` column people can read."""
    return frame.assign(period=[display_label(grain, str(g)) for g in frame["group"]])
