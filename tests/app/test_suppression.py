"""Small-number suppression for the board: counts 1-4 as "<5", rates built on them withheld."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from app_helpers import FY_PARAMS, TINY_AS_OF, captions, metric_values
from streamlit.testing.v1 import AppTest

from dashboard.components.cards import rag
from dashboard.components.suppression import (
    SHORT_WITHHELD,
    WITHHELD,
    suppress_count,
    suppress_frame,
    suppress_rate,
)


@pytest.mark.parametrize(("count", "shown"), [
    (0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (1234, "1,234"), (None, "-"),
])
def test_counts(count: int | None, shown: str) -> None:
    assert suppress_count(count, 5) == shown


@pytest.mark.parametrize(("pct", "num", "den", "shown"), [
    (50.0, 2, 4, WITHHELD),      # both counts small
    (3.0, 3, 100, WITHHELD),     # a small numerator gives the count away
    (100.0, 6, 6, "100.0%"),
    (0.0, 0, 12, "0.0%"),        # zero discloses nothing
    (None, 0, 0, "-"),
])
def test_rates(pct: float | None, num: int, den: int, shown: str) -> None:
    assert suppress_rate(pct, num, den, 5) == shown


def test_a_table_for_the_board() -> None:
    frame = pd.DataFrame({"la": ["A", "B"], "num": [3, 40], "den": [9, 50], "pct": [33.3, 80.0]})
    out = suppress_frame(frame, ["num", "den"], {"pct": ("num", "den")}, limit=5)
    assert out.to_dict("list") == {"la": ["A", "B"], "num": ["<5", "40"], "den": ["9", "50"],
                                   "pct": [WITHHELD, "80.0%"]}


@pytest.mark.parametrize(("value", "status"), [
    (90.0, "green"), (95.2, "green"), (89.9, "amber"), (80.0, "amber"), (79.9, "red"),
])
def test_rag_against_a_90_target_with_a_10_point_margin(value: float, status: str) -> None:
    result = rag(value, 90.0, 10.0)
    assert result is not None and result.status == status
    assert result.text.lower().startswith(status)  # said in words, not colour alone


def test_the_cards_a_board_member_sees_give_no_count_or_complement_of_1_to_4(
        run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    # The tiny exports: 3 advice requests due (2 in time) and 6 plans, 5 within 20 weeks.
    at = run_app(db=tiny_db, role="board", **FY_PARAMS, as_of=TINY_AS_OF.isoformat())
    shown = metric_values(at)
    assert shown["New plans within 20 weeks"] == SHORT_WITHHELD  # 83.3% would say 1 was late
    assert shown["Health advice within 6 weeks"] == SHORT_WITHHELD
    assert "* of * new plans (excluding exceptions)" in captions(at)
    # A withheld count leads its caption as text, never as the bullet of a Markdown list.
    assert not [c.value for c in at.caption if re.match(r"[*+-] ", c.value)]
    assert "<5 of <5 requests due (excluding exceptions)" in captions(at)
    for text in [*captions(at), *shown.values()]:
        for num, den in re.findall(r"\b(\d[\d,]*) of (\d[\d,]*)\b", text):
            n, d = int(num.replace(",", "")), int(den.replace(",", ""))
            assert not (0 < n < 5 or 0 < d < 5 or 0 < d - n < 5), text
        assert not re.fullmatch(r"[1-4]", text.strip()), text
