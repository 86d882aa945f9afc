"""Values already in the form their parser would give, recognised in bulk over a column's
distinct text values (Arrow and numpy, no Python call per value).

Each check takes the distinct values as an Arrow string array and returns which are clean and
what the parser would make of those; every other value goes to the Python parser, which says why
it is not valid. A check may pass over a clean value (the parser then does the work) but never
accepts one the parser would refuse or read differently: the tests hold each to its parser.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.dates import EARLIEST, LATEST

# Text of printable ASCII words with single spaces between: what `_text` makes of it is itself
# (and `_id` its upper case), so Arrow says so at once for the many distinct ids of a big export.
# Not a leading apostrophe: it may be a quote prefix (`unquoted`), left to the parser's path.
_CLEAN_TEXT = r"^[!-&(-~][!-~]*( [!-~]+)*$"
# The apostrophe an export or a spreadsheet user puts before a value to keep it text ('000123
# keeps its zeros, '2025-01-20 stays as typed; some exports put one before every text cell, this
# project's own before =, +, - and @): not part of the value, whatever follows it.
_QUOTE_PREFIX = re.compile(r"^\s*'(?=[^'\s])")


# What a cell holds when its formula failed, or was never calculated (`limits.NOT_CALCULATED`).
_EXCEL_ERROR = re.compile(r"^#(N/A|REF!|DIV/0!|VALUE!|NAME\?|NUM!|NULL!|SPILL!|CALC!|NOT CALCULATED)$",
                          re.IGNORECASE)


def refuse_excel_error(text: str | None) -> None:
    """Raise ValueError if `text` is an Excel error: never a reason, a stage or an outcome."""
    if text is not None and _EXCEL_ERROR.match(text):
        raise ValueError(f"'{text}' is an Excel error, not a value: check the formula in the source")


def unquoted(value: object) -> object:
    """`value` without a quote prefix, if it is text that has one."""
    return _QUOTE_PREFIX.sub("", value, count=1) if isinstance(value, str) else value
# The two layouts exports write most: dd/mm/yyyy and yyyy-mm-dd, no time, no spaces.
_DAY_FIRST = r"^[0-9]{2}/[0-9]{2}/[0-9]{4}$"
_ISO = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def clean_text(values: pa.Array, upper: bool) -> tuple[np.ndarray, list[str]]:
    clean, kept = clean_text_arrow(values, upper)
    return clean, kept.to_pylist()


def clean_text_arrow(values: pa.Array, upper: bool) -> tuple[np.ndarray, pa.Array]:
    """`clean_text` with the clean values left in Arrow, so that a column of ids can reach the
    table without being copied back from Python strings."""
    clean = pc.match_substring_regex(values, _CLEAN_TEXT).fill_null(False)
    kept = (pc.ascii_upper(values) if upper else values).filter(clean)
    return clean.to_numpy(zero_copy_only=False), kept


def _fixed_width(values: pa.Array, width: int) -> np.ndarray:
    """Strings all `width` bytes long as a (n, width) array of their bytes, read from Arrow's
    buffers without a Python object per value."""
    if not len(values):
        return np.zeros((0, width), dtype=np.uint8)
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[values.offset:]
    data = np.frombuffer(values.buffers()[2], dtype=np.uint8)
    start = int(offsets[0])
    return data[start:start + width * len(values)].reshape(-1, width)


def clean_nhs_numbers(values: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Ten ASCII digits that pass the modulus 11 check are valid as they stand (as
    `nhs_number_is_valid` decides); anything else goes to the parser, which says why not."""
    clean = pc.match_substring_regex(values, r"^[0-9]{10}$").fill_null(False)
    clean = clean.to_numpy(zero_copy_only=False)
    kept = values.filter(pa.array(clean))
    digits = _fixed_width(kept, 10).astype(np.int64) - ord("0")
    check = 11 - (digits[:, :9] * np.arange(10, 1, -1)).sum(axis=1) % 11
    check[check == 11] = 0
    valid = (check != 10) & (check == digits[:, 9]) & (digits != digits[:, :1]).any(axis=1)
    clean[np.flatnonzero(clean)] = valid
    return clean, kept.filter(pa.array(valid)).to_pylist()


def _number(digits: np.ndarray) -> np.ndarray:
    return (digits.astype(np.int64) - ord("0")) @ (10 ** np.arange(digits.shape[1] - 1, -1, -1))


def clean_dates(values: pa.Array) -> tuple[np.ndarray, list[dt.date]]:
    """dd/mm/yyyy and yyyy-mm-dd naming a day that exists between `dates.EARLIEST` and
    `dates.LATEST` are what `parse_date` makes of them; an impossible or implausible date, or
    any other layout, goes to the parser (which says why, or reads the other layouts)."""
    clean = np.zeros(len(values), dtype=bool)
    years = np.zeros(len(values), dtype=np.int64)
    months = np.zeros(len(values), dtype=np.int64)
    days = np.zeros(len(values), dtype=np.int64)
    for pattern, year, month, day in ((_DAY_FIRST, (6, 10), (3, 5), (0, 2)),
                                      (_ISO, (0, 4), (5, 7), (8, 10))):
        found = pc.match_substring_regex(values, pattern).fill_null(False)
        at = np.flatnonzero(found.to_numpy(zero_copy_only=False))
        if not len(at):
            continue
        text = _fixed_width(values.filter(found), 10)
        clean[at] = True
        years[at] = _number(text[:, year[0]:year[1]])
        months[at] = _number(text[:, month[0]:month[1]])
        days[at] = _number(text[:, day[0]:day[1]])
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    month_ok = (months >= 1) & (months <= 12)
    longest = _DAYS_IN_MONTH[np.where(month_ok, months, 0)] + (leap & (months == 2))
    clean &= month_ok & (days >= 1) & (days <= longest)
    clean &= (years >= 1) & (years <= 9999)  # within numpy's and Python's calendar
    at = np.flatnonzero(clean)
    first_of_month = ((years[at] - 1970) * 12 + months[at] - 1).astype("datetime64[M]")
    dates = first_of_month.astype("datetime64[D]") + (days[at] - 1)
    plausible = (dates >= np.datetime64(EARLIEST, "D")) & (dates <= np.datetime64(LATEST, "D"))
    clean[at[~plausible]] = False
    return clean, dates[plausible].astype(object).tolist()
