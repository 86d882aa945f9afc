"""The chart/table switch every indicator has (as on the DfE's dashboards), and table downloads.

Downloads go through `pipelines.exports`, which defuses spreadsheet formula injection; the files
are built only when the button is pressed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.components import auth
from pipelines.exports import csv_bytes, xlsx_bytes

NO_DATA = "No data for this selection"
# What a table's first columns may take on a 390 px phone (the 356 px Streamlit leaves, less the
# grid's borders): a table a reader needs on a phone sizes its name and figures to fit, and the
# rest scroll inside the grid. Sized columns that fit the main area share the room left over on
# a wider screen (the main area is 976 px beside the sidebar at 1440 px).
PHONE_WIDTH = 350
WIDE_WIDTH = 976
# Rows tall enough for the grid to wrap a cell's text onto four lines (it wraps above 4rem).
WRAPPED_ROW_HEIGHT = 84
MISSING = ""  # how a missing value (a date not recorded) shows in a table: blank, never "None"
# Zoom and pan buttons add a dozen keyboard stops per chart and little for these charts.
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": [
    "select2d", "lasso2d", "zoom2d", "pan2d", "zoomIn2d", "zoomOut2d", "autoScale2d",
    "resetScale2d"]}


def no_data(detail: str = "") -> None:
    st.info(f"{NO_DATA}{'. ' + detail if detail else '.'}", icon=":material/info:")


def show(table: Any, **kwargs: Any) -> Any:
    """A table as every page shows one: full width, no index, a missing value blank (Streamlit
    writes "None" in a cell with no value: a date not recorded, a figure not yet worked out)."""
    return st.dataframe(one_type_per_column(table), hide_index=True, width="stretch",
                        placeholder=MISSING, **kwargs)


def one_type_per_column(table: Any) -> Any:
    """The table with a column of figures and text ("<5" beside 1,117: a suppressed count) all
    text, as Arrow, which Streamlit sends a table as, holds one type per column (Streamlit
    would otherwise log an error and convert it itself on every run)."""
    if not isinstance(table, pd.DataFrame):
        return table
    mixed = [c for c in table.columns if table[c].dtype == object and _text_and_more(table[c])]
    if not mixed:
        return table
    out = table.copy()
    for column in mixed:
        out[column] = out[column].map(lambda v: v if v is None or isinstance(v, str) or pd.isna(v)
                                      else str(int(v)) if isinstance(v, float) and v.is_integer()
                                      else str(v))
    return out


def _text_and_more(column: pd.Series) -> bool:
    types = {type(v) for v in column.dropna()}
    return str in types and len(types) > 1


def edit(table: pd.DataFrame, **kwargs: Any) -> Any:
    """`show` for a table the user edits (st.data_editor)."""
    return st.data_editor(table, hide_index=True, width="stretch", placeholder=MISSING, **kwargs)


def downloads(table: pd.DataFrame, file_stem: str, key: str, sheet: str = "Data") -> None:
    """CSV and Excel downloads of a table, side by side; each download goes to the audit log."""
    viewer = auth.current()
    # A row that wraps rather than fixed columns: a column narrower than a button's label (in a
    # chart's half of the page) cut it to "Download ...".
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "Download CSV", data=auth.audited(lambda: csv_bytes(table), viewer, sheet, f"{file_stem}.csv"),
        file_name=f"{file_stem}.csv", mime="text/csv", key=f"{key}_csv", on_click="ignore",
        icon=":material/download:")
    row.download_button(
        "Download Excel", data=auth.audited(lambda: xlsx_bytes({sheet: table}), viewer, sheet,
                                            f"{file_stem}.xlsx"),
        file_name=f"{file_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx", on_click="ignore", icon=":material/download:")


def show_whole(table: pd.DataFrame, on_screen: dict[str, Any], file_stem: str, key: str,
               sheet: str, why: str = "") -> None:
    """A table too wide to read whole at 1440 px: the columns `on_screen` configures (sized to
    fit WIDE_WIDTH, in its order) in a grid whose rows wrap, and every column in the downloads.
    A caption beside the grid names each column left to the downloads, so none goes unseen."""
    shown = [c for c in on_screen if c in table.columns]
    show(table[shown], key=key, row_height=WRAPPED_ROW_HEIGHT, column_config=on_screen)
    left = [c for c in table.columns if c not in on_screen]
    if left:
        names = ", ".join(f'"{c}"' for c in left)
        st.caption(f"So that each row reads whole, these columns are in the downloads below "
                   f"(CSV, Excel) only: {names}.{' ' + why if why else ''}")
    downloads(table, file_stem, key, sheet)


def chart_or_table(key: str, chart: go.Figure, table: pd.DataFrame, file_stem: str, *, alt: str,
                   summary: str = "", column_config: dict[str, Any] | None = None,
                   row_height: int | None = None) -> None:
    """One indicator: a chart or its table (the user's choice), a one-line text summary, and the
    table to download either way. An empty table shows the no-data message instead."""
    if table.empty:
        no_data()
        return
    view = st.segmented_control("Show as", ["Chart", "Table"], default="Chart", required=True,
                                key=f"{key}_view", help="The table holds the same figures as the chart.")
    if view == "Table":
        show(table, column_config=column_config, row_height=row_height)
    else:
        st.plotly_chart(chart, key=f"{key}_chart", config=PLOTLY_CONFIG, alt=alt, width="stretch")
    if summary:
        st.caption(summary)
    downloads(table, file_stem, key)


EVERY_SERIES = "None: every line in colour"


def highlight_choice(key: str, names: list[str], most: int = 5) -> str | None:
    """For a chart of more than `most` lines, a "Highlight" choice: the line picked keeps its
    colour and the others turn grey, so one line can be followed among many (and on a phone the
    legend shrinks to two entries). None when every line keeps its colour."""
    if len(names) <= most:
        return None
    choice = st.selectbox("Highlight", [EVERY_SERIES, *names], key=f"{key}_highlight",
                          help="Show one line in colour and the others in grey.")
    return None if choice == EVERY_SERIES else choice


def rate_table(frame: pd.DataFrame, group: str, met: str, due: str, excl_label: str = "Per cent",
               include_exceptions: bool = True, due_incl: str | None = None) -> pd.DataFrame:
    """A `rates()` frame as people read it: named columns, both figures, and the small-number flag.
    `due_incl` names the denominator including exceptions (else `due` + ", incl. exceptions")."""
    out = pd.DataFrame({group: frame["group"] if "period" not in frame else frame["period"]})
    out[met] = frame["numerator"].to_numpy()
    out[due] = frame["denominator"].to_numpy()
    out[excl_label] = frame["pct"].to_numpy()
    if include_exceptions:
        out[f"{met}, incl. exceptions"] = frame["numerator_incl"].to_numpy()
        out[due_incl or f"{due}, incl. exceptions"] = frame["denominator_incl"].to_numpy()
        out["Per cent incl. exceptions"] = frame["pct_incl"].to_numpy()
    out["Note"] = ["small number (fewer than 5)" if s else "" for s in frame["small"]]
    return out



MAX_STYLED_CELLS = 20_000  # pandas' Styler is slow on long lists and refuses past 262,144 cells


def highlighted(table: pd.DataFrame, highlight: Any) -> Any:
    """The table with rows coloured by `highlight` when it is short enough to colour quickly. The
    colour only repeats what a column of the row says, so a long list loses nothing without it."""
    if table.size > MAX_STYLED_CELLS:
        return table
    return table.style.apply(highlight, axis=1)


def named_columns(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The listed columns a metric returned, in the listed order and with readable names. Only
    listed columns are shown, so a column added to a metric later (a person identifier, say)
    never reaches a record-level table unreviewed."""
    return frame[[c for c in names if c in frame.columns]].rename(columns=names)
