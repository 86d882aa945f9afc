"""Small-number suppression for anything meant for a board or publication (DOMAIN.md): counts
1-4 show as "<5" and rates built on them are withheld, so no child can be singled out. Zero is
shown. The one definition: the board pack, the Overview's cards and the CLI all use it. The DCO's
own pages show exact numbers and only flag rates over fewer than 5 cases.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.config import load_settings

WITHHELD = "withheld (small number)"


def threshold() -> int:
    return load_settings().suppression_threshold


def is_small(count: int | None, limit: int | None = None) -> bool:
    """A count that would have to be suppressed: at least one and below the threshold."""
    limit = threshold() if limit is None else limit
    return count is not None and 0 < int(count) < limit


def suppress_count(count: int | None, limit: int | None = None) -> str:
    """A count as a board may see it: '<5' for 1-4, otherwise the number with separators."""
    limit = threshold() if limit is None else limit
    if count is None:
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
    """Whether a rate must be withheld because it is built on a suppressed count."""
    return is_small(numerator, limit) or is_small(denominator, limit)


def suppress_rate(pct: float | None, numerator: int | None, denominator: int | None,
                  limit: int | None = None) -> str:
    """A percentage as a board may see it: withheld over suppressed counts, '-' over nothing."""
    if rate_withheld(numerator, denominator, limit):
        return WITHHELD
    if pct is None or pd.isna(pct):
        return "-"
    return f"{pct:.1f}%"


def suppress_frame(frame: pd.DataFrame, counts: list[str], rates: dict[str, tuple[str, str]],
                   limit: int | None = None, total_row: bool = False) -> pd.DataFrame:
    """A table made safe for a board: `counts` columns suppressed, and each rate column (mapped
    to its numerator and denominator columns) withheld where either is suppressed. With
    `total_row` (the last row sums the others), a "<5" never stands alone in a count column: the
    column's smallest other non-zero count is withheld too, as "*" (and rates built on it)."""
    limit = threshold() if limit is None else limit
    out = frame.copy()
    values = frame[counts].fillna(0).to_numpy(dtype=int)
    n = len(frame)
    lines = [[(i, j) for i in range(n)] for j in range(len(counts))] if total_row else []
    primary, hidden = _withheld(values, lines, limit)
    withheld = {col: hidden[:, j] for j, col in enumerate(counts)}
    for rate, (num, den) in rates.items():
        out[rate] = [WITHHELD if withheld.get(num, [False] * n)[i] or withheld.get(den, [False] * n)[i]
                     else suppress_rate(p, nu, de, limit)
                     for i, (p, nu, de) in enumerate(zip(out[rate], out[num], out[den], strict=True))]
    for j, col in enumerate(counts):
        out[col] = [COMPLEMENTARY if hidden[i, j] and not primary[i, j] else suppress_count(v, limit)
                    for i, v in enumerate(out[col])]
    return out


COMPLEMENTARY = "*"  # withheld so that a "<5" in the same row or column cannot be worked out


def _withheld(values: np.ndarray, lines: list[list[tuple[int, int]]], limit: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """(primary, all withheld) masks. Counts of 1-4 are withheld; then, wherever a line (cells
    that add up to its last cell, a total) holds a single withheld cell, the smallest other
    non-zero count of that line is withheld too, until no line holds exactly one. A total is
    chosen only when no other cell of the line can be."""
    primary = (values > 0) & (values < limit)
    hidden = primary.copy()
    totals = {line[-1] for line in lines}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[c] for c in line) != 1:
                continue
            candidates = [c for c in line if not hidden[c] and values[c] > 0]
            if not candidates:  # cannot happen: a withheld count is > 0, so its line's total is
                continue
            cell = min(candidates, key=lambda c: (c in totals, values[c]))
            hidden[cell] = True
            changed = True
    return primary, hidden


def suppress_with_totals(counts: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """A table of counts whose last row and last column are totals, as a board may see it:
    counts of 1-4 as "<5", and a "<5" never alone in its row or column (another count withheld
    beside it as "*"). Within one table; docs/security.md says what this does not cover."""
    limit = threshold() if limit is None else limit
    values = counts.to_numpy(dtype=int)
    rows, cols = values.shape
    lines = [[(i, j) for j in range(cols)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(cols)]
    primary, hidden = _withheld(values, lines, limit)
    shown = [[f"<{limit}" if primary[i, j] else COMPLEMENTARY if hidden[i, j] else f"{values[i, j]:,}"
              for j in range(cols)] for i in range(rows)]
    return pd.DataFrame(shown, index=counts.index, columns=counts.columns)
