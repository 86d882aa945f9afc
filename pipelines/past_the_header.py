"""Cells to the right of a sheet's last header: what no column takes, row by row.

A row with more cells than the header row itself (a CSV's line with more fields) is the mark of
cells that moved: a comma in an unquoted cell ("1,085", "Smith, J") makes one cell two, so every
cell after it sits one column right of its header, and a plausible wrong value would load. Such a
row is rejected, saying so. A value in a column whose header cell is blank (a workbook's notes
typed beside the table) is not loaded, and the row is queried, as unused headers are listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from pipelines.headers import HeaderMatch
from pipelines.readers import Cells, column_letter, is_blank
from pipelines.rules import ERROR, WARNING

RULE = "cells_past_the_header"


def last_header(match: HeaderMatch) -> int:
    """The position of the header row's last cell with a header in it."""
    written = [p for p, cell in enumerate(match.cells) if not is_blank(cell)]
    return max([*written, *match.columns.values()], default=-1)


def cells(body: list[Cells], match: HeaderMatch, data_idx: np.ndarray
          ) -> Iterator[tuple[int, Any, str, str]]:
    """(data row position, the first such cell's value, the reason, its severity) for each data
    row with a value past the last header, in row order."""
    first: dict[int, int] = {}  # data row position -> the first column past the header it fills
    for c in range(last_header(match) + 1, len(body)):
        column = body[c]
        if column.values is None:
            continue
        for pos in np.flatnonzero(~column.blank[data_idx]).tolist():
            first.setdefault(pos, c)
    ends = f"the header ends at column {column_letter(last_header(match))}"
    for pos in sorted(first):
        c = first[pos]
        value = body[c].at(int(data_idx[pos]))
        if c >= len(match.cells):  # a longer row than the header row: its cells moved
            yield pos, value, (
                f"column {column_letter(c)} holds a value but {ends}: the row has more cells "
                "than the header, as when a comma in an unquoted cell splits it, so its values "
                "may sit right of their headers; not loaded: quote that cell in the export, or "
                "correct the row"), ERROR
        else:
            yield pos, value, (f"column {column_letter(c)} holds a value but {ends}: the value is "
                               "not loaded (give the column a header if it is meant)"), WARNING
