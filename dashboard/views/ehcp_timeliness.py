"""EHC plan timeliness (/ehcp-timeliness): new plans within 20 weeks, decisions within 6 weeks,
the time each stage takes, and the open cases at risk of missing 20 weeks.

DATA PROTECTION: case lists show the LA's case reference only, never a person identifier.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.components import about, charts, exceptions, filters, gateway, tables
from pipelines import benchmarks, metrics, queries
from pipelines.config import load_settings
from pipelines.metrics import (
    DECISION_DAYS,
    FIGURES,
    PLAN_DAYS,
    SMALL_DENOMINATOR,
    STAGE_MILESTONE_DAYS,
    Filters,
)
from pipelines.periods import GRAIN_NAMES, GRAIN_WORDS, with_periods

CLOSE_DAYS = 28  # "close to 20 weeks": four weeks or fewer left
DRAFT_BY_DAYS = STAGE_MILESTONE_DAYS["assessment under way"]
# Bands of days since the request (upper bound inclusive), in the order the chart shows them.
BANDS = ((DECISION_DAYS, "0-6 weeks"), (84, "6-12 weeks"), (DRAFT_BY_DAYS - 1, "12-16 weeks"),
         (PLAN_DAYS, "16-20 weeks (due within 4 weeks)"), (182, "20-26 weeks (past 20 weeks)"),
         (365, "26-52 weeks (past 20 weeks)"), (None, "over a year (past 20 weeks)"))
CASE_COLUMNS = {
    "case_id": "Case ID", "local_authority": "Local authority", "request_date": "Request received",
    "stage": "Stage now", "days_elapsed": "Days since request", "days_left": "Days left of 20 weeks",
    "due_date": "20 weeks end", "risk": "Risk", "stage_check": "Stage against its milestone",
    "lawful_exception": "Lawful exception (reg 10(4))", "reason_recorded": "Exception recorded",
}


def position_beside(f: Filters, key: str, hidden_by: str) -> None:
    """A position on the as-of date beside the rate that cannot see it (cases still waiting)."""
    value = gateway.read(metrics.ehcp_positions, f)[key]
    st.metric(f"{FIGURES[key].label} on {f.as_of:%d/%m/%Y}", f"{value:,}", border=True,
              help=about.NOTES[FIGURES[key].metric].definition)
    st.caption(f"Whatever the period: {hidden_by}, so these cases are in no rate above.")


def dfe_basis_beside_england(f: Filters) -> None:
    """The 6-week rate by year of request, as the DfE counts, beside England's figure."""
    basis = gateway.read(metrics.dfe_basis, f)
    key, year = "ehcp_decided_within_6_weeks_by_request_year", basis["dfe_basis_year"]
    local = (f"{basis[f'{key}_pct']:.1f}% ({basis[f'{key}_numerator']:,} of "
             f"{basis[f'{key}_denominator']:,} requests decided)"
             if basis[f"{key}_denominator"] else "no requests decided yet")
    small = " · small number" if 0 < basis[f"{key}_denominator"] < SMALL_DENOMINATOR else ""
    england = benchmarks.england_figure("decided_within_6_weeks_pct", f.date_to.year)
    beside = f"; England {england[0]}: {england[1]:.1f}% (DfE, same basis)" if england else ""
    st.caption(f"By year of request, as the DfE counts: requests received in {year}, "
               f"{local}{small}{beside}.")


def plans_within_20_weeks(view: filters.View, targets: dict[str, float]) -> None:
    st.header("New plans issued within 20 weeks")
    target = targets.get("ehcp_within_20_weeks_pct_excl_exceptions")
    frame = with_periods(
        gateway.read(queries.rates_table, "ehcp_plans", view.filters, view.grain), view.grain)
    grain = GRAIN_WORDS[view.grain]
    fig = charts.run_chart(
        frame, f"New EHC plans issued within 20 weeks, by {grain}", GRAIN_NAMES[view.grain],
        [("pct", "Excluding exceptions (headline)", "numerator", "denominator"),
         ("pct_incl", "Including exceptions", "numerator_incl", "denominator_incl")], target)
    england = benchmarks.england_figure("within_20_weeks_pct_excl_exceptions",
                                        view.filters.date_to.year)
    summary = charts.latest_summary(frame, "pct", "numerator", "denominator", target)
    if england:
        summary += f" England {england[0]}: {england[1]:.1f}% excluding exceptions (DfE)."
    tables.chart_or_table(
        "plans_trend", fig, tables.rate_table(frame, "Period", "Issued within 20 weeks", "Issued"),
        "ehcp-within-20-weeks", summary=summary,
        alt=f"Run chart of the percentage of new EHC plans issued within 20 weeks by {grain}, "
            "excluding and including exceptions, with the local target line")
    position_beside(view.filters, "ehcp_open_past_20_weeks",
                    "the 20-week rate counts only plans issued")
    exceptions.reasons_table("ehcp_plans", view.filters, "plans", "plans")
    about.about("ehcp_plans")


def decisions_within_6_weeks(view: filters.View, targets: dict[str, float]) -> None:
    st.header("Decisions whether to assess within 6 weeks")
    target = targets.get("ehcp_decided_within_6_weeks_pct")
    frame = with_periods(
        gateway.read(queries.rates_table, "ehcp_decisions", view.filters, view.grain), view.grain)
    grain = GRAIN_WORDS[view.grain]
    fig = charts.run_chart(frame, f"Requests decided within 6 weeks, by {grain}",
                           GRAIN_NAMES[view.grain],
                           [("pct", "Decided within 6 weeks", "numerator", "denominator")], target)
    england = benchmarks.england_figure("decided_within_6_weeks_pct", view.filters.date_to.year)
    summary = charts.latest_summary(frame, "pct", "numerator", "denominator", target)
    if england:
        summary += f" England {england[0]}: {england[1]:.1f}% (DfE)."
    table = tables.rate_table(frame, "Period", "Decided within 6 weeks", "Decided",
                              include_exceptions=False)
    tables.chart_or_table(
        "decisions_trend", fig, table, "ehcp-decided-within-6-weeks", summary=summary,
        alt=f"Run chart of the percentage of requests decided within 6 weeks by {grain}")
    dfe_basis_beside_england(view.filters)
    position_beside(view.filters, "ehcp_decisions_outstanding_past_6_weeks",
                    "the 6-week rate counts only decisions made")
    about.about("ehcp_decisions")
    about.about("ehcp_decisions_by_request_year", "About the count by year of request (DfE)")


def stages(f: Filters) -> None:
    st.header("Time spent in each stage")
    frame = gateway.read(queries.stage_durations, f)
    fig = charts.stage_boxes(frame, "Days per stage, new plans issued in the period")
    table = frame.drop(columns="step").rename(columns={
        "stage": "Stage", "plans": "Plans", "shortest": "Shortest (days)",
        "lower_quartile": "Lower quartile", "median": "Median", "upper_quartile": "Upper quartile",
        "longest": "Longest (days)"})
    total = frame[frame["step"] == frame["step"].max()] if not frame.empty else frame
    summary = (f"Median from request to final plan: {total['median'].iloc[0]:g} days "
               f"(quartiles {total['lower_quartile'].iloc[0]:g} to "
               f"{total['upper_quartile'].iloc[0]:g}), over {total['plans'].iloc[0]:,} plans."
               if not total.empty else "")
    tables.chart_or_table("stages", fig, table, "ehcp-stage-durations", summary=summary,
                          alt="Box plots of the days spent in each stage of the EHC needs "
                              "assessment, with a line at 140 days")
    about.about("stage_durations")


def classify(cases: pd.DataFrame) -> pd.DataFrame:
    """Mark each open case by how near it is to 20 weeks and whether its stage is behind."""
    risk = ["Past 20 weeks" if left < 0 else "Due within 4 weeks" if left <= CLOSE_DAYS
            else "On track" for left in cases["days_left"]]
    check = [f"behind (over {limit // 7} weeks in this stage's window)" if late else "within its window"
             for limit, late in zip(cases["stage_milestone_days"], cases["stage_late"], strict=True)]
    return cases.assign(risk=risk, stage_check=check)


def band(days: int) -> str:
    return next(label for limit, label in BANDS if limit is None or days <= limit)


def bands_table(cases: pd.DataFrame) -> pd.DataFrame:
    """Open cases by band of days since request (rows, in order) and stage (columns)."""
    counts = (cases.assign(band=[band(d) for d in cases["days_elapsed"]])
              .groupby(["band", "stage"]).size().rename("cases").reset_index())
    order = {label: i for i, (_, label) in enumerate(BANDS)} | {
        stage: i for i, stage in enumerate(STAGE_MILESTONE_DAYS)}
    return counts.sort_values(["stage", "band"], key=lambda col: col.map(order)
                              ).reset_index(drop=True)


def _highlight(row: pd.Series) -> list[str]:
    # Colour backs up the Risk column's words; it never carries the meaning alone.
    colour = {"Past 20 weeks": "background-color: #fbe3d6", "Due within 4 weeks":
              "background-color: #fdf0cc"}.get(row["Risk"], "")
    return [colour] * len(row)


def open_cases(f: Filters) -> None:
    st.header("Open cases at risk of missing 20 weeks", anchor="at-risk")
    cases = gateway.read(metrics.open_cases_at_risk, f)
    st.caption(f"Requests open on {f.as_of:%d/%m/%Y}, at every stage: those still awaiting the "
               "decision whether to assess too, so 'Past 20 weeks' here can be more than the open "
               "needs assessments past 20 weeks above, which counts assessments only. Not bound "
               "to the period.")
    if cases.empty:
        tables.no_data("No needs assessment is open.")
        return
    cases = classify(cases)
    counts = cases["risk"].value_counts()
    for column, (label, key) in zip(st.columns(3), (("Open", None), ("Past 20 weeks", "Past 20 weeks"),
                                                     ("Due within 4 weeks", "Due within 4 weeks")),
                                    strict=True):
        column.metric(label, f"{len(cases) if key is None else int(counts.get(key, 0)):,}")
    banded = bands_table(cases)
    fig = charts.stacked_bands(banded, "Open needs assessments by time since the request and "
                                       "stage", "band", "cases", "stage",
                               "Time since the request was received", "Open cases",
                               order=[label for _, label in BANDS])
    table = banded.pivot_table(index="band", columns="stage", values="cases", aggfunc="sum",
                               fill_value=0, sort=False)
    table = table.reindex([label for _, label in BANDS if label in table.index]).reset_index()
    table.columns.name = None
    tables.chart_or_table(
        "risk_bands", fig, table.rename(columns={"band": "Time since request"}),
        f"open-cases-by-time-{f.as_of:%Y-%m-%d}",
        alt="Stacked column chart of open needs assessments by weeks since the request, split "
            "by the stage each case is in",
        summary=f"{int(counts.get('Past 20 weeks', 0)):,} of {len(cases):,} open cases are past "
                f"20 weeks; {int(counts.get('Due within 4 weeks', 0)):,} reach 20 weeks within "
                "4 weeks.")
    only_risk = st.toggle("Show only cases past or within 4 weeks of 20 weeks", value=True,
                          key="at_risk_only")
    shown = cases[cases["risk"] != "On track"] if only_risk else cases
    table = tables.named_columns(shown, CASE_COLUMNS)
    tables.show(tables.highlighted(table, _highlight), key="at_risk_table", column_config={
        "Request received": st.column_config.DateColumn(format="DD/MM/YYYY"),
        "20 weeks end": st.column_config.DateColumn(format="DD/MM/YYYY")})
    tables.downloads(table, f"open-cases-at-risk-{f.as_of:%Y-%m-%d}", "at_risk",
                     sheet="Open cases at risk")
    about.about("open_cases")


def render() -> None:
    st.title("EHC plan timeliness")
    view = filters.sidebar_filters(show_services=False)
    st.caption(view.describe(services=False))
    st.markdown("[Jump to open cases at risk](#at-risk)")
    targets = load_settings().targets
    plans_within_20_weeks(view, targets)
    decisions_within_6_weeks(view, targets)
    stages(view.filters)
    open_cases(view.filters)


render()
