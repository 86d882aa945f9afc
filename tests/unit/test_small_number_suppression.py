"""Small-number suppression, the one definition (pipelines.suppression): counts 1-4 as "<5", zero
shown, and a rate withheld when its numerator or denominator is suppressed."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.components import suppression as dashboard_suppression
from pipelines import suppression
from pipelines.suppression import (
    WITHHELD,
    is_small,
    rate_withheld,
    suppress_count,
    suppress_frame,
    suppress_rate,
    suppress_value,
)


@pytest.mark.parametrize(("count", "small"), [(0, False), (1, True), (4, True), (5, False),
                                              (None, False)])
def test_is_small(count: int | None, small: bool) -> None:
    assert is_small(count) is small  # the threshold from settings.toml: 5


@pytest.mark.parametrize(("count", "shown"), [(0, "0"), (1, "<5"), (2, "<5"), (3, "<5"),
                                              (4, "<5"), (5, "5"), (12345, "12,345"), (None, "-")])
def test_counts(count: int | None, shown: str) -> None:
    assert suppress_count(count) == shown


@pytest.mark.parametrize(("count", "value"), [(0, 0), (3, "<5"), (5, 5), (None, None)])
def test_values_for_a_spreadsheet_stay_numbers(count: int | None, value: object) -> None:
    assert suppress_value(count) == value


@pytest.mark.parametrize(("pct", "num", "den", "shown"), [
    (75.0, 3, 4, WITHHELD),      # both small
    (4.0, 4, 100, WITHHELD),     # numerator small
    (100.0, 10, 10, "100.0%"),
    (0.0, 0, 7, "0.0%"),         # a zero numerator discloses nothing
    (None, 0, 0, "-"),           # nothing to divide
])
def test_rates(pct: float | None, num: int, den: int, shown: str) -> None:
    assert suppress_rate(pct, num, den) == shown
    assert rate_withheld(num, den) is (shown == WITHHELD)


def test_another_threshold() -> None:
    assert suppress_count(9, limit=10) == "<10"
    assert suppress_count(10, limit=10) == "10"


def test_a_frame() -> None:
    frame = pd.DataFrame({"la": ["A", "B", "C"], "met": [2, 40, 0], "due": [9, 50, 6],
                          "pct": [22.2, 80.0, 0.0]})
    out = suppress_frame(frame, ["met", "due"], {"pct": ("met", "due")})
    assert out.to_dict("list") == {"la": ["A", "B", "C"], "met": ["<5", "40", "0"],
                                   "due": ["9", "50", "6"], "pct": [WITHHELD, "80.0%", "0.0%"]}


def test_the_dashboard_uses_the_one_definition() -> None:
    for name in ("suppress_count", "suppress_rate", "suppress_frame", "rate_withheld", "is_small",
                 "WITHHELD"):
        assert getattr(dashboard_suppression, name) is getattr(suppression, name)


def _table(rows: list[list[int]]) -> pd.DataFrame:
    """Inner counts with a Total column and row added."""
    frame = pd.DataFrame(rows, index=[f"r{i}" for i in range(len(rows))],
                         columns=[f"c{j}" for j in range(len(rows[0]))])
    frame["Total"] = frame.sum(axis=1)
    frame.loc["Total"] = frame.sum(axis=0)
    return frame


def test_a_small_count_is_not_left_alone_in_its_row_or_column() -> None:
    shown = suppression.suppress_with_totals(_table([[3, 9], [6, 7]]), limit=5)
    # 3 is "<5"; 9 would give it away from the row total (12), 6 from the column total (9), and
    # then 7 from the second column's total (16).
    assert shown.values.tolist() == [["<5", "*", "12"], ["*", "*", "13"], ["9", "16", "25"]]


def test_zeros_and_tables_without_small_counts_are_shown_as_they_are() -> None:
    shown = suppression.suppress_with_totals(_table([[0, 9], [6, 7]]), limit=5)
    assert shown.values.tolist() == [["0", "9", "9"], ["6", "7", "13"], ["6", "16", "22"]]


def test_a_total_is_withheld_when_nothing_else_in_its_line_can_be() -> None:
    # One column, so each row's total equals its cell: 2 (and its total) are "<5"; the column
    # then needs 8 withheld, and row r1 can only withhold its total beside it.
    shown = suppression.suppress_with_totals(_table([[2], [8], [0]]), limit=5)
    assert shown.values.tolist() == [["<5", "<5"], ["*", "*"], ["0", "0"], ["10", "10"]]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=1, max_size=5), min_size=1, max_size=5)
       .filter(lambda rows: len({len(r) for r in rows}) == 1))
def test_no_withheld_count_stands_alone_in_a_row_or_column(rows: list[list[int]]) -> None:
    table = _table(rows)
    shown = suppression.suppress_with_totals(table, limit=5)
    hidden = shown.isin(["<5", "*"]).to_numpy()
    values = table.to_numpy()
    assert ((shown == "<5").to_numpy() == ((values > 0) & (values < 5))).all()
    assert (hidden.sum(axis=1) != 1).all() and (hidden.sum(axis=0) != 1).all()
    assert (shown.to_numpy()[~hidden] == [f"{v:,}" for v in values[~hidden]]).all()


def test_a_column_with_a_total_row_withholds_a_second_count_and_its_rates() -> None:
    frame = pd.DataFrame({"group": ["A", "B", "C", "Total"], "active": [3, 7, 12, 22],
                          "cc": [0, 5, 6, 11], "cc_pct": [0.0, 71.4, 50.0, 50.0]})
    safe = suppression.suppress_frame(frame, ["active", "cc"], {"cc_pct": ("cc", "active")},
                                      limit=5, total_row=True)
    # A's 3 is "<5"; B's 7, the smallest other, goes too, and so does the rate built on it.
    assert safe["active"].tolist() == ["<5", "*", "12", "22"]
    assert safe["cc"].tolist() == ["0", "5", "6", "11"]
    assert safe["cc_pct"].tolist() == [WITHHELD, WITHHELD, "50.0%", "50.0%"]
    plain = suppression.suppress_frame(frame, ["active", "cc"], {"cc_pct": ("cc", "active")},
                                       limit=5)
    assert plain["active"].tolist() == ["<5", "7", "12", "22"]  # no total row: primary only
