"""Text from a file goes on a chart escaped, and is measured as it will be drawn."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pipelines.chart_style import chart_columns, chart_text, layout, text_px


def test_markup_in_a_name_is_escaped_once() -> None:
    assert chart_text("<b>Tom & Jerry</b>") == "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;"
    assert chart_text("St Mary's 100%") == "St Mary's 100%"  # nothing else changes


def test_only_the_named_columns_are_escaped_and_a_gap_stays_a_gap() -> None:
    frame = pd.DataFrame({"group": ["A<br>B", None], "label": ["<i>", "x"]})
    out = chart_columns(frame, ["group"])
    assert out["group"].tolist()[0] == "A&lt;br&gt;B" and pd.isna(out["group"].iloc[1])
    assert out["label"].tolist() == ["<i>", "x"] and frame["group"].iloc[0] == "A<br>B"


def test_an_escaped_character_is_measured_as_one() -> None:
    assert text_px("a&lt;b") == text_px("a<b")


def test_titles_are_escaped_after_wrapping() -> None:
    fig = layout(go.Figure(), "Waiting at <a href='x'>click</a>", "By <b>", "Per <i>cent</i>")
    assert "<a" not in fig.layout.title.text and "&lt;a href='x'&gt;click&lt;/a&gt;" in \
        fig.layout.title.text.replace("<br>", " ")
    assert fig.layout.xaxis.title.text == "By &lt;b&gt;"
    assert fig.layout.yaxis.title.text == "Per &lt;i&gt;cent&lt;/i&gt;"
