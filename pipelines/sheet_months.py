"""Tabs named by months: a hand-kept tracker with one tab per month ("April 2026", "May 26",
"Jun-2026", "2026-07", "Sept 2026"), or per day ("2026-07-15"), each the tracker as it stood
then. When every tab holding a dataset is so named and no two name the same month (or day),
the tabs are versions in that order: the latest tab's version of a record is the one loaded
(`staging`), and the latest tab's month bounds the extract date (`extract_date`). Words every
tab's name shares around its month ("Tracker April 2026", "Tracker May 2026"; "Apr 26 log") are
set aside first: they name the tracker, not the month.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_MONTH_WORDS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}
_WORD = "(" + "|".join(sorted(_MONTH_WORDS, key=len, reverse=True)) + ")"
_SEP = r"[\s\-_.']*"
# Each pattern names its groups: year (2 or 4 digits), month (word or number), day if any.
_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    rf"(?P<month>{_WORD}){_SEP}(?P<year>\d{{4}}|\d{{2}})",  # April 2026, May 26, Jun-2026
    rf"(?P<year>\d{{4}}){_SEP}(?P<month>{_WORD})",  # 2026 July
    r"(?P<year>\d{4})[\-_. ](?P<month>0?[1-9]|1[0-2])",  # 2026-07
    r"(?P<month>0?[1-9]|1[0-2])[\-_. ](?P<year>\d{4})",  # 07-2026
    r"(?P<year>\d{4})[\-_. ](?P<month>0[1-9]|1[0-2])[\-_. ](?P<day>0[1-9]|[12]\d|3[01])",
    r"(?P<day>0?[1-9]|[12]\d|3[01])[\-_. ](?P<month>0?[1-9]|1[0-2])[\-_. ](?P<year>\d{4})",
    rf"(?P<day>0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?{_SEP}(?P<month>{_WORD}){_SEP}(?P<year>\d{{4}})",
)]


def tab_period(name: str) -> tuple[dt.date, dt.date, str] | None:
    """(first day, last day, grain 'month' or 'day') a tab's name stands for, the whole name
    being a month or a date; else None."""
    text = name.strip()
    for pattern in _PATTERNS:
        m = pattern.fullmatch(text)
        if not m:
            continue
        year = int(m["year"])
        year += 2000 if year < 100 else 0
        month = m["month"]
        month = _MONTH_WORDS[month.lower()] if month.isalpha() else int(month)
        try:
            if "day" in m.groupdict():
                day = dt.date(year, month, int(m["day"]))
                return day, day, "day"
            return (dt.date(year, month, 1),
                    dt.date(year, month, calendar.monthrange(year, month)[1]), "month")
        except ValueError:  # 31 June
            return None
    return None


def _periods(sheets: list[str]) -> dict[str, tuple[dt.date, dt.date, str]] | None:
    """Each distinct tab's period, read from its whole name, or else from its name without the
    words every tab's name begins or ends with (none of them a number or a month); None unless
    every tab so names a period."""
    names = set(sheets)
    periods = {sheet: tab_period(sheet) for sheet in names}
    if all(p is not None for p in periods.values()):
        return periods  # type: ignore[return-value]
    words = {sheet: _SPLIT.split(sheet.strip()) for sheet in names}
    lead = _shared(list(words.values()))
    trail = _shared([w[::-1] for w in words.values()])
    if not lead and not trail:
        return None
    periods = {sheet: tab_period(" ".join(w[lead:len(w) - trail])) for sheet, w in words.items()}
    if any(p is None for p in periods.values()):
        return None
    return periods  # type: ignore[return-value]


_SPLIT = re.compile(r"[\s\-_:,()\[\]]+")


def _shared(lists: list[list[str]]) -> int:
    """How many words, from the start, every list has alike, none a number or a month."""
    n = 0
    for column in zip(*lists, strict=False):
        word = column[0].lower()
        if (any(w.lower() != word for w in column) or any(c.isdigit() for c in word)
                or word in _MONTH_WORDS):
            break
        n += 1
    return n


def month_order(sheets: list[str]) -> dict[str, int] | None:
    """Each tab's place in time (0 the earliest), when two or more tabs hold the dataset, each
    named by a month (or each by a day) and no two by the same one; else None: the tabs are not
    versions of one tracker, and a key written two ways across them is a conflict."""
    ordered = _ordered(sheets)
    return None if ordered is None else ordered[0]


def _ordered(sheets: list[str]) -> tuple[dict[str, int], dict[str, tuple[dt.date, dt.date, str]]
                                          ] | None:
    """`month_order`, with the period each tab's name gives."""
    if len(set(sheets)) < 2:
        return None
    periods = _periods(sheets)
    if periods is None:
        return None
    if len({p[2] for p in periods.values()}) > 1:  # "June 2026" beside "2026-06-15": no order
        return None
    starts = sorted(p[0] for p in periods.values())
    if len(set(starts)) < len(starts):
        return None
    return {sheet: starts.index(p[0]) for sheet, p in periods.items()}, periods


def latest_tab(sheets: list[str]) -> tuple[dt.date, str] | None:
    """The last day of the latest tab's month (or its day), and its name, when the tabs are
    ordered by month (`month_order`); else None."""
    ordered = _ordered(sheets)
    if ordered is None:
        return None
    order, periods = ordered
    sheet = max(order, key=order.__getitem__)
    return periods[sheet][1], sheet


def months_without_a_year(sheets: set[str]) -> bool:
    """Whether two or more tabs are named by a month alone ("Nov", "December"): versions of a
    tracker that cannot be put in order until their names give the year."""
    return len(sheets) > 1 and all(
        re.fullmatch(_WORD, sheet.strip(), re.IGNORECASE) for sheet in sheets)
