"""A month with no figure (left out for small numbers, or with no cases) breaks an SPC chart's
line, as SPC practice draws it: complaints joined Apr 2025 straight to Jan 2026, which read as
continuous data. The mean, limits and rules (pipelines/spc.py) still count only the months shown."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipelines import spc
from pipelines.board_pack import charts, model


def _month(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def _line(fig) -> tuple[list, list]:
    line = next(t for t in fig.data if t.name == "Monthly figure" and t.mode == "lines")
    return [pd.Timestamp(x).date() for x in line.x], list(line.y)


def test_a_month_left_out_breaks_the_line() -> None:
    months = ([_month(2024, m) for m in range(5, 13)] + [_month(2025, m) for m in range(1, 5)]
              + [_month(2026, m) for m in (1, 2, 3)])
    values = [80.0, 90.0, 85.0, 70.0, 95.0, 75.0, 82.0, 88.0, 79.0, 91.0, 84.0, 86.0, 95.0, 75.0, 81.0]
    shown = pd.DataFrame({"month": months, "pct": values, "numerator": [8] * 15,
                          "denominator": [10] * 15})
    chart = spc.xmr(values)
    assert chart.enough
    fig = charts.spc_chart(shown, chart, "Complaints answered in time, by month", None, "up",
                           (months[0], months[-1]))
    x, y = _line(fig)
    # Apr 2025 is not joined to Jan 2026: a gap (None) lies between them, and nowhere else.
    after_april = x.index(_month(2025, 4)) + 1
    assert y[after_april] is None and _month(2025, 4) < x[after_april] < _month(2026, 1)
    assert [v for v in y if v is not None] == values
    assert y.count(None) == 1
    assert not fig.data[[t.name for t in fig.data].index("Monthly figure")].connectgaps
    # Every month shown keeps its marker, and the limits are those of the months shown alone.
    marked = [pd.Timestamp(m).date() for t in fig.data if t.mode == "markers" for m in t.x]
    assert sorted(marked) == months
    assert chart.mean == spc.xmr(values).mean
    assert any(t.name == f"Mean {chart.mean:.1f}%" for t in fig.data)


def test_consecutive_months_draw_one_unbroken_line() -> None:
    months = [_month(2025, m) for m in range(1, 7)]
    values = [80.0, 90.0, 85.0, 70.0, 95.0, 75.0]
    shown = pd.DataFrame({"month": months, "pct": values, "numerator": [8] * 6,
                          "denominator": [10] * 6})
    fig = charts.spc_chart(shown, spc.xmr(values), "A test", None, "up", (months[0], months[-1]))
    x, y = _line(fig)
    assert x == months and y == values


def test_how_to_read_says_a_gap_is_a_month_left_out() -> None:
    assert "the line breaks" in " ".join(model.HOW_TO_READ)
