"""Tribunals (/tribunals): SEND Tribunal appeals registered, those with health aspects, by type
and outcome, and the health recommendations the ICB must answer within 5 weeks.

DATA PROTECTION: lists show the Tribunal's appeal reference only, never a person identifier.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.components import about, charts, filters, gateway, tables
from pipelines import metrics, queries, vocab
from pipelines.config import load_settings
from pipelines.metrics import Filters
from pipelines.periods import GRAIN_NAMES, GRAIN_WORDS, with_periods

LATE = ("responded late", "overdue")
RESPONSE_COLUMNS = {
    "appeal_id": "Appeal ID", "local_authority": "Local authority",
    "recommendation_date": "Recommendation sent", "response_due": "Response due (5 weeks)",
    "response_date": "Responded", "status": "Status", "days_to_respond": "Days to respond",
}


def appeals_by_period(view: filters.View) -> None:
    st.header("Appeals registered")
    frame = with_periods(gateway.read(queries.rates_table, "tribunal_appeals", view.filters, view.grain),
                         view.grain)
    grain = GRAIN_WORDS[view.grain]
    fig = charts.count_chart(frame, f"SEND Tribunal appeals registered, by {grain}",
                             GRAIN_NAMES[view.grain],
                             [("items", "All appeals"), ("numerator", "With health aspects")],
                             y_title="Appeals registered")
    table = pd.DataFrame({"Period": frame["period"], "Appeals registered": frame["items"],
                          "With health aspects": frame["numerator"]})
    total, health = int(frame["items"].sum()), int(frame["numerator"].sum())
    tables.chart_or_table(
        "appeals_trend", fig, table, "tribunal-appeals-registered",
        alt=f"Bar chart of SEND Tribunal appeals registered by {grain}, all and with health aspects",
        summary=f"{total:,} appeals registered in the period, {health:,} with health aspects.")
    about.about("tribunal_appeals")


OUTCOME_ORDER = tuple(vocab.APPEAL_OUTCOMES)


def _outcome_rank(outcome: str) -> int:
    """The listed outcomes in order, then a tracker's own wording, then "Not recorded"."""
    if outcome == "Not recorded":
        return len(OUTCOME_ORDER) + 1
    return OUTCOME_ORDER.index(outcome) if outcome in OUTCOME_ORDER else len(OUTCOME_ORDER)


def appeals_by_type(f: Filters) -> None:
    st.header("Appeals by type and outcome")
    frame = gateway.read(queries.appeals_by_type_and_outcome, f)
    frame = frame.sort_values("outcome", key=lambda col: col.map(_outcome_rank), kind="stable")
    fig = charts.category_bars(frame, "Appeals registered in the period, by type and outcome",
                               "appeal_type", "appeals", "outcome", "Appeals", "Appeal type")
    if frame.empty:
        table = frame
    else:
        table = frame.pivot_table(index="appeal_type", columns="outcome", values="appeals",
                                  aggfunc="sum", fill_value=0)
        table = table[sorted(table.columns, key=_outcome_rank)]
        table["All outcomes"] = table.sum(axis=1)
        health = frame.groupby("appeal_type")["with_health_aspects"].sum()
        table["With health aspects"] = health.reindex(table.index).fillna(0).astype(int)
        table = table.reset_index().rename(columns={"appeal_type": "Appeal type"})
        table.columns.name = None
    tables.chart_or_table("appeals_type", fig, table, "tribunal-appeals-by-type-and-outcome",
                          alt="Stacked bar chart of appeals by type, split by outcome")


def responses_by_period(view: filters.View) -> None:
    st.header("Health recommendations answered within 5 weeks")
    target = load_settings().targets.get("tribunal_health_responses_within_5_weeks_pct")
    frame = with_periods(gateway.read(queries.rates_table, "tribunal_responses", view.filters, view.grain),
                         view.grain)
    grain = GRAIN_WORDS[view.grain]
    fig = charts.run_chart(frame, f"Health recommendations answered within 5 weeks, by {grain}",
                           GRAIN_NAMES[view.grain],
                           [("pct", "Answered within 5 weeks", "numerator", "denominator")], target)
    table = tables.rate_table(frame, "Period", "Answered within 5 weeks", "Responses due",
                              include_exceptions=False)
    if len(frame) and frame["small"].mean() > 0.5:
        st.caption("Most periods have fewer than 5 responses due, so single late responses swing "
                   "the rate: a quarter or financial year gives a steadier view.")
    tables.chart_or_table(
        "responses_trend", fig, table, "tribunal-responses-within-5-weeks",
        alt=f"Run chart of the percentage of health recommendations answered within 5 weeks by "
            f"{grain}, with the local target line",
        summary=charts.latest_summary(frame, "pct", "numerator", "denominator", target))


def _highlight(row: pd.Series) -> list[str]:
    # Colour backs up the Status column's words; it never carries the meaning alone.
    colour = "background-color: #fbe3d6" if row["Status"] in LATE else ""
    return [colour] * len(row)


def recommendations(f: Filters) -> None:
    st.header("Health recommendations and their responses", anchor="recommendations")
    frame = gateway.read(metrics.tribunal_responses, f)
    st.caption("Recommendations whose 5-week response falls due in the period. Late and overdue "
               "responses are shaded and named in the Status column.")
    if frame.empty:
        tables.no_data()
        return
    counts = frame["status"].value_counts()
    for column, status in zip(st.columns(4), ("responded in time", "responded late", "overdue",
                                              "awaiting response"), strict=True):
        column.metric(status.capitalize(), f"{int(counts.get(status, 0)):,}")
    only_late = st.toggle("Show only late or overdue responses", value=False, key="late_only")
    shown = frame[frame["status"].isin(LATE)] if only_late else frame
    table = tables.named_columns(shown, RESPONSE_COLUMNS)
    tables.show(tables.highlighted(table, _highlight), key="responses_table", column_config={
        name: st.column_config.DateColumn(format="DD/MM/YYYY")
        for name in ("Recommendation sent", "Response due (5 weeks)", "Responded")})
    tables.downloads(table, "tribunal-health-recommendations", "responses",
                     sheet="Health recommendations")
    about.about("tribunal_responses")


def render() -> None:
    st.title("Tribunals")
    view = filters.sidebar_filters(show_services=False)
    st.caption(view.describe(services=False))
    appeals_by_period(view)
    appeals_by_type(view.filters)
    responses_by_period(view)
    recommendations(view.filters)


render()
