"""How chart text fits a 390 px phone screen: value labels inside a bar or beside it with the
axis stretched to hold them, long category names wrapped, reference lines named in the legend
rather than on the plot (where their labels collided with each other and with the data).

Widths are estimated from the font's metrics (`chart_style.text_px`) for a chart
`PHONE_CHART_PX` wide; a wider screen only gives the same text more room.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from pipelines.chart_style import GREY, PHONE_CHART_PX, TEXT, contrast, text_px, wrap_label

LABEL_SIZE = 12  # px, value labels on bars
LABEL_PAD = 10  # px between a label and its bar's end or the plot's edge
CATEGORY_WIDTH = 18  # characters a category name's line holds beside a phone's bars
LINE_PX = 16  # one line of a category name
TARGET_DASH = "dash"
REFERENCE_DASHES = ["dot", "dashdot", "longdash"]


def category_labels(categories: Sequence[object]) -> tuple[list[str], list[str], float, int]:
    """Names, their wrapped forms, the left margin (px) the wrapped names and the axis title take
    on a phone, and the most lines any name needs."""
    names = [str(c) for c in dict.fromkeys(categories)]
    wrapped = [wrap_label(n, CATEGORY_WIDTH) for n in names]
    left = max((text_px(w) for w in wrapped), default=0) + 44
    lines = max((w.count("<br>") + 1 for w in wrapped), default=1)
    return names, wrapped, left, lines


def wrap_categories(fig: go.Figure, categories: Sequence[object], axis: str = "y"
                    ) -> tuple[float, int]:
    """Long category names over two or three lines; returns the left margin (px) they take on a
    phone and the most lines one needs."""
    names, wrapped, left, lines = category_labels(categories)
    fig.update_layout({f"{axis}axis": {"tickvals": names, "ticktext": wrapped}})
    return left, lines


MIN_PLOT_PX = 140  # the least plot height a chart of a few bars gets


def bars_plot_px(rows: int, lines: int, bars: int = 1) -> int:
    """The plot height (px) for `rows` categories of horizontal bars (see `row_px`)."""
    return max(MIN_PLOT_PX, rows * row_px(lines, bars))


def row_px(lines: int, bars: int = 1) -> int:
    """The height (px) of one category's row of horizontal bars: room for each bar's label
    (`bars` side by side in a group) and for every line of the category's name."""
    return max(30, 22 * bars + 10, LINE_PX * lines + 12)


def phone_plot_px(left: float) -> float:
    """The plot area's width (px) on a phone once the category names take `left`."""
    return PHONE_CHART_PX - left - 24


def _inside_colour(trace: go.Bar) -> str | None:
    """The text colour a label inside this bar can take at 4.5:1, or None (a patterned or too
    light bar keeps its label outside)."""
    if trace.marker.pattern and trace.marker.pattern.shape:
        return None
    colour = trace.marker.color
    if not isinstance(colour, str) or not colour.startswith("#"):
        return None
    for text in ("#ffffff", TEXT):
        if contrast(text, colour) >= 4.5:
            return text
    return None


def _place(bars: list[go.Bar], plot: float, top: float) -> float:
    """Each label inside its bar where it fits, else outside; returns the axis maximum the
    outside labels need (at least `top`)."""
    need = top
    for trace in bars:
        inside = _inside_colour(trace)
        positions = []
        for value, label in zip(trace.x, trace.text, strict=True):
            width = text_px(label, LABEL_SIZE) + LABEL_PAD
            if value is None or value != value:
                positions.append("outside")
                continue
            if inside and width <= value / top * plot:
                positions.append("inside")
            else:
                positions.append("outside")
                need = max(need, value * plot / max(plot - width, 1.0))
        trace.textposition = positions
        trace.insidetextfont = {"color": inside or TEXT, "size": LABEL_SIZE}
        trace.outsidetextfont = {"color": TEXT, "size": LABEL_SIZE}
        trace.update(insidetextanchor="end", constraintext="none", cliponaxis=False)
    return need


def fit_bar_labels(fig: go.Figure, left: float, base_max: float,
                   short: list[list[str]] | None = None, most: float = 1.6) -> float:
    """Place the value labels of a horizontal bar chart so none is cut off on a phone, and return
    the value axis's maximum: `base_max`, stretched so a label just past its bar ends inside the
    plot. Were that more than `most` times `base_max` (bars squeezed into a corner), the
    `short` labels (one list per bar trace) are used instead."""
    bars = [t for t in fig.data if isinstance(t, go.Bar) and t.text is not None]
    plot = phone_plot_px(left)
    for attempt in range(2):
        top = base_max
        for _ in range(8):  # a longer axis can push an inside label out: settle
            need = _place(bars, plot, top)
            if need <= top * 1.0001:
                break
            top = need
        if top <= base_max * most or short is None or attempt:
            return top
        for trace, texts in zip(bars, short, strict=True):
            trace.text = texts
    return top


def percent_ticks(top: float, left: float) -> tuple[list[int], list[str]]:
    """Per cent ticks from 0 to 100, as many as a phone's plot width keeps apart."""
    plot = phone_plot_px(left)
    step = next((s for s in (20, 25, 50) if s / top * plot >= 42), 100)
    ticks = list(range(0, 101, step))
    return ticks, [f"{t}%" for t in ticks]


def fit_column_labels(fig: go.Figure, categories: int, plot_height: int) -> float | None:
    """Value labels above vertical bars, kept only if the widest fits over its bar on a phone
    (otherwise none: the hover and the Table view give the figures); returns the value axis's
    maximum with room for the labels above the tallest bar, or None with no labels."""
    bars = [t for t in fig.data if isinstance(t, go.Bar) and t.text is not None]
    if not bars or not categories:
        return None
    per_bar = (PHONE_CHART_PX - 80) / categories * 0.8 / len(bars)
    widest = max((text_px(t, LABEL_SIZE) for trace in bars for t in trace.text), default=0)
    values = [v for trace in bars for v in trace.y if v is not None and v == v]
    if widest + 2 > per_bar or not values:
        for trace in bars:
            trace.update(text=None, textposition="none")
        return None
    for trace in bars:
        trace.update(textposition="outside", constraintext="none", cliponaxis=False,
                     outsidetextfont={"color": TEXT, "size": LABEL_SIZE})
    tallest = max(max(values), 1)
    return tallest / (1 - (LABEL_SIZE + LABEL_PAD + 4) / plot_height)


def legend_line(fig: go.Figure, value: float, label: str, dash: str, horizontal: bool = True
                ) -> go.Figure:
    """A dashed line across the plot at `value`, named in the legend (below the plot, where a
    phone wraps it) rather than by a label on the plot, which could cover the data or another
    line's label. Added after the house layout, the figure grows by the legend row it takes."""
    line = {"line_dash": dash, "line_color": GREY, "line_width": 1.6, "layer": "below"}
    if horizontal:
        fig.add_hline(y=value, **line)
    else:
        fig.add_vline(x=value, **line)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=label, hoverinfo="skip",
                             line={"dash": dash, "color": GREY, "width": 1.6}, showlegend=True))
    fig.update_layout(showlegend=True)
    if fig.layout.height:
        fig.layout.height += 21
    return fig


def target_line(fig: go.Figure, target: float | None, horizontal: bool = True) -> None:
    if target is not None:
        legend_line(fig, target, f"Target {target:g}%", TARGET_DASH, horizontal)


def reference_lines(fig: go.Figure, references: list[tuple[float, str]], horizontal: bool = True
                    ) -> go.Figure:
    """Lines at reference figures (England's, a national survey's), each its own dash and named
    in the legend; dotted first, so they differ from a target's dashes."""
    for i, (value, label) in enumerate(references):
        legend_line(fig, value, label, REFERENCE_DASHES[i % len(REFERENCE_DASHES)], horizontal)
    return fig


def padded_max(values: Sequence[object], floor: float = 1.0) -> float:
    """The largest of `values` (blanks skipped), at least `floor`."""
    known = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return max(known + [floor])
