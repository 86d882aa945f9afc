"""The house style of every chart, on screen (dashboard/components/charts.py) and in the board
pack (pipelines/board_pack/charts.py): the Okabe-Ito colour-blind-safe palette, fill patterns so
that meaning never rests on colour alone, fonts, titles that wrap, legends below the plot (so a
phone keeps the plot's width), axes and grid. Text from a file (a service, provider, school or
local authority's name) goes on a chart through `chart_text`, since Plotly draws the HTML in it.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

# Okabe & Ito (2008), in an order that keeps neighbours distinguishable and darker ones first.
PALETTE = {
    "blue": "#0072B2", "vermillion": "#D55E00", "green": "#009E73", "purple": "#CC79A7",
    "orange": "#E69F00", "sky": "#56B4E9", "black": "#000000", "yellow": "#F0E442",
}
SEQUENCE = list(PALETTE.values())
GREY = "#595959"  # 7:1 on white, for reference lines and their labels
MUTED = "#c4c4c4"  # the lines a highlight-one view leaves in the background
# One colour per series, none repeated before the twelfth: Okabe-Ito without its yellow (1.2:1 on
# white, too faint for a line), then darker colours from Paul Tol's schemes. Orange and sky blue
# are 2.0 and 2.4:1 on white, so lines differ by dash and marker too; text is never in a series
# colour.
SERIES_COLOURS = [c for c in SEQUENCE if c != PALETTE["yellow"]] + [
    "#332288", "#882255", "#117733", "#999933", "#AA4499"]
TEXT = "#1f1f1f"  # chart text: 16:1 on white (WCAG asks 4.5:1)
TITLE_WIDTH = 40  # characters a title line holds on a 390 px phone screen at 17 px
AXIS_TITLE_WIDTH = 28  # characters an axis title line holds under a phone's plot area
FONT = "Source Sans Pro, Arial, sans-serif"
PHONE_CHART_PX = 358  # a chart's width on a 390 px phone screen, Streamlit's padding taken off
LEGEND_ROW_PX = 21  # one legend entry's row where a phone stacks the entries

# Advance widths (in ems) of Arial, the metric-compatible face the browser draws chart text in
# (Liberation Sans here): enough to tell whether a label fits beside a bar on a phone.
_EM = {**dict.fromkeys("ijl'|", 0.222), **dict.fromkeys(" .,:;!fIt/[]", 0.278),
       **dict.fromkeys("()-r\"*", 0.333), **dict.fromkeys("ckszvxyJ", 0.5),
       **dict.fromkeys("0123456789abdeghnopquL?$#_", 0.556), **dict.fromkeys("+<>=~", 0.584),
       **dict.fromkeys("FTZ", 0.611), **dict.fromkeys("ABEKPSVXY&", 0.667),
       **dict.fromkeys("CDHNRUw", 0.722), **dict.fromkeys("GOQ", 0.778),
       **dict.fromkeys("mM", 0.833), "%": 0.889, "W": 0.944}


PATTERNS = ["", "/", ".", "x", "-", "|", "+", "\\"]


def pattern(i: int) -> dict[str, object]:
    """A fill pattern drawn in white over the colour, so hatched bars keep their colour's weight
    and still differ from their neighbours without colour."""
    return {"shape": PATTERNS[i % len(PATTERNS)], "fillmode": "overlay", "fgcolor": "white",
            "solidity": 0.25}


def chart_text(value: object) -> str:
    """Text from a file as a chart shows it, letter for letter. Plotly draws the HTML in every
    title, label, legend entry and hover (<b>, <br>, <a href>), so a name such as "A<br>B" or
    "<a href='...'>click</a>" would change the chart: < > & go in as entities, which Plotly
    draws as the characters. A name goes into a hover template as %{meta}, never pasted in, so
    a '%{...}' in it is not filled in either."""
    return html.escape(str(value), quote=False)


def chart_columns(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """`frame` with the named columns of file-sourced text put through `chart_text` (a missing
    value stays missing): what a chart builder draws from."""
    out = frame.copy()
    for column in dict.fromkeys(columns):
        out[column] = out[column].map(chart_text, na_action="ignore")
    return out


def wrap_title(title: str, width: int = TITLE_WIDTH) -> list[str]:
    """A title's lines, broken between words so none is cut off on a phone screen."""
    return textwrap.wrap(title, width, break_long_words=False, break_on_hyphens=False) or [""]


def wrap_label(label: str, width: int = 22) -> str:
    """A category label (a provider's name) broken over lines, so a phone keeps room for bars."""
    return "<br>".join(textwrap.wrap(str(label), width, break_long_words=False)) or str(label)


def text_px(text: object, size: float = 13) -> float:
    """The width in pixels of `text` (its widest line, lines split at <br>; an entity such as
    &lt; counts as its character) at `size` px."""
    return max(sum(_EM.get(c, 0.6) for c in html.unescape(line))
               for line in str(text).split("<br>")) * size


def contrast(colour: str, background: str = "#ffffff") -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted([luminance(colour), luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def legend_entries(fig: go.Figure) -> int:
    return len({t.legendgroup or t.name for t in fig.data
                if t.showlegend is not False and t.name})


def shown_legend_entries(fig: go.Figure) -> int:
    """Entries the legend will show: none when it is switched off, or when Plotly leaves it out
    for a lone trace."""
    if fig.layout.showlegend is False:
        return 0
    entries = legend_entries(fig)
    return entries if fig.layout.showlegend or len(fig.data) > 1 else 0


def layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 380, *,
           plot_height: int | None = None, x_ticks_px: int = 22) -> go.Figure:
    """The house layout. The legend sits at the foot of the figure, one row per entry on a phone,
    so each entry beyond the fourth adds a row's height and the plot keeps its own. With
    `plot_height` the figure is that plot height plus what a phone puts around it: the title's
    lines above; the tick labels (`x_ticks_px` tall), the axis title's lines and one row per
    legend entry below, so a long legend or a wrapped label never squeezes the plot."""
    # Titles name local authorities and services: wrapped as read, then escaped.
    lines = [chart_text(line) for line in wrap_title(title)]
    x_lines = [chart_text(line) for line in wrap_title(x_title, AXIS_TITLE_WIDTH)] if x_title else []
    if plot_height is None:
        height += 20 * max(0, legend_entries(fig) - 4)
    else:
        entries = shown_legend_entries(fig)
        height = (plot_height + x_ticks_px + 18 * len(x_lines) + 10
                  + (LEGEND_ROW_PX * entries + 12 if entries else 0) + 76)
    fig.update_layout(
        title={"text": "<br>".join(lines), "x": 0, "xanchor": "left",
               "font": {"size": 17, "color": TEXT},
               "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 22}},
        xaxis_title="<br>".join(x_lines), yaxis_title=chart_text(y_title),
        height=height + 22 * (len(lines) - 1),
        font={"family": FONT, "size": 13, "color": TEXT},
        # On the right, room for half the last tick label ("100%"), which Plotly hides if it
        # would run past the chart.
        margin={"l": 10, "r": 20, "t": 54 + 22 * len(lines), "b": 10},
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0,
                "xanchor": "left", "x": 0, "font": {"color": TEXT}},
        hoverlabel={"font_size": 13}, colorway=SERIES_COLOURS, plot_bgcolor="white",
    )
    # Colours set on the figure itself: Streamlit's chart theme would otherwise draw axis text in
    # a light grey under 4.5:1 on white.
    axis_text = {"tickfont_color": TEXT, "title_font_color": TEXT}
    fig.update_xaxes(showline=True, linecolor=GREY, gridcolor="#e6e6e6", **axis_text)
    fig.update_yaxes(showline=True, linecolor=GREY, gridcolor="#e6e6e6", zeroline=False,
                     **axis_text)
    return fig
