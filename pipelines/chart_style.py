"""The house style of every chart, on screen (dashboard/components/charts.py) and in the board
pack (pipelines/board_pack/charts.py): the Okabe-Ito colour-blind-safe palette, fill patterns so
that meaning never rests on colour alone, fonts, titles, axes and grid.
"""

from __future__ import annotations

import plotly.graph_objects as go

# Okabe & Ito (2008), in an order that keeps neighbours distinguishable and darker ones first.
PALETTE = {
    "blue": "#0072B2", "vermillion": "#D55E00", "green": "#009E73", "purple": "#CC79A7",
    "orange": "#E69F00", "sky": "#56B4E9", "black": "#000000", "yellow": "#F0E442",
}
SEQUENCE = list(PALETTE.values())
GREY = "#595959"  # 7:1 on white, for reference lines and their labels
FONT = "Source Sans Pro, Arial, sans-serif"


PATTERNS = ["", "/", ".", "x", "-", "|", "+", "\\"]


def pattern(i: int) -> dict[str, object]:
    """A fill pattern drawn in white over the colour, so hatched bars keep their colour's weight
    and still differ from their neighbours without colour."""
    return {"shape": PATTERNS[i % len(PATTERNS)], "fillmode": "overlay", "fgcolor": "white",
            "solidity": 0.25}


def layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 380
           ) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 17}},
        xaxis_title=x_title, yaxis_title=y_title, height=height,
        font={"family": FONT, "size": 13, "color": "#1f1f1f"},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        hoverlabel={"font_size": 13}, colorway=SEQUENCE, plot_bgcolor="white",
    )
    fig.update_xaxes(showline=True, linecolor=GREY, gridcolor="#e6e6e6")
    fig.update_yaxes(showline=True, linecolor=GREY, gridcolor="#e6e6e6", zeroline=False)
    return fig
