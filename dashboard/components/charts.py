"""Plotly builders for every chart: a colour-blind-safe palette (Okabe-Ito), titles that state the
subject, labelled axes, hover text with numerator and denominator. Meaning never rests on colour
alone: series differ by dash, marker or pattern too, and small numbers get an open marker. Text
is placed to fit a 390 px phone (see `chart_fit`). Names from files (services, providers, local
authorities, schools) are escaped as each builder starts (`chart_style.chart_columns`).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.components.chart_fit import (
    bars_plot_px,
    fit_bar_labels,
    fit_column_labels,
    legend_line,
    padded_max,
    percent_ticks,
    reference_lines,
    row_px,
    target_line,
    wrap_categories,
)
from pipelines.chart_style import (
    MUTED,
    PALETTE,
    SEQUENCE,
    SERIES_COLOURS,
    chart_columns,
    chart_text,
    layout,
    pattern,
)

MAX_SERIES = 5  # more lines than this get a highlight-one view (see `highlight_styles`)


MONTH_TICKS_PX = 62  # month names ("Dec 2025") that a phone turns upright under the plot


def _rate_label(p: object, n: object, d: object, short: bool = False) -> str:
    text = "-" if p is None or p != p else f"{p:.1f}%"
    if not short:
        text += f" ({int(n):,}/{int(d):,})"
    return text + (" small number" if 0 < d < 5 else "")


# The series' name comes from its trace's `meta`: a name pasted into the template would have any
# '%{...}' in it filled in.
RATE_HOVER = ("<b>%{customdata[0]}</b><br>%{meta}: %{customdata[1]}<br>"
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
            customdata=_custom(frame, "period", pct, num, den), hovertemplate=RATE_HOVER, meta=name,
        ))
    target_line(fig, target)
    fig.update_yaxes(range=[0, 105], ticksuffix="%")
    fig.update_xaxes(type="category")
    return layout(fig, title, x_title, y_title, plot_height=200, x_ticks_px=MONTH_TICKS_PX)


def count_chart(frame: pd.DataFrame, title: str, x_title: str, series: list[tuple[str, str]],
                y_title: str = "Number") -> go.Figure:
    """Counts over time as grouped bars; each series is (column, name)."""
    fig = go.Figure()
    for i, (col, name) in enumerate(series):
        fig.add_trace(go.Bar(
            x=frame["period"], y=frame[col], name=name, marker_color=SERIES_COLOURS[i],
            marker_pattern=pattern(i), text=[f"{v:,}" for v in frame[col]],
            hovertemplate=f"<b>%{{x}}</b><br>{name}: %{{y:,}}<extra></extra>",
        ))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    top = fit_column_labels(fig, len(frame), plot_height=220)
    if top is not None:
        fig.update_yaxes(range=[0, top])
    return layout(fig, title, x_title, y_title, plot_height=220, x_ticks_px=MONTH_TICKS_PX)


def rate_bars(frame: pd.DataFrame, title: str, group_title: str, target: float | None = None,
              name: str = "Within the time limit") -> go.Figure:
    """Rates by a dimension (service, provider, LA) as horizontal bars labelled with the value."""
    frame = chart_columns(frame, ["group"]).sort_values("pct", na_position="first")
    made_of = list(zip(frame["pct"], frame["numerator"], frame["denominator"], strict=True))
    fig = go.Figure(go.Bar(
        y=frame["group"], x=frame["pct"], orientation="h", marker_color=PALETTE["blue"],
        text=[_rate_label(*m) for m in made_of], name=name, showlegend=False,
        customdata=_custom(frame, "group", "pct", "numerator", "denominator"),
        hovertemplate=RATE_HOVER, meta=name,
    ))
    target_line(fig, target, horizontal=False)
    left, lines = wrap_categories(fig, frame["group"])
    top = fit_bar_labels(fig, left, 100.0, short=[[_rate_label(*m, short=True) for m in made_of]])
    ticks, ticktext = percent_ticks(top, left)
    fig.update_xaxes(range=[0, top], tickvals=ticks, ticktext=ticktext)
    return layout(fig, title, "Per cent", group_title, plot_height=bars_plot_px(len(frame), lines))


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
    legend_line(fig, limit_days, f"{limit_days} days ({limit_days // 7} weeks)", "dash",
                horizontal=False)
    right = (int(frame["week"].max()) + 1) * 7 if len(frame) else last_bin * 7
    # Tick labels far enough apart for a phone: every two weeks, or four on a long range.
    ticks = list(range(0, right + 1, 14 if right <= 140 else 28))
    fig.update_xaxes(tickvals=ticks, range=[0, max(right, limit_days + 14)])
    # The last bar lumps everything past `last_bin - 1` weeks: said only when it is drawn.
    lumped = (f" (last bar: more than {last_bin - 1} weeks)"
              if len(frame) and int(frame["week"].max()) >= last_bin else "")
    return layout(fig, title, f"Days from request to return{lumped}", "Advice returned",
                  plot_height=220)


def category_bars(frame: pd.DataFrame, title: str, category: str, value: str, colour_by: str,
                  x_title: str, y_title: str) -> go.Figure:
    """Counts by a category, stacked by a second one with distinct colours and patterns."""
    frame = chart_columns(frame, [category, colour_by])
    fig = go.Figure()
    for i, (name, part) in enumerate(frame.groupby(colour_by, sort=False)):
        fig.add_trace(go.Bar(
            y=part[category], x=part[value], name=str(name), meta=str(name), orientation="h",
            marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)], marker_pattern=pattern(i),
            hovertemplate="<b>%{y}</b><br>%{meta}: %{x:,}<extra></extra>",
        ))
    fig.update_layout(barmode="stack", yaxis={"categoryorder": "total ascending"},
                      legend={"traceorder": "normal"})
    _, lines = wrap_categories(fig, frame[category])
    return layout(fig, title, x_title, y_title,
                  plot_height=bars_plot_px(frame[category].nunique(), lines))


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
    # The boxes are named on the axis; the legend names only the 20-week line.
    fig.update_traces(showlegend=False)
    legend_line(fig, 140, "140 days (20 weeks)", "dash", horizontal=False)
    fig.update_layout(yaxis={"autorange": "reversed"})
    _, lines = wrap_categories(fig, frame["stage"])
    return layout(fig, title, "Days", "Stage", plot_height=len(frame) * max(50, row_px(lines)))


def stacked_bands(frame: pd.DataFrame, title: str, band: str, value: str, colour_by: str,
                  band_title: str, value_title: str, order: list[str]) -> go.Figure:
    """Counts in bands (time since a request), one horizontal bar each in the given order from
    the top, stacked by a category. Horizontal, so long band names read across a phone screen
    rather than being turned upright and squeezing the plot."""
    fig = go.Figure()
    for i, (name, part) in enumerate(frame.groupby(colour_by, sort=False)):
        fig.add_trace(go.Bar(
            y=part[band], x=part[value], name=str(name), orientation="h",
            marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)], marker_pattern=pattern(i),
            hovertemplate=f"<b>%{{y}}</b><br>{name}: %{{x:,}}<extra></extra>",
        ))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    bands = [b for b in order if b in set(frame[band])]
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=bands[::-1])
    _, lines = wrap_categories(fig, bands)
    return layout(fig, title, value_title, band_title, plot_height=bars_plot_px(len(bands), lines))


def band_bars(frame: pd.DataFrame, category: str, title: str, category_title: str,
              bands: list[str]) -> go.Figure:
    """Requests per category (a provider, a service) as horizontal bars stacked by age band, in
    the bands' order; the category with most requests at the top. A bar can be clicked to pick
    its category (the page reads the selection's y value, escaped: `html.unescape` it)."""
    frame = chart_columns(frame, [category])
    fig = go.Figure()
    order = list(dict.fromkeys(frame[category]))
    for i, band in enumerate(b for b in bands if b in set(frame["age_band"])):
        part = frame[frame["age_band"] == band]
        fig.add_trace(go.Bar(
            y=part[category], x=part["requests"], name=band, orientation="h",
            marker_color=SEQUENCE[i % len(SEQUENCE)], marker_pattern=pattern(i),
            hovertemplate=f"<b>%{{y}}</b><br>Overdue {band}: %{{x:,}}<extra></extra>"))
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order[::-1])
    _, lines = wrap_categories(fig, order)
    fig.update_layout(barmode="stack", clickmode="event+select", legend={"traceorder": "normal"})
    return layout(fig, title, "Requests to chase", category_title,
                  plot_height=bars_plot_px(len(order), lines))


def simple_bars(frame: pd.DataFrame, x: str, y: str, title: str, x_title: str, y_title: str
                ) -> go.Figure:
    """Counts by one category, labelled with their values."""
    fig = go.Figure(go.Bar(
        x=[f"{v:g}" if isinstance(v, float) else str(v) for v in frame[x]], y=frame[y],
        marker_color=PALETTE["blue"], text=[f"{v:,}" for v in frame[y]],
        hovertemplate=f"<b>{x_title} %{{x}}</b><br>{y_title}: %{{y:,}}<extra></extra>",
    ))
    fig.update_xaxes(type="category")
    top = fit_column_labels(fig, len(frame), plot_height=180)
    if top is not None:
        fig.update_yaxes(range=[0, top])
    return layout(fig, title, x_title, y_title, plot_height=180)


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


def share_bars(frame: pd.DataFrame, title: str, category: str, category_title: str,
               series: str | None = None, references: list[tuple[float, str]] | None = None,
               name: str = "Per cent") -> go.Figure:
    """Shares by a category as horizontal bars, grouped by `series` if given (one trace each,
    with its own colour and pattern). `frame` has `category`, `pct`, `numerator`, `denominator`
    (and `series`); bars are labelled with the value and what it is made of, and the hover
    repeats them. Categories keep the frame's order, first at the top."""
    frame = chart_columns(frame, [category] if series is None else [category, series])
    fig = go.Figure()
    groups = [(name, frame)] if series is None else list(frame.groupby(series, sort=False))
    # Plotly stacks a group's horizontal bars from the bottom up: add the series last to first
    # so the first reads at the top, as in the legend (listed in reverse to match).
    short = []
    for i, (label, part) in reversed(list(enumerate(groups))):
        made_of = list(zip(part["pct"], part["numerator"], part["denominator"], strict=True))
        short.append([_rate_label(*m, short=True) for m in made_of])
        fig.add_trace(go.Bar(
            y=part[category], x=part["pct"], name=str(label), orientation="h",
            marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)], marker_pattern=pattern(i),
            text=[_rate_label(*m) for m in made_of], showlegend=series is not None,
            customdata=_custom(part, category, "pct", "numerator", "denominator"),
            hovertemplate=RATE_HOVER, meta=str(label),
        ))
    order = list(dict.fromkeys(frame[category]))
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order[::-1])
    left, lines = wrap_categories(fig, order)
    top = fit_bar_labels(fig, left, 100.0, short=short)
    ticks, ticktext = percent_ticks(top, left)
    fig.update_xaxes(range=[0, top], tickvals=ticks, ticktext=ticktext)
    fig.update_layout(barmode="group", bargap=0.15, legend={"traceorder": "reversed"})
    reference_lines(fig, references or [], horizontal=False)
    return layout(fig, title, "Per cent", category_title,
                  plot_height=bars_plot_px(len(order), lines, bars=len(groups)))


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
    frame = chart_columns(frame, [group])
    highlight = None if highlight is None else chart_text(highlight)
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
            trace["hovertemplate"] = RATE_HOVER
        else:
            trace["hovertemplate"] = "<b>%{x}</b><br>%{meta}: %{y:,}<extra></extra>"
        fig.add_trace(go.Scatter(
            x=part["period"], y=part[value], name=str(style["name"]), meta=str(name),
            mode="lines+markers",
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
    return layout(fig, title, x_title, y_title, plot_height=220, x_ticks_px=MONTH_TICKS_PX)


def value_bars(frame: pd.DataFrame, category: str, value: str, title: str, value_title: str,
               category_title: str, references: list[tuple[float, str]] | None = None,
               unit: str = "", fmt: str = "g") -> go.Figure:
    """One value per category (weeks, days) as horizontal bars labelled with the value (in
    format `fmt`), first category at the top, with labelled reference lines (a standard such as
    NICE's 13 weeks)."""
    frame = chart_columns(frame, [category])
    labels = ["-" if v is None or v != v else f"{v:{fmt}}{unit}" for v in frame[value]]
    fig = go.Figure(go.Bar(
        y=frame[category], x=frame[value], orientation="h", marker_color=PALETTE["blue"],
        text=labels, name=value_title, showlegend=False,
        hovertemplate=f"<b>%{{y}}</b><br>{value_title}: %{{x:{fmt}}}{unit}<extra></extra>",
    ))
    fig.update_yaxes(type="category", categoryorder="array",
                     categoryarray=list(dict.fromkeys(frame[category]))[::-1])
    left, lines = wrap_categories(fig, frame[category])
    right = padded_max(list(frame[value]) + [r for r, _ in references or []]) * 1.05
    fig.update_xaxes(range=[0, fit_bar_labels(fig, left, right)])
    reference_lines(fig, references or [], horizontal=False)
    return layout(fig, title, value_title, category_title,
                  plot_height=bars_plot_px(frame[category].nunique(), lines))
