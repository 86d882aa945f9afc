"""Small-number suppression for anything meant for a board or publication (DOMAIN.md): counts
1-4 show as "<5" and rates built on them are withheld, so no child can be singled out. Zero is
shown. The one definition: the board pack, the Overview's cards and the CLI all use it. The DCO's
own pages show exact numbers and only flag rates over fewer than 5 cases.
"""

from __future__ import annotations

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
                   limit: int | None = None) -> pd.DataFrame:
    """A table made safe for a board: `counts` columns suppressed, and each rate column (mapped
    to its numerator and denominator columns) withheld where either is suppressed."""
    out = frame.copy()
    for rate, (num, den) in rates.items():
        out[rate] = [suppress_rate(p, n, d, limit) for p, n, d in
                     zip(out[rate], out[num], out[den], strict=True)]
    for col in counts:
        out[col] = [suppress_count(v, limit) for v in out[col]]
    return out


COMPLEMENTARY = "*"  # withheld so that a "<5" in the same row or column cannot be worked out


def suppress_with_totals(counts: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """A table of counts whose last row and last column are totals, as a board may see it.
    Counts of 1-4 show as "<5"; then, wherever a row or column would hold a single withheld cell
    (whose value is its total less the rest), the smallest other non-zero count of that line is
    withheld too, shown as "*", until no line holds exactly one withheld cell. A total is
    withheld only when no other count in the line can be. Within one table; see docs/security.md
    for what this does not cover."""
    limit = threshold() if limit is None else limit
    values = counts.to_numpy(dtype=int)
    primary = (values > 0) & (values < limit)
    hidden = primary.copy()
    last_row, last_col = values.shape[0] - 1, values.shape[1] - 1
    lines = [[(i, j) for j in range(values.shape[1])] for i in range(values.shape[0])]
    lines += [[(i, j) for i in range(values.shape[0])] for j in range(values.shape[1])]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[c] for c in line) != 1:
                continue
            candidates = [c for c in line if not hidden[c] and values[c] > 0]
            if not candidates:  # cannot happen: a withheld count is > 0, so its line's total is
                continue
            # Prefer an inner cell over a total, then the smallest (the least information lost).
            cell = min(candidates, key=lambda c: (c[0] == last_row or c[1] == last_col, values[c]))
            hidden[cell] = True
            changed = True
    shown = [[f"<{limit}" if primary[i, j] else COMPLEMENTARY if hidden[i, j] else f"{values[i, j]:,}"
              for j in range(values.shape[1])] for i in range(values.shape[0])]
    return pd.DataFrame(shown, index=counts.index, columns=counts.columns)
