"""Which names a sheet's name columns hold, for `names_in_text` to take out of its free text:
the columns a dataset maps as names (name, forename, surname) and any other column headed as
people's names ("Child Name", "Parent/Carer Name") that no dataset takes."""

from __future__ import annotations

import numpy as np

from pipelines.headers import HeaderMatch
from pipelines.names_in_text import NAME_COLUMNS, Names, is_name_header
from pipelines.readers import Cells


def names_in_sheet(body: list[Cells], match: HeaderMatch, rows: np.ndarray | None = None
                   ) -> Names:
    """The names in the sheet's name columns, in `rows` (positions in `body`; all if None).
    Each distinct cell is read once; a forename and surname in two columns also make a name."""
    mapped = {name: c for name, c in match.columns.items() if name in NAME_COLUMNS}
    others = [c for c, header in enumerate(match.cells)
              if c not in match.columns.values() and is_name_header(header)]
    values: list[object] = []
    for c in [*mapped.values(), *others]:
        if c < len(body):
            codes, distinct = _codes(body[c], rows)
            values += [distinct[int(k)] for k in np.unique(codes)]
    if "forename" in mapped and "surname" in mapped and max(mapped.values()) < len(body):
        (first, forenames), (last, surnames) = (_codes(body[mapped[n]], rows)
                                                for n in ("forename", "surname"))
        for f, s in np.unique(np.column_stack([first, last]), axis=0).tolist():
            values.append(f"{forenames[f]} {surnames[s]}")
    return Names.of(values)


def _codes(cells: Cells, rows: np.ndarray | None) -> tuple[np.ndarray, object]:
    codes, distinct = cells.distinct
    return (codes if rows is None else codes[rows]), distinct
