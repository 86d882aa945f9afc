"""Quotes in a CSV that would swallow rows: one opened at a cell's start and never closed (every
line after it is read into that cell), or one typed there as text ("see attached) that a second
such quote lines below closes (every line between is read into one cell). Either way whole rows
vanish without a reject, and the counts still reconcile, as they were never rows. A cell over
several lines as Excel writes it (an address, a note) holds no line shaped like a row, and loads.

Cells are looked at once read; only a file with a suspect cell is scanned, to name its lines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

_LINE_END = re.compile(r"\r\n|\r|\n")
_CLASSES = str.maketrans("0123456789", "9999999999")
_LETTERS = re.compile(r"[^\W\d_]")


class SwallowedRows(ValueError):
    """A quote that reads lines into one cell: the line and column (from 0) it opens at, and what
    is wrong and how to fix it."""

    def __init__(self, line: int, column: int, problem: str) -> None:
        super().__init__(problem)
        self.line, self.column, self.problem = line, column, problem


def runs_on(cell: str) -> bool:
    """Whether a cell holds text on a line after its first (not just a line end)."""
    parts = _LINE_END.split(cell, maxsplit=1)
    return len(parts) == 2 and bool(parts[1].strip())


def _shape(text: str) -> str:
    """A reference's shape: digits as 9, letters as A, the rest as written ("EHC-24-0001" ->
    "AAA-99-9999")."""
    return _LETTERS.sub("A", text.strip().translate(_CLASSES))


@dataclass(frozen=True)
class RowShape:
    """What a whole row of a file looks like, from its first rows (read before the rest): the
    commonest number of cells, and the shapes of the first cells of such rows, where they hold
    a digit and two rows or more share one (references: "EHC-24-0001", "R220942")."""

    delimiter: str
    width: int
    references: frozenset[str]

    @classmethod
    def of(cls, rows: Sequence[Sequence[Any]], delimiter: str) -> RowShape:
        widths = Counter(len(r) for r in rows if any(str(c).strip() for c in r))
        width = max(widths, key=lambda w: (widths[w], w)) if widths else 0
        firsts = Counter(_shape(str(r[0])) for r in rows if len(r) == width and r)
        return cls(delimiter, width, frozenset(s for s, n in firsts.items()
                                               if n >= 2 and "9" in s))

    def holds_rows(self, cell: str) -> bool:
        """Whether a line of the cell after its first has a whole row's shape: as many
        delimiters as a row has (at least two: a line of prose may hold one), or a first cell
        shaped like the file's references."""
        for line in _LINE_END.split(cell)[1:]:
            if line.count(self.delimiter) >= max(self.width - 1, 2):
                return True
            if _shape(line.split(self.delimiter, 1)[0]) in self.references:
                return True
        return False


def suspect_text(cells: Iterable[Any], shape: RowShape) -> bool:
    """Whether any of the cells (text as read) holds lines with a row's shape."""
    return any(isinstance(c, str) and ("\n" in c or "\r" in c) and shape.holds_rows(c)
               for c in cells)


def suspect_columns(columns: Iterable[pa.Array], shape: RowShape) -> bool:
    """The same for columns Arrow read: only a column whose bytes hold a line end is looked
    into, so a file without a cell over several lines costs a byte search per column."""
    for column in columns:
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            continue
        data = column.buffers()[2]
        found = data.to_pybytes() if data is not None else b""  # a copy searched in C: faster
        # than a search of the buffer in place
        if b"\n" not in found and b"\r" not in found:
            continue
        del found
        spans = column.filter(pc.match_substring_regex(column, "[\r\n]"))
        if suspect_text(spans.to_pylist(), shape):
            return True
    return False


def refuse(text: str, shape: RowShape, last_row: Sequence[Any] = ()) -> None:
    """Raise SwallowedRows for the first quoted cell of `text` that swallows lines: one never
    closed (looked for only when the last row read runs over lines, where it would be), or one
    closed lines below whose lines have a row's shape. Cells are found field by field, as the
    csv module reads them, counting lines."""
    unclosed = any(isinstance(c, str) and runs_on(c) for c in last_row)
    d = re.escape(shape.delimiter)
    field = re.compile(rf'"[^"]*(?:""[^"]*)*(")?[^{d}\r\n]*|[^{d}\r\n]*')
    at, line, column = 0, 1, 0
    while at < len(text):
        found = field.match(text, at)
        at, cell = found.end(), found.group()
        if cell.startswith('"') and runs_on(cell):
            if found.group(1) is None and unclosed:
                raise SwallowedRows(line, column,
                                    "a quote opens the cell and is never closed, so every line "
                                    "after it would be read into that one cell; close or remove "
                                    "the quote")
            if found.group(1) is not None:
                close = found.start(1) - found.start()
                inside = cell[1:close].replace('""', '"') + cell[close + 1:]
                if shape.holds_rows(inside):
                    closes = line + len(_LINE_END.findall(cell[:close]))
                    raise SwallowedRows(line, column, (
                        f"a quote opens the cell and only closes on line {closes:,}, so the "
                        "rows of the file between would be read into that one cell and lost; "
                        f"remove the stray quote on line {line:,} (or the one on line "
                        f'{closes:,}), or write a quote inside text as two ("")'))
        line += len(_LINE_END.findall(cell))
        ends_line = not text.startswith(shape.delimiter, at)
        line, column = line + (ends_line and at < len(text)), 0 if ends_line else column + 1
        at += 2 if text.startswith("\r\n", at) else 1

