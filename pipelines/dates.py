"""Turn the many ways exports write a date into a `datetime.date`, day first (this is England).

Accepts real Excel dates and date-times, Excel serial numbers, `dd/mm/yyyy` (also with `-` or
`.`, and two-digit years), `yyyy-mm-dd`, `yyyymmdd`, `1 Apr 2025`, `01-Apr-25`, `2023-Nov-30`
(as SEN2 tools write it) and `April 1, 2025`, each with an optional time and weekday
(`Tuesday, 1 April 2025`, which must be the date's). A well-formed but impossible
date (31/02/2025) is an error, never a guess.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01, allowing for Lotus's 1900 leap year
EARLIEST = dt.date(1950, 1, 1)
LATEST = dt.date(2100, 12, 31)

_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DMY = re.compile(rf"^(\d{{1,2}})\s*[/.\-]\s*(\d{{1,2}})\s*[/.\-]\s*(\d{{4}}|\d{{2}}){_TIME}$")
_YMD = re.compile(rf"^(\d{{4}})[/.\-](\d{{1,2}})[/.\-](\d{{1,2}}){_TIME}$")
_D_MON_Y = re.compile(
    rf"^(\d{{1,2}})(?:st|nd|rd|th)?[\s\-/]+([A-Za-z]{{3,9}})\.?,?[\s\-/]+(\d{{4}}|\d{{2}}){_TIME}$"
)
_Y_MON_D = re.compile(rf"^(\d{{4}})-([A-Za-z]{{3,9}})-(\d{{1,2}}){_TIME}$")  # SEN2 tools: 2023-Nov-30
_MON_D_Y = re.compile(rf"^([A-Za-z]{{3,9}})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_TIME}$")
_SERIAL = re.compile(r"^\d{1,6}(?:\.\d+)?$")
_YYYYMMDD = re.compile(r"^((?:19|20|21)\d{2})(\d{2})(\d{2})$")  # SQL reports: never day first, unseparated
# A weekday before the date, as Excel's long date writes it ("Tuesday, 1 April 2025").
_WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+(?=\d)", re.IGNORECASE)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}


MONTH_FIRST = "month first it is"  # in the reason of a date that reads only month first


class DateError(ValueError):
    """The value is not a date, or names a day that does not exist."""


class ImpossibleDate(DateError):
    """A well-formed date naming a day that does not exist (31/02/2025)."""


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # 00-69 -> 2000s, 70-99 -> 1900s, as Excel does
        year += 2000 if year < 70 else 1900
    return year


def _make(year: int, month: int, day: int, original: str) -> dt.date:
    try:
        value = dt.date(year, month, day)
    except ValueError as exc:
        raise ImpossibleDate(f"impossible date '{original}'") from exc
    return _plausible(value, original)


def _plausible(value: dt.date, original: object) -> dt.date:
    if not EARLIEST <= value <= LATEST:
        raise DateError(f"implausible date '{original}' ({value.isoformat()})")
    return value


def from_serial(serial: float, original: object) -> dt.date:
    if serial < 1:
        raise DateError(f"not a date: '{original}'")
    try:
        value = EXCEL_EPOCH + dt.timedelta(days=int(serial))
    except OverflowError as exc:
        raise DateError(f"not a date: '{original}'") from exc
    return _plausible(value, original)


def parse_date(value: object) -> dt.date | None:
    """A date, None for a blank cell, or DateError saying why the value is not a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _plausible(value.date(), value)
    if isinstance(value, dt.date):
        return _plausible(value, value)
    if isinstance(value, bool):
        raise DateError(f"not a date: '{value}'")
    if isinstance(value, int | float):
        if value != value:  # NaN
            return None
        if float(value).is_integer() and (m := _YYYYMMDD.match(f"{value:.0f}")):
            return _make(int(m[1]), int(m[2]), int(m[3]), str(int(value)))
        return from_serial(float(value), value)
    if isinstance(value, dt.time | dt.timedelta):
        raise DateError(f"a time or duration, not a date: '{value}'")
    text = str(value).strip()
    if not text:
        return None
    if _SERIAL.match(text):
        return from_serial(float(text), text)
    if m := _YYYYMMDD.match(text):
        return _make(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _WEEKDAY.match(text):
        day = parse_date(text[m.end():])
        named = next(d for d in _WEEKDAYS if d.startswith(m[1].lower()))
        if day is not None and _WEEKDAYS[day.weekday()] != named:
            raise DateError(f"not a date: '{text}': {text[m.end():]} is a "
                            f"{_WEEKDAYS[day.weekday()].title()}, not a {named.title()}")
        return day
    if m := _DMY.match(text):
        day, month = int(m[1]), int(m[2])
        if month > 12 and 1 <= day <= 12 and 1 <= month <= 31:  # 04/30/2025: written month first
            raise ImpossibleDate(
                f"impossible date '{text}': read day first it has no month {month}; "
                f"{MONTH_FIRST} {month} {calendar.month_name[day]} {_year(m[3])}")
        return _make(_year(m[3]), month, day, text)
    if m := _YMD.match(text):
        return _make(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _D_MON_Y.match(text):
        month = _MONTHS.get(m[2].lower())
        if month:
            return _make(_year(m[3]), month, int(m[1]), text)
    if m := _Y_MON_D.match(text):
        month = _MONTHS.get(m[2].lower())
        if month:
            return _make(int(m[1]), month, int(m[3]), text)
    if m := _MON_D_Y.match(text):
        month = _MONTHS.get(m[1].lower())
        if month:
            return _make(int(m[3]), month, int(m[2]), text)
    raise DateError(f"not a date: '{text}' (expected dd/mm/yyyy)")
