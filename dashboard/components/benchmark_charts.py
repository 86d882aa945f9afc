"""The benchmark chart: a local authority beside its region, England and its statistical
neighbours by calendar year, with the area's own figure as a separate marker. Series differ by
line style and marker as well as colour (Okabe-Ito, then Paul Tol's), each its own colour, so
none relies on colour alone; with a highlight, one area keeps its colour and the rest turn grey.
Neighbours often publish the same figure (99% decided within 6 weeks): each neighbour's points
sit a little to one side within their year, so no line hides another, and its hover names it.
Where no area has more than one year the chart is labelled bars instead (lines would be lone
dots), a lone point on a line chart carries its value, and a chart with no comparator says so.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.components.charts import value_bars
from pipelines.chart_style import GREY, MUTED, PALETTE, SERIES_COLOURS, chart_text, layout

# role -> (colour, dash, marker, line width)
STYLE = {
    "local authority": (PALETTE["blue"], "solid", "circle", 3.5),
    "region": (PALETTE["vermillion"], "dash", "square", 2.5),
    "England": (PALETTE["black"], "solid", "diamond", 2.5),
}
# A statistical neighbour set holds ten LAs: ten colours none of the lines above (or the local
# star's green) uses, so no two series share one.
_TAKEN = {PALETTE["blue"], PALETTE["vermillion"], PALETTE["black"], PALETTE["green"]}
NEIGHBOUR_COLOURS = [c for c in SERIES_COLOURS if c not in _TAKEN] + [GREY, "#8C510A"]
NEIGHBOUR_MARKERS = ["triangle-up", "triangle-down", "cross", "x", "star-triangle-up", "hexagon",
                     "pentagon", "hourglass", "bowtie", "asterisk-open"]
# One dash pattern each (solid and "dash" are the local authority's, England's and the region's).
NEIGHBOUR_DASHES = ["dot", "longdash", "dashdot", "longdashdot", "2px,4px,8px,4px", "1px,3px",
                    "12px,4px", "8px,3px,2px,3px,2px,3px", "3px,6px", "6px,2px,1px,2px"]
# How far apart neighbours' points sit within a year, and at most how far from the year itself
# (a point stays nearer its own year than any other).
DODGE_STEP, DODGE_MAX = 0.06, 0.2
LOCAL_LABEL = "local data, not DfE published"
COMPARATORS = frozenset({"region", "England", "statistical neighbour"})
NO_COMPARATORS = "no comparator figure published"


def _hover(unit: str) -> str:
    # The year from customdata: a neighbour's x is shifted off it (dodge).
    return ("<b>%{customdata[0]}</b> (%{customdata[1]})<br>%{customdata[3]}: %{y:.1f}" + unit
            + "%{customdata[2]}<extra></extra>")


def dodge(index: int, count: int) -> float:
    """The shift of the index-th of `count` neighbours within a year, centred on the year."""
    step = min(DODGE_STEP, 2 * DODGE_MAX / max(count - 1, 1))
    return (index - (count - 1) / 2) * step


def _lone_label(values: pd.Series, unit: str, line: bool = True) -> dict[str, object]:
    """A series with one point is a marker labelled with its value, so it reads as a figure (the
    label may stand above the plot's top)."""
    mode = "lines+markers" if line else "markers"
    if values.notna().sum() != 1:
        return {"mode": mode}
    return {"mode": mode + "+text", "textposition": "top center", "cliponaxis": False,
            "text": ["" if pd.isna(v) else f"{v:.1f}{unit}" for v in values]}


def _made_of(frame: pd.DataFrame) -> list[str]:
    out = []
    for num, den in zip(frame["numerator"], frame["denominator"], strict=True):
        if pd.notna(num) and pd.notna(den):
            out.append(f"<br>{num:,.0f} of {den:,.0f}")
        elif pd.notna(num):
            out.append(f"<br>{num:,.0f} within the time limit")
        else:
            out.append("")
    return out


def one_year_each(published: pd.DataFrame) -> bool:
    """Whether no area has a published figure for more than one year: its line would be a lone
    dot nobody can read as a trend, so the chart is bars."""
    known = published.dropna(subset=["value"])
    return known.empty or int(known.groupby("area")["year"].nunique().max()) <= 1


def has_comparators(published: pd.DataFrame) -> bool:
    """Whether England, the region or a statistical neighbour has a published figure."""
    return bool(published.dropna(subset=["value"])["role"].isin(COMPARATORS).any())


def _label(area: str, role: str) -> str:
    return {"region": f"{area} (region)", "statistical neighbour": f"{area} (neighbour)"}.get(
        role, area)


def latest_bars(published: pd.DataFrame, local: pd.DataFrame, title: str, la: str,
                unit: str = "%", y_title: str = "Per cent") -> go.Figure:
    """Each area's one published figure as a bar labelled with its value and named with its
    year, then the area's own local figure, named as local data."""
    known = published.dropna(subset=["value"])
    rows = [(f"{_label(area, role)}, {int(year)}", value) for area, role, year, value in
            known[["area", "role", "year", "value"]].itertuples(index=False)]
    rows += [(f"{la}, {int(year)}: {LOCAL_LABEL}", value) for year, value in
             local[["year", "value"]].dropna().itertuples(index=False)]
    frame = pd.DataFrame(rows, columns=["area", "value"])
    fig = value_bars(frame.assign(value=frame["value"].astype(float)), "area", "value", title,
                     y_title, "Area and calendar year", unit=unit, fmt=".1f")
    return fig.update_xaxes(ticksuffix=unit)


def series_names(published: pd.DataFrame) -> list[str]:
    """The areas the chart draws a line for, in the order it draws them."""
    return [str(a) for a in dict.fromkeys(published["area"])]


def benchmark_chart(published: pd.DataFrame, local: pd.DataFrame, title: str, la: str,
                    unit: str = "%", y_title: str = "Per cent", highlight: str | None = None
                    ) -> go.Figure:
    """`published`: benchmarks.comparison() rows; `local`: the area's own figures (area, year,
    value, numerator, denominator), drawn as open stars beside the published lines. With
    `highlight` (an area) that area's line keeps its colour and the others are grey. One year
    each: `latest_bars` instead."""
    if not has_comparators(published):
        title = f"{title} ({NO_COMPARATORS})"
    if one_year_each(published):
        return latest_bars(published, local, title, la, unit, y_title)
    fig = go.Figure()
    neighbour = 0
    neighbours = published.loc[published["role"] == "statistical neighbour", "area"].nunique()
    others_shown = False
    for (role, area), part in published.groupby(["role", "area"], sort=False):
        part = part.sort_values("year")
        shown = chart_text(area)  # a name from the imported file, drawn as written
        shift = 0.0
        if role in STYLE:
            colour, dash, marker, width = STYLE[role]
            name = shown if role != "region" else f"{shown} (region)"
        else:
            colour = NEIGHBOUR_COLOURS[neighbour % len(NEIGHBOUR_COLOURS)]
            marker = NEIGHBOUR_MARKERS[neighbour % len(NEIGHBOUR_MARKERS)]
            dash = NEIGHBOUR_DASHES[neighbour % len(NEIGHBOUR_DASHES)]
            width, name = 1.5, f"{shown} (neighbour)"
            shift = dodge(neighbour, neighbours)
            neighbour += 1
        group, legend = name, True
        if highlight is not None and area != highlight:
            colour, width, group, name = MUTED, 1.2, "others", "Others"
            legend, others_shown = not others_shown, True
        fig.add_trace(go.Scatter(
            x=part["year"] + shift, y=part["value"], name=name, legendgroup=group,
            showlegend=legend, **_lone_label(part["value"], unit),
            line={"color": colour, "dash": dash, "width": width},
            marker={"symbol": marker, "size": 9 if role in STYLE else 8},
            customdata=[[shown, role, m, int(y)] for m, y in zip(_made_of(part), part["year"],
                                                                  strict=True)],
            hovertemplate=_hover(unit)))
    if not local.empty:
        fig.add_trace(go.Scatter(
            x=local["year"], y=local["value"], name=f"{chart_text(la)}: {LOCAL_LABEL}",
            **_lone_label(local["value"], unit, line=False),
            marker={"symbol": "star-open", "size": 16, "color": PALETTE["green"],
                    "line": {"width": 2.5}},
            customdata=[[chart_text(la), LOCAL_LABEL, m, int(y)] for m, y in
                        zip(_made_of(local), local["year"], strict=True)],
            hovertemplate=_hover(unit)))
    if highlight is not None:  # the highlighted line over the grey ones
        fig.data = (tuple(t for t in fig.data if t.legendgroup == "others")
                    + tuple(t for t in fig.data if t.legendgroup != "others"))
    years = sorted(set(published["year"]) | set(local["year"]))
    fig.update_xaxes(tickmode="array", tickvals=years, ticktext=[str(y) for y in years])
    values = pd.concat([published["value"], local["value"]]).dropna()
    top = float(values.max()) if len(values) else 100.0
    fig.update_yaxes(range=[0, 105] if top > 20 else [0, top * 1.25 or 1], ticksuffix=unit)
    return layout(fig, title, "Calendar year", y_title, height=430)
