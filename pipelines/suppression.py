"""Small-number suppression for anything meant for a board or publication (DOMAIN.md): counts
1-4 show as "<5", rates built on them (or on a complement of 1-4: 57 of 59) are withheld, and in
tables with totals further counts are withheld until no hidden count can be worked out. Zero is
shown. The one definition: the board pack, the Overview's cards and the CLI all use it. The DCO's
own pages show exact numbers and only flag rates over fewer than 5 cases.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd

from pipelines.config import load_settings

WITHHELD = "withheld (small number)"
# Why a figure is withheld, in words a board reads: a rate on 1,146 cases is withheld when those
# it leaves out are 1-4, and a count when it would let a withheld rate be worked out.
WHY_WITHHELD = "a count under 5 would be shown or could be worked out"
# Where a figure's room is short (a metric card at 1440 px cuts WITHHELD), the short word, with
# the full wording and why beside it.
SHORT_WITHHELD = "Withheld"
WITHHELD_NOTE = f"Withheld: {WHY_WITHHELD}."
COMPLEMENTARY = "*"  # withheld so that a "<5" (or a complement of 1-4) cannot be worked out
TABLE_WITHHELD = "withheld"  # every cell of a table whose small counts nothing else could hide
UNBOUNDED = np.iinfo(np.int64).max


def threshold() -> int:
    return load_settings().suppression_threshold


def is_small(count: int | None, limit: int | None = None) -> bool:
    """A count that would have to be suppressed: at least one and below the threshold."""
    limit = threshold() if limit is None else limit
    return count is not None and not pd.isna(count) and 0 < int(count) < limit


def complement_small(numerator: int | None, denominator: int | None, limit: int | None = None
                     ) -> bool:
    """Whether the cases not counted by a rate (denominator - numerator) are 1-4: "57 of 59
    decided" says 2 were late."""
    if numerator is None or denominator is None or pd.isna(numerator) or pd.isna(denominator):
        return False
    return is_small(int(denominator) - int(numerator), limit)


def suppress_count(count: int | None, limit: int | None = None) -> str:
    """A count as a board may see it: '<5' for 1-4, otherwise the number with separators."""
    limit = threshold() if limit is None else limit
    if count is None or pd.isna(count):
        return "-"
    if is_small(count, limit):
        return f"<{limit}"
    return f"{int(count):,}"


def suppress_value(count: int | None, limit: int | None = None) -> int | str | None:
    """A count for a spreadsheet a board may see: the number itself, or '<5' for 1-4."""
    limit = threshold() if limit is None else limit
    if count is None or pd.isna(count):
        return None
    return f"<{limit}" if is_small(count, limit) else int(count)


def rate_withheld(numerator: int | None, denominator: int | None, limit: int | None = None) -> bool:
    """Whether a rate must be withheld: built on a count of 1-4, or its complement is 1-4."""
    return (is_small(numerator, limit) or is_small(denominator, limit)
            or complement_small(numerator, denominator, limit))


def pair_hidden(numerator: int | None, denominator: int | None, limit: int | None = None
                ) -> tuple[bool, bool]:
    """Whether a rate's numerator and denominator must be withheld (as "<5" or "*"). Beside a
    complement of 1-4 the numerator goes; so does a denominator of 6, since a numerator that is
    not "<5" would then have to be 5."""
    limit = threshold() if limit is None else limit
    num_small, den_small = is_small(numerator, limit), is_small(denominator, limit)
    complement = (complement_small(numerator, denominator, limit)
                  and not num_small and not den_small)
    return (num_small or complement,
            den_small or (complement and int(denominator) <= limit + 1))


def _pair_text(count: int | None, hidden: bool, limit: int) -> str:
    return COMPLEMENTARY if hidden and not is_small(count, limit) else suppress_count(count, limit)


def made_of(numerator: int | None, denominator: int | None, limit: int | None = None,
            withheld: tuple[bool, bool] = (False, False)) -> str:
    """"362 of 500" as a board may see it: counts of 1-4 as "<5", and a numerator (or a
    denominator) that would give away a complement of 1-4, or is `withheld` by a table's
    protection, as "*"."""
    limit = threshold() if limit is None else limit
    num, den = pair_hidden(numerator, denominator, limit)
    return (f"{_pair_text(numerator, num or withheld[0], limit)} of "
            f"{_pair_text(denominator, den or withheld[1], limit)}")


def pair_values(numerator: int | None, denominator: int | None, limit: int | None = None,
                withheld: tuple[bool, bool] = (False, False)
                ) -> tuple[int | str | None, int | str | None]:
    """A rate's counts for a spreadsheet: numbers, or "<5" / "*" where `made_of` hides them."""
    limit = threshold() if limit is None else limit
    hidden = pair_hidden(numerator, denominator, limit)
    num, den = (COMPLEMENTARY if (h or w) and not is_small(v, limit) else suppress_value(v, limit)
                for v, h, w in zip((numerator, denominator), hidden, withheld, strict=True))
    return num, den


def part_text(part: int | None, whole: int | None, limit: int | None = None) -> str:
    """A count that is part of another shown count ("with a health aspect" of the complaints
    received): "<5" for 1-4, "*" where the rest (whole - part) would be 1-4."""
    limit = threshold() if limit is None else limit
    return _pair_text(part, pair_hidden(part, whole, limit)[0], limit)


def differs_by_small(*pairs: tuple[int | None, int | None], limit: int | None = None) -> bool:
    """Whether any two shown counts of the same things differ by 1-4 (a figure including
    exceptions beside one excluding them gives away the exceptions)."""
    return any(a is not None and b is not None and is_small(abs(int(a) - int(b)), limit)
               for a, b in pairs)


def suppress_rate(pct: float | None, numerator: int | None, denominator: int | None,
                  limit: int | None = None) -> str:
    """A percentage as a board may see it: withheld over suppressed counts or complements, '-'
    over nothing."""
    if rate_withheld(numerator, denominator, limit):
        return WITHHELD
    if pct is None or pd.isna(pct):
        return "-"
    return f"{pct:.1f}%"


# ---- tables with totals -----------------------------------------------------------------------

def protect(values: np.ndarray, row_totals: bool, column_totals: bool, limit: int,
            also: np.ndarray | None = None, upper: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray, bool]:
    """(primary, withheld, whole table withheld) for a table whose last column sums each row
    (`row_totals`) and whose last row sums each column (`column_totals`). Counts of 1-4 are
    withheld (and any cell in `also`); then, to a fixed point: a line (a row or column with a
    total) holding exactly one withheld cell has its smallest other non-zero count withheld too;
    and a withheld cell that everything shown pins to one value (checked exactly, `can_vary`)
    has a neighbour withheld. `upper` is what a reader knows caps a cell (a numerator: its
    denominator, or one less beside a complement of 1-4). Where nothing is left to withhold
    and a cell could still be worked out (a table of a few children, whose shown zeros and "<5"
    bounds pin it), the whole table is withheld."""
    primary = (values > 0) & (values < limit)
    hidden = primary | (also if also is not None else False)
    lower, high = bounds(values, limit, upper)
    rows, cols = values.shape
    lines = ([[(i, j) for j in range(cols)] for i in range(rows)] if row_totals else []) + (
        [[(i, j) for i in range(rows)] for j in range(cols)] if column_totals else [])
    totals = {line[-1] for line in lines}

    def withhold_beside(cells: list[tuple[int, int]]) -> bool:
        candidates = [c for c in cells if not hidden[c] and values[c] > 0]
        if not candidates:
            return False
        hidden[min(candidates, key=lambda c: (c in totals, values[c]))] = True
        return True

    # Cells found able to vary stay so: withholding more cells only adds ways to vary (each
    # cell's moves depend on its own value and bounds), so a pass tries only the others.
    varies: set[tuple[int, int]] = set()

    def pinned(graph: _Graph, cell: tuple[int, int]) -> bool:
        if cell in varies:
            return False
        if graph.another_table(cell) is None:
            return True
        varies.add(cell)
        return False

    while True:
        lone = next((line for line in lines if sum(hidden[c] for c in line) == 1), None)
        if lone is not None and withhold_beside(lone):
            continue
        graph = _Graph(values, hidden, lower, high, row_totals, column_totals)  # one per pass
        exposed = next((c for c in zip(*np.nonzero(hidden), strict=True)
                        if pinned(graph, (int(c[0]), int(c[1])))), None)
        if exposed is None:
            break
        near = [c for line in lines if exposed in line for c in line]
        everywhere = [(i, j) for i in range(rows) for j in range(cols)]
        if not withhold_beside(near) and not withhold_beside(everywhere):
            hidden[:] = True
            return primary, hidden, True
    return primary, hidden, False


def bounds(values: np.ndarray, limit: int, upper: np.ndarray | None = None
           ) -> tuple[np.ndarray, np.ndarray]:
    """What a reader knows of each cell if it is withheld: 1-4 for "<5"; for "*" at least the
    threshold (zero is always shown), and at most `upper` where given."""
    primary = (values > 0) & (values < limit)
    lower = np.where(primary, 1, limit).astype(np.int64)
    high = np.where(primary, limit - 1, UNBOUNDED).astype(np.int64)
    if upper is not None:
        high = np.where(primary, high, np.minimum(high, upper))
    return lower, high


def can_vary(values: np.ndarray, hidden: np.ndarray, lower: np.ndarray, upper: np.ndarray,
             row_totals: bool, column_totals: bool, cell: tuple[int, int]) -> bool:
    """Whether a withheld cell can take two values consistent with every shown cell, the totals
    and what a reader knows of each withheld cell (between `lower` and `upper`: 1-4 for "<5")."""
    return another_table(values, hidden, lower, upper, row_totals, column_totals, cell) is not None


def another_table(values: np.ndarray, hidden: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                  row_totals: bool, column_totals: bool, cell: tuple[int, int]
                  ) -> np.ndarray | None:
    """A table that agrees with every shown cell, keeps every total and each withheld cell within
    its bounds, but differs at `cell`; None if there is none (the cell can be worked out).
    Exact: two consistent tables differ by cycles of +1/-1 through withheld cells that keep every
    total, each feasible on its own, so one exists if a feasible cycle passes through the cell.
    Margins enter with sign -1 (a total minus its parts is 0), so each withheld cell is an edge
    between its row and its column (or a free node where that line has no total)."""
    return _Graph(values, hidden, lower, upper, row_totals, column_totals).another_table(cell)


Arc = tuple[object, tuple[int, int], int]  # (head node, the withheld cell it moves, by how much)


class _Graph:
    """The moves `another_table` may make in one table with one set of withheld cells, built
    once so that every withheld cell of a pass of `protect` is tried against the same graph (a
    national table has thousands)."""

    def __init__(self, values: np.ndarray, hidden: np.ndarray, lower: np.ndarray,
                 upper: np.ndarray, row_totals: bool, column_totals: bool) -> None:
        self.values, self.lower, self.upper = values, lower, upper
        self.totals = row_totals or column_totals
        rows, cols = values.shape
        self.arcs: dict[object, list[Arc]] = {}
        for i, j in zip(*np.nonzero(hidden), strict=True):
            sign = (-1) ** (int(row_totals and j == cols - 1) + int(column_totals and i == rows - 1))
            row = ("row", i) if row_totals else "free"
            column = ("column", j) if column_totals else "free"
            for step, tail, head in ((1, column, row), (-1, row, column)):
                moved = values[i, j] + sign * step
                if lower[i, j] <= moved <= upper[i, j]:
                    self.arcs.setdefault(tail, []).append((head, (int(i), int(j)), sign * step))
        # Each cell's arcs, in the order the arcs are listed (tails in order, then their arcs).
        self.through: dict[tuple[int, int], list[tuple[object, object, int]]] = {}
        for tail, edges in self.arcs.items():
            for head, through, change in edges:
                self.through.setdefault(through, []).append((tail, head, change))

    def another_table(self, cell: tuple[int, int]) -> np.ndarray | None:
        values, lower, upper = self.values, self.lower, self.upper
        cell = (int(cell[0]), int(cell[1]))
        if not self.totals:
            out = values.copy()
            out[cell] = values[cell] + 1 if values[cell] < upper[cell] else values[cell] - 1
            return out if lower[cell] <= out[cell] <= upper[cell] else None
        for tail, head, change in self.through.get(cell, []):
            path = _path(self.arcs, head, tail, cell)
            if path is not None:
                out = values.copy()
                for moved, by in ((cell, change), *path):
                    out[moved] += by
                return out
        return None


def _path(arcs: dict[object, list[tuple[object, tuple[int, int], int]]], start: object,
          goal: object, avoid: tuple[int, int]) -> list[tuple[tuple[int, int], int]] | None:
    """The cells (and their changes) along arcs from `start` to `goal` not made by `avoid`."""
    came: dict[object, tuple[object, tuple[int, int], int] | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = []
            while came[node] is not None:
                node, through, change = came[node]
                path.append((through, change))
            return path
        for head, through, change in arcs.get(node, []):
            if through != avoid and head not in came:
                came[head] = (node, through, change)
                queue.append(head)
    return None


def frame_withheld(frame: pd.DataFrame, counts: list[str], rates: dict[str, tuple[str, str]],
                   limit: int | None = None, total_row: bool = False
                   ) -> tuple[np.ndarray, np.ndarray, bool]:
    """(primary, withheld, whole table withheld) over `counts` columns, as `suppress_frame` shows
    them: a rate's numerator (or denominator) beside a complement of 1-4 is withheld, and with
    `total_row` each count column is protected as a line with a total (`protect`)."""
    limit = threshold() if limit is None else limit
    values = frame[counts].fillna(0).to_numpy(dtype=np.int64)
    column = {col: j for j, col in enumerate(counts)}
    also = np.zeros(values.shape, dtype=bool)
    upper = np.full(values.shape, UNBOUNDED, dtype=np.int64)
    pairs = [(column[num], column[den]) for num, den in rates.values()
             if num in column and den in column]
    for num, den in pairs:  # a reader knows a numerator is at most its denominator
        upper[:, num] = np.minimum(upper[:, num], values[:, den])
    while True:  # a complement is only seen where both counts are shown
        primary, hidden, whole = protect(values, False, total_row, limit, also, upper)
        more = False
        for i in range(len(frame)):
            for num, den in pairs:
                if hidden[i, num] or hidden[i, den]:
                    continue
                hide_num, hide_den = pair_hidden(values[i, num], values[i, den], limit)
                also[i, num] |= hide_num
                also[i, den] |= hide_den
                if hide_num and not hide_den:
                    upper[i, num] = min(upper[i, num], values[i, den] - 1)
                more |= hide_num or hide_den
        if not more or whole:
            return primary, hidden, whole


def suppress_frame(frame: pd.DataFrame, counts: list[str], rates: dict[str, tuple[str, str]],
                   limit: int | None = None, total_row: bool = False) -> pd.DataFrame:
    """A table made safe for a board: `counts` columns suppressed, and each rate column (mapped
    to its numerator and denominator columns) withheld where either is withheld or its
    complement is 1-4 (the numerator then shown as "*"). With `total_row` (the last row sums the
    others), each count column is protected as a line with a total (`frame_withheld`)."""
    limit = threshold() if limit is None else limit
    out = frame.copy()
    primary, hidden, whole = frame_withheld(frame, counts, rates, limit, total_row)
    if whole:
        for col in (*counts, *rates):
            out[col] = TABLE_WITHHELD
        return out
    withheld = {col: hidden[:, j] for j, col in enumerate(counts)}
    for rate, (num, den) in rates.items():
        out[rate] = [WITHHELD if withheld.get(num, [False] * len(frame))[i]
                     or withheld.get(den, [False] * len(frame))[i]
                     else suppress_rate(p, nu, de, limit)
                     for i, (p, nu, de) in enumerate(zip(out[rate], out[num], out[den], strict=True))]
    for j, col in enumerate(counts):
        out[col] = [COMPLEMENTARY if hidden[i, j] and not primary[i, j] else suppress_count(v, limit)
                    for i, v in enumerate(out[col])]
    return out


def protect_months(numerators: list[int], denominators: list[int], numerator: int,
                   denominator: int, limit: int | None = None
                   ) -> tuple[list[tuple[bool, bool]], tuple[bool, bool]]:
    """A rate's months shown beside the period's figure, their total: which months' (numerator,
    denominator) must be withheld, and whether the period's must, so that no month of 1-4 (or
    with a complement of 1-4) can be worked out as the period's figure less the months shown.
    The board pack's series and the sentences drafted for a board both use it."""
    frame = pd.DataFrame({"numerator": [*map(int, numerators), int(numerator)],
                          "denominator": [*map(int, denominators), int(denominator)]}
                         ).assign(pct=0.0)
    _, hidden, _ = frame_withheld(frame, ["numerator", "denominator"],
                                  {"pct": ("numerator", "denominator")}, limit, total_row=True)
    months = [(bool(num), bool(den)) for num, den in hidden[:-1]]
    return months, (bool(hidden[-1, 0]), bool(hidden[-1, 1]))


def suppress_with_subtotal(counts: list[int], inside: list[bool], parts_of: list[int] | None = None,
                           limit: int | None = None) -> list[str]:
    """A series of counts (one a month) as a board may see it beside a shown total of those
    `inside` (a card's figure for the period): counts of 1-4 as "<5", and those inside protected
    as a column with that total (`protect`), so a month of 1-4 cannot be worked out as the total
    less the months shown. With `parts_of` (each month's whole, for a part such as appeals with
    a health aspect), a month whose rest is 1-4 is withheld as "*" too."""
    limit = threshold() if limit is None else limit
    values = np.array([int(v) for v in counts], dtype=np.int64)
    also = np.array([parts_of is not None and pair_hidden(v, w, limit)[0] and not is_small(v, limit)
                     for v, w in zip(counts, parts_of or counts, strict=True)], dtype=bool)
    hidden = also.copy()
    rows = [i for i, flag in enumerate(inside) if flag]
    if rows:
        line = np.append(values[rows], values[rows].sum())[:, None]
        _, masked, whole = protect(line, False, True, limit, np.append(also[rows], False)[:, None])
        if whole or masked[-1, 0]:
            return [TABLE_WITHHELD if flag else _pair_text(v, h, limit)
                    for v, h, flag in zip(values, hidden, inside, strict=True)]
        hidden[rows] = masked[:-1, 0]
    return [_pair_text(v, h, limit) for v, h in zip(values, hidden, strict=True)]


def suppress_with_totals(counts: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """A table of counts whose last row and last column are totals, as a board may see it:
    counts of 1-4 as "<5", and further counts withheld as "*" until no hidden count can be
    worked out from the totals and the other cells (`protect`)."""
    limit = threshold() if limit is None else limit
    values = counts.to_numpy(dtype=np.int64)
    primary, hidden, whole = protect(values, True, True, limit)
    if whole:
        return pd.DataFrame(TABLE_WITHHELD, index=counts.index, columns=counts.columns)
    rows, cols = values.shape
    shown = [[f"<{limit}" if primary[i, j] else COMPLEMENTARY if hidden[i, j] else f"{values[i, j]:,}"
              for j in range(cols)] for i in range(rows)]
    return pd.DataFrame(shown, index=counts.index, columns=counts.columns)
