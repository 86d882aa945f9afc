"""Small-number suppression, the one definition (pipelines.suppression): counts 1-4 as "<5", zero
shown, and a rate withheld when its numerator or denominator is suppressed."""

from __future__ import annotations

import numpy as np
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
    if (shown == suppression.TABLE_WITHHELD).all().all():
        return  # a table of a few children, withheld whole: nothing stands alone
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


# ---- complements and secondary suppression that cannot be undone --------------------------

@pytest.mark.parametrize(("num", "den", "withheld", "shown"), [
    (57, 59, True, "* of 59"),     # 2 late: the numerator goes, the complement with it
    (55, 59, True, "* of 59"),     # 4 late
    (54, 59, False, "54 of 59"),   # 5 late: shown
    (5, 6, True, "* of *"),        # a numerator that is not "<5" would have to be 5
    (3, 6, True, "<5 of 6"),       # "<5" already: 3 late is 2 to 5 to a reader
    (0, 3, True, "0 of <5"),
    (7, 7, False, "7 of 7"),       # nobody late: nothing to single out
])
def test_a_rate_whose_complement_is_1_to_4_is_withheld(num: int, den: int, withheld: bool,
                                                       shown: str) -> None:
    assert rate_withheld(num, den, 5) is withheld
    assert suppression.made_of(num, den, 5) == shown
    assert suppress_rate(100 * num / den, num, den, 5) == (WITHHELD if withheld
                                                           else f"{100 * num / den:.1f}%")


def test_counts_for_a_spreadsheet_hide_what_made_of_hides() -> None:
    assert suppression.pair_values(57, 59, 5) == ("*", 59)
    assert suppression.pair_values(5, 6, 5) == ("*", "*")
    assert suppression.pair_values(40, 59, 5, withheld=(True, False)) == ("*", 59)
    assert suppression.part_text(15, 19, 5) == "*"  # 4 received without a health aspect
    assert suppression.part_text(10, 19, 5) == "10"
    assert suppression.differs_by_small((95, 95), (120, 123), limit=5)  # 3 exceptions
    assert not suppression.differs_by_small((95, 95), (120, 120), limit=5)


def _reader_bounds(shown: np.ndarray, limit: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What a reader of a shown table knows: "<5" is 1-4, "*" at least 5 (zero is always shown,
    and "*" is never a count of 1-4), a number is itself."""
    hidden = np.isin(shown, [f"<{limit}", "*"])
    lower = np.where(shown == f"<{limit}", 1, limit)
    upper = np.where(shown == f"<{limit}", limit - 1, suppression.UNBOUNDED)
    return hidden, lower.astype(np.int64), upper.astype(np.int64)


def _consistent(table: np.ndarray, shown: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                row_totals: bool, column_totals: bool) -> bool:
    """Whether `table` agrees with everything a reader sees: each shown number, each total, and
    each withheld cell's range."""
    hidden = np.isin(shown, ["<5", "*"])
    if not (table[~hidden] == np.array([int(v.replace(",", "")) for v in shown[~hidden]])).all():
        return False
    if ((table < lower) | (table > upper))[hidden].any():
        return False
    rows_ok = not row_totals or (table[:, :-1].sum(axis=1) == table[:, -1]).all()
    columns_ok = not column_totals or (table[:-1].sum(axis=0) == table[-1]).all()
    return bool(rows_ok and columns_ok)


counts = st.one_of(st.integers(0, 4), st.integers(0, 30))  # many small counts


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5).flatmap(lambda cols: st.lists(
    st.lists(counts, min_size=cols, max_size=cols), min_size=1, max_size=5)))
def test_no_withheld_count_can_be_worked_out_from_a_table_with_totals(rows: list[list[int]]
                                                                      ) -> None:
    table = _table(rows)
    values = table.to_numpy(dtype=np.int64)
    shown = suppression.suppress_with_totals(table, limit=5).to_numpy()
    if (shown == suppression.TABLE_WITHHELD).all():  # nothing shown, nothing to work out from
        assert ((values > 0) & (values < 5)).any()  # only to hide a count of 1-4
        return
    hidden, lower, upper = _reader_bounds(shown)
    assert ((shown == "<5") == ((values > 0) & (values < 5))).all()
    # The standard rule: a line with a shown total has no withheld cell, or two or more.
    assert (hidden.sum(axis=1) != 1).all() and (hidden.sum(axis=0) != 1).all()
    # The proof: every withheld cell takes two values in tables consistent with what is shown.
    for cell in zip(*np.nonzero(hidden), strict=True):
        other = suppression.another_table(values, hidden, lower, upper, True, True, cell)
        assert other is not None, (cell, shown.tolist())
        assert other[cell] != values[cell]
        assert _consistent(other, shown, lower, upper, True, True)


def test_four_hidden_services_and_their_total_no_longer_give_each_away() -> None:
    # The finding: four services of 1 and a shown total left each "<5" exactly 1.
    table = _table([[1], [1], [1], [1], [20]])
    shown = suppression.suppress_with_totals(table, limit=5)
    assert shown["c0"].tolist() == ["<5", "<5", "<5", "<5", "*", "24"]  # 20 withheld too
    hidden, lower, upper = _reader_bounds(shown.to_numpy())
    values = table.to_numpy(dtype=np.int64)
    for cell in zip(*np.nonzero(hidden), strict=True):
        assert suppression.another_table(values, hidden, lower, upper, True, True, cell) is not None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(counts, counts), min_size=1, max_size=6))
def test_no_withheld_count_or_complement_can_be_worked_out_from_a_column_with_a_total(
        pairs: list[tuple[int, int]]) -> None:
    dens = [a + b for a, b in pairs]
    nums = [a for a, _ in pairs]
    frame = pd.DataFrame({"num": [*nums, sum(nums)], "den": [*dens, sum(dens)]})
    frame["pct"] = [100 * n / d if d else None for n, d in zip(frame.num, frame.den, strict=True)]
    safe = suppress_frame(frame, ["num", "den"], {"pct": ("num", "den")}, limit=5, total_row=True)
    if (safe[["num", "den", "pct"]] == suppression.TABLE_WITHHELD).all().all():
        assert any(rate_withheld(n, d, 5) for n, d in zip(frame.num, frame.den, strict=True))
        return  # withheld whole (only to hide a count or complement of 1-4): nothing shown
    shown = safe[["num", "den"]].to_numpy()
    values = frame[["num", "den"]].to_numpy(dtype=np.int64)
    hidden, lower, upper = _reader_bounds(shown)
    for i in range(len(frame)):
        num_shown, den_shown = not hidden[i, 0], not hidden[i, 1]
        # A rate is shown only over shown counts, and never beside a complement of 1-4.
        assert (safe.pct[i] != WITHHELD) == (num_shown and den_shown and not
                                            rate_withheld(values[i, 0], values[i, 1], 5))
        if num_shown and den_shown:
            assert not is_small(values[i, 1] - values[i, 0])
        if hidden[i, 0] and den_shown and shown[i, 0] == "*":
            upper[i, 0] = values[i, 1]  # a numerator is at most its denominator
    assert (hidden.sum(axis=0) != 1).all()
    for cell in zip(*np.nonzero(hidden), strict=True):
        other = suppression.another_table(values, hidden, lower, upper, False, True, cell)
        assert other is not None, (cell, shown.tolist())
        assert other[cell] != values[cell] and _consistent(other, shown, lower, upper, False, True)


def test_months_beside_a_card_s_total_for_the_period() -> None:
    # 12 appeals in the period (shown on the card): a lone "<5" month would be 12 - 5 - 5; with
    # one 5 withheld beside it, it is 1 or 2 (the "*" at least 5).
    shown = suppression.suppress_with_subtotal([9, 2, 5, 5], [False, True, True, True], limit=5)
    assert shown == ["9", "<5", "*", "5"]
    # A part of each month's whole: a month whose rest is 1-4 is withheld as well.
    assert suppression.suppress_with_subtotal([6, 10], [False, False], [8, 20], limit=5) == [
        "*", "10"]
    assert suppression.suppress_with_subtotal([7, 8], [True, True], limit=5) == ["7", "8"]
