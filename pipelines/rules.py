"""The row rules: each one a code, a message, the fields it reads, a severity and its check.

A rule of severity "error" rejects the row; one of severity "warning" keeps the row and is
counted and reported (a query for whoever keeps the record). `rules_for(schema)` gives a
dataset's rules, in the order they run, from what its `Schema` declares. Checks run over a
column's values at once (numpy), never a Python loop per row; only a breaking row's reason is
written one at a time. A rule is known by its code, never by the words of its reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from pipelines.counts import RULE as SUPPRESSED
from pipelines.counts import SMALL, SMALL_SYMBOLS, symbol_meaning, upper_bound
from pipelines.dates import ImpossibleDate
from pipelines.schemas import Schema

ERROR = "error"
WARNING = "warning"
DATE_KINDS = frozenset({"date", "month"})


class ParsedColumn(Protocol):
    """A mapped column's parsed values for a sheet's data rows (`validate._Parsed`)."""

    invalid: np.ndarray

    @property
    def values(self) -> np.ndarray: ...

    def value(self, pos: int) -> Any: ...

    def raw_at(self, pos: int) -> Any: ...

    def is_none(self) -> np.ndarray: ...

    def dates(self) -> np.ndarray: ...

    def numbers(self) -> np.ndarray: ...


@dataclass(frozen=True)
class Rows:
    """What a rule looks at: a sheet's parsed columns, the as-of date of the load, the values
    given for whole columns (`--la`), parsed, and per column the data rows whose blank cell a
    given value filled."""

    parsed: Mapping[str, ParsedColumn]
    as_of: dt.date
    given: Mapping[str, Any] = field(default_factory=dict)
    filled: Mapping[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """One row rule. `column` is the field a finding points at (the one to correct); `breaks`
    gives the data-row positions that break the rule, and `reason` says why for one of them."""

    code: str
    message: str
    fields: tuple[str, ...]
    severity: str
    column: str
    breaks: Callable[[Rows], np.ndarray]
    reason: Callable[[Rows, int], str]

    def applies(self, rows: Rows) -> bool:
        return all(f in rows.parsed for f in self.fields)


# --- the rules ------------------------------------------------------------------------------

def missing_required(name: str) -> Rule:
    def breaks(rows: Rows) -> np.ndarray:
        column = rows.parsed[name]
        missing = column.is_none() & ~column.invalid  # an invalid value says so
        if (symbol := rows.parsed.get(f"{name}_symbol")) is not None:
            missing &= symbol.is_none()  # printed as a symbol: given, but suppressed at source
        return np.flatnonzero(missing)
    return Rule("missing_required", f"{name} is required", (name,), ERROR, name, breaks,
                lambda rows, pos: f"{name}: missing required field")


def not_the_la_given(name: str = "local_authority") -> Rule:
    """A row naming another LA than the one the load was given for the file (`--la`, the
    upload's "Local authority"): the file is said to be that LA's, so such a row is rejected
    rather than loaded under either LA on a guess."""
    def breaks(rows: Rows) -> np.ndarray:
        given = rows.given.get(name)
        if given is None:
            return np.zeros(0, dtype=np.intp)
        column = rows.parsed[name]
        return np.flatnonzero(~column.is_none() & (column.values != given))

    def reason(rows: Rows, pos: int) -> str:
        return (f"{name}: {rows.parsed[name].value(pos)} is not {rows.given[name]}, the local "
                "authority given for this file (--la, or the upload's \"Local authority\"); "
                "correct the cell, or load that LA's rows apart")
    return Rule("not_the_la_given", f"{name} must be the LA given for the file", (name,), ERROR,
                name, breaks, reason)


LA_FILLED = "la_given_filled"


def la_given_filled(name: str = "local_authority") -> Rule:
    """A warning: the row's LA cell was blank and took the LA given for the file, so the row
    is loaded under an LA its source did not state (said once per file as well)."""
    def breaks(rows: Rows) -> np.ndarray:
        return np.flatnonzero(rows.filled.get(name, np.zeros(0, dtype=bool)))

    def reason(rows: Rows, pos: int) -> str:
        return (f"{name}: blank, filled with {rows.given[name]}, the local authority given for "
                "this file (--la, or the upload's \"Local authority\")")
    return Rule(LA_FILLED, f"a blank {name} takes the LA given for the file", (name,), WARNING,
                name, breaks, reason)


def suppressed_at_source(name: str) -> Rule:
    """A warning: the count was printed as a symbol ("<5", "*"), so the row is loaded with it
    unknown (NULL, never 0) and the symbol kept in `<name>_symbol`."""
    def breaks(rows: Rows) -> np.ndarray:
        symbol = rows.parsed.get(f"{name}_symbol")  # split from the count as it is parsed
        return np.flatnonzero(~symbol.is_none()) if symbol is not None else np.zeros(0, int)

    def reason(rows: Rows, pos: int) -> str:
        symbol = rows.parsed[f"{name}_symbol"].value(pos)
        return (f"{name}: suppressed at source ('{symbol}': {symbol_meaning(symbol)}); loaded as "
                "unknown, not 0, and left out of totals and shares")
    return Rule(SUPPRESSED, f"{name} suppressed at source", (name,), WARNING, name,
                breaks, reason)


def end_before_start(start: str, end: str, label: str) -> Rule:
    def breaks(rows: Rows) -> np.ndarray:
        return np.flatnonzero(rows.parsed[end].dates() < rows.parsed[start].dates())

    def reason(rows: Rows, pos: int) -> str:
        first, then = rows.parsed[start], rows.parsed[end]
        return (f"{label}: {end} {then.value(pos):%d/%m/%Y} is before {start} "
                f"{first.value(pos):%d/%m/%Y}")
    return Rule("end_before_start", label, (start, end), ERROR, end, breaks, reason)


def _symbols(rows: Rows, name: str) -> np.ndarray | None:
    """Each row's symbol printed in place of the count `name`, if the column may hold one."""
    symbol = rows.parsed.get(f"{name}_symbol")
    return None if symbol is None else symbol.values


def _whole_as_written(rows: Rows, whole: str, pos: int) -> str:
    symbols = _symbols(rows, whole)
    if symbols is None or symbols[pos] is None:
        return str(rows.parsed[whole].value(pos))
    return f"'{symbols[pos]}' ({symbol_meaning(symbols[pos])} at source)"


def part_exceeds_whole(part: str, whole: str, label: str) -> Rule:
    """A part more than its whole; a whole printed as "<5" is under 5, so a part of 5 or more
    exceeds it too (a suppressed total passes no check silently)."""
    def breaks(rows: Rows) -> np.ndarray:
        parts = rows.parsed[part].numbers()
        over = parts > rows.parsed[whole].numbers()
        if (symbols := _symbols(rows, whole)) is not None:
            written = pd.Series(symbols, dtype=object)
            bounds = written.map({s: upper_bound(s) for s in written.dropna().unique()})
            over |= parts >= bounds.to_numpy(dtype=float, na_value=np.nan)
        return np.flatnonzero(over)

    def reason(rows: Rows, pos: int) -> str:
        return (f"{label}: {part} {rows.parsed[part].value(pos)} is more than {whole} "
                f"{_whole_as_written(rows, whole, pos)}")
    return Rule("part_exceeds_whole", label, (part, whole), ERROR, part, breaks, reason)


def part_large_for_suppressed_whole(part: str, whole: str, label: str) -> Rule:
    """A warning: the whole was suppressed at source as small ("*", "c") or printed "-" (nil),
    yet the part is 5 or more, which a small whole cannot hold: the row loads (a provider may
    suppress a larger count to protect another), queried."""
    def breaks(rows: Rows) -> np.ndarray:
        if (symbols := _symbols(rows, whole)) is None:
            return np.zeros(0, dtype=np.intp)
        small = pd.Series(symbols, dtype=object).isin(SMALL_SYMBOLS).to_numpy()
        return np.flatnonzero(small & (rows.parsed[part].numbers() >= SMALL))

    def reason(rows: Rows, pos: int) -> str:
        return (f"{label}?: {part} {rows.parsed[part].value(pos)}, but {whole} "
                f"{_whole_as_written(rows, whole, pos)}, which marks a count under {SMALL} "
                "(or nil): check the return")
    return Rule("part_large_for_suppressed_whole", f"{label}?", (part, whole), WARNING, part,
                breaks, reason)


def future_date(name: str) -> Rule:
    def breaks(rows: Rows) -> np.ndarray:
        return np.flatnonzero(rows.parsed[name].dates() > np.datetime64(rows.as_of, "D"))

    def reason(rows: Rows, pos: int) -> str:
        return (f"{name}: {rows.parsed[name].value(pos):%d/%m/%Y} is after the load's as-of "
                f"date {rows.as_of:%d/%m/%Y}")
    return Rule("future_date", f"{name} must not lie after the load's as-of date", (name,),
                ERROR, name, breaks, reason)


def long_gap(start: str, end: str, weeks: int, label: str) -> Rule:
    """A warning: a gap this long is possible but more often a mistyped year."""
    def breaks(rows: Rows) -> np.ndarray:
        gap = rows.parsed[end].dates() - rows.parsed[start].dates()
        return np.flatnonzero(gap > np.timedelta64(7 * weeks, "D"))

    def reason(rows: Rows, pos: int) -> str:
        first, then = rows.parsed[start], rows.parsed[end]
        days = (then.value(pos) - first.value(pos)).days
        return (f"{label}: {end} {then.value(pos):%d/%m/%Y} is {days // 7} weeks after {start} "
                f"{first.value(pos):%d/%m/%Y} (more than {weeks}); check the year")
    return Rule("long_gap", label, (start, end), WARNING, end, breaks, reason)


def _yes_no(column: ParsedColumn, answer: bool) -> np.ndarray:
    """Where a yes/no column says `answer` (not where it is blank)."""
    return np.equal(column.values, answer).astype(bool)


def undated_yes(flag: str, date: str, label: str) -> Rule:
    """A warning: the flag says yes but the date that places and times it is blank (a health
    recommendation made, with no date it was sent): the row loads, and a metric timed from
    that date leaves it out until the date is filled."""
    def breaks(rows: Rows) -> np.ndarray:
        when = rows.parsed[date]
        return np.flatnonzero(_yes_no(rows.parsed[flag], True) & when.is_none() & ~when.invalid)

    def reason(rows: Rows, pos: int) -> str:
        return f"{date}: blank, but {flag} is yes ('{rows.parsed[flag].raw_at(pos)}'): {label}"
    return Rule("undated_yes", f"{flag} yes needs {date}", (flag, date), WARNING, date, breaks,
                reason)


def dated_no(flag: str, date: str, label: str) -> Rule:
    """A warning: a date that follows from a yes (a recommendation sent, a response to it)
    beside a no: the row loads as recorded, and one of the two is wrong."""
    def breaks(rows: Rows) -> np.ndarray:
        return np.flatnonzero(_yes_no(rows.parsed[flag], False) & ~rows.parsed[date].is_none())

    def reason(rows: Rows, pos: int) -> str:
        return (f"{flag}: no ('{rows.parsed[flag].raw_at(pos)}'), but {date} is "
                f"{rows.parsed[date].value(pos):%d/%m/%Y}: {label}")
    return Rule("dated_no", f"{date} needs {flag} yes", (flag, date), WARNING, flag, breaks,
                reason)


def rules_for(schema: Schema) -> list[Rule]:
    """A dataset's row rules in the order they run (a row's rejects keep this order)."""
    rules = [missing_required(name) for name in schema.required]
    rules += ([not_the_la_given(), la_given_filled()] if any(c.kind == "la" for c in schema.columns)
              else [])
    rules += [suppressed_at_source(c.name) for c in schema.columns if c.suppressible]
    rules += [end_before_start(*order) for order in schema.date_order]
    rules += [part_exceeds_whole(*order) for order in schema.count_order]
    rules += [part_large_for_suppressed_whole(*order) for order in schema.count_order
              if schema.column(order[1]).suppressible]
    rules += [future_date(c.name) for c in schema.columns
              if c.kind in DATE_KINDS and not c.future_ok]
    rules += [long_gap(*gap) for gap in schema.long_gaps]
    rules += [undated_yes(*dated) for dated in schema.dated_yes]
    rules += [dated_no(*dated) for dated in schema.dated_no]
    return rules


# --- the rule a value that cannot be read breaks --------------------------------------------

# A parser's error of one of these types breaks the rule named; any other, `invalid_<kind>`.
PARSE_ERRORS: dict[type[ValueError], str] = {ImpossibleDate: "impossible_date"}


def parse_rule(kind: str, error: ValueError) -> str:
    """The code of the rule a value breaks when its column's parser (of `kind`) refuses it."""
    return next((code for cls, code in PARSE_ERRORS.items() if isinstance(error, cls)),
                f"invalid_{kind}")
