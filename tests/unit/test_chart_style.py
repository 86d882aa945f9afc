"""The house chart style on a phone and for colour vision: titles wrap, legends sit below the
plot, every series has its own colour with enough contrast, and a chart of many lines can show
one line at a time."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.components.benchmark_charts import NEIGHBOUR_COLOURS, STYLE, benchmark_chart
from dashboard.components.charts import group_lines
from pipelines.chart_style import GREY, MUTED, SERIES_COLOURS, TEXT, TITLE_WIDTH, contrast, layout


def test_contrast_of_known_colours() -> None:
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)


def test_chart_text_meets_4_5_to_1_and_every_series_colour_3_to_1() -> None:
    assert contrast(TEXT) >= 4.5 and contrast(GREY) >= 4.5
    assert len(set(SERIES_COLOURS)) == len(SERIES_COLOURS) == 12
    # Okabe-Ito's orange and sky blue are 2.0 and 2.4:1 on white: lines also differ by dash and
    # marker, and no text is drawn in a series colour.
    assert [c for c in SERIES_COLOURS if contrast(c) < 3] == ["#E69F00", "#56B4E9"]
    assert [c for c in SERIES_COLOURS if contrast(c) < 2] == []


def test_a_benchmark_chart_gives_each_of_ten_neighbours_its_own_colour() -> None:
    own = [style[0] for style in STYLE.values()]
    assert len(set(NEIGHBOUR_COLOURS)) == 10
    assert set(NEIGHBOUR_COLOURS).isdisjoint(own)


def test_a_long_title_wraps_and_the_legend_sits_below() -> None:
    title = "Health advice returned within 6 weeks, by month, for every service and provider"
    fig = layout(go.Figure(go.Scatter(x=[1, 2], y=[1, 2], name="a")), title, "Month", "Per cent")
    lines = fig.layout.title.text.split("<br>")
    assert len(lines) == 2 and all(len(line) <= TITLE_WIDTH for line in lines)
    assert " ".join(lines) == title
    assert {fig.layout.title.font.color, fig.layout.xaxis.tickfont.color,
            fig.layout.yaxis.title.font.color, fig.layout.legend.font.color} == {TEXT}
    legend = fig.layout.legend
    assert (legend.orientation, legend.yref, legend.y, legend.yanchor) == (
        "h", "container", 0, "bottom")


def lines_frame(groups: int) -> pd.DataFrame:
    return pd.DataFrame([{"period": p, "group": f"Provider {g}", "value": g + i}
                         for g in range(groups) for i, p in enumerate(["Jan", "Feb"])])


def test_each_of_eight_lines_has_its_own_colour_and_the_legend_room_grows() -> None:
    fig = group_lines(lines_frame(8), "Waiting", "Month", "group", "value", "Children")
    assert len({t.line.color for t in fig.data}) == 8
    assert fig.layout.height > group_lines(lines_frame(3), "Waiting", "Month", "group", "value",
                                           "Children").layout.height


def test_highlighting_one_line_greys_the_others_under_one_legend_entry() -> None:
    fig = group_lines(lines_frame(8), "Waiting", "Month", "group", "value", "Children",
                      highlight="Provider 5")
    assert fig.data[-1].name == "Provider 5" and fig.data[-1].line.color != MUTED
    grey = [t for t in fig.data if t.line.color == MUTED]
    assert len(grey) == 7
    assert [t.name for t in fig.data if t.showlegend] == ["Others", "Provider 5"]


def test_a_highlighted_benchmark_area_stands_out() -> None:
    published = pd.DataFrame({
        "area": ["England", "England", "Leeds", "Leeds", "Kent", "Kent"],
        "role": ["England", "England", "local authority", "local authority",
                 "statistical neighbour", "statistical neighbour"],
        "year": [2023, 2024] * 3, "value": [50.3, 46.4, 40.0, 42.0, 60.0, 55.0],
        "numerator": [None] * 6, "denominator": [None] * 6})
    local = pd.DataFrame(columns=["area", "year", "value", "numerator", "denominator"])
    fig = benchmark_chart(published, local, "Within 20 weeks", "Leeds", highlight="Kent")
    colours = {t.name: t.line.color for t in fig.data}
    assert colours["Others"] == MUTED and colours["Kent (neighbour)"] == NEIGHBOUR_COLOURS[0]
    assert fig.data[-1].name == "Kent (neighbour)"  # drawn over the grey lines
