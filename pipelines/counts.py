"""Numbers and counts as exports write them, and the symbols a provider's return prints in place
of a count it suppressed ("<5", "*", "c"...): such a cell is an unknown figure, never 0.

A suppressed count is kept as its symbol beside an empty value (`<column>_symbol`), so that every
sum and share can leave it out and say so. Counts of children only: no personal data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

# What providers print for a count they suppressed or do not give, and what each means; and
# "<N" for any N ("<5": a count from 1 to 4 withheld). Never a number: see `count_or_symbol`.
RETURN_SYMBOLS = {
    "*": "suppressed", "c": "suppressed (confidential)", "~": "suppressed",
    "x": "not available", "..": "not available", "-": "nil or not given",
}
# A count suppressed at source as small is under SMALL (the DfE's and this project's threshold,
# "<5") unless its symbol names its own bound ("<10"); "-" may be nil. "x" and ".." say nothing
# of its size.
SMALL = 5
SMALL_SYMBOLS = frozenset({"*", "c", "~", "-"})
# A figure that is no count (a median wait) may also be "N/A": none waiting has no median.
NUMBER_SYMBOLS = {**RETURN_SYMBOLS, "n/a": "not applicable or not available"}
_LESS_THAN = re.compile(r"^<\s*(\d{1,3})$")
_DASHES = {"–": "-", "—": "-", "--": "-"}
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
MAX_COUNT = 2**31 - 1  # the database keeps counts as 32-bit integers
SUPPRESSED_AT_SOURCE = "suppressed at source"  # a count so shown on a page or in a pack
RULE = "suppressed_at_source"  # the warning each such cell loads with (`rules.py`)


def shown(value: Any) -> str:
    """A cell as a person reads it in a message."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def number(value: Any) -> float | None:
    if isinstance(value, bool):
        raise ValueError(f"not a number: '{value}'")
    if isinstance(value, int | float):
        return None if value != value else float(value)
    text = re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""
    if not text:
        return None
    cleaned = text.replace(" ", "").rstrip("%")
    if "," in cleaned:
        if not _THOUSANDS.match(cleaned):  # "3,5": a decimal comma, never 35
            raise ValueError(f"not a number: '{text}' (a comma may only separate thousands)")
        cleaned = cleaned.replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        raise ValueError(f"not a number: '{text}'") from None


def count(value: Any) -> int | None:
    """A whole number of people or items, zero or more; thousands separators allowed."""
    figure = number(value)
    if figure is None:
        return None
    if figure < 0 or not figure.is_integer():
        raise ValueError(f"not a count (a whole number, 0 or more): '{shown(value)}'")
    if figure > MAX_COUNT:
        raise ValueError(f"not a count: '{shown(value)}' is more than {MAX_COUNT:,}")
    return int(figure)


def return_symbol(value: Any, symbols: dict[str, str] = RETURN_SYMBOLS) -> str | None:
    """The suppression symbol a cell of a provider's return holds, as stored ("< 5" is "<5",
    "C" is "c", an en dash is "-"), or None if it holds none of `symbols` (or "<N")."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if found := _LESS_THAN.match(text):
        return f"<{int(found[1])}" if int(found[1]) > 0 else None
    text = _DASHES.get(text, text)
    return text if text in symbols else None


def symbol_meaning(symbol: str) -> str:
    """What a stored symbol means, in words."""
    if symbol.startswith("<"):
        return f"a count under {symbol[1:]} suppressed"
    return NUMBER_SYMBOLS.get(symbol, "not given")


def upper_bound(symbol: str | None) -> int | None:
    """The count a symbol says its figure is under ("<5": 5), if it says one."""
    found = _LESS_THAN.match(symbol or "")
    return int(found[1]) if found else None


def count_or_symbol(value: Any) -> tuple[int | None, str | None]:
    """(count, None) for a figure, (None, symbol) for a count suppressed at source, (None, None)
    for a blank cell. Anything else is refused, naming what is accepted."""
    return _figure_or_symbol(value, count, RETURN_SYMBOLS,
                             "a count suppressed at source may be written")


def number_or_symbol(value: Any) -> tuple[float | None, str | None]:
    """As `count_or_symbol`, for a figure that need not be whole (a median wait in weeks), which
    may also be "N/A"."""
    return _figure_or_symbol(value, number, NUMBER_SYMBOLS, "a figure not given may be written N/A,")


def _figure_or_symbol(value: Any, parse: Callable[[Any], Any], symbols: dict[str, str],
                      accepted: str) -> tuple[Any, str | None]:
    symbol = return_symbol(value, symbols)
    if symbol is not None:
        return None, symbol
    try:
        return parse(value), None
    except ValueError as exc:
        raise ValueError(f"{exc}; {accepted} <5, *, c, ~, x, .. or -") from None


def or_symbol(kind: str) -> Callable[[Any], tuple[Any, str | None]]:
    """The parser of a suppressible column of `kind`: its figure, or the symbol printed instead."""
    return number_or_symbol if kind == "number" else count_or_symbol


def suppressed_cells(file: str, warnings: Iterable[Any]) -> list[str]:
    """A load's counts printed as symbols, one line per sheet and column: the file, sheet,
    column, how many cells and their rows (from its `suppressed_at_source` warnings)."""
    rows: dict[tuple[str, str, str], list[int]] = {}
    for w in warnings:
        if w.rule == RULE:
            rows.setdefault((w.sheet, w.column, w.header), []).append(w.row)
    lines = []
    for (sheet, letter, header), found in rows.items():
        shown_rows = ", ".join(map(str, found[:_ROWS_SHOWN])) + (
            f" and {len(found) - _ROWS_SHOWN:,} more" if len(found) > _ROWS_SHOWN else "")
        lines.append(f"{file}: sheet '{sheet}', column {letter} ({header}): {len(found):,} "
                     f"cell{'s' if len(found) > 1 else ''} suppressed at source (row"
                     f"{'s' if len(found) > 1 else ''} {shown_rows}); loaded as unknown, not 0")
    return lines


_ROWS_SHOWN = 10
