"""Tables a board member reads at 1440 px: every heading and every cell is read whole, on one
line or wrapped within the row, in a grid that fits the room the page gives it; and the board
pack's quarter choice names each quarter in words that fit the sidebar's select box."""

from __future__ import annotations

import json
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from dashboard.components.tables import WIDE_WIDTH
from pipelines.chart_style import text_px

PACK = "views/board_pack.py"
FONT = 14  # px, a grid's text
PAD = 16  # px, a cell's padding either side of its text
ONE_LINE_ROWS = 64  # px: the grid wraps a cell's text only in rows taller than this
SELECT_TEXT_PX = 190  # what the sidebar's select box (300 px sidebar) shows of an option


def lines(text: str, width: float) -> int:
    """The lines `text` takes wrapped at its words in a cell `width` px wide (a word wider than
    the cell counts as too many)."""
    room, count, used = width - PAD, 1, 0.0
    for word in text.split():
        size = text_px(word, FONT)
        if size > room:
            return 99
        if used and used + text_px(" ", FONT) + size > room:
            count, used = count + 1, size
        else:
            used += (text_px(" ", FONT) if used else 0) + size
    return count


def grid_with(at: AppTest, column: str):
    for grid in at.dataframe:
        if column in grid.value.columns:
            return grid
    raise AssertionError(f"no table with {column!r}: {[list(d.value.columns) for d in at.dataframe]}")


def assert_read_whole(grid, room: float) -> None:
    """Every column is sized and they fit `room` px; each heading fits its column on one line
    and each cell within the lines the row's height gives it."""
    config = json.loads(grid.proto.columns)
    frame = grid.value
    widths = {c: config.get(str(c), {}).get("width") for c in frame.columns}
    assert None not in widths.values(), widths
    assert sum(widths.values()) <= room, widths
    most = 4 if grid.proto.row_height > ONE_LINE_ROWS else 1
    for column in frame.columns:
        label = config[str(column)].get("label") or str(column)
        assert text_px(label, FONT) + PAD <= widths[column], (label, widths[column])
        if label != column:  # a shortened heading keeps its full wording as help
            assert config[str(column)].get("help"), column
        for cell in frame[column].dropna().astype(str):
            assert lines(cell, widths[column]) <= most, (column, cell, widths[column])


def test_the_board_packs_tables_are_read_whole(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PACK)
    # Waiting lists by service ("over 13 weeks (median 60.6 weeks)") across the main area.
    assert_read_whole(grid_with(at, "Autism: NICE 13 weeks"), WIDE_WIDTH)
    # The overdue health advice by service and by time overdue (side by side where both fit
    # half the page on one line, else one under the other).
    for first in ("Service", "Time overdue"):
        assert_read_whole(next(d for d in at.dataframe if d.value.columns[0] == first
                               and "Northshire" in d.value.columns), WIDE_WIDTH)
    assert_read_whole(grid_with(at, "Active on 30 September 2026"), WIDE_WIDTH)


def test_a_monthly_table_beside_its_figure_is_read_whole(run_app: Callable[..., AppTest]) -> None:
    """Health recommendations: too few months for a chart, so its monthly table sits in the
    chart's place, beside the quarter's figure (the right 2.4 of 3.4 parts of the main area)."""
    at = run_app(PACK)
    grid = grid_with(at, "Month")  # the charts' tables are behind their "Table" switch
    assert "withheld (small number)" in set(grid.value["Per cent"])
    assert_read_whole(grid, (WIDE_WIDTH - 16) * 2.4 / 3.4)


def test_the_quarter_options_fit_the_sidebar(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PACK)
    quarter = at.sidebar.selectbox(key="bp_quarter")
    assert quarter.options[0].startswith("Q")  # NHS financial-year quarters by default
    for option in quarter.options:
        assert text_px(option, FONT) <= SELECT_TEXT_PX, option
    # The quarter's dates and its calendar name are given in full under the choice.
    chosen = quarter.value
    assert chosen.describe in [c.value for c in at.sidebar.caption]


def test_the_cohorts_withheld_share_is_read_whole(run_app: Callable[..., AppTest]) -> None:
    at = run_app("views/annual_reviews.py")
    grid = next(d for d in at.dataframe if d.value.columns[0] == "Age band")
    assert "withheld (small number)" in set(grid.value["Not reviewed (%)"])
    assert_read_whole(grid, WIDE_WIDTH)
