"""Small-number suppression, the one definition (pipelines.suppression): counts 1-4 as "<5", zero
shown, and a rate withheld when its numerator or denominator is suppressed."""

from __future__ import annotations

import pandas as pd
import pytest

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
