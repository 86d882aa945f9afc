"""The percentage axis of every SPC chart (the board pack's, on /board-pack, in the PDF and PPTX):
it holds every point, the process limits, the target and England's figure, and never spans less
than MIN_SPAN points, so a flat series looks flat (all complaints answered in time, every month
at 100%, was drawn on a 98-100% axis that made no variation look like a lot)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipelines import spc
from pipelines.board_pack import charts, model


def _chart(values: list[float], target: float | None = None,
           reference: tuple[float, str] | None = None):
    months = [dt.date(2024 + i // 12, i % 12 + 1, 1) for i in range(len(values))]
    shown = pd.DataFrame({"month": months, "pct": values, "numerator": [10] * len(values),
                          "denominator": [10] * len(values)})
    return charts.spc_chart(shown, spc.xmr(values), "Complaints answered in time, by month",
                            target, "up", (months[0], months[-1]), reference=reference)


def test_a_flat_series_at_100_per_cent_looks_flat() -> None:
    low, high = _chart([100.0] * 18).layout.yaxis.range
    assert high == 100.0
    assert high - low >= 20 and charts.MIN_SPAN == 20
    assert "spans at least 20 points" in " ".join(model.HOW_TO_READ)  # the pack says so


@pytest.mark.parametrize(("values", "floor", "top"), [
    ([100.0] * 18, 80.0, 100.0),  # flat at the top: the span reaches down from 100%
    ([0.0] * 18, 0.0, 20.0),  # flat at nothing: up from 0%
    ([50.0] * 18, 40.0, 60.0),  # flat in the middle: centred on it
])
def test_the_axis_of_a_flat_series(values: list[float], floor: float, top: float) -> None:
    assert charts.percent_axis(values) == (floor, top)


def test_the_axis_holds_the_points_limits_target_and_england() -> None:
    values = [70.0, 90.0] * 9
    chart = spc.xmr(values)
    low, high = _chart(values, target=95.0, reference=(60.0, "England 2024: 60.0% (DfE)")
                       ).layout.yaxis.range
    for drawn in (*values, max(chart.lower, 0.0), min(chart.upper, 100.0), 95.0, 60.0):
        assert low <= drawn <= high, (drawn, low, high)
    assert low >= 0.0 and high <= 100.0


def test_a_wide_spread_keeps_its_own_span() -> None:
    low, high = charts.percent_axis([40.0, 60.0, 75.0])
    assert low < 40.0 and high > 75.0 and high - low > charts.MIN_SPAN
