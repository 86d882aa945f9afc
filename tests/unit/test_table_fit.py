"""Column widths for a table read whole in a given room: short columns keep their one line, the
long ones wrap in taller rows, and headings are never narrower than their words."""

from __future__ import annotations

import pandas as pd

from dashboard.components import table_fit
from dashboard.components.tables import WRAPPED_ROW_HEIGHT

TABLE = pd.DataFrame({
    "Month": ["Oct 2024", "Nov 2024"],
    "Counted": [12, 3],
    "Note": ["over 13 weeks (median 60.6 weeks) " * 2, "n/a"],
})


def widths(config: dict) -> dict[str, int]:
    return {column: c["width"] for column, c in config.items()}


def test_a_table_with_room_to_spare_keeps_every_cell_on_one_line() -> None:
    config, row_height = table_fit.fitted(TABLE, 2_000)
    assert row_height is None
    assert widths(config)["Note"] >= table_fit.text_width(TABLE["Note"][0])


def test_only_the_long_column_wraps_when_room_is_short() -> None:
    config, row_height = table_fit.fitted(TABLE, 400)
    shown = widths(config)
    assert row_height == WRAPPED_ROW_HEIGHT
    assert sum(shown.values()) <= 400
    assert shown["Month"] >= table_fit.text_width("Oct 2024")  # still one line
    assert shown["Counted"] >= table_fit.text_width("Counted")
    assert shown["Note"] < table_fit.text_width(TABLE["Note"][0])


def test_a_short_label_sets_the_least_width_and_keeps_its_help() -> None:
    labelled = {"Counted": {"label": "N", "help": "Counted: responses due"}}
    config, _ = table_fit.fitted(TABLE, 2_000, labelled)
    assert config["Counted"]["help"] == "Counted: responses due"
    assert widths(config)["Counted"] >= table_fit.text_width("12")


def test_too_little_room_gives_the_least_widths_and_the_grid_scrolls() -> None:
    config, row_height = table_fit.fitted(TABLE, 100)
    assert row_height == WRAPPED_ROW_HEIGHT
    assert widths(config)["Counted"] >= table_fit.text_width("Counted")  # a heading never wraps


def test_row_height_wraps_only_when_a_cell_is_wider_than_its_column() -> None:
    narrow = {"Note": {"width": 80}}
    assert table_fit.row_height(TABLE, narrow) == WRAPPED_ROW_HEIGHT
    assert table_fit.row_height(TABLE[["Month"]], {"Month": {"width": 200}}) is None
