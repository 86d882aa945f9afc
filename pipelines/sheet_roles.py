"""Which sheets of a workbook hold records to load, and why each other one was passed over.

Workbooks open with a "Summary", "Dashboard" or "Pivot" sheet of counts ahead of the sheet of one
row per case (under a dataset's headings, or rows of a label and its count with no header at
all); hidden sheets hold lookups. One rule decides, here: a sheet is skipped with its
reason, or loads, or (a sheet of records that lacks a column) is an error for the caller to raise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pipelines import refusals
from pipelines.dates import DateError, parse_date
from pipelines.headers import HeaderMatch
from pipelines.readers import is_blank
from pipelines.vocab import normalise_token

HIDDEN = "hidden sheet"
NO_HEADER = "no recognisable header row"
EMPTY = "empty"
COUNTS = "a table of counts, not one row per record"
_NUMBER = re.compile(r"\d[\d,]*(\.\d+)?%?")
# One word holding a digit ("EHC0001", "2025/26", "Q1"): a reference or a period, never a row's label.
_TOKEN_WITH_DIGIT = re.compile(r"\S*\d\S*")
_TOTALS = frozenset({"total", "totals", "grandtotal", "overall", "alltotal", "sum"})


def skip_reason(rows: list[list[Any]], complete: bool, match: HeaderMatch | None,
                missing: Sequence[str]) -> str | None:
    """Why a visible sheet holds no records to load (None: it does, or it lacks a column and
    must say so). `missing`: the required columns neither the sheet nor the user gives."""
    if match is None:
        filled = any(any(not is_blank(c) for c in row) for row in rows) or not complete
        if filled and labelled_counts(rows):
            return (f"{COUNTS}: each row a label and its figures, with no header row naming a "
                    "dataset's columns: not loaded")
        return NO_HEADER if filled else EMPTY
    if refusals.personal_only(match):
        return refusals.personal_only_note(match)
    if missing and counts_table(rows, match, missing):
        schema = match.schema
        return (f"{COUNTS}: its header looks like {schema.kind} "
                f"(row {match.row_index + 1}) but it has no {schema.record_id} column and holds "
                "totals or numbers where dates belong: not loaded")
    return None


def counts_table(rows: list[list[Any]], match: HeaderMatch, missing: Sequence[str]) -> bool:
    """A summary of counts, not a table of records: it lacks the dataset's reference column,
    none of the cells below the columns named as dates reads as a date, and they hold numbers or
    a row is a total. A log that lacks its reference but holds dates is not one: its missing
    column is a real problem, told as an error."""
    schema = match.schema
    if schema.record_id not in schema.required or schema.record_id not in missing:
        return False
    body = rows[match.row_index + 1:]
    dates = [p for c, p in match.columns.items() if schema.column(c).kind == "date"]
    cells = [row[p] for row in body for p in dates if p < len(row) and not is_blank(row[p])]
    if any(_reads_as_date(c) for c in cells):
        return False
    return any(_number(c) for c in cells) or any(_is_total(row) for row in body)


def labelled_counts(rows: list[list[Any]]) -> bool:
    """A summary with no header: rows of a label and its figures ("EHC requests | 120", "Total |
    200"), under any title or heading rows of words alone, with notes of one cell anywhere. A
    reference, a date or a second word among a row's figures makes it a record, not a count."""
    counted = 0
    for row in rows:
        cells = [c for c in row if not is_blank(c)]
        if len(cells) < 2:  # a title, a section's name or a note
            continue
        if _label(cells[0]) and all(_number(c) for c in cells[1:]):
            counted += 1
        elif counted or not all(_label(c) for c in cells):  # words alone: a heading row
            return False
    return counted > 0


def _label(cell: object) -> bool:
    """Words naming a row or a column ("Issued within 20 weeks", "ASD"), not a figure, a date or
    a reference."""
    return (isinstance(cell, str) and not _number(cell)
            and _TOKEN_WITH_DIGIT.fullmatch(cell.strip()) is None and not _reads_as_date(cell))


def _number(cell: object) -> bool:
    """A count or a share: 12, 12.5, "12", "80%"."""
    if isinstance(cell, bool):
        return False
    return isinstance(cell, int | float) or (isinstance(cell, str)
                                             and _NUMBER.fullmatch(cell.strip()) is not None)


def _is_total(row: list[Any]) -> bool:
    first = next((c for c in row if not is_blank(c)), None)
    return isinstance(first, str) and normalise_token(first) in _TOTALS


def _reads_as_date(cell: object) -> bool:
    try:
        return parse_date(cell) is not None
    except DateError:
        return False


def nothing_to_load(file_name: str, kind: str | None, passed: list[tuple[str, str]]) -> str:
    """Why a file loads nothing: every sheet named with the reason it was passed over. A file
    where no sheet has a header is told what header was looked for, as before."""
    headerless = all(reason in (NO_HEADER, EMPTY) for _, reason in passed)
    if headerless and len(passed) <= 1:
        return refusals.no_header(file_name, kind)
    if [sheet for sheet, _ in passed] == [file_name]:  # a CSV: its one "sheet" is the file
        return f"{file_name}: holds no records to load: {passed[0][1]}"
    message = (refusals.no_header(file_name, kind) if headerless
               else f"{file_name}: no sheet holds records to load")
    return message + ". Sheets: " + "; ".join(f"'{sheet}' ({reason})" for sheet, reason in passed)
