"""Board pack (/board-pack): the quarterly SEND board pack previewed page by page (each metric's
SPC chart with its icons, the overdue and at-risk summaries, and the wider remit's pages where
their data are loaded), with downloads of the PDF, the slides and the xlsx appendix. Everything
comes from `pipelines.board_pack`, as the CLI's does.

DATA PROTECTION: meant for a board, so counts of 1-4 show as "<5" and rates built on them are
withheld; no record-level identifier is shown.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st

from dashboard.components import attention, auth, filters, gateway, table_fit, tables
from dashboard.components.text import plain
from pipelines import board_pack, metrics, queries, spc
from pipelines.board_pack import BoardPack, Figure, MetricPage, Quarter, TablePage
from pipelines.board_pack.xlsx import Percent
from pipelines.config import load_settings
from pipelines.suppression import SHORT_WITHHELD, WITHHELD, WITHHELD_NOTE

MIME = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@st.cache_data(show_spinner="Building the board pack...", max_entries=16)
def _pack(quarter: Quarter, las: tuple[str, ...], as_of: dt.date,
          version: gateway.Version) -> BoardPack:
    return board_pack.build_board_pack(gateway.db_file(), quarter, las, as_of)


@st.cache_data(show_spinner=False, max_entries=16)
def _file(kind: str, quarter: Quarter, las: tuple[str, ...], as_of: dt.date,
          version: gateway.Version) -> bytes:
    pack = _pack(quarter, las, as_of, version)
    return {"pdf": board_pack.write_pdf, "pptx": board_pack.write_pptx,
            "xlsx": board_pack.write_xlsx}[kind](pack)


def quarter_options(options: queries.FilterOptions, latest: dt.date) -> list[Quarter]:
    """Every quarter from the first data to the latest as-of date, newest first."""
    first = board_pack.quarter_of(min(options.first_day, latest))
    out = [board_pack.quarter_of(latest)]
    while out[-1] != first and out[-1].start > first.start:
        out.append(out[-1].previous())
    return out


def _default_quarter(quarters: list[Quarter], latest: dt.date) -> int:
    """The latest quarter that has ended by the latest as-of date (the one a board reviews)."""
    return next((i for i, q in enumerate(quarters) if q.end <= latest), 0)


def choose() -> tuple[Quarter, tuple[str, ...], dt.date]:
    """Quarter, local authorities and as-of date, in the sidebar. The local authorities start
    from those chosen in the other pages' filters."""
    options = gateway.read(queries.filter_options)
    latest = options.latest_as_of or dt.date.today()
    basis = load_settings().quarter_basis  # the quarters named as the pack names them
    quarters = [q.on(basis) for q in quarter_options(options, latest)]
    shared = [la for la in st.session_state.get(filters.KEY["la"], []) if la in options.las]
    with st.sidebar:
        st.header("Board pack")
        quarter = st.selectbox(
            "Quarter", quarters, index=_default_quarter(quarters, latest), key="bp_quarter",
            format_func=lambda q: f"{q.name}, {q.months}",  # short enough for the select box
            help="Named as the pack names them (settings.toml [board_pack] quarters: NHS "
                 "financial-year quarters unless set to calendar); the dates and the other name "
                 "are under the choice.")
        st.caption(quarter.describe)
        las = st.multiselect("Local authorities", options.las, default=shared, key="bp_las",
                             placeholder=filters.all_las_placeholder(),
                             help=filters.all_las_help())
        as_of = st.date_input(
            "As of", value=gateway.read(board_pack.pack_as_of, quarter),
            key=f"bp_as_of_{quarter.label}", min_value=quarter.start, format="DD/MM/YYYY",
            help="The day the figures describe. Defaults to the quarter's last day, or the latest "
                 "extract date across sources if the data stop before it (as the command line "
                 "does).")
    return quarter, tuple(las), as_of


def icon_html(icon: spc.Icon, heading: str) -> str:
    """An icon as a circle with its letter (SVG) and its words beside it."""
    letter = html.escape(icon.letter)
    if icon.kind == "none":
        circle = f'<circle cx="20" cy="20" r="18" fill="none" stroke="{spc.GREY}" stroke-width="2"/>'
        colour = spc.GREY
    else:
        circle = f'<circle cx="20" cy="20" r="19" fill="{icon.colour}"/>'
        colour = "#ffffff"
    svg = (f'<svg width="40" height="40" viewBox="0 0 40 40" aria-hidden="true" '
           f'style="flex:none">{circle}<text x="20" y="26.5" text-anchor="middle" '
           f'font-size="19" font-weight="700" font-family="sans-serif" fill="{colour}">'
           f"{letter}</text></svg>")
    return (f'<div style="display:flex;gap:0.7rem;align-items:flex-start;margin:0.3rem 0 0.8rem">'
            f"{svg}<div><strong>{html.escape(heading)}: {html.escape(icon.label)}</strong><br>"
            f'<span style="color:#595959">{html.escape(icon.explanation)}</span></div></div>')


def _withheld_why(made_of: str) -> str:
    """Why a figure is withheld: its own note where it gives the reason (a count withheld with
    the rate it would give away is no small number), else the small-number rule."""
    if made_of.lower().startswith("withheld"):
        return made_of[0].upper() + made_of[1:]
    return f"{WITHHELD_NOTE} {made_of}".strip()


def figures_row(figures: tuple[Figure, ...], per_row: int = 3) -> None:
    """A page's other figures as metric cards, `per_row` to a row."""
    for first in range(0, len(figures), per_row):
        for column, figure in zip(st.columns(per_row), figures[first:first + per_row], strict=False):
            withheld = figure.value == WITHHELD
            # The label as text above the figure, so a long one wraps on a phone (a metric's
            # label is cut to one line).
            column.markdown(f"**{plain(figure.label)}**")
            column.metric(figure.label, SHORT_WITHHELD if withheld else figure.value,
                          label_visibility="collapsed")
            if figure.note or withheld:
                column.caption(_withheld_why(figure.made_of) if withheld and not figure.because
                               else figure.note)


def table_block(table: board_pack.Table, room: float = tables.WIDE_WIDTH) -> None:
    """A table of the pack, sized to be read whole in `room` px (its share of the main area at
    1440 px): cells wrap in taller rows rather than being cut."""
    st.subheader(table.title)
    st.caption(table.caption)
    config, row_height = table_fit.fitted(table.frame, room)
    tables.show(table.frame, height="content", column_config=config, row_height=row_height)


# The headline table in a grid that fits a 1440 px screen whole (the main area is about 976 px
# wide beside the sidebar), and a phone with the metric pinned while the rest scrolls inside the
# grid; rows tall enough for the grid to wrap its text (it wraps above 4rem). The SPC verdicts
# come before England's figure. The two columns of sentences would need a grid twice as wide, so
# they are listed under it, by metric (the downloads keep them as columns).
HEADLINE_ROW_HEIGHT = 84
HEADLINE_NOTES = ("Local figure on England's basis", "Beside it")
HEADLINE_COLUMNS = {
    "Metric": st.column_config.TextColumn(pinned=True, width=170),
    "Made of": st.column_config.TextColumn(width=170, help="What the figure counts, suppressed "
                                           "for a board"),
    "Local target": st.column_config.TextColumn("Target", width=64, help="The local target "
                                                "(settings.toml)"),
    "Variation": st.column_config.TextColumn(width=150),
    "Assurance": st.column_config.TextColumn(width=150),
    "England": st.column_config.TextColumn(width=170),
}
QUARTER_WIDTH = 90


def headline_block(pack: BoardPack) -> None:
    table = board_pack.headline_table(pack)
    config = HEADLINE_COLUMNS | {
        pack.quarter.name: st.column_config.TextColumn(width=QUARTER_WIDTH)}
    first = [c for c in ("Metric", pack.quarter.name, "Made of", "Local target", "Variation",
                         "Assurance") if c in table.columns]
    shown = table[[*first, *(c for c in table.columns if c not in (*first, *HEADLINE_NOTES))]]
    tables.show(shown, height="content",
                row_height=HEADLINE_ROW_HEIGHT, column_config=config, key="bp_headlines")
    notes = [f"- **{plain(row['Metric'])}**: " + " ".join(
        f"{plain(row[c])}{'' if row[c].endswith(('.', '.)')) else '.'}" for c in HEADLINE_NOTES
        if c in table.columns and row[c]) for _, row in table.iterrows()
        if any(c in table.columns and row[c] for c in HEADLINE_NOTES)]
    if notes:
        st.markdown("**Read beside the headlines** (the local figure on England's basis, and "
                    "what a rate leaves out):\n\n" + "\n".join(notes))
    tables.downloads(table, f"{pack.file_stem}-headlines", "bp_headlines", sheet="Headlines")


def series_frame(page: MetricPage) -> pd.DataFrame:
    """A chart's monthly points as the xlsx appendix gives them (suppressed), percentages as
    numbers in points."""
    table = board_pack.series_table(page).drop(columns="Metric")
    return table.map(lambda v: v.points if isinstance(v, Percent) else v)


# The monthly table in the chart's place, beside the quarter's figure (2.4 of the main area's 3.4
# parts, less the gap between them), its long headings shortened with their wording as help.
CHART_ROOM = (tables.WIDE_WIDTH - 16) * 2.4 / 3.4
SERIES_LABELS = {
    "Lower process limit": st.column_config.Column(
        "Lower limit", help="Lower process limit: below it a month would not fall by chance"),
    "Upper process limit": st.column_config.Column(
        "Upper limit", help="Upper process limit: above it a month would not fall by chance"),
}


def chart_block(pack: BoardPack, page: MetricPage) -> None:
    """The page's SPC chart or its monthly table, with the downloads every chart has; a chart
    that would hold fewer than two months is the pack's sentence instead, above its table."""
    table = series_frame(page)
    key, stem = f"bp_{page.spec.metric}", f"{pack.file_stem}-{page.anchor}"
    if page.drawn:
        config, row_height = table_fit.fitted(tables.one_type_per_column(table), CHART_ROOM,
                                              SERIES_LABELS)
        tables.chart_or_table(key, page.figure, table, stem, alt=page.chart_alt,
                              column_config=config, row_height=row_height)
        return
    st.info(page.too_few, icon=":material/info:")
    # Too few months for a mean or limits: their empty columns are left off the screen (the
    # downloads keep them, as the appendix has them).
    shown = table[[c for c in table.columns if (table[c].notna() & (table[c] != "")).any()]]
    config, row_height = table_fit.fitted(tables.one_type_per_column(shown), CHART_ROOM)
    tables.show(shown, key=f"{key}_table", column_config=config, row_height=row_height)
    tables.downloads(table, stem, key)


def metric_section(pack: BoardPack, page: MetricPage) -> None:
    st.header(page.title, anchor=page.anchor)
    if page.attention:
        st.markdown(f"**Needs attention:** {page.attention}")
    left, right = st.columns([1, 2.4])
    with left:
        withheld = page.value == WITHHELD
        st.metric(pack.quarter.name, SHORT_WITHHELD if withheld else page.value, help=page.spec.title)
        st.caption(_withheld_why(page.made_of) if withheld else page.made_of)
        if page.with_exceptions:
            st.caption(page.with_exceptions)
        st.caption(f"{page.target_text} · {page.england}")
        st.markdown(icon_html(page.variation, "Variation") + icon_html(page.assurance, "Assurance"),
                    unsafe_allow_html=True)
    with right:
        chart_block(pack, page)
    st.markdown(page.reading)
    figures_row(page.figures)
    for table in page.tables:
        table_block(table)
    with st.expander("About this metric", icon=":material/info:"):
        st.markdown(page.spec.definition)
        for note in page.notes:
            st.caption(note)


def table_section(page: TablePage) -> None:
    """A page without a chart: the overdue and at-risk summaries (tables side by side), or a part
    of the wider remit (figures, then tables)."""
    st.header(page.title, anchor=page.anchor)
    figures_row(page.figures)
    if page.about:  # the wider remit's tables, one under another (wide enough to read)
        for table in page.tables:
            table_block(table)
    elif all(table_fit.fitted(t.frame, _share(page))[1] is None for t in page.tables):
        for column, table in zip(st.columns(len(page.tables)), page.tables, strict=True):
            with column:
                table_block(table, _share(page))
    else:  # a table that would wrap beside the other reads better across the page
        for table in page.tables:
            table_block(table)
    if page.about:
        with st.expander("About this page", icon=":material/info:"):
            st.markdown(page.about)
            for note in page.notes:
                st.caption(note)


def _share(page: TablePage) -> float:
    """A table's room when the page's tables sit side by side (less the gaps between them)."""
    return (tables.WIDE_WIDTH - 16 * (len(page.tables) - 1)) / len(page.tables)


def downloads(pack: BoardPack, quarter: Quarter, las: tuple[str, ...], as_of: dt.date) -> None:
    version = gateway.data_version()
    viewer = auth.current()
    labels = {"pdf": "Download PDF", "pptx": "Download PowerPoint", "xlsx": "Download xlsx appendix"}
    for column, (kind, label) in zip(st.columns(3), labels.items(), strict=True):
        column.download_button(
            label, data=auth.audited(lambda kind=kind: _file(kind, quarter, las, as_of, version),
                                     viewer, f"board pack {quarter.label} ({kind})",
                                     f"{pack.file_stem}.{kind}"),
            file_name=f"{pack.file_stem}.{kind}", mime=MIME[kind], key=f"bp_download_{kind}",
            on_click="ignore", icon=":material/download:", width="stretch")
    st.caption("Each file is made when its button is pressed (the PDF and slides take a few "
               "seconds: the charts are drawn as images).")


def render() -> None:
    st.title("Board pack")
    quarter, las, as_of = choose()
    pack = _pack(quarter, las, as_of, gateway.data_version())
    st.caption(f"{pack.subtitle} · {pack.scope}")
    if pack.partial:
        st.warning(pack.as_at, icon=":material/hourglass_top:")
    else:
        st.markdown(f"**{pack.as_at}**")
    st.info(pack.suppression_note, icon=":material/visibility_off:")
    # The sentences that open the pack's pages of measures needing attention: a DCO may reword
    # them here before downloading.
    attention.band(metrics.Filters(quarter.start, min(quarter.end, as_of), as_of, las),
                   "pack_attention", heading=False)
    downloads(pack, quarter, las, as_of)
    st.header("Headlines")
    headline_block(pack)
    for note in (pack.contents_note, pack.skipped_note):
        if note:
            st.caption(note)
    with st.expander("How to read the charts and icons", icon=":material/help:"):
        for text in board_pack.HOW_TO_READ:
            st.markdown(text)
        st.markdown("".join(icon_html(icon, icon.letter) for icon in board_pack.ICON_KEY),
                    unsafe_allow_html=True)
    for page in pack.document():
        if isinstance(page, MetricPage):
            metric_section(pack, page)
        else:
            table_section(page)


render()
