"""Plotly builders for every chart: a colour-blind-safe palette (Okabe-Ito), titles that state the
subject, labelled axes, hover text with numerator and denominator. Meaning never rests on colour
alone: series differ by dash, marker or pattern too, and small numbers get an open marker.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pipelines.chart_style import (
    GREY,
    MUTED,
    PALETTE,
    SEQUENCE,
    SERIES_COLOURS,
    layout,
    pattern,
    wrap_label,
)

MAX_SERIES = 5  # more lines than this get a highlight-one view (see `highlight_styles`)


def _target_line(fig: go.Figure, target: float | None, horizontal: bool = True) -> None:
    if target is None:
        return
    label = f"Target {target:g}%"
    if horizontal:
        fig.add_hline(y=target, line_dash="dash", line_color=GREY, annotation_text=label,
                      annotation_position="top left", annotation_font_color=GREY)
    else:
        fig.add_vline(x=target, line_dash="dash", line_color=GREY, annotation_text=label,
                      annotation_position="top", annotation_font_color=GREY)


def _wrap_categories(fig: go.Figure, categories: object) -> int:
    """Long category names (providers, services) over two or three lines, so the bars keep the
    width of a phone screen; returns the height (px) the extra lines need."""
    names = [str(c) for c in dict.fromkeys(categories)]
    wrapped = [wrap_label(n) for n in names]
    fig.update_yaxes(tickvals=names, ticktext=wrapped)
    return 16 * sum(w.count("<br>") for w in wrapped)


def _rate_hover(label: str) -> str:
    return (f"<b>%{{customdata[0]}}</b><br>{label}: %{{customdata[1]}}<br>"
            "%{customdata[2]:,} of %{customdata[3]:,}%{customdata[4]}<extra></extra>")


def _custom(frame: pd.DataFrame, x: str, pct: str, num: str, den: str) -> list[list[object]]:
    return [[g, "-" if p is None or p != p else f"{p:.1f}%", int(n), int(d),
             " (small number)" if 0 < d < 5 else ""]
            for g, p, n, d in zip(frame[x], frame[pct], frame[num], frame[den], strict=True)]


def run_chart(frame: pd.DataFrame, title: str, x_title: str, series: list[tuple[str, str, str, str]],
              target: float | None = None, y_title: str = "Per cent") -> go.Figure:
    """Rates over time. `frame` has a `period` column; each series is (pct column, name,
    numerator column, denominator column). Points over fewer than 5 cases are drawn open."""
    fig = go.Figure()
    dashes = ["solid", "dot", "dashdot"]
    symbols = ["circle", "square", "diamond"]
    for i, (pct, name, num, den) in enumerate(series):
        small = [0 < d < 5 for d in frame[den]]
        fig.add_trace(go.Scatter(
            x=frame["period"], y=frame[pct], name=name, mode="lines+markers",
            line={"color": SEQUENCE[i], "width": 2.5, "dash": dashes[i % 3]},
            marker={"size": 8, "symbol": [f"{symbols[i % 3]}-open" if s else symbols[i % 3]
                                          for s in small]},
            customdata=_custom(frame, "period", pct, num, den), hovertemplate=_rate_hover(name),
        ))
    _target_line(fig, target)
    fig.update_yaxes(range=[0, 105], ticksuffix="%")
    fig.update_xaxes(type="category")
    return layout(fig, title, x_title, y_title)


def count_chart(frame: pd.DataFrame, title: str, x_title: str, series: list[tuple[str, str]],
                y_title: str = "Number") -> go.Figure:
    """Counts over time as grouped bars; each series is (column, name)."""
    fig = go.Figure()
    for i, (col, name) in enumerate(series):
        fig.add_trace(go.Bar(
            x=frame["period"], y=frame[col], name=name, marker_color=SERIES_COLOURS[i],
            marker_pattern=pattern(i), text=frame[col], textposition="outside",
            hovertemplate=f"<b>%{{x}}</b><br>{name}: %{{y:,}}<extra></extra>",
        ))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return layout(fig, title, x_title, y_title)


def rate_bars(frame: pd.DataFrame, title: str, group_title: str, target: float | None = None,
              name: str = "Within the time limit") -> go.Figure:
    """Rates by a dimension (service, provider, LA) as horizontal bars labelled with the value."""
    frame = frame.sort_values("pct", na_position="first")
    labels = [("-" if p != p or p is None else f"{p:.1f}%") + f" ({n:,}/{d:,})"
              + (" small number" if 0 < d < 5 else "")
              for p, n, d in zip(frame["pct"], frame["numerator"], frame["denominator"], strict=True)]
    fig = go.Figure(go.Bar(
        y=frame["group"], x=frame["pct"], orientation="h", marker_color=PALETTE["blue"],
        text=labels, textposition="auto", insidetextanchor="end", cliponaxis=False,
        customdata=_custom(frame, "group", "pct", "numerator", "denominator"),
        hovertemplate=_rate_hover(name),
    ))
    _target_line(fig, target, horizontal=False)
    ticks = [0, 20, 40, 60, 80, 100]
    fig.update_xaxes(range=[0, 125], tickvals=ticks, ticktext=[f"{t}%" for t in ticks])
    extra = _wrap_categories(fig, frame["group"])
    return layout(fig, title, "Per cent", group_title,
                  height=max(260, 60 + 38 * len(frame)) + extra)


def days_histogram(frame: pd.DataFrame, title: str, limit_days: int, last_bin: int) -> go.Figure:
    """Items by weeks taken, one bar per week, with a labelled line at the statutory limit."""
    within = frame["week"] * 7 <= limit_days
    fig = go.Figure()
    for i, (mask, name, colour) in enumerate(((within, f"Within {limit_days} days", PALETTE["blue"]),
                                              (~within, f"After {limit_days} days",
                                               PALETTE["vermillion"]))):
        part = frame[mask]
        fig.add_trace(go.Bar(
            x=part["week"] * 7 - 3.5, y=part["requests"], width=6.6, name=name,
            marker_color=colour, marker_pattern=pattern(i), customdata=part["days"],
            hovertemplate="<b>%{customdata}</b><br>%{y:,} returned<extra></extra>",
        ))
    fig.add_vline(x=limit_days, line_dash="dash", line_color=GREY,
                  annotation_text=f"{limit_days} days ({limit_days // 7} weeks)",
                  annotation_position="top right", annotation_font_color=GREY)
    right = (int(frame["week"].max()) + 1) * 7 if len(frame) else last_bin * 7
    ticks = list(range(0, right + 1, 14))
    fig.update_xaxes(tickvals=ticks, range=[0, max(right, limit_days + 14)])
    return layout(fig, title, "Days from request to return (last bar: more than 26 weeks)",
                   "Advice returned")


def category_bars(frame: pd.DataFrame, title: str, category: str, value: str, colour_by: str,
                  x_title: str, y_title: str) -> go.Figure:
    """Counts by a category, stacked by a second one with distinct colours and patterns."""
    fig = go.Figure()
    for i, (name, part) in enumerate(frame.groupby(colour_by, sort=False)):
        fig.add_trace(go.Bar(
            y=part[category], x=part[value], name=str(name), orientation="h",
            marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)], marker_pattern=pattern(i),
            hovertemplate=f"<b>%{{y}}</b><br>{name}: %{{x:,}}<extra></extra>",
        ))
    fig.update_layout(barmode="stack", yaxis={"categoryorder": "total ascending"},
                      legend={"traceorder": "normal"})
    extra = _wrap_categories(fig, frame[category])
    return layout(fig, title, x_title, y_title,
                  height=max(280, 90 + 36 * frame[category].nunique()) + extra)


def stage_boxes(frame: pd.DataFrame, title: str) -> go.Figure:
    """Days per stage as box plots drawn from precomputed quartiles (whiskers: shortest, longest)."""
    fig = go.Figure()
    for i, row in enumerate(frame.itertuples()):
        fig.add_trace(go.Box(
            y=[row.stage], q1=[row.lower_quartile], median=[row.median],
            q3=[row.upper_quartile], lowerfence=[row.shortest], upperfence=[row.longest],
            name=row.stage, orientation="h", marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)],
            hovertemplate=(f"<b>{row.stage}</b><br>median {row.median:g} days<br>"
                           f"quartiles {row.lower_quartile:g}-{row.upper_quartile:g} days<br>"
                           f"{row.plans:,} plans<extra></extra>"),
        ))
    fig.add_vline(x=140, line_dash="dash", line_color=GREY, annotation_text="140 days (20 weeks)",
                  annotation_position="top", annotation_font_color=GREY)
    fig.update_layout(showlegend=False, yaxis={"autorange": "reversed"})
    return layout(fig, title, "Days", "Stage", height=120 + 60 * len(frame))


def stacked_columns(frame: pd.DataFrame, title: str, x: str, y: str, colour_by: str,
                    x_title: str, y_title: str, order: list[str]) -> go.Figure:
    """Counts in bands shown in the given order, stacked by a category."""
    fig = go.Figure()
    for i, (name, part) in enumerate(frame.groupby(colour_by, sort=False)):
        fig.add_trace(go.Bar(
            x=part[x], y=part[y], name=str(name), marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)],
            marker_pattern=pattern(i),
            hovertemplate=f"<b>%{{x}}</b><br>{name}: %{{y:,}}<extra></extra>",
        ))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    bands = [b for b in order if b in set(frame[x])]
    # Long band names break before their bracket rather than being tilted and cut.
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=bands,
                     tickvals=bands, ticktext=[b.replace(" (", "<br>(") for b in bands])
    return layout(fig, title, x_title, y_title)


def band_bars(frame: pd.DataFrame, category: str, title: str, category_title: str,
              bands: list[str]) -> go.Figure:
    """Requests per category (a provider, a service) as horizontal bars stacked by age band, in
    the bands' order; the category with most requests at the top. A bar can be clicked to pick
    its category (the page reads the selection's y value)."""
    fig = go.Figure()
    order = list(dict.fromkeys(frame[category]))
    for i, band in enumerate(b for b in bands if b in set(frame["age_band"])):
        part = frame[frame["age_band"] == band]
        fig.add_trace(go.Bar(
            y=part[category], x=part["requests"], name=band, orientation="h",
            marker_color=SEQUENCE[i % len(SEQUENCE)], marker_pattern=pattern(i),
            hovertemplate=f"<b>%{{y}}</b><br>Overdue {band}: %{{x:,}}<extra></extra>"))
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order[::-1],
                     tickvals=order, ticktext=[_wrap(str(c)) for c in order])
    fig = layout(fig, title, "Requests to chase", category_title,
                 height=max(340, 220 + 44 * len(order)))
    # The legend at the foot of the chart, so a narrow screen keeps the bars' width and the
    # title clear; the bottom margin holds it (four lines when the screen is too narrow for one).
    fig.update_layout(barmode="stack", clickmode="event+select", margin={"b": 110}, legend={
        "traceorder": "normal", "orientation": "h", "yref": "container", "yanchor": "bottom",
        "y": 0, "xanchor": "left", "x": 0})
    return fig


def _wrap(label: str, width: int = 24) -> str:
    """A long category name over two or more lines (at spaces), so it does not squeeze the bars."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def simple_bars(frame: pd.DataFrame, x: str, y: str, title: str, x_title: str, y_title: str
                ) -> go.Figure:
    """Counts by one category, labelled with their values."""
    fig = go.Figure(go.Bar(
        x=[f"{v:g}" if isinstance(v, float) else str(v) for v in frame[x]], y=frame[y],
        marker_color=PALETTE["blue"], text=frame[y],
        textposition="outside", cliponaxis=False,
        hovertemplate=f"<b>{x_title} %{{x}}</b><br>{y_title}: %{{y:,}}<extra></extra>",
    ))
    fig.update_xaxes(type="category")
    return layout(fig, title, x_title, y_title, height=320)


def latest_summary(frame: pd.DataFrame, pct: str, num: str, den: str, target: float | None) -> str:
    """One sentence a screen reader can use in place of a run chart: latest point and range."""
    if frame.empty:
        return ""
    last = frame.iloc[-1]
    known = frame[pct].dropna()
    text = (f"Latest, {last['period']}: "
            + ("no cases" if last[den] == 0 else f"{last[pct]:.1f}% ({last[num]:,} of {last[den]:,})"))
    if len(known) > 1:
        text += f". Range over the periods shown: {known.min():.1f}% to {known.max():.1f}%"
    if target is not None:
        text += f". Local target {target:g}%"
    return text + "."


def reference_lines(fig: go.Figure, references: list[tuple[float, str]], horizontal: bool = True
                    ) -> go.Figure:
    """Labelled dashed lines at reference figures (England's, a national survey's), dotted so they
    differ from a target line."""
    for value, label in references:
        # Right-hand labels, so that a target line's label (top left) is not covered.
        kwargs = {"line_dash": "dot", "line_color": GREY, "annotation_text": label,
                  "annotation_font_color": GREY,
                  "annotation_position": "top right" if horizontal else "top"}
        if horizontal:
            fig.add_hline(y=value, **kwargs)
        else:
            fig.add_vline(x=value, **kwargs)
    return fig


def share_bars(frame: pd.DataFrame, title: str, category: str, category_title: str,
               series: str | None = None, references: list[tuple[float, str]] | None = None,
               name: str = "Per cent") -> go.Figure:
    """Shares by a category as horizontal bars, grouped by `series` if given (one trace each,
    with its own colour and pattern). `frame` has `category`, `pct`, `numerator`, `denominator`
    (and `series`); bars are labelled with the value and what it is made of, and the hover
    repeats them. Categories keep the frame's order, first at the top."""
    fig = go.Figure()
    groups = [(name, frame)] if series is None else list(frame.groupby(series, sort=False))
    # Plotly stacks a group's horizontal bars from the bottom up: add the series last to first
    # so the first reads at the top, as in the legend (listed in reverse to match).
    for i, (label, part) in reversed(list(enumerate(groups))):
        text = [("-" if p is None or p != p else f"{p:.1f}%") + f" ({int(n):,}/{int(d):,})"
                + (" small number" if 0 < d < 5 else "")
                for p, n, d in zip(part["pct"], part["numerator"], part["denominator"], strict=True)]
        fig.add_trace(go.Bar(
            y=part[category], x=part["pct"], name=str(label), orientation="h",
            marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)], marker_pattern=pattern(i), text=text,
            textposition="outside", cliponaxis=False,
            customdata=_custom(part, category, "pct", "numerator", "denominator"),
            hovertemplate=_rate_hover(str(label)),
        ))
    ticks = [0, 20, 40, 60, 80, 100]
    fig.update_xaxes(range=[0, 135], tickvals=ticks, ticktext=[f"{t}%" for t in ticks])
    order = list(dict.fromkeys(frame[category]))
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order[::-1])
    extra = _wrap_categories(fig, order)
    fig.update_layout(barmode="group", showlegend=series is not None,
                      legend={"traceorder": "reversed"})
    reference_lines(fig, references or [], horizontal=False)
    bars = len(order) * max(1, len(groups))
    return layout(fig, title, "Per cent", category_title, height=max(280, 100 + 26 * bars) + extra)


def highlight_styles(names: list[str], highlight: str | None) -> list[dict[str, object]]:
    """Per series: its colour, width, legend group and whether it draws its own legend entry.
    With `highlight` one series keeps its colour and the rest turn light grey under one legend
    entry ("Others"), so a chart of many lines can be read one line at a time."""
    styles = []
    for i, name in enumerate(names):
        if highlight is None or name == highlight:
            styles.append({"color": SERIES_COLOURS[i % len(SERIES_COLOURS)], "width": 2.2,
                           "group": name, "legend": True, "name": name})
        else:
            styles.append({"color": MUTED, "width": 1.2, "group": "others",
                           "legend": not any(s["group"] == "others" for s in styles),
                           "name": "Others"})
    return styles


def group_lines(frame: pd.DataFrame, title: str, x_title: str, group: str, value: str,
                y_title: str, parts: tuple[str, str] | None = None,
                references: list[tuple[float, str]] | None = None,
                highlight: str | None = None) -> go.Figure:
    """One line per group over `period`. With `parts` (numerator, denominator columns) `value`
    is a percentage and the hover says what it is made of; otherwise it is a count. Lines differ
    by dash and marker as well as colour, each its own colour up to twelve; with `highlight`
    one group stands out and the others are grey."""
    dashes = ["solid", "dot", "dash", "dashdot", "longdash"]
    symbols = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross", "pentagon"]
    groups = list(frame.groupby(group, sort=False))
    styles = highlight_styles([str(name) for name, _ in groups], highlight)
    fig = go.Figure()
    # The highlighted line is drawn last, over the grey ones.
    order = sorted(range(len(groups)), key=lambda i: str(groups[i][0]) == highlight)
    for i in order:
        name, part = groups[i]
        style = styles[i]
        trace: dict[str, object] = {}
        if parts:
            num, den = parts
            trace["customdata"] = _custom(part, "period", value, num, den)
            trace["hovertemplate"] = _rate_hover(str(name))
        else:
            trace["hovertemplate"] = f"<b>%{{x}}</b><br>{name}: %{{y:,}}<extra></extra>"
        fig.add_trace(go.Scatter(
            x=part["period"], y=part[value], name=str(style["name"]), mode="lines+markers",
            legendgroup=str(style["group"]), showlegend=bool(style["legend"]),
            line={"color": style["color"], "width": style["width"],
                  "dash": dashes[i % len(dashes)]},
            marker={"size": 7, "symbol": symbols[i % len(symbols)]}, **trace,
        ))
    if parts:
        fig.update_yaxes(range=[0, 105], ticksuffix="%")
    else:
        fig.update_yaxes(rangemode="tozero")
    reference_lines(fig, references or [])
    fig.update_xaxes(type="category", categoryorder="array",
                     categoryarray=list(dict.fromkeys(frame["period"])))
    return layout(fig, title, x_title, y_title, height=440)


def value_bars(frame: pd.DataFrame, category: str, value: str, title: str, value_title: str,
               category_title: str, references: list[tuple[float, str]] | None = None,
               unit: str = "") -> go.Figure:
    """One value per category (weeks, days) as horizontal bars labelled with the value, first
    category at the top, with labelled reference lines (a standard such as NICE's 13 weeks)."""
    labels = ["-" if v is None or v != v else f"{v:g}{unit}" for v in frame[value]]
    fig = go.Figure(go.Bar(
        y=frame[category], x=frame[value], orientation="h", marker_color=PALETTE["blue"],
        text=labels, textposition="outside", cliponaxis=False,
        hovertemplate=f"<b>%{{y}}</b><br>{value_title}: %{{x:g}}{unit}<extra></extra>",
    ))
    fig.update_yaxes(type="category", categoryorder="array",
                     categoryarray=list(dict.fromkeys(frame[category]))[::-1])
    extra = _wrap_categories(fig, frame[category])
    known = [float(v) for v in frame[value] if v is not None and v == v]
    right = max(known + [r for r, _ in references or []] + [1.0])
    fig.update_xaxes(range=[0, right * 1.25])  # room for the labels beyond the longest bar
    reference_lines(fig, references or [], horizontal=False)
    return layout(fig, title, value_title, category_title,
                  height=max(260, 90 + 34 * frame[category].nunique()) + extra)
