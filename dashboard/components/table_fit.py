"""Column widths that let a table be read whole in the room a page gives it: every heading on one
line, every cell on one line or wrapped in a taller row, rather than cut to "Upper pro...".

Widths are estimated from the font's metrics (`chart_style.text_px`), as the charts' are; the grid
shares out any room left over, so a width here is a least width.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.components.tables import WRAPPED_ROW_HEIGHT
from pipelines.chart_style import text_px

FONT = 14  # px, a grid's text
PAD = 16  # px, a cell's padding either side of its text (the estimate is a little wide already)
LINES = 3  # a wrapped cell is held to fewer lines than a wrapped row shows (four)


def text_width(text: object) -> float:
    """The px a cell or heading needs to show `text` on one line."""
    return text_px(str(text), FONT) + PAD


def fitted(table: pd.DataFrame, room: float, config: dict[str, Any] | None = None
           ) -> tuple[dict[str, Any], int | None]:
    """The column configuration (`config`'s, each given a width) and the row height (None: one
    line) for `table` to be read whole within `room` px. A heading is never wrapped (the grid
    cannot): a long one belongs in `config` as a short label with its wording as help."""
    config = dict(config or {})
    natural, least = {}, {}
    for column in table.columns:
        label = _label(config.get(column)) or str(column)
        cells = [str(v) for v in table[column].dropna()]
        longest = max(map(text_width, cells), default=0)
        word = max((text_width(w) for c in cells for w in c.split()), default=0)
        natural[column] = max(text_width(label), longest)
        least[column] = max(text_width(label), word, longest / LINES)
    level = _level(natural, least, room - len(natural))  # less a px a column for rounding up
    widths = {c: min(natural[c], max(least[c], level)) for c in natural}
    wrapped = any(widths[c] < natural[c] for c in natural)
    for column, width in widths.items():
        config[column] = _with_width(config.get(column), math.ceil(width))
    return config, WRAPPED_ROW_HEIGHT if wrapped else None


def _level(natural: dict[Any, float], least: dict[Any, float], room: float) -> float:
    """The widest any column may be for the table to fit `room`: only the columns wider than it
    wrap, so short ones (a month, a count) keep their one line. 0 when even the least widths
    overflow (the grid then scrolls, each cell still whole)."""
    def total(level: float) -> float:
        return sum(min(natural[c], max(least[c], level)) for c in natural)
    low, high = 0.0, max(natural.values(), default=0.0)
    if total(high) <= room:
        return high
    for _ in range(30):
        middle = (low + high) / 2
        low, high = (middle, high) if total(middle) <= room else (low, middle)
    return low


def row_height(table: pd.DataFrame, config: dict[str, Any]) -> int | None:
    """The row height for `table` with the widths `config` gives it: tall enough to wrap when a
    cell is wider than its column (None: one line)."""
    for column in table.columns:
        width = (config.get(column) or {}).get("width")
        if isinstance(width, int) and any(text_width(v) > width for v in table[column].dropna()):
            return WRAPPED_ROW_HEIGHT
    return None


def _label(column_config: Any) -> str | None:
    return column_config.get("label") if isinstance(column_config, dict) else None


def _with_width(column_config: Any, width: int) -> Any:
    if column_config is None:
        return st.column_config.Column(width=width)
    return {**column_config, "width": width}
