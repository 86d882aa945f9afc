"""The SPC chart of the board pack, built once for the /board-pack page and for the PDF and PPTX
(rendered to PNG by kaleido with Debian's Chromium, offline), in the app's house style
(dashboard/components/charts.py: Okabe-Ito colours, titles that state the subject).

Meaning never rests on colour alone, so a chart printed in grey still reads: special cause points
differ by marker shape, fill and legend name (improvement a filled diamond, concern a hollow
square), and a chart that would hold fewer than two months is a sentence instead.
"""

from __future__ import annotations

import datetime as dt
import textwrap
import threading
import warnings
from collections.abc import Sequence

import kaleido
import pandas as pd
import plotly.graph_objects as go

from pipelines import spc
from pipelines.chart_style import GREY, PALETTE, layout
from pipelines.suppression import made_of

PNG_SIZE = (1100, 560)  # layout pixels of the exported chart; scale 2 for print
_RENDER_LOCK = threading.Lock()  # one kaleido server per process, one figure at a time

MIN_DRAWN = 2  # fewer months than this make a sentence, not a chart
# The least a percentage axis spans, in points: a flat series (every month 100%) then looks flat,
# where an axis fitted to it (98-100%) would make no variation look like a lot.
MIN_SPAN = 20.0
POINT_STYLES = {  # kind -> legend name, colour, marker symbol (an "-open" one is hollow)
    "common": ("Common cause", "#7a7a7a", "circle"),
    "improvement": ("Special cause: improvement (filled diamond)", spc.BLUE, "diamond"),
    "concern": ("Special cause: concern (hollow square)", spc.ORANGE, "square-open"),
    "neither": ("Special cause", spc.PURPLE, "triangle-up"),
}


def point_kinds(chart: spc.XmR, improvement: spc.Improvement) -> list[str]:
    """How each point is drawn: common cause, or special cause improvement, concern or neither
    (a point flagged on both sides counts as concern, as the variation icon does)."""
    good = {"up": "high", "down": "low"}.get(improvement)
    kinds = []
    for i in range(len(chart.values)):
        sides = chart.sides(i)
        if not sides:
            kinds.append("common")
        elif good is None:
            kinds.append("neither")
        else:
            kinds.append("improvement" if sides == {good} else "concern")
    return kinds


def _line(fig: go.Figure, x: list[dt.date], y: float, name: str, dash: str, colour: str,
          width: float, group: str, legend: bool = True) -> None:
    fig.add_trace(go.Scatter(
        x=x, y=[y] * len(x), mode="lines", name=name, legendgroup=group, showlegend=legend,
        line={"color": colour, "dash": dash, "width": width}, hoverinfo="skip"))


def spc_chart(shown: pd.DataFrame, chart: spc.XmR, title: str, target: float | None,
              improvement: spc.Improvement, window: tuple[dt.date, dt.date],
              highlight: tuple[dt.date, dt.date] | None = None, highlight_label: str = "",
              reference: tuple[float, str] | None = None, height: int = PNG_SIZE[1]
              ) -> go.Figure:
    """An XmR chart of monthly percentages: `shown` has month, pct, numerator, denominator (the
    months a board may see, in order, as `chart` was computed from them); `window` is the first
    and last month of the series, so months left out show as gaps. `reference` is a figure to
    compare with (England's), drawn dotted with its label in the legend. `height` is in layout
    pixels at PNG_SIZE's width (shorter where a page has a table under its chart)."""
    fig = go.Figure()
    months = [pd.Timestamp(m) for m in shown["month"]]
    if highlight is not None:  # its label to the band's right edge, inside the plot on a phone too
        fig.add_vrect(x0=pd.Timestamp(highlight[0]) - pd.Timedelta(days=15),
                      x1=pd.Timestamp(highlight[1]) - pd.Timedelta(days=14),
                      fillcolor="#e8e8e8", line_width=0, layer="below",
                      annotation_text=highlight_label, annotation_position="top right",
                      annotation_font_color=GREY)
    span = [pd.Timestamp(window[0]) - pd.Timedelta(days=10),
            pd.Timestamp(window[1]) + pd.Timedelta(days=10)]
    if chart.enough:
        _line(fig, span, chart.mean, f"Mean {chart.mean:.1f}%", "solid", "#1f1f1f", 1.5, "mean")
        upper, lower = min(chart.upper, 100.0), max(chart.lower, 0.0)
        _line(fig, span, upper, f"Process limits {lower:.1f}% to {upper:.1f}%", "dash", GREY, 1.5,
              "limits")
        _line(fig, span, lower, "", "dash", GREY, 1.5, "limits", legend=False)
    if target is not None:
        _line(fig, span, target, f"Target {target:g}%", "dashdot", PALETTE["vermillion"], 2,
              "target")
    if reference is not None:
        _line(fig, span, reference[0], reference[1], "dot", PALETTE["green"], 2, "reference")
    custom = [[f"{m:%b %Y}", f"{p:.1f}%", made_of(int(n), int(d))] for m, p, n, d in
              zip(months, shown["pct"], shown["numerator"], shown["denominator"], strict=True)]
    line_x, line_y = with_gaps(months, [float(p) for p in shown["pct"]])
    fig.add_trace(go.Scatter(
        x=line_x, y=line_y, mode="lines", name="Monthly figure", connectgaps=False,
        line={"color": "#7a7a7a", "width": 1.5}, hoverinfo="skip", showlegend=False))
    kinds = point_kinds(chart, improvement)
    for kind, (name, colour, symbol) in POINT_STYLES.items():
        at = [i for i, k in enumerate(kinds) if k == kind]
        if not at and kind != "common":
            continue
        if not chart.enough:
            name = "Monthly figure"  # no limits, so no cause to name
        fig.add_trace(go.Scatter(
            x=[months[i] for i in at], y=[float(shown["pct"].iloc[i]) for i in at],
            mode="markers", name=name, customdata=[custom[i] for i in at],
            marker={"color": colour, "symbol": symbol, "size": 9 if kind == "common" else 12,
                    "line": ({"color": colour, "width": 3} if symbol.endswith("-open")
                             else {"color": "white", "width": 1})},
            hovertemplate=("<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
                           "%{customdata[2]}<br>" + name
                           + "<extra></extra>")))
    # With no month to draw, the whole scale, so a reference line alone does not fill it.
    values = [float(p) for p in shown["pct"]] or [0.0, 100.0]
    if chart.enough:
        values += [max(chart.lower, 0.0), min(chart.upper, 100.0)]
    if target is not None:
        values.append(target)
    if reference is not None:
        values.append(reference[0])
    fig.update_yaxes(range=list(percent_axis(values)), ticksuffix="%")
    # Points on 100% sit on the axis's top edge: drawn unclipped.
    fig.update_traces(cliponaxis=False, selector={"mode": "markers"})
    fig.update_xaxes(dtick="M3", tickformat="%b<br>%Y", range=[span[0] - pd.Timedelta(days=10),
                                                                span[1] + pd.Timedelta(days=10)])
    fig = layout(fig, title, "Month", "Per cent", height=height)
    fig.update_layout(paper_bgcolor="white")
    # The legend under the axis title: lower (in plot fractions) on a shorter chart, where the
    # axis title takes a larger share of the plot's height.
    below = -0.2 * (PNG_SIZE[1] / height) ** 1.25
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": below, "xanchor": "left",
                              "x": 0, "yref": "paper"}, margin={"b": 10})
    return fig


def with_gaps(months: Sequence[pd.Timestamp], values: Sequence[float]
              ) -> tuple[list[pd.Timestamp], list[float | None]]:
    """The line through the monthly points with a None (a break) at the first month missing
    between two shown ones, so months left out are never drawn as continuous data."""
    x: list[pd.Timestamp] = []
    y: list[float | None] = []
    for month, value in zip(months, values, strict=True):
        if x and month > x[-1] + pd.DateOffset(months=1):
            x.append(x[-1] + pd.DateOffset(months=1))
            y.append(None)
        x.append(month)
        y.append(value)
    return x, y


def percent_axis(values: Sequence[float]) -> tuple[float, float]:
    """The y-axis range of a percentage chart holding `values` (its points, process limits, target
    and England's figure): their spread padded by 12% of it (at least 2 points), never narrower
    than MIN_SPAN, within 0-100% (a range that would pass either end is moved inside, not cut)."""
    low, high = min(values), max(values)
    pad = max((high - low) * 0.12, 2.0)
    low, high = low - pad, high + pad
    if high - low < MIN_SPAN:
        middle = (low + high) / 2
        low, high = middle - MIN_SPAN / 2, middle + MIN_SPAN / 2
    if low < 0.0:
        low, high = 0.0, min(high - low, 100.0)
    if high > 100.0:
        low, high = max(low - (high - 100.0), 0.0), 100.0
    return low, high


def sentence_figure(sentence: str, title: str, height: int = PNG_SIZE[1]) -> go.Figure:
    """In place of a chart that would hold fewer than two months: no axes, the sentence saying
    why, so a lone point is never drawn against a scale it cannot fill."""
    fig = go.Figure()
    fig.add_annotation(text="<br>".join(textwrap.wrap(sentence, 90)), x=0.5, y=0.5,
                       xref="paper", yref="paper", showarrow=False, font={"size": 18},
                       align="center")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig = layout(fig, title, "", "", height=height)
    fig.update_layout(paper_bgcolor="white", plot_bgcolor="white", showlegend=False)
    return fig


def figure_png(fig: go.Figure, width: int = PNG_SIZE[0], height: int | None = None,
               scale: float = 2) -> bytes:
    """A figure as PNG bytes, at the figure's own height unless told. The kaleido server starts
    on first use and stays for the process (repeated exports are then about ten times faster)."""
    height = height or int(fig.layout.height or PNG_SIZE[1])
    with _RENDER_LOCK, warnings.catch_warnings():
        # plotly passes options a running server ignores (they are set at start instead).
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        return fig.to_image(format="png", width=width, height=height, scale=scale)
