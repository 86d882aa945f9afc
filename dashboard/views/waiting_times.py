"""Waiting times (/waiting-times): how many children wait for health services, how many over 18
and 52 weeks, by service (the autism and ADHD assessment pathways flagged against NICE's 13
weeks), provider and local authority, now and month by month.

DATA PROTECTION: providers' returns hold counts only; nothing here identifies a child.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.components import about, charts, filters, gateway, tables
from dashboard.components.text import plain
from pipelines import config, metrics, periods, queries
from pipelines.counts import SUPPRESSED_AT_SOURCE
from pipelines.metrics import AUTISM_ASSESSMENT_WEEKS, Filters
from pipelines.periods import shorts
from pipelines.vocab import LOCAL_TO_CHS

AREA_WIDE = "Area-wide (no local authority)"
SPLITS = {"Service": "service", "Provider": "provider", "Local authority": "local_authority"}
MEASURES = {  # name: (value column, (numerator, denominator) or None for a count, axis title)
    "Share waiting over 18 weeks": ("over_18_weeks_pct", ("over_18_weeks", "total_reporting_18"),
                                    "Per cent of those waiting"),
    "Share waiting over 52 weeks": ("over_52_weeks_pct", ("over_52_weeks", "total_reporting_52"),
                                    "Per cent of those waiting"),
    "Children waiting": ("waiting_total", None, "Children waiting at the month's end"),
    "Referrals received": ("referrals_received", None, "Referrals received in the month"),
}
PATHWAYS = ("Autism Assessment", "ADHD Assessment", "Neurodevelopmental Pathway")
CURRENT_COLUMNS = {
    "service": "Service", "provider": "Provider", "local_authority": "Local authority",
    "month": "Latest return", "waiting_total": "Children waiting",
    "over_18_weeks": "Over 18 weeks", "over_18_weeks_pct": "Over 18 weeks (%)",
    "over_52_weeks": "Over 52 weeks", "over_52_weeks_pct": "Over 52 weeks (%)",
    "median_weeks_waiting_worst": "Median weeks waiting (worst return)",
    "nice_weeks": "NICE standard (weeks)", "nice_flag": "Median over NICE standard",
    "referrals_received": "Referrals in the month", "suppressed": "Suppressed at source",
}
# (count or share, how many returns' figures it left out as suppressed at source, in words)
SUPPRESSIBLE = (("waiting_total", "waiting_total_suppressed", "total"),
                ("over_18_weeks_pct", "over_18_weeks_suppressed", "over 18 weeks"),
                ("over_52_weeks_pct", "over_52_weeks_suppressed", "over 52 weeks"),
                ("referrals_received", "referrals_received_suppressed", "referrals"))


def percent(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.1f}%"


def month_text(start: Any) -> str:
    """A return's month as people read it ("Jan 2026"), from its first day."""
    return shorts("month", [start])[0]


def returns(count: int) -> str:
    return f"{count:,} return{'' if count == 1 else 's'}"


def children(value: Any, left_out: int) -> str:
    """Children waiting in words: a total with a part suppressed at source is withheld."""
    return SUPPRESSED_AT_SOURCE if left_out or pd.isna(value) else f"{int(value):,}"


def left_out_note(row: Any, col: str) -> str:
    """What a share or total leaves out as suppressed at source ('' if nothing)."""
    count = int(row[col]) if col in row else 0
    return (f"; {returns(count)} with a figure suppressed at source left out, not counted as 0"
            if count else "")


def with_suppressed(frame: pd.DataFrame) -> pd.DataFrame:
    """A table's figures that take in a count the provider suppressed, in words: a total or
    referrals figure withheld, or a share with no return left, reads "suppressed at source",
    and a column names what each row leaves out. Tables only: charts leave such a value out."""
    out = frame.copy()
    notes = [[] for _ in range(len(out))]
    for col, flag, words in SUPPRESSIBLE:
        if col not in out or flag not in out:
            continue
        for i, count in enumerate(out[flag]):
            if count:
                notes[i].append(f"{words} ({returns(int(count))})")
        hidden = (out[flag] > 0) & out[col].isna()
        if hidden.any():
            out[col] = [SUPPRESSED_AT_SOURCE if h else "" if pd.isna(v) else f"{v:,.1f}" if "pct" in col
                        else f"{int(v):,}" for v, h in zip(out[col], hidden, strict=True)]
    if any(notes):  # a column only where a figure was suppressed
        out["suppressed"] = ["; ".join(n) for n in notes]
    return out


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Area-wide returns (no local authority) named, NICE flags in words, months readable."""
    out = frame.copy()
    if "local_authority" in out:
        out["local_authority"] = [la or AREA_WIDE for la in out["local_authority"]]
    if "group" in out:
        out["group"] = [g or AREA_WIDE for g in out["group"]]
    if "median_over_nice" in out:
        out["nice_flag"] = ["yes: over NICE's 13 weeks" if flag is True else
                            "no" if flag is False else "" for flag in out["median_over_nice"]]
    if "month" in out:
        out["month"] = shorts("month", out["start"])
    return out


def current_position(f: Filters) -> bool:
    st.header("Waiting lists now")
    latest = gateway.read(queries.latest_waiting, f)
    current = gateway.read(metrics.waiting_times_current, f)
    if latest is None or current.empty:
        tables.no_data(f"No waiting-list return on or before {f.as_of:%d/%m/%Y}.")
        return False
    row = latest.row
    latest_month = month_text(row["start"])
    st.caption(f"Each service's latest monthly return on or before {f.as_of:%d/%m/%Y}; the period "
               f"does not apply. Totals: all services at the end of {latest_month}.")
    if len(latest.services) < len(latest.reporting):
        behind = sorted(set(latest.reporting) - set(latest.services))
        st.warning(f"Not every service has a return for {latest_month}: the totals "
                   f"leave out {plain(', '.join(behind))}.", icon=":material/warning:")
    columns = st.columns(3)
    withheld = int(row["waiting_total_suppressed"])
    # A total with a service's total suppressed at source is at least the totals given.
    columns[0].metric("Children waiting", f"{int(row['waiting_total_given']):,}+" if withheld
                      else f"{int(row['waiting_total']):,}",
                      help=about.NOTES["waiting_current"].definition)
    columns[0].caption(f"{len(latest.services)} services, {latest_month}" + (
        f"; '+': at least this many, as {returns(withheld)} suppressed the total at source "
        "(not counted as 0)"
        if withheld else ""))
    for column, (label, pct, num, den) in zip(columns[1:], (
            ("Waiting over 18 weeks", "over_18_weeks_pct", "over_18_weeks", "total_reporting_18"),
            ("Waiting over 52 weeks", "over_52_weeks_pct", "over_52_weeks", "total_reporting_52")),
            strict=True):
        column.metric(label, percent(row[pct]))
        column.caption(f"{int(row[num]):,} of {int(row[den]):,} children waiting"
                       + left_out_note(row, pct.replace("_pct", "_suppressed")))
    autism = current[current["service"] == "Autism Assessment"]
    for item in autism.itertuples():
        if item.median_over_nice:
            # A warning, not st.error: the page has not failed, a standard is not being met.
            st.warning(f"**Autism assessment: median wait so far {item.median_weeks_waiting_worst:g} "
                     f"weeks** (worst of the returns, {month_text(item.start)}), against NICE's "
                     f"{AUTISM_ASSESSMENT_WEEKS} weeks from referral to the start of assessment. "
                     f"{percent(item.over_18_weeks_pct)} of the children waiting "
                     f"({children(item.waiting_total, item.waiting_total_suppressed)}) have "
                     "waited over 18 weeks.", icon=":material/report:")
    tabs = st.tabs([f"By {name.lower()}" for name in SPLITS])
    for tab, (name, by) in zip(tabs, SPLITS.items(), strict=True):
        with tab:
            frame = readable(gateway.read(metrics.waiting_times_current, f, None if by == "service" else by))
            long = pd.concat([pd.DataFrame({
                "category": frame["service"] if by == "service" else
                [f"{s} · {g}" for s, g in zip(frame["service"], frame[by], strict=True)],
                "measure": measure, "pct": frame[f"{col}_pct"], "numerator": frame[col],
                "denominator": frame[den]}) for measure, col, den in (
                ("Over 18 weeks", "over_18_weeks", "total_reporting_18"),
                ("Over 52 weeks", "over_52_weeks", "total_reporting_52"))], ignore_index=True)
            order = {c: i for i, c in enumerate(dict.fromkeys(long["category"]))}
            long = long.sort_values("category", key=lambda col: col.map(order), kind="stable")
            fig = charts.share_bars(
                long, "Children waiting over 18 and over 52 weeks, latest return"
                      + ("" if by == "service" else f", by service and {name.lower()}"),
                "category", "Service" if by == "service" else f"Service · {name.lower()}",
                series="measure")
            table = tables.named_columns(with_suppressed(frame), CURRENT_COLUMNS)
            worst = frame.sort_values("over_18_weeks_pct", ascending=False).iloc[0]
            tables.chart_or_table(
                f"waiting_now_{by}", fig, table, f"waiting-lists-latest-by-{by.replace('_', '-')}",
                alt="Grouped bar chart of the percentage of children waiting over 18 and over 52 "
                    f"weeks by service{'' if by == 'service' else ' and ' + name.lower()}",
                summary=f"Longest waits: {worst['service']}"
                        + ("" if by == "service" else f" ({worst[by]})")
                        + f", {percent(worst['over_18_weeks_pct'])} over 18 weeks.")
    about.about("waiting_current")
    return True


def pathways(f: Filters) -> None:
    st.header("Autism and ADHD assessment pathways")
    st.caption(f"NICE (CG128): an autism assessment should start within {AUTISM_ASSESSMENT_WEEKS} "
               "weeks of the referral. The median is of the time waited so far by those still "
               "waiting, a lower bound on their wait. The combined neurodevelopmental pathway "
               "includes autism assessments but carries no NICE flag in the metric.")
    splits = (("provider", "Provider"), ("local_authority", "Local authority"))
    for tab, (by, name) in zip(st.tabs([f"By {n.lower()}" for _, n in splits]), splits, strict=True):
        with tab:
            frame = readable(gateway.read(metrics.waiting_times_current, f, by))
            frame = frame[frame["service"].isin(PATHWAYS)].reset_index(drop=True)
            frame = frame.assign(category=[f"{s} · {g}" for s, g in
                                           zip(frame["service"], frame[by], strict=True)])
            fig = charts.value_bars(
                frame, "category", "median_weeks_waiting_worst",
                f"Median weeks waited so far on the assessment pathways, by {name.lower()}",
                "Median weeks waiting (worst return)", f"Pathway · {name.lower()}",
                references=[(AUTISM_ASSESSMENT_WEEKS, f"NICE: autism assessment within "
                                                      f"{AUTISM_ASSESSMENT_WEEKS} weeks")],
                unit=" weeks")
            table = tables.named_columns(with_suppressed(frame), {k: CURRENT_COLUMNS[k] for k in (
                "service", by, "month", "waiting_total", "over_18_weeks_pct", "over_52_weeks_pct",
                "median_weeks_waiting_worst", "nice_weeks", "nice_flag", "suppressed")})
            over = frame[frame["nice_flag"].str.startswith("yes")]
            tables.chart_or_table(
                f"pathways_{by}", fig, table, f"assessment-pathways-latest-by-{by.replace('_', '-')}",
                alt=f"Bar chart of the median weeks waited on the autism, ADHD and "
                    f"neurodevelopmental pathways by {name.lower()}, with NICE's 13 weeks as a line",
                summary=f"{len(over)} of {int((frame['service'] == 'Autism Assessment').sum())} "
                        f"autism assessment returns have a median wait over NICE's "
                        f"{AUTISM_ASSESSMENT_WEEKS} weeks." if len(frame) else "")


def trend(f: Filters) -> None:
    st.header("Month by month")
    left, right = st.columns(2)
    measure = left.selectbox("Measure", list(MEASURES), key="waiting_trend_measure")
    split = right.segmented_control("Lines by", list(SPLITS), default="Service", required=True,
                                    key="waiting_trend_split")
    column, parts, y_title = MEASURES[measure]
    frame = readable(gateway.read(metrics.waiting_times_trend, f, SPLITS[split]))
    frame = frame.assign(period=shorts("month", frame["start"]))
    st.caption("Monthly returns in the period chosen, summed over the providers and local "
               "authorities in each line. Returns run a month behind. A count a provider "
               "suppressed at source (\"<5\", \"*\") is unknown, not 0: a total taking one in is "
               "withheld, and a share leaves out the returns missing a part.")
    highlight = tables.highlight_choice("waiting_trend",
                                        [str(g) for g in dict.fromkeys(frame["group"])])
    fig = charts.group_lines(frame, f"{measure}, by month and {split.lower()}", "Month", "group",
                             column, y_title, parts=parts, highlight=highlight)
    table = tables.named_columns(with_suppressed(frame), {
        "period": "Month", "group": split, "waiting_total": "Children waiting",
        "over_18_weeks": "Over 18 weeks", "over_18_weeks_pct": "Over 18 weeks (%)",
        "over_52_weeks": "Over 52 weeks", "over_52_weeks_pct": "Over 52 weeks (%)",
        "referrals_received": "Referrals received", "suppressed": "Suppressed at source"})
    tables.chart_or_table(
        "waiting_trend", fig, table, f"waiting-lists-by-month-and-{SPLITS[split].replace('_', '-')}",
        alt=f"Line chart of {measure.lower()} by month, one line per {split.lower()}")
    about.about("waiting_trend")


NHS_COLUMNS = {"service": "NHS England service line", "org_type": "Level", "org_name": "Organisation",
               "total": "Children waiting", "over_18_weeks": "Over 18 weeks",
               "over_18_weeks_pct": "Over 18 weeks (%)", "over_52_weeks": "Over 52 weeks",
               "over_52_weeks_pct": "Over 52 weeks (%)", "note": "Note"}


def against_england(f: Filters) -> None:
    """The area's ICB and its providers beside England, from NHS England's CHS waiting lists,
    for the service lines the local returns map onto."""
    st.header("Against England (NHS England)")
    local = sorted(set(gateway.read(metrics.waiting_times_current, f)["service"]))
    lines = list(dict.fromkeys(LOCAL_TO_CHS[s] for s in local if s in LOCAL_TO_CHS))
    icb = config.load_settings().icb
    frame = gateway.read(queries.nhs_waiting, tuple(lines)) if lines else pd.DataFrame()
    if frame.empty:
        tables.no_data("Import NHS England's community health services waiting-list workbook "
                       "(`python -m pipelines benchmarks import FILE`) to compare with England.")
        return
    if not icb:
        st.markdown("Set `icb` (and `providers`) under [area] in settings.toml to show the ICB.")
    month = periods.parse("month", str(frame["month"].iloc[0]))
    shown_month = month.short if month else frame["month"].iloc[0]
    st.caption(f"Children's service lines, end of {shown_month}: England, "
               f"{icb or 'the ICB'} and its providers. Local services counted: "
               + "; ".join(f"{s} as {LOCAL_TO_CHS[s]}" for s in local if s in LOCAL_TO_CHS) + ".")
    if frame["total"].isna().any():
        st.caption("A blank figure: 'no submission' where the organisation sent none, the "
                   "symbol's meaning where NHS England published a symbol instead (\"*\": "
                   "suppressed); neither is counted as 0, and no share is taken of it.")
    tables.show(tables.named_columns(frame, NHS_COLUMNS))
    tables.downloads(tables.named_columns(frame, NHS_COLUMNS), "nhs-england-waiting-lists",
                     "nhs_waiting")


def render() -> None:
    st.title("Health service waiting times")
    view = filters.sidebar_filters(show_services=False)
    st.caption(view.describe(services=False))
    # The sidebar's health services filter names advice services; it does not apply here.
    f = dataclasses.replace(view.filters, services=())
    if f.las:
        st.caption("The CAMHS partnership reports for the whole area, not by local authority: "
                   "its services (CAMHS, the neurodevelopmental pathway) are left out while local "
                   "authorities are chosen.")
    if not current_position(f):
        return
    pathways(f)
    trend(f)
    against_england(f)


render()
