"""Chart text on a 390 px phone, checked on the figure objects: a bar's value label lies inside
its bar or wholly past its end within the plot, reference and target lines are named in the
legend (never as labels on the plot, where they collided), category names wrap and get rows
tall enough, and a long legend adds height instead of squeezing the plot. The browser tier
(tests/e2e/test_pages.py) checks the drawn charts on every page at both widths."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.components import chart_fit, charts
from pipelines.chart_style import PHONE_CHART_PX, layout, text_px

LONG_NAMES = ["Speech and Language Therapy", "Riverside and Eastmoor Healthcare NHS Foundation Trust",
              "CAMHS", "Neurodevelopmental Pathway", "Community Paediatrics"]


def rates(pcts: list[float], denominator: int = 8454) -> pd.DataFrame:
    names = (LONG_NAMES * 2)[:len(pcts)]
    return pd.DataFrame({"group": [f"{n} {i}" if i >= 5 else n for i, n in enumerate(names)],
                         "pct": pcts,
                         "numerator": [0 if p != p else round(p * denominator / 100) for p in pcts],
                         "denominator": [denominator] * len(pcts)})


def assert_labels_fit(fig: go.Figure) -> None:
    """Every value label of a horizontal bar chart fits a phone's plot: inside its bar, or past
    its end and before the plot's right edge."""
    _, _, left, _ = chart_fit.category_labels(fig.layout.yaxis.tickvals)
    plot = chart_fit.phone_plot_px(left)
    top = fig.layout.xaxis.range[1]
    bars = [t for t in fig.data if isinstance(t, go.Bar) and t.text is not None]
    assert bars
    for trace in bars:
        for value, label, where in zip(trace.x, trace.text, trace.textposition, strict=True):
            width = text_px(label, chart_fit.LABEL_SIZE)
            end = 0 if value != value else value / top * plot
            if where == "inside":
                assert width <= end, (label, end)
            else:
                assert where == "outside"
                assert end + width + 4 <= plot, (label, end, plot)
        assert trace.constraintext == "none"  # a label is never shrunk to the bar's thickness


@pytest.mark.parametrize("pcts", [[59.0, 82.1, 85.7, 92.7, 100.0], [3.1, 4.3, 29.2],
                                  [0.0, 100.0], [float("nan"), 50.0]])
def test_rate_bar_labels_fit_a_phone(pcts: list[float]) -> None:
    fig = charts.rate_bars(rates(pcts), "Returned within 6 weeks, by service", "Service", 90.0)
    assert_labels_fit(fig)


def test_grouped_share_bar_labels_fit_a_phone_and_the_bars_are_thick_enough_for_them() -> None:
    long = pd.concat([rates([85.2, 82.1, 43.1, 85.7]).assign(measure="Over 18 weeks"),
                      rates([56.7, 49.6, 17.9, 62.0]).assign(measure="Over 52 weeks")])
    fig = charts.share_bars(long, "Children waiting", "group", "Service", series="measure",
                            references=[(47.5, "HCSA: 47.5% with a policy"),
                                        (11.5, "HCSA: 11.5% compliant")])
    assert_labels_fit(fig)
    # Each category's row holds its two bars with room for a label of 12 px on each.
    assert chart_fit.row_px(4, bars=2) >= 2 * 16 + 10


def test_a_label_too_long_for_a_phone_falls_back_to_the_rate_alone() -> None:
    fig = charts.share_bars(rates([96.0, 97.0], denominator=1_234_567), "Share", "group", "Area",
                            name="Within 20 weeks")
    assert fig.layout.xaxis.range[1] <= 160
    assert_labels_fit(fig)


def test_value_bar_labels_and_the_axis_title_fit_a_phone() -> None:
    frame = pd.DataFrame({"pathway": LONG_NAMES[:4], "weeks": [75.7, 75.2, 59.8, 83.1]})
    fig = charts.value_bars(frame, "pathway", "weeks", "Median weeks waited", "Median weeks waiting "
                            "(worst return)", "Pathway", references=[(13, "NICE: 13 weeks")],
                            unit=" weeks")
    assert_labels_fit(fig)
    _, _, left, _ = chart_fit.category_labels(fig.layout.yaxis.tickvals)
    for line in fig.layout.xaxis.title.text.split("<br>"):
        assert text_px(line) <= chart_fit.phone_plot_px(left) + left - 44


def test_wrapped_category_names_get_rows_tall_enough_for_their_lines() -> None:
    names, wrapped, left, lines = chart_fit.category_labels(LONG_NAMES)
    assert all(len(line) <= chart_fit.CATEGORY_WIDTH for w in wrapped for line in w.split("<br>"))
    assert lines == max(w.count("<br>") + 1 for w in wrapped) and lines >= 3
    assert chart_fit.row_px(lines) >= chart_fit.LINE_PX * lines
    assert left < PHONE_CHART_PX / 2  # the bars keep at least half a phone's chart


def test_reference_and_target_lines_are_named_in_the_legend_not_on_the_plot() -> None:
    frame = pd.DataFrame({"period": ["Jan", "Feb", "Mar"] * 2, "group": ["A"] * 3 + ["B"] * 3,
                          "value": [40.0, 45.0, 50.0, 60.0, 62.0, 64.0],
                          "num": [4, 9, 10, 6, 31, 32], "den": [10, 20, 20, 10, 50, 50]})
    figures = [
        charts.group_lines(frame, "Decisions", "Month", "group", "value", "Per cent",
                           parts=("num", "den"), references=[(44.4, "England 2024: 44.4%"),
                                                             (46.0, "Region 2024: 46.0%")]),
        charts.run_chart(frame.assign(pct=frame["value"]).head(3), "Within 6 weeks", "Month",
                         [("pct", "Within 6 weeks", "num", "den")], target=95.0),
        charts.rate_bars(rates([50.0, 60.0]), "By LA", "Local authority", target=90.0),
    ]
    for fig in figures:
        assert not fig.layout.annotations  # no label on the plot to collide
        lines = [t for t in fig.data if isinstance(t, go.Scatter) and t.hoverinfo == "skip"]
        assert len(lines) == len(fig.layout.shapes)
        assert len({t.line.dash for t in lines}) == len(lines)  # told apart without colour
        assert all(t.showlegend and t.name for t in lines)
    assert [t.name for t in figures[1].data][-1] == "Target 95%"


def test_a_long_legend_adds_height_and_leaves_the_plot_its_own() -> None:
    def figure(entries: int) -> go.Figure:
        fig = go.Figure([go.Bar(x=[1], y=["a"], name=f"series {i}", orientation="h")
                         for i in range(entries)])
        return layout(fig, "Title", "Count", "Group", plot_height=150)
    assert figure(5).layout.height - figure(2).layout.height == 3 * 21
    one = go.Figure(go.Bar(x=[1], y=["a"], name="only", orientation="h"))
    assert layout(one, "Title", "Count", "Group", plot_height=150).layout.height < figure(2).layout.height


def counts(values: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"period": [f"M{i}" for i in range(len(values))], "all": values,
                         "some": [v // 2 for v in values]})


def test_column_labels_show_only_where_they_fit_over_their_bars_on_a_phone() -> None:
    crowded = charts.count_chart(counts([170, 171, 179, 185, 191, 197, 208, 222, 224, 233, 235, 238]),
                                 "Budgets", "Month", [("all", "All"), ("some", "Some")])
    assert all(t.text is None for t in crowded.data)  # the hover and the table give them
    sparse = charts.count_chart(counts([4, 6, 5, 7, 9, 8]), "Complaints", "Month",
                                [("all", "All"), ("some", "Some")])
    assert all(t.text is not None and t.constraintext == "none" for t in sparse.data)
    # Room above the tallest bar for its label: the axis reaches past 9 by a label's height.
    assert sparse.layout.yaxis.range[1] >= 9 * (1 + (chart_fit.LABEL_SIZE + 4) / 220)


def test_bands_read_across_a_phone_in_their_order_from_the_top() -> None:
    order = ["0-6 weeks", "16-20 weeks (due within 4 weeks)", "26-52 weeks (past 20 weeks)"]
    frame = pd.DataFrame({"band": order * 2, "cases": [5, 6, 7, 1, 2, 3],
                          "stage": ["assessing"] * 3 + ["draft plan"] * 3})
    fig = charts.stacked_bands(frame, "Open cases", "band", "cases", "stage", "Time since request",
                               "Open cases", order=order)
    assert {t.orientation for t in fig.data} == {"h"}
    assert list(fig.layout.yaxis.categoryarray) == order[::-1]  # Plotly draws the last on top
    assert all(len(line) <= chart_fit.CATEGORY_WIDTH
               for text in fig.layout.yaxis.ticktext for line in text.split("<br>"))


@pytest.mark.parametrize("top, left, most", [(100, 170, 6), (180, 170, 3), (100, 60, 6)])
def test_per_cent_ticks_stay_apart_on_a_phone(top: float, left: float, most: int) -> None:
    ticks, text = chart_fit.percent_ticks(top, left)
    assert ticks[0] == 0 and ticks[-1] == 100 and len(ticks) <= most
    gap = (ticks[1] - ticks[0]) / top * chart_fit.phone_plot_px(left)
    assert gap >= max(text_px(t) for t in text) + 8  # upright, none over its neighbour
