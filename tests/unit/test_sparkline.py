"""A card's sparkline: st.metric's colour rule for its change, bars for counts and a line for
rates, its marks hidden from screen readers and a written name in their place."""

from __future__ import annotations

import pytest

from dashboard.components.sparkline import COLOURS, colour, describe, spec


@pytest.mark.parametrize("delta_color, change, expected", [
    ("red", None, "red"),  # a tile's RAG colours its line: it shows no change
    ("green", -2.0, "green"),
    ("orange", 0, "orange"),
    ("normal", 3.0, "green"),
    ("normal", -3.0, "red"),
    ("inverse", 3.0, "red"),  # fewer is better: a rise is bad
    ("inverse", -3.0, "green"),
    ("normal", 0, "gray"),
    ("normal", None, "gray"),
    ("off", 5.0, "gray"),
])
def test_the_sparkline_takes_the_colour_of_the_change(delta_color, change, expected):
    assert colour(delta_color, change) == COLOURS[expected]


def test_counts_are_bars_and_rates_a_line_with_marks_hidden_from_screen_readers():
    bars = spec([5, 6, 7], "count", COLOURS["red"])
    line = spec([80.0, 82.5, 79.0], "rate", COLOURS["green"])
    assert (bars["mark"]["type"], line["mark"]["type"]) == ("bar", "line")
    assert bars["mark"]["color"] == COLOURS["red"] and line["mark"]["color"] == COLOURS["green"]
    assert bars["mark"]["aria"] is False and line["config"]["aria"] is False
    assert [row["value"] for row in line["data"]["values"]] == [80.0, 82.5, 79.0]
    assert bars["encoding"]["y"]["scale"]["zero"] is True  # a bar's height is its count


def test_a_sparkline_is_named_by_what_it_shows():
    assert describe("Health advice within 6 weeks", [80.0, 82.5, 79.04], "rate") == (
        "Health advice within 6 weeks: monthly trend over 3 months, from 80.0% to 79.0%")
    assert describe("Appeals registered", [1200, 15, 1301], "count") == (
        "Appeals registered: monthly trend over 3 months, from 1,200 to 1,301")
