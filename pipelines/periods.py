"""Reporting periods, defined once for the metrics, the filters and the board pack: month,
quarter, financial year and calendar year (the grains the filters offer), the school audit
rounds, academic year (September-August) and term, and the board pack's quarter.

SQL only groups rows by the first day of their period (`start_sql`); every label is made here
from that date ("2026-04", "2026 Q2", "2026-27", "2026", "2025/26", "Autumn 2025"), so a period
chosen in the sidebar lines up with the rows the metrics return, and no label is read back.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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
    """The period a label names (as the URL or a person gives it), or None if the label is not
    one of this grain's: the label's first day is read from its parts and the label made again
    from it must match, so only the spellings `period_of` makes are accepted."""
    text = label or ""
    head, _, tail = text.partition(" " if grain in ("quarter", "term") else "-"
                                   if grain in ("month", "financial_year") else "/")
    try:
        if grain == "term":
            month = {name: begins for begins, name in TERMS}.get(head, 0)
            day = dt.date(int(tail), month, 1) if tail.isdigit() else None
        elif not head.isdigit() or len(head) != 4:
            day = None
        elif grain == "month":
            day = dt.date(int(head), int(tail), 1) if tail.isdigit() else None
        elif grain == "quarter":
            number = int(tail[1:]) if tail[:1] == "Q" and tail[1:].isdigit() else 0
            day = dt.date(int(head), 3 * number - 2, 1)
        elif grain in ("financial_year", "academic_year"):
            day = dt.date(int(head), 4 if grain == "financial_year" else 9, 1)
        elif grain == "calendar_year":
            day = dt.date(int(head), 1, 1) if not tail else None
        else:
            day = None
    except ValueError:
        return None
    period = period_of(grain, day) if day else None
    return period if period and period.label == text else None


def start_sql(grain: str, column: str = "anchor") -> str:
    """SQL for the first day of the period of `grain` holding the date in `column`: the one thing
    a query groups by (labels are made from it by `period_of`)."""
    if grain == "month":
        return f"CAST(date_trunc('month', {column}) AS DATE)"
    if grain == "quarter":
        return f"CAST(date_trunc('quarter', {column}) AS DATE)"
    if grain == "calendar_year":
        return f"CAST(date_trunc('year', {column}) AS DATE)"
    if grain in ("financial_year", "academic_year"):
        first = 4 if grain == "financial_year" else 9
        return (f"make_date(CASE WHEN month({column}) >= {first} THEN year({column}) "
                f"ELSE year({column}) - 1 END, {first}, 1)")
    if grain == "term":
        begins = " ".join(f"WHEN month({column}) >= {m} THEN {m}" for m, _ in reversed(TERMS))
        return f"make_date(year({column}), CASE {begins} END, 1)"
    raise ValueError(f"unknown period grain '{grain}' (one of {', '.join(ALL_GRAINS)})")


def labels(grain: str, starts: Iterable[Any]) -> list[str]:
    """The labels of the periods whose first days a query returned."""
    return [period_of(grain, _as_date(day)).label for day in starts]


def shorts(grain: str, starts: Iterable[Any]) -> list[str]:
    """The labels on a chart axis or in a table ("Nov 2026", "2026 Q3"), from first days."""
    return [period_of(grain, _as_date(day)).short for day in starts]


def _as_date(day: Any) -> dt.date:
    return day.date() if isinstance(day, dt.datetime | pd.Timestamp) else day


def shift_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier if negative); a month's last day stays a last day,
    so 31 October shifted back a month is 30 September and 16 November is 16 October."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = month_end(year, month + 1)
    if day == month_end(day.year, day.month):
        return last
    return dt.date(year, month + 1, min(day.day, last.day))


def with_periods(frame: pd.DataFrame, grain: str) -> pd.DataFrame:
    """A frame grouped by period (with its `start` column), with a `period` column people read.
    A period between the first and the last with nothing in it gets a row of zero counts and no
    rate, so that a chart shows the gap instead of joining the periods either side of it."""
    if len(frame) > 1:
        frame = _every_period(frame, grain)
    return frame.assign(period=shorts(grain, frame["start"]))


def _every_period(frame: pd.DataFrame, grain: str) -> pd.DataFrame:
    held = {_as_date(day) for day in frame["start"]}
    day, last, missing = min(held), max(held), []
    while day <= last:
        if day not in held:
            missing.append(day)
        day = period_of(grain, period_of(grain, day).end + dt.timedelta(days=1)).start
    if not missing:
        return frame
    empty = {}
    for column, dtype in frame.dtypes.items():
        if column == "start":
            empty[column] = (pd.to_datetime(missing).astype(dtype)
                             if pd.api.types.is_datetime64_any_dtype(dtype) else missing)
        elif column == "group":
            empty[column] = [period_of(grain, d).label for d in missing]
        elif pd.api.types.is_bool_dtype(dtype):  # `small`: fewer than 5 cases, and none here
            empty[column] = [column == "small"] * len(missing)
        elif pd.api.types.is_integer_dtype(dtype):
            empty[column] = [0] * len(missing)
        else:  # a rate or any other value: none
            empty[column] = [float("nan") if pd.api.types.is_float_dtype(dtype) else None
                             ] * len(missing)
    rows = pd.DataFrame(empty, columns=frame.columns)
    return pd.concat([frame, rows], ignore_index=True).sort_values(
        "start", key=lambda days: days.map(_as_date), kind="stable", ignore_index=True)


# ---- the board pack's quarter ----------------------------------------------------------------

QUARTER_BASES = ("financial", "calendar")  # how a board pack names its quarter (settings.toml)
_MONTH_NAMES = tuple(calendar.month_name)


def day_text(day: dt.date) -> str:
    """'1 October 2025'."""
    return f"{day.day} {_MONTH_NAMES[day.month]} {day.year}"


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter (`year`, `number` 1 = January-March), which is also a quarter of the NHS
    financial year: 2025 Q4 is Q3 2025/26. `basis` says which name a board reads first: the NHS
    financial-year quarter ("Q3 2025/26, Oct-Dec 2025") or the calendar one ("2025 Q4")."""

    year: int
    number: int
    basis: str = "calendar"

    @property
    def _period(self) -> Period:
        return period_of("quarter", dt.date(self.year, 3 * self.number - 2, 1))

    @property
    def start(self) -> dt.date:
        return self._period.start

    @property
    def end(self) -> dt.date:
        return self._period.end

    @property
    def label(self) -> str:
        """The calendar quarter, as the metrics label it: '2025 Q4'."""
        return self._period.label

    @property
    def financial_year(self) -> Period:
        return period_of("financial_year", self.start)

    @property
    def financial_number(self) -> int:
        return (self.number - 2) % 4 + 1

    @property
    def financial_label(self) -> str:
        """'FY2025-26 Q3', as the command line accepts it."""
        return f"FY{self.financial_year.label} Q{self.financial_number}"

    @property
    def months(self) -> str:
        """'Oct-Dec 2025'."""
        return f"{self.start:%b}-{self.end:%b %Y}"

    @property
    def name(self) -> str:
        """The quarter as the pack names it: 'Q3 2025/26' (financial basis) or '2025 Q4'."""
        if self.basis == "financial":
            first = self.financial_year.start.year
            return f"Q{self.financial_number} {first}/{(first + 1) % 100:02d}"
        return self.label

    @property
    def other_name(self) -> str:
        """The same months named on the other basis: '2025 Q4' or 'FY2025-26 Q3'."""
        return self.label if self.basis == "financial" else self.financial_label

    @property
    def basis_note(self) -> str:
        """Which quarters the pack reports, in a sentence."""
        if self.basis == "financial":
            return ("Quarters are NHS financial-year quarters (the year runs April to March, so "
                    "Q1 is April-June); the calendar quarter is given beside each.")
        return "Quarters are calendar quarters; the NHS financial-year quarter is given beside each."

    @property
    def dates(self) -> str:
        return f"{self.start.day} {_MONTH_NAMES[self.start.month]} to {day_text(self.end)}"

    @property
    def describe(self) -> str:
        """'Q3 2025/26, Oct-Dec 2025: 1 October to 31 December 2025 (calendar quarter 2025 Q4)',
        or on the calendar basis '2025 Q4: 1 October to 31 December 2025 (NHS financial year
        2025-26, quarter 3)'."""
        if self.basis == "financial":
            return f"{self.name}, {self.months}: {self.dates} (calendar quarter {self.label})"
        return (f"{self.label}: {self.dates} (NHS financial year {self.financial_year.label}, "
                f"quarter {self.financial_number})")

    @property
    def file_label(self) -> str:
        if self.basis == "financial":
            return f"FY{self.financial_year.label}Q{self.financial_number}"
        return f"{self.year}Q{self.number}"

    def on(self, basis: str) -> Quarter:
        """The same quarter named on another basis."""
        if basis not in QUARTER_BASES:
            raise ValueError(f"unknown quarter basis '{basis}' (one of {', '.join(QUARTER_BASES)})")
        return Quarter(self.year, self.number, basis)

    def previous(self) -> Quarter:
        day = self.start - dt.timedelta(days=1)
        return Quarter(day.year, (day.month - 1) // 3 + 1, self.basis)


def quarter_of(day: dt.date, basis: str = "calendar") -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1, basis)


def parse_quarter(text: str) -> Quarter:
    """`2025Q4` (also `2025 Q4`, `2025-Q4`): the calendar quarter October-December 2025.
    `FY2025-26Q3` (also `FY2025/26 Q3`): quarter 3 of the NHS financial year April 2025-March
    2026, the same October-December 2025. Raises ValueError for anything else."""
    cleaned = "".join(str(text).split()).upper()
    financial = cleaned.startswith("FY")
    head, found, number = cleaned.removeprefix("FY").rpartition("Q")
    head = head.removesuffix("-")
    if found and number in ("1", "2", "3", "4"):
        if not financial and len(head) == 4 and head.isdigit():
            return Quarter(int(head), int(number))
        first, mark, second = head[:4], head[4:5], head[5:]
        if (financial and mark in ("-", "/") and first.isdigit() and second.isdigit()
                and len(second) == 2):
            if int(second) != (int(first) + 1) % 100:
                raise ValueError(f"'{text}': a financial year runs from one year into the next "
                                 f"(FY{period_of('financial_year', dt.date(int(first), 4, 1)).label})")
            return quarter_of(shift_months(dt.date(int(first), 4, 1), 3 * (int(number) - 1)))
    raise ValueError(f"'{text}' is not a quarter: give a calendar quarter such as 2025Q4 "
                     "(October-December 2025) or a financial one such as FY2025-26Q3")
