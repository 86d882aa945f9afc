"""Health advice (/health-advice): is health returning EHC needs assessment advice within 6 weeks,
where not, and which requests are overdue now (the DCO's action list).
DATA PROTECTION: record-level rows show LA and service references only, never a person identifier.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.components import about, charts, data_access, filters, tables
from dashboard.components.periods import GRAIN_NAMES, GRAIN_WORDS, with_periods
from pipelines.config import load_settings
from pipelines.metrics import ADVICE_DAYS, Filters

OVERDUE_COLUMNS = {
    "advice_id": "Advice ID", "case_id": "Case ID", "days_overdue": "Days overdue",
    "due_date": "Due", "service": "Service", "local_authority": "Local authority",
    "provider": "Provider", "requested_date": "Received",
    "lawful_exception": "Lawful exception (reg 8(2))", "reason_recorded": "Reason recorded",
    "stage": "Request type",
}
DIMENSIONS = (("service", "Service"), ("provider", "Provider"), ("local_authority", "Local authority"))


def timeliness_by_period(view: filters.View, target: float | None) -> None:
    st.header("Returned within 6 weeks")
    frame = with_periods(data_access.rates("health_advice", view.filters, view.grain), view.grain)
    grain = GRAIN_WORDS[view.grain]
    fig = charts.run_chart(
        frame, f"Health advice returned within 6 weeks, by {grain}", GRAIN_NAMES[view.grain],
        [("pct", "Excluding lawful exceptions", "numerator", "denominator"),
         ("pct_incl", "Including exceptions", "numerator_incl", "denominator_incl")], target)
    table = tables.rate_table(frame, "Period", "Returned within 6 weeks", "Due")
    tables.chart_or_table(
        "advice_trend", fig, table, "health-advice-within-6-weeks",
        alt=f"Run chart of the percentage of health advice returned within 6 weeks by {grain}, "
            "with the local target line",
        summary=charts.latest_summary(frame, "pct", "numerator", "denominator", target))
    about.about("health_advice")


def timeliness_by_dimension(f: Filters, target: float | None) -> None:
    st.header("By service, provider and local authority")
    for tab, (column, name) in zip(st.tabs([f"By {n.lower()}" for _, n in DIMENSIONS]), DIMENSIONS,
                                   strict=True):
        with tab:
            frame = data_access.rates("health_advice", f, column)
            fig = charts.rate_bars(frame, f"Health advice returned within 6 weeks, by "
                                          f"{name.lower()}", name, target,
                                   name="Returned within 6 weeks")
            table = tables.rate_table(frame, name, "Returned within 6 weeks", "Due")
            tables.chart_or_table(
                f"advice_by_{column}", fig, table, f"health-advice-by-{column.replace('_', '-')}",
                alt=f"Bar chart of the percentage of health advice returned within 6 weeks by "
                    f"{name.lower()}")


def distribution(f: Filters) -> None:
    st.header("Days taken to return advice")
    frame = data_access.days_to_return(f)
    last = data_access.OVER_26_WEEKS
    frame = frame.assign(days=[f"{7 * w - 6 if w > 1 else 0}-{7 * w} days" if w < last
                               else f"more than {7 * (last - 1)} days" for w in frame["week"]])
    fig = charts.days_histogram(frame, "Health advice returned, by days taken", ADVICE_DAYS, last)
    table = pd.DataFrame({
        "Week": frame["week"], "Days taken": frame["days"], "Advice returned": frame["requests"],
        "Within 42 days": ["yes" if w * 7 <= ADVICE_DAYS else "no" for w in frame["week"]],
    })
    within = int(frame.loc[frame["week"] * 7 <= ADVICE_DAYS, "requests"].sum())
    total = int(frame["requests"].sum())
    tables.chart_or_table(
        "advice_days", fig, table, "health-advice-days-to-return",
        alt="Histogram of health advice returned by week taken, with a line at 42 days",
        summary=f"{within:,} of {total:,} returns took 42 days or fewer." if total else "")
    about.about("days_to_return")


def exceptions(f: Filters) -> None:
    st.header("Exceptions and reasons for delay")
    frame = data_access.advice_exceptions(f)
    frame["reason"] = [r[:1].upper() + r[1:] for r in frame["reason"]]
    fig = charts.category_bars(frame, "Reasons recorded for late health advice: lawful or not",
                               "reason", "requests", "lawful", "Requests", "Reason recorded")
    table = frame.rename(columns={"lawful": "Lawful?", "reason": "Reason recorded",
                                  "requests": "Requests", "late_or_overdue": "Late or overdue"})
    unlawful = int(frame.loc[frame["lawful"] != "Lawful (reg 8(2))", "requests"].sum())
    tables.chart_or_table(
        "advice_exceptions", fig, table, "health-advice-exceptions",
        alt="Bar chart of reasons recorded for late health advice, lawful reg 8(2) exceptions "
            "and reasons that are not lawful exceptions",
        summary=(f"{unlawful:,} requests carry a reason that is not a lawful exception: they "
                 "count as late if returned after 42 days."))
    about.about("advice_exceptions")


def quality(f: Filters) -> None:
    st.header("Quality of advice")
    by_score, by_service = data_access.quality_scores(f)
    if by_score.empty:
        tables.no_data("No quality scores are recorded for this selection.")
        return
    fig = charts.simple_bars(by_score, "score", "advice", "Health advice by quality audit score",
                             "Quality score", "Advice scored")
    table = by_score.rename(columns={"score": "Quality score", "advice": "Advice scored"})
    tables.chart_or_table("advice_quality", fig, table, "health-advice-quality-scores",
                          alt="Bar chart of the number of advice reports by quality score")
    st.dataframe(by_service.rename(columns={
        "service": "Service", "returned": "Advice returned", "scored": "Scored",
        "mean_score": "Mean score"}), hide_index=True, width="stretch")
    about.about("advice_quality")


def overdue(f: Filters) -> None:
    st.header("Overdue health advice", anchor="overdue")
    frame = data_access.overdue_advice(f)
    st.caption(f"Open requests past their due date on {f.as_of:%d/%m/%Y}, most overdue first. "
               "Sort by any column by clicking its heading. Local authority and service filters "
               "apply; the period does not.")
    if frame.empty:
        tables.no_data("No request is overdue.")
        return
    st.metric("Requests overdue", f"{len(frame):,}",
              help="Open requests whose due date (received + 42 days) has passed.")
    table = tables.named_columns(frame, OVERDUE_COLUMNS)
    st.dataframe(table, hide_index=True, width="stretch", key="overdue_table", column_config={
        "Received": st.column_config.DateColumn(format="DD/MM/YYYY"),
        "Due": st.column_config.DateColumn(format="DD/MM/YYYY"),
        "Days overdue": st.column_config.NumberColumn(format="%d"),
    })
    tables.downloads(table, f"overdue-health-advice-{f.as_of:%Y-%m-%d}", "overdue",
                     sheet="Overdue health advice")
    about.about("overdue_advice")


def render() -> None:
    st.title("Health advice")
    view = filters.sidebar_filters()
    st.caption(view.describe())
    st.markdown("[Jump to the overdue list](#overdue)")
    target = load_settings().targets.get("health_advice_within_6_weeks_pct")
    timeliness_by_period(view, target)
    timeliness_by_dimension(view.filters, target)
    distribution(view.filters)
    exceptions(view.filters)
    quality(view.filters)
    overdue(view.filters)


render()
