"""Find the header row of a sheet and the dataset it belongs to, from the column names alone.

Exports put titles, run dates and notes above the header; the header is the row, among the first
`SCAN_ROWS`, that names the most columns of one dataset. Spelling is matched after dropping case,
spaces and punctuation, through each schema's alias list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipelines.schemas import SCHEMAS, Schema
from pipelines.vocab import normalise_token

# "(dd/mm/yyyy)", "[required]": innermost first (a bracket holding none), so that a cell of
# brackets never closed is read once, not once from each bracket to its end.
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
SCAN_ROWS = 60
MIN_MATCHES = 3  # fewer recognised names than this is a title or note row, not a header


@dataclass
class HeaderMatch:
    schema: Schema
    row_index: int  # 0-based index into the sheet's rows
    columns: dict[str, int]  # canonical column -> 0-based column index
    headers: dict[str, str]  # canonical column -> header text as written
    cells: list[Any] = field(default_factory=list)  # the header row as the file holds it

    @property
    def missing(self) -> list[str]:
        return [c for c in self.schema.required if c not in self.columns]


_INDEXES: dict[int, tuple[Schema, dict[str, str]]] = {}


def _header_index(schema: Schema) -> dict[str, str]:
    """Each schema's spellings, built once rather than for every candidate row. Kept by the
    schema's identity (the entry holds the schema, so its id is not reused): hashing a schema
    walks all its columns, a fifth of the time of finding a small sheet's header."""
    held = _INDEXES.get(id(schema))
    if held is None or held[0] is not schema:
        held = _INDEXES[id(schema)] = (schema, schema.header_index())
    return held[1]


def _unbracketed(cell: str) -> str:
    """The cell without its bracketed notes, one level of brackets inside another too."""
    return _BRACKETED.sub("", _BRACKETED.sub("", cell))


def spellings(cells: list[Any]) -> list[tuple[int, str, str, str]]:
    """A candidate header row's text cells: (position, cell, its spelling, its spelling without
    bracketed notes), worked out once however many datasets the row is compared with."""
    return [(position, cell, normalise_token(cell), normalise_token(_unbracketed(cell)))
            for position, cell in enumerate(cells) if isinstance(cell, str) and cell.strip()]


def match_header(cells: list[Any], schema: Schema,
                 spelt: list[tuple[int, str, str, str]] | None = None) -> HeaderMatch:
    """Map one candidate header row onto a schema; the first spelling of a column wins.
    `spelt`: the row's `spellings`, if already worked out."""
    index = _header_index(schema)
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for position, cell, spelling, unbracketed in spellings(cells) if spelt is None else spelt:
        canonical = index.get(spelling) or index.get(unbracketed)
        if canonical and canonical not in columns:
            columns[canonical] = position
            headers[canonical] = cell.strip()
    return HeaderMatch(schema, -1, columns, headers, list(cells))


def taken_twice(match: HeaderMatch) -> dict[str, list[tuple[int, str]]]:
    """Column -> the other headers of the row that name it too (position, as written): the
    first wins (`match_header`), so what the others hold is not read."""
    index = _header_index(match.schema)
    others: dict[str, list[tuple[int, str]]] = {}
    for position, cell, spelling, unbracketed in spellings(match.cells):
        canonical = index.get(spelling) or index.get(unbracketed)
        if canonical and match.columns.get(canonical) != position:
            others.setdefault(canonical, []).append((position, cell.strip()))
    return others


def _score(match: HeaderMatch) -> tuple[int, int, int]:
    """Most like the dataset first (its distinguishing columns, then all its columns); being
    complete only breaks ties. A provider's log that lacks its reference column must not pass
    for an EHC export because it also names a case, an LA and a date."""
    signature = sum(c in match.columns for c in match.schema.signature)
    return (signature, len(match.columns), not match.missing)


def find_header(rows: list[list[Any]], kind: str | None = None) -> HeaderMatch | None:
    """The best (row, dataset) pair, or None when no row looks like a header of any dataset.

    A match may still lack required columns (`missing`): the caller reports that as an error
    rather than guessing.
    """
    schemas = [SCHEMAS[kind]] if kind else list(SCHEMAS.values())
    best: HeaderMatch | None = None
    for row_index, cells in enumerate(rows[:SCAN_ROWS]):
        spelt = spellings(cells)
        for schema in schemas:
            match = match_header(cells, schema, spelt)
            if len(match.columns) < MIN_MATCHES:
                continue
            match.row_index = row_index
            if best is None or _score(match) > _score(best):
                best = match
    if best is not None:
        return _over_two_rows(rows, best) or best
    return best


def _over_two_rows(rows: list[list[Any]], best: HeaderMatch) -> HeaderMatch | None:
    """The header read from two rows: a group heading with its columns' names below it ("Date
    advice" over "Requested", "Returned"; "Main education establishment" over "URN", "Phase"),
    or names that wrap onto a second row. Taken when the best single row lacks a required column
    that the two rows name; or when they name two or more columns more, keeping the best row's,
    and the other row holds only names, each part of a column's name, over or under columns the
    best row leaves unnamed (a request fills its named columns; a note fills one). The data then
    start below the second row."""
    for upper in (best.row_index, best.row_index - 1):
        if upper < 0 or upper + 1 >= min(len(rows), SCAN_ROWS):
            continue
        other = rows[upper + 1] if upper == best.row_index else rows[upper]
        names_only = _names_only(other, best)
        if not (best.missing or names_only):
            continue
        match = match_header(_joined(rows[upper], rows[upper + 1], best.schema), best.schema)
        if len(match.columns) < len(best.columns):
            continue
        complete = bool(best.missing) and not match.missing
        added = set(match.columns.values()) - set(best.columns.values())
        more = (len(added) >= 2 and names_only and names_only <= added
                and set(match.missing) <= set(best.missing)
                and all(match.columns.get(c) == p for c, p in best.columns.items()))
        if complete or more:
            match.row_index = upper + 1
            return match
    return None


def _names_only(row: list[Any], best: HeaderMatch) -> set[int]:
    """The filled positions of a row beside the header row, if it holds text only and only in
    columns the header row names none of; else none."""
    named = set(best.columns.values())
    filled = {p: c for p, c in enumerate(row) if c is not None and str(c).strip()}
    if all(isinstance(c, str) and p not in named for p, c in filled.items()):
        return set(filled)
    return set()


def _joined(upper: list[Any], lower: list[Any], schema: Schema) -> list[Any]:
    """Each column's name from two header rows: the lower row's, the upper row's (a heading
    merged over several columns is carried right over the blank cells it leaves) joined to the
    lower's, or the upper's alone, whichever the schema knows first."""
    def known(text: Any) -> bool:
        return bool(spellings([text])) and match_header([text], schema).columns != {}

    def text(cell: Any) -> str | None:
        return cell.strip() if isinstance(cell, str) and cell.strip() else None

    cells: list[Any] = []
    group = None
    for c in range(max(len(upper), len(lower))):
        top = text(upper[c]) if c < len(upper) else None
        bottom = text(lower[c]) if c < len(lower) else None
        group = top or group
        options = [bottom, f"{group} {bottom}" if group and bottom else None, top]
        cells.append(next((o for o in options if o and known(o)), bottom or top))
    return cells


def sheet_values(match: HeaderMatch, rows: list[list[Any]], sheet: str, file_name: str
                 ) -> dict[str, str]:
    """Values a sheet gives every row of a column it lacks (`Column.context`), from its header
    (its columns: "Date EHC plan first issued" is List 1's, whatever a title says of the other
    list), then its name, its title rows, then its file's name: the first of these that names
    one of the column's phrases decides, phrases taken in the order the schema lists them."""
    titles = " ".join(str(c) for row in rows[:max(match.row_index, 0)] for c in row
                      if isinstance(c, str))
    header = " ".join(c for c in match.cells if isinstance(c, str))
    sources = [normalise_token(text) for text in (header, sheet, titles, file_name)]
    values: dict[str, str] = {}
    for col in match.schema.columns:
        if not col.context or col.name in match.columns:
            continue
        for source in sources:
            found = next((value for phrase, value in col.context
                          if normalise_token(phrase) in source), None)
            if found is not None:
                values[col.name] = found
                break
    return values


def in_sheet(file_name: str, sheet: str, then: str = ",") -> str:
    """" sheet 'X'," to follow a file's name in a message, or nothing for a CSV, whose one sheet
    is the file."""
    return "" if sheet == file_name else f" sheet '{sheet}'{then}"


def context_untold(file_name: str, sheet: str, match: HeaderMatch, given: dict[str, str]
                   ) -> list[str]:
    """A warning for each column that only the sheet's context can give (an Annex A list's kind)
    when nothing names it: its rows load with it unknown, and so count under no value of it."""
    return [f"{file_name}:{in_sheet(file_name, sheet, ':')} its rows' {col.name} "
            f"({' or '.join(dict.fromkeys(v for _, v in col.context))}) cannot be told: no "
            "column holds it, and neither the sheet's name, its title rows, its header nor the "
            f"file's name says {', '.join(repr(p) for p, _ in col.context)}; "
            "the rows load but count as neither until it is named (in the file's name, or a "
            "column) and the file loaded again"
            for col in match.schema.columns
            if col.context and col.name not in match.columns and col.name not in given]


def repeated_header(match: HeaderMatch, body: Sequence[Any], n: int) -> np.ndarray:
    """Which rows of the body repeat the header (two exports pasted one under the other): every
    mapped column's cell is its header's name, in any case or spacing. `body`: the sheet's
    columns below the header (`readers.Cells`). The column with the fewest distinct values is
    looked at first, so only a few rows are read cell by cell."""
    found = np.zeros(n, dtype=bool)
    named = {c: normalise_token(match.cells[c]) for c in match.columns.values()
             if c < len(body) and c < len(match.cells) and isinstance(match.cells[c], str)}
    if not named or not n:
        return found
    first = min(named, key=lambda c: len(body[c].distinct[1]))
    codes, values = body[first].distinct
    same = [k for k in range(len(values))
            if isinstance(v := values[k], str) and normalise_token(v) == named[first]]
    for row in np.flatnonzero(np.isin(codes, same)).tolist():
        found[row] = all(isinstance(cell := body[c].at(row), str) and normalise_token(cell) == token
                         for c, token in named.items())
    return found
