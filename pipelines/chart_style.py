"""The house style of every chart, on screen (dashboard/components/charts.py) and in the board
pack (pipelines/board_pack/charts.py): the Okabe-Ito colour-blind-safe palette, fill patterns so
that meaning never rests on colour alone, fonts, titles that wrap, legends below the plot (so a
phone keeps the plot's width), axes and grid.
"""

from __future__ import annotations

import textwrap

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
FONT = "Source Sans Pro, Arial, sans-serif"


PATTERNS = ["", "/", ".", "x", "-", "|", "+", "\\"]


def pattern(i: int) -> dict[str, object]:
    """A fill pattern drawn in white over the colour, so hatched bars keep their colour's weight
    and still differ from their neighbours without colour."""
    return {"shape": PATTERNS[i % len(PATTERNS)], "fillmode": "overlay", "fgcolor": "white",
            "solidity": 0.25}


def wrap_title(title: str, width: int = TITLE_WIDTH) -> list[str]:
    """A title's lines, broken between words so none is cut off on a phone screen."""
    return textwrap.wrap(title, width, break_long_words=False, break_on_hyphens=False) or [""]


def wrap_label(label: str, width: int = 22) -> str:
    """A category label (a provider's name) broken over lines, so a phone keeps room for bars."""
    return "<br>".join(textwrap.wrap(str(label), width, break_long_words=False)) or str(label)


def legend_entries(fig: go.Figure) -> int:
    return len({t.legendgroup or t.name for t in fig.data
                if t.showlegend is not False and t.name})


def layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 380
           ) -> go.Figure:
    """The house layout. The legend sits at the foot of the figure, one row per entry on a phone,
    so each entry beyond the fourth adds a row's height and the plot keeps its own."""
    lines = wrap_title(title)
    height += 20 * max(0, legend_entries(fig) - 4)
    fig.update_layout(
        title={"text": "<br>".join(lines), "x": 0, "xanchor": "left",
               "font": {"size": 17, "color": TEXT},
               "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 22}},
        xaxis_title="<br>".join(wrap_title(x_title, 44)), yaxis_title=y_title,
        height=height + 22 * (len(lines) - 1),
        font={"family": FONT, "size": 13, "color": TEXT},
        margin={"l": 10, "r": 10, "t": 54 + 22 * len(lines), "b": 10},
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
