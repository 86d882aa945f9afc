"""Benchmarks (/benchmarks): a local authority beside its region, England and its statistical
neighbours (settings.toml) on four published measures, by calendar year, with the area's own
figure for the latest complete calendar year beside them, labelled as local data.

Published figures are the DfE's and MoJ's (Open Government Licence v3.0), imported by the user;
until then England's headline series (pipelines/reference) is all there is. Area totals only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.components import auth, gateway, tables
from dashboard.components.benchmark_charts import (
    LOCAL_LABEL,
    benchmark_chart,
    one_year_each,
    series_names,
)
from dashboard.components.text import plain
from pipelines import benchmark_local, benchmarks, config, queries, status, uploads
from pipelines.metrics import SMALL_DENOMINATOR
from pipelines.readers import FileError

SHOWN = {  # measure -> (heading, short label)
    "within_20_weeks_pct_excl_exceptions": ("EHC plans issued within 20 weeks",
                                            "Within 20 weeks (excl. exceptions)"),
    "decided_within_6_weeks_pct": ("Requests decided within 6 weeks", "Decided within 6 weeks"),
    "annual_review_decisions_within_4_weeks_pct": ("Annual review decisions within 4 weeks",
                                                   "Review decisions within 4 weeks"),
    "appeal_rate_pct": ("SEND Tribunal appeal rate", "Appeal rate"),
}
CAVEATS = {
    "within_20_weeks_pct_excl_exceptions": "The DfE notes a series break in 2023, when SEN2 "
                                           "became a person-level return.",
    "decided_within_6_weeks_pct": "Published from 2023 only.",
    "annual_review_decisions_within_4_weeks_pct": "First published for 2024.",
    "appeal_rate_pct": "A small rate: a few appeals move it. The MoJ's 'in development' rate "
                       "(2024 only) uses another denominator and is not shown here.",
}
PUBLISHED = "DfE published"
LOCAL = "Local data (not DfE published)"
HOW_TO_IMPORT = (
    "Download the DfE's *Education, health and care plans* release (explore-education-"
    "statistics.service.gov.uk, 'Download all data', a zip) and, for the appeal rate, the SEND "
    "Tribunal appeal-rate table (`send_tribunals_and_appeal_rate_*.csv`); files are recognised "
    "by what they hold, under any name. Then import them, either from the command line:\n\n"
    "    python -m pipelines benchmarks import PATH   # a folder, the zip, or one file\n\n"
    "or with **Import a DfE release** at the foot of this page. Importing again replaces the "
    "figures of the files imported.")


def _la_options() -> tuple[list[str], set[str]]:
    area = config.load_settings().area_las
    others = [la for la in gateway.read(queries.published_las) if la not in area]
    return area + others, set(area)


def _describe(la: str) -> str:
    settings = config.load_settings()
    local = next((x for x in settings.local_authorities if x.name == la), None)
    known = next((x for x in settings.england if x.name == la), None)
    region = known.region if known and known.region else None
    neighbours = [config.canonical_la(n) or n for n in (local.statistical_neighbours if local
                                                         else ())]
    parts = [f"Region: {region}." if region else
             "Region: none (not in the DfE's list of English local authorities)."]
    parts.append("Statistical neighbours (settings.toml): " + ", ".join(neighbours) + "."
                 if neighbours else "No statistical neighbours are set for it in settings.toml.")
    return " ".join(parts)


def _as_of() -> dt.date:
    return gateway.read(queries.filter_options).latest_as_of or dt.date.today()


def _fmt(value: float | None, unit: str = "%") -> str:
    return "-" if value is None or pd.isna(value) else f"{value:.1f}{unit}"


def _latest(frame: pd.DataFrame, role: str) -> str:
    rows = frame[frame.role == role].dropna(subset=["value"])
    if rows.empty:
        return "-"
    if role == "statistical neighbour":
        year = int(rows.year.max())
        values = rows[rows.year == year].value
        span = _fmt(values.min()) if len(values) == 1 else f"{_fmt(values.min())} to {_fmt(values.max())}"
        return f"{span} ({year}, {len(values)} of them)"
    row = rows.sort_values("year").iloc[-1]
    return f"{_fmt(row.value)} ({int(row.year)})"


def summary_table(la: str, frames: dict[str, pd.DataFrame], local: pd.DataFrame, year: int,
                  appeals: int | None = None) -> pd.DataFrame:
    """One row per measure: the latest published figure of each comparator, and the local one
    (for the appeal rate, which the local records cannot make, the appeals registered)."""
    rows = []
    for measure, frame in frames.items():
        mine = local[local.measure == measure]
        if len(mine):
            own = _fmt(mine.value.iloc[0])
        elif measure == "appeal_rate_pct" and appeals is not None:
            own = f"no rate ({appeals:,} appeals)"
        else:
            own = "-"
        rows.append({  # in the order glance_columns sizes them
            "Measure": SHOWN[measure][1],
            f"{la} (published)": _latest(frame, "local authority"),
            f"{la}: local data {year}": own,
            "England": _latest(frame, "England"),
            "Statistical neighbours": _latest(frame, "statistical neighbour"),
            "Region": _latest(frame, "region"),
        })
    return pd.DataFrame(rows)


def glance_columns(la: str, year: int) -> dict[str, Any]:
    """The measure and the area's figures beside England's first, sized to fit a phone
    (tables.PHONE_WIDTH), with short labels; the neighbours' and the region's after them."""
    return {
        "Measure": st.column_config.TextColumn(width=110),
        f"{la} (published)": st.column_config.TextColumn(
            "Published", width=80, help=f"{la}'s latest figure as published (the DfE or MoJ)"),
        f"{la}: local data {year}": st.column_config.TextColumn(
            f"Local {year}", width=78, help=f"{la}'s own figure for {year}, from local data"),
        "England": st.column_config.TextColumn(width=82),
        "Statistical neighbours": st.column_config.TextColumn(width=160),
        "Region": st.column_config.TextColumn(width=100),
    }


def chart_table(published: pd.DataFrame, local: pd.DataFrame) -> pd.DataFrame:
    """The figures the chart draws: the published rows as `comparison` gives them, then the
    local figure, each with its source."""
    out = published.assign(source=PUBLISHED)
    if not local.empty:
        out = pd.concat([out, local.assign(role="local data", source=LOCAL)[out.columns]],
                        ignore_index=True)
    return out.rename(columns={"area": "Area", "role": "Role", "year": "Year", "value": "Value",
                               "numerator": "Numerator", "denominator": "Denominator",
                               "source": "Source"})


def _dataset(measure: str) -> str | None:
    """The release dataset (one file) a measure is imported from."""
    return next((d for d, ms in benchmarks.DATASET_MEASURES.items() if measure in ms), None)


def about_measure(measure: str, la: str, year: int, as_of: dt.date) -> None:
    spec = benchmarks.MEASURES[measure]
    imported = gateway.read(queries.latest_benchmark_imports)
    mine = imported[imported.dataset == _dataset(measure)]
    with st.expander("About this metric", icon=":material/info:"):
        st.markdown(f"**Definition (published).** {spec.description}")
        st.markdown(f"**Caveats.** {CAVEATS[measure]} Figures are as published, never "
                    "recomputed; where the file has a symbol (c suppressed, low rounds to zero, x or : not "
                    "available, z not applicable, u low reliability, .. or ~ as the MoJ's legend "
                    "says) the symbol is named above the chart, never drawn as a value.")
        local = benchmark_local.LOCAL_MEASURES.get(measure)
        st.markdown(f"**Local data ({year}, as of {as_of:%d/%m/%Y}).** "
                    + (local.definition if local else benchmark_local.APPEAL_RATE_NOTE)
                    + " Local figures come from the files loaded on the Load data page and are "
                      "not DfE statistics.")
        if mine.empty:
            st.markdown("**Data.** Not imported: England's figures only, from "
                        "`pipelines/reference/england_headlines.csv` (DfE, 2025 release)"
                        + ("" if measure != "appeal_rate_pct" else
                           ", which has no appeal rate") + f". Source file: {spec.source}.")
        else:
            row = mine.iloc[0]
            st.markdown(f"**Data.** Imported from {plain(row.file)} on {row.imported_at:%d/%m/%Y %H:%M} "
                        f"({row.rows:,} rows; SHA-256 {row.sha256[:12]}). "
                        f"Source file: {spec.source}.")


def measure_section(measure: str, la: str, frame: pd.DataFrame, local: pd.DataFrame, year: int,
                    as_of: dt.date, appeals: int | None, published_anywhere: bool) -> None:
    heading, _ = SHOWN[measure]
    st.header(heading, anchor=measure.replace("_", "-"))
    mine = local[local.measure == measure][["area", "year", "value", "numerator", "denominator"]]
    imported = _dataset(measure) in set(gateway.read(queries.latest_benchmark_imports).dataset)
    if imported and published_anywhere and "local authority" not in set(frame.role):
        st.caption(f"The imported release has no figure for {la} on this measure.")
    symbols = gateway.read(queries.published_symbols, la, measure)
    if symbols:
        st.caption(f"{la}: no figure published for " + "; ".join(symbols) + ".")
    small = frame[(frame.denominator > 0) & (frame.denominator < SMALL_DENOMINATOR)]
    if len(small):
        st.warning("Small denominators (fewer than "
                   f"{SMALL_DENOMINATOR} cases; a rate moves a lot on one case): "
                   + "; ".join(f"{r.area} {int(r.year)}: {int(r.numerator)} of {int(r.denominator)}"
                               if pd.notna(r.numerator) else f"{r.area} {int(r.year)}: "
                               f"{int(r.denominator)} cases" for r in small.itertuples()) + ".",
                   icon=":material/warning:")
    if measure == "appeal_rate_pct" and appeals is not None:
        st.caption(f"{la} local data: {appeals:,} appeals registered in {year}. "
                   + benchmark_local.APPEAL_RATE_NOTE)
    if frame.empty and mine.empty:
        source = benchmarks.MEASURES[measure].source.split(" (")[0]
        st.info(f"No published figures to show: `{source}` has not been imported, and England's "
                "bundled headline series does not hold this measure." if not imported else
                "The imported release has no figures for this measure.", icon=":material/info:")
        about_measure(measure, la, year, as_of)
        return
    table = chart_table(frame, mine)
    points = int(frame["value"].notna().sum()) + int(mine["value"].notna().sum())
    if points < 2:
        st.caption(("No chart: there is only one figure to show" if points else
                    "No chart: every figure here is a symbol, not a value")
                   + ", and a chart needs at least two points to compare. The table holds it.")
        tables.show(table, key=f"bench_{measure}_table")
        about_measure(measure, la, year, as_of)
        return
    bars = one_year_each(frame)  # no area with two years: labelled bars, not lone dots
    highlight = None if bars else tables.highlight_choice(f"bench_{measure}", series_names(frame))
    fig = benchmark_chart(frame, mine, f"{heading}: {la} and comparators, by calendar year", la,
                          highlight=highlight)
    summary = []
    if len(mine):
        row = mine.iloc[0]
        summary.append(f"{la} {year} ({LOCAL_LABEL}): {_fmt(row.value)}, {int(row.numerator):,} "
                       f"of {int(row.denominator):,}.")
    for role, words in (("local authority", f"{la} (DfE published)"), ("England", "England")):
        rows = frame[frame.role == role].dropna(subset=["value"])
        if len(rows):
            last = rows.sort_values("year").iloc[-1]
            summary.append(f"{words} {int(last.year)}: {_fmt(last.value)}.")
    tables.chart_or_table(
        f"bench_{measure}", fig, table, f"benchmarks-{la.lower().replace(' ', '-')}-{measure}",
        alt=(f"Bar chart of {heading.lower()}: the one published year of each of {la}'s "
             "comparators and its local figure, each labelled with its value" if bars else
             f"Line chart of {heading.lower()} by calendar year for {la}, its region, England "
             "and its statistical neighbours, with the local figure as a star"),
        summary=" ".join(summary),
        column_config={"Year": st.column_config.NumberColumn(format="%d"),
                       "Value": st.column_config.NumberColumn(format="%.1f")})
    about_measure(measure, la, year, as_of)


def import_form() -> None:
    viewer = auth.current()
    with st.expander("Import a DfE release", icon=":material/upload_file:"):
        if not viewer.can("dco"):
            st.info("Sign in as a DCO or admin to import the DfE's figures.", icon=":material/lock:")
            return
        st.markdown("The release zip, or its CSVs (`timeliness_20_week.csv`, `requests.csv`, "
                    "`annual_reviews.csv`, `sen2_dmo_dco.csv`) and the appeal-rate table, under "
                    "any names; NHS England's community health services waiting-list workbook "
                    "too. Files are recognised by what they hold. Each dataset imported "
                    "replaces its earlier figures; a file that cannot be read changes nothing.")
        files = st.file_uploader("Release files", type=["zip", "csv", "xlsx"],
                                 accept_multiple_files=True,
                                 key="bench_upload")
        if st.button("Import", disabled=not files, key="bench_import", type="primary"):
            names = [f.name for f in files]
            if len(files) > 1 and any(n.lower().endswith(".zip") for n in names):
                st.error("Upload either one zip or the CSV files, not both.")
                return
            try:
                with st.spinner("Importing..."):
                    result = gateway.write(uploads.import_benchmarks,
                                           [(f.name, f.getvalue()) for f in files],
                                           actor=viewer.actor)
            except (FileError, ValueError) as exc:
                st.error(f"Nothing was imported: {plain(exc)}", icon=":material/error:")
                return
            st.session_state["bench_result"] = [benchmarks.describe_import(f)
                                                for f in result["files"]]
            st.rerun()
        for line in st.session_state.get("bench_result", []):
            st.success(f"Imported {line}", icon=":material/check_circle:")


def render() -> None:
    st.title("Benchmarks")
    st.caption("Published figures for a local authority beside its region, England and its "
               "statistical neighbours, by calendar year (the DfE's year), with the area's own "
               "figure for the latest complete calendar year, from local data.")
    log = gateway.read(queries.benchmark_imports)
    if log.empty:
        st.info("**No DfE release imported yet.** England's headline series still shows (from "
                "the DfE's 2025 release, bundled with the dashboard), with the area's own "
                "figures; regions, local authorities and statistical neighbours appear once the "
                "release is imported.\n\n" + HOW_TO_IMPORT, icon=":material/info:")
    else:
        latest = log.imported_at.max()
        st.caption(f"Release last imported {latest:%d/%m/%Y %H:%M}: "
                   + plain(", ".join(sorted(set(gateway.read(queries.latest_benchmark_imports).file))))
                   + ".")

    options, area = _la_options()
    if not options:
        tables.no_data("No local authority is set in settings.toml and no release is imported.")
        return
    la = st.selectbox("Local authority", options, key="bench_la",
                      format_func=lambda x: f"{x} (this area)" if x in area else x,
                      help="The area's local authorities (settings.toml), then every local "
                           "authority in the imported release.")
    st.caption(_describe(la))
    flags = gateway.read(queries.dmo_dco_flags, la)
    if flags:
        year, latest = list(flags.items())[-1]
        st.caption(f"In post, as {la} told the DfE for {year} (SEN2): designated medical officer "
                   f"{latest['dmo'] or '-'}; designated clinical officer {latest['dco'] or '-'}; "
                   f"designated social care officer {latest['dsco'] or '-'}.")
    as_of = _as_of()
    year = benchmark_local.latest_complete_year(as_of)
    local = gateway.read(benchmark_local.local_figures, la, year, as_of)
    appeals = gateway.read(benchmark_local.local_appeals, la, year, as_of)
    frames = {m: gateway.read(benchmarks.comparison, la, m) for m in SHOWN}
    published_anywhere = any((f.role == "local authority").any() for f in frames.values())
    if not published_anywhere:
        fictional = " (the sample area's local authorities are invented)" if (
            gateway.read(status.provenance) == "synthetic" and la in area) else ""
        beside = ["England"] + [words for role, words in (
            ("region", "its region"), ("statistical neighbour", "its statistical neighbours"))
            if any((f.role == role).any() for f in frames.values())]
        st.caption(f"The DfE publishes no figures under the name {la}{fictional}: its own "
                   f"figures below are local data for {year}, set beside "
                   f"{', '.join(beside[:-1]) + ' and ' + beside[-1] if len(beside) > 1 else beside[0]}.")

    st.subheader("At a glance: the latest figure of each")
    glance = summary_table(la, frames, local, year, appeals)
    if local.empty and appeals is None:  # an LA outside the area: no local records
        glance = glance.drop(columns=f"{la}: local data {year}")
    tables.show(glance, key="bench_glance", row_height=tables.WRAPPED_ROW_HEIGHT,
                column_config=glance_columns(la, year))
    local_words = (f"; local data are {year}, the latest complete calendar year before "
                   f"{as_of:%d/%m/%Y}. Compare like with like: the latest published year may be "
                   "earlier." if f"{la}: local data {year}" in glance.columns else
                   f". The local records hold nothing for {la}.")
    st.caption("Published figures are the latest year each comparator has" + local_words)
    for measure, frame in frames.items():
        measure_section(measure, la, frame, local, year, as_of, appeals, published_anywhere)
    import_form()


render()
