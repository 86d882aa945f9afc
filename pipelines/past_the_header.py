"""Cells to the right of a sheet's last header: what no column takes, row by row.

In a CSV they are the mark of a row whose cells shifted: a comma in an unquoted cell ("Under
£5,000", "Smith, J") makes one cell two, so every cell after it sits one column to the right and
the row's last cell lands past the header. The row loads as it reads, but is queried, so that a
wrong value is looked at, not trusted. In a workbook they are a column typed without a header
(notes beside the table): not loaded, and said so, as unused headers are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from pipelines.headers import HeaderMatch
from pipelines.readers import Cells, column_letter, is_blank

RULE = "cells_past_the_header"


def last_header(match: HeaderMatch) -> int:
    """The position of the header row's last cell with a header in it."""
    written = [p for p, cell in enumerate(match.cells) if not is_blank(cell)]
    return max([*written, *match.columns.values()], default=-1)


def cells(body: list[Cells], match: HeaderMatch, data_idx: np.ndarray
          ) -> Iterator[tuple[int, Any, str]]:
    """(data row position, the first such cell's value, the reason) for each data row with a
    value past the last header, in row order."""
    first: dict[int, int] = {}  # data row position -> the first column past the header it fills
    for c in range(last_header(match) + 1, len(body)):
        column = body[c]
        if column.values is None:
            continue
        for pos in np.flatnonzero(~column.blank[data_idx]).tolist():
            first.setdefault(pos, c)
    for pos in sorted(first):
        c = first[pos]
        yield pos, body[c].at(int(data_idx[pos])), (
            f"column {column_letter(c)} holds a value but the header ends at column "
            f"{column_letter(last_header(match))}: the value is not loaded; in a CSV, a comma "
            "in an unquoted cell may have moved this row's cells one column to the right, so "
            "check its values")
