"""What a provider's return prints in place of a count it suppressed: each symbol read as an
unknown count with the symbol kept (never 0), a figure as itself, anything else refused."""

from __future__ import annotations

import pytest

from pipelines.counts import count_or_symbol, number_or_symbol, symbol_meaning


@pytest.mark.parametrize("cell, symbol", [
    ("<5", "<5"), ("< 5", "<5"), (" <10 ", "<10"), ("*", "*"), ("c", "c"), ("C", "c"),
    ("~", "~"), ("x", "x"), ("..", ".."), ("-", "-"), ("–", "-"), ("--", "-"),
])
def test_a_symbol_is_an_unknown_count_with_its_symbol(cell, symbol):
    assert count_or_symbol(cell) == (None, symbol)


@pytest.mark.parametrize("cell, count", [("0", 0), ("4", 4), ("1,234", 1234), (7.0, 7),
                                         ("", None), (None, None)])
def test_a_figure_or_a_blank_has_no_symbol(cell, count):
    assert count_or_symbol(cell) == (count, None)


@pytest.mark.parametrize("cell", ["<0", "<", "<5%", "low", "n/a", "NA", "*5", "-3", "4.5", "lots"])
def test_anything_else_is_refused_naming_the_symbols_accepted(cell):
    with pytest.raises(ValueError, match=r"may be written <5, \*, c, ~, x, \.\. or -"):
        count_or_symbol(cell)


def test_symbols_in_words():
    assert symbol_meaning("<5") == "a count under 5 suppressed"
    assert symbol_meaning("*") == "suppressed" and symbol_meaning("-") == "nil or not given"


@pytest.mark.parametrize("cell, read", [
    ("-", (None, "-")), ("N/A", (None, "n/a")), ("n/a", (None, "n/a")), ("*", (None, "*")),
    ("<5", (None, "<5")), ("12.5", (12.5, None)), (8, (8.0, None)), ("", (None, None)),
])
def test_a_median_not_given_is_unknown_with_its_symbol(cell, read):
    """A median wait is a number, not a count, and "N/A" where no one waits."""
    assert number_or_symbol(cell) == read


def test_a_median_that_is_no_figure_nor_symbol_is_refused():
    with pytest.raises(ValueError, match=r"may be written N/A, <5"):
        number_or_symbol("soon")
    assert symbol_meaning("n/a") == "not applicable or not available"
