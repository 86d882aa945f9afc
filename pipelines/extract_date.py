"""When an export was extracted: the date that orders the versions of one record.

The same record arrives in every monthly export; the later extract wins, and an older one loaded
afterwards must not undo a correction. A load's extract date is, in this order: the one given
(`ingest --extract-date`), the date the file declares (a SEN2 header's DateTime), a date in a
title row ("as at 30/11/2026"), a date in the file name (`..._2026-11-30.csv`, or `..._2026-11.csv`
for the month's last day, no later than the load's as-of date), the latest of a tracker's tabs
named by months (`sheet_months`: its month's last day, no later than the as-of date), else the
latest date in the file.
The load summary says which was used.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.dates import DateError, parse_date
from pipelines.free_text import without_personal_data

# A title or note row naming the date its data stand at.
_TITLE = re.compile(
    r"\b(?:as at|as of|position at|extract(?:ed)?(?: date)?(?: on)?|date extracted|data extracted"
    r"(?: on)?|run (?:date|on)|report(?:ed)? (?:date|run(?: on)?)|produced(?: on)?|snapshot(?: date)?"
    r"|data to|up to)\b\s*[:\-]?\s*(.+)", re.IGNORECASE)
# From the first space of a run only: from every space of a long run it scanned for seconds.
_TIME = re.compile(r"(?<!\s)\s+\d{1,2}:\d{2}(:\d{2})?.*$")
# Dates in file names: 2026-11-30, 20261130, 30-11-2026, 30.11.2026; then 2026-11 or Nov 2026.
_NAME_DAY = (
    (re.compile(r"(?<!\d)(20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)"), (1, 2, 3)),
    (re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])[-_.](0[1-9]|1[0-2])[-_.](20\d\d)(?!\d)"), (3, 2, 1)),
)
_NAME_MONTH = re.compile(r"(?<!\d)(20\d\d)[-_.](0[1-9]|1[0-2])(?![\d])")
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_NAME_MON_YEAR = re.compile(r"(?i)(?<![a-z])(" + "|".join(_MONTHS) + r")[a-z]*[-_ .]?(20\d\d)(?!\d)")


def from_title(texts: Iterable[str]) -> tuple[dt.date, str] | None:
    """The first date that a title row gives as its data's date, with that row's text."""
    for text in texts:
        m = _TITLE.search(text)
        if not m:
            continue
        rest = _TIME.sub("", m.group(1).strip().rstrip(".)"))
        words = rest.split()
        # The date may be followed by more words ("as at 30 November 2026 (provisional)").
        for n in range(min(len(words), 4), 0, -1):
            try:
                day = parse_date(" ".join(words[:n]).rstrip(",;"))
            except DateError:
                continue
            if day is not None:
                return day, text.strip()
    return None


def _day_in_name(name: str) -> dt.date | None:
    for pattern, (y, mo, d) in _NAME_DAY:
        if m := pattern.search(name):
            try:
                return dt.date(int(m[y]), int(m[mo]), int(m[d]))
            except ValueError:
                continue
    return None


def from_file_name(name: str) -> dt.date | None:
    """A date in the file's name; a month alone means that month's last day."""
    if day := _day_in_name(name):
        return day
    year_month = None
    if m := _NAME_MONTH.search(name):
        year_month = int(m[1]), int(m[2])
    elif m := _NAME_MON_YEAR.search(name):
        year_month = int(m[2]), _MONTHS[m[1][:3].lower()]
    if year_month:
        year, month = year_month
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    return None


def latest_date(tables: Iterable[pa.Table], as_of: dt.date) -> dt.date | None:
    """The latest date held in any date column of the loaded rows, up to the as-of date (hearing
    dates may lie ahead and say nothing of when the file was made)."""
    latest = None
    for table in tables:
        for i, field in enumerate(table.schema):
            if not pa.types.is_date(field.type):
                continue
            column = table.column(i)
            kept = column.filter(pc.less_equal(column, pa.scalar(as_of, field.type)))
            top = pc.max(kept).as_py() if len(kept) else None
            if top is not None and (latest is None or top > latest):
                latest = top
    return latest


def decide(given: dt.date | None, titles: list[str], file_name: str, tables: list[pa.Table],
           as_of: dt.date, stated: tuple[dt.date, str] | None = None,
           tab: tuple[dt.date, str] | None = None) -> tuple[dt.date, str]:
    """(extract date, how it was found), in the order the module docstring gives; `stated` is
    what the file itself declares (a SEN2 return's header), taken before its title rows; `tab`
    the last day of the latest month tab and its name (`sheet_months.latest_tab`)."""
    if given:
        return given, "given (--extract-date)"
    if stated:
        return stated
    if found := from_title(titles):
        return found[0], f"title row '{without_personal_data(found[1])[:80]}'"
    if named := from_file_name(file_name):
        # "_2026-11" stands for 30 November, but a file loaded as of 16 November was made by
        # then: the extract is no later than the load's as-of date.
        if named > as_of and _day_in_name(file_name) is None:
            return as_of, "file name (month to the as-of date)"
        return named, "file name"
    if tab:  # the tracker as it stood at that month's end, or now for the month still running
        day, sheet = tab
        if day > as_of:
            return as_of, f"latest sheet's month '{sheet}' (to the as-of date)"
        return day, f"latest sheet's month '{sheet}'"
    if latest := latest_date(tables, as_of):
        return latest, "latest date in the file"
    return as_of, "as-of date (the file holds no date)"
