"""A metric card's monthly sparkline, drawn by the app with Vega-Lite rather than by st.metric,
whose chart leaves an unnamed group of marks with an image role (axe-core's `svg-img-alt`). This
one has a written name for screen readers and its marks are hidden from them.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

HEIGHT = 56  # px, as st.metric draws its own sparkline
# Streamlit's own colours for a metric's change (its theme's red, orange, green and grey), so the
# line or bars match the change written above them.
COLOURS = {"red": "#D94A57", "orange": "#E0682B", "green": "#079464", "gray": "#6B7280"}


def colour(delta_color: str, change: float | None) -> str:
    """The colour st.metric gives its change for `delta_color`: a named colour (an inspection
    tile's RAG) as it is, even when no change is shown; with "normal" a rise green and a fall
    red, "inverse" the other way; grey for no change, "off", or no change to show."""
    if delta_color in COLOURS:
        return COLOURS[delta_color]
    if change is None or change == 0 or delta_color not in ("normal", "inverse"):
        return COLOURS["gray"]
    return COLOURS["green" if (change > 0) == (delta_color == "normal") else "red"]


def spec(values: Sequence[float], kind: str, stroke: str) -> dict:
    """Bars for a count, a line for a rate; no axes, as small as st.metric's."""
    mark = ({"type": "bar", "cornerRadius": 2} if kind == "count"
            else {"type": "line", "strokeWidth": 2, "strokeCap": "round"})
    return {
        "height": HEIGHT,
        "data": {"values": [{"month": i, "value": v} for i, v in enumerate(values)]},
        "mark": {**mark, "color": stroke, "aria": False},
        "encoding": {
            "x": ({"field": "month", "type": "ordinal", "axis": None} if kind == "count" else
                  {"field": "month", "type": "quantitative", "axis": None,
                   "scale": {"nice": False, "zero": False}}),
            "y": {"field": "value", "type": "quantitative", "axis": None,
                  "scale": {"zero": kind == "count", "nice": False}},
            "tooltip": [{"field": "value", "type": "quantitative", "title": "Value"}],
        },
        # The marks are hidden from screen readers (their container would otherwise be an image
        # with no name); the chart as a whole is named by its `alt` text.
        "config": {"aria": False, "view": {"stroke": None}, "padding": 2},
    }


def describe(label: str, values: Sequence[float], kind: str) -> str:
    """The text a screen reader reads for the sparkline: what it shows, first and last month."""
    def shown(v: float) -> str:
        return f"{v:.1f}%" if kind == "rate" else f"{v:,.0f}"
    return (f"{label}: monthly trend over {len(values)} months, "
            f"from {shown(values[0])} to {shown(values[-1])}")


def sparkline(label: str, values: Sequence[float], kind: str, stroke: str) -> None:
    st.vega_lite_chart(spec(values, kind, stroke), height=HEIGHT, width="stretch", theme=None,
                       alt=describe(label, values, kind))
