"""Overview (/): the headline metrics a SEND board reads, as cards or as one table.

Meant for a board, so counts of 1-4 show as "<5" and rates built on them are withheld. Every figure
is `pipelines.metrics.headline` for the filters chosen; nothing is recomputed here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.components import about, data_access, filters, tables
from dashboard.components.cards import Card, metric_card, rag, value_text
from dashboard.components.periods import display_label, month_end, periods_between
from dashboard.components.suppression import rate_withheld, suppress_count, suppress_rate
from pipelines.config import load_settings
from pipelines.metrics import Filters

LABELS = {  # card labels short enough for a third of the page
    "health_advice": "Health advice within 6 weeks",
    "ehcp_plans": "New plans within 20 weeks",
    "ehcp_decisions": "Decided within 6 weeks",
    "tribunal_responses": "Tribunal health responses in 5 weeks",
}
SECTIONS = {
    "Health advice for EHC needs assessments": ("advice_pct", "advice_overdue", "advice_due"),
    "EHC needs assessments and plans": ("plans_pct", "decisions_pct", "plans_issued"),
    "SEND Tribunal": ("responses_pct", "appeals", "appeals_health"),
}


def _monthly(metric: str, trend: Filters, column: str) -> list[float]:
    """A sparkline: the monthly series, leaving out months whose rate a board may not see."""
    frame = data_access.rates(metric, trend, "month")
    if column == "pct":
        shown = [not rate_withheld(n, d) and p is not None and p == p for n, d, p in
                 zip(frame.numerator, frame.denominator, frame.pct, strict=True)]
        frame = frame.loc[pd.Series(shown, index=frame.index, dtype=bool)]
    return [float(v) for v in frame[column]]


def _overdue_days(trend: Filters) -> tuple[dt.date, ...]:
    """Month ends in the sparkline window before the as-of date, then a week before it."""
    months = periods_between("month", trend.date_from, trend.as_of)
    ends = [month_end(p.start.year, p.start.month) for p in months]
    return (*[d for d in ends if d < trend.as_of], trend.as_of - dt.timedelta(days=7))


def _rate_beside(h: dict[str, Any], pct: str, num: str, den: str, label: str) -> str:
    value = suppress_rate(h[pct], h[num], h[den])
    return f"{label}: {value} ({suppress_count(h[num])} of {suppress_count(h[den])})"


def build_cards(h: dict[str, Any], p: dict[str, Any], view: filters.View) -> dict[str, Card]:
    targets = load_settings().targets
    trend = view.trend()
    year = view.filters.date_to.year
    overdue = data_access.overdue_counts(view.filters, _overdue_days(trend))
    notes = about.NOTES

    def rate(key: str, metric: str, pct: str, num: str, den: str, of_what: str, **extra: Any
             ) -> Card:
        return Card(label=LABELS.get(key, notes[key].title), kind="rate", value=h[pct], numerator=h[num],
                    denominator=h[den], previous=p[pct], previous_numerator=p[num],
                    previous_denominator=p[den], of_what=of_what, target=targets.get(pct),
                    trend=_monthly(metric, trend, "pct"), help=notes[key].definition, **extra)

    def count(label: str, key: str, value: Any, previous: Any, series: list[float], **extra: Any
              ) -> Card:
        extra.setdefault("good", "neither")
        return Card(label=label, kind="count", value=int(value), previous=previous, trend=series,
                    help=notes[key].definition, **extra)

    return {
        "advice_pct": rate(
            "health_advice", "health_advice", "health_advice_within_6_weeks_pct",
            "health_advice_within_6_weeks_numerator", "health_advice_within_6_weeks_denominator",
            "requests due", beside=_rate_beside(
                h, "health_advice_within_6_weeks_pct_incl_exceptions",
                "health_advice_within_6_weeks_numerator_incl_exceptions",
                "health_advice_within_6_weeks_denominator_incl_exceptions",
                "Including exceptions")),
        "advice_overdue": count(
            "Health advice overdue now", "overdue_advice", h["health_advice_overdue_open"],
            int(overdue["overdue"].iloc[-1]), [float(v) for v in overdue["overdue"].iloc[:-1]]
            + [float(h["health_advice_overdue_open"])], good="down",
            comparison="vs a week earlier",
            note=f"Open requests past their 6-week due date on {view.filters.as_of:%d/%m/%Y}"),
        "advice_due": count(
            "Requests for health advice due", "health_advice", h["health_advice_due"],
            p["health_advice_due"], _monthly("health_advice", trend, "items"),
            note="Requests whose 6-week due date falls in the period"),
        "plans_pct": rate(
            "ehcp_plans", "ehcp_plans", "ehcp_within_20_weeks_pct_excl_exceptions",
            "ehcp_within_20_weeks_numerator_excl_exceptions",
            "ehcp_within_20_weeks_denominator_excl_exceptions", "new plans (excluding exceptions)",
            england=data_access.england_figure("within_20_weeks_pct_excl_exceptions", year),
            beside=_rate_beside(
                h, "ehcp_within_20_weeks_pct_incl_exceptions",
                "ehcp_within_20_weeks_numerator_incl_exceptions",
                "ehcp_within_20_weeks_denominator_incl_exceptions", "Including exceptions")),
        "decisions_pct": rate(
            "ehcp_decisions", "ehcp_decisions", "ehcp_decided_within_6_weeks_pct",
            "ehcp_decided_within_6_weeks_numerator", "ehcp_decided_within_6_weeks_denominator",
            "requests decided",
            england=data_access.england_figure("decided_within_6_weeks_pct", year)),
        "plans_issued": count(
            "New EHC plans issued", "ehcp_plans", h["ehcp_plans_issued"], p["ehcp_plans_issued"],
            _monthly("ehcp_plans", trend, "items"),
            note="New plans whose final plan was issued in the period"),
        "responses_pct": rate(
            "tribunal_responses", "tribunal_responses",
            "tribunal_health_responses_within_5_weeks_pct",
            "tribunal_health_responses_within_5_weeks_numerator",
            "tribunal_health_responses_within_5_weeks_denominator", "responses due"),
        "appeals": count(
            "Tribunal appeals registered", "tribunal_appeals", h["tribunal_appeals_registered"],
            p["tribunal_appeals_registered"], _monthly("tribunal_appeals", trend, "items"),
            note="Appeals registered by the Tribunal in the period"),
        "appeals_health": count(
            "Appeals with health aspects", "tribunal_appeals",
            h["tribunal_appeals_with_health_aspects"], p["tribunal_appeals_with_health_aspects"],
            _monthly("tribunal_appeals", trend, "numerator"),
            note="Appeals raising health needs or provision"),
    }


def _previous_text(card: Card) -> str:
    if card.kind == "rate" and not card.previous_denominator:
        return "no cases"
    return value_text(Card(card.label, card.kind, card.previous, card.previous_numerator,
                           card.previous_denominator), suppress=True)


def board_table(cards: dict[str, Card]) -> pd.DataFrame:
    """The cards as one table for the board pack, suppressed the same way."""
    margin = load_settings().amber_margin
    rows = []
    for section, keys in SECTIONS.items():
        for key in keys:
            card = cards[key]
            shown = value_text(card, suppress=True) if card.denominator != 0 else "no cases"
            status = rag(card.value, card.target, margin) if "withheld" not in shown else None
            rows.append({
                "Area": section, "Metric": card.label, "This period": shown,
                "Made of": (f"{suppress_count(card.numerator)} of {suppress_count(card.denominator)}"
                            if card.kind == "rate" else ""),
                "Comparison period": _previous_text(card),
                "Compared with": card.comparison.removeprefix("vs ").capitalize(),
                "Target": f"{card.target:g}%" if card.target is not None else "",
                "RAG": status.text if status else "",
                "England": f"{card.england[1]:.1f}% ({card.england[0]})" if card.england else "",
            })
    return pd.DataFrame(rows)


TREND_SERIES = (  # (sparkline, metric, rate or count column)
    ("Health advice within 6 weeks", "health_advice", "pct"),
    ("Requests for health advice due", "health_advice", "items"),
    ("New plans within 20 weeks", "ehcp_plans", "pct"),
    ("Decided within 6 weeks", "ehcp_decisions", "pct"),
    ("New EHC plans issued", "ehcp_plans", "items"),
    ("Tribunal health responses in 5 weeks", "tribunal_responses", "pct"),
    ("Tribunal appeals registered", "tribunal_appeals", "items"),
    ("Appeals with health aspects", "tribunal_appeals", "numerator"),
)


def trend_table(view: filters.View) -> pd.DataFrame:
    """The monthly figures the sparklines draw, suppressed as the cards are (one row a month)."""
    out: dict[str, pd.Series] = {}
    for label, metric, column in TREND_SERIES:
        frame = data_access.rates(metric, view.trend(), "month")
        if column == "pct":
            values = [suppress_rate(p, n, d) for p, n, d in
                      zip(frame["pct"], frame["numerator"], frame["denominator"], strict=True)]
        else:
            values = [suppress_count(v) for v in frame[column]]
        out[label] = pd.Series(values, index=frame["group"], dtype=object)
    overdue = data_access.overdue_counts(view.filters, _overdue_days(view.trend())).iloc[:-1]
    out["Health advice overdue at month end"] = pd.Series(
        [suppress_count(int(v)) for v in overdue["overdue"]],
        index=[f"{d:%Y-%m}" for d in overdue["as_of"]], dtype=object)
    table = pd.DataFrame(out).sort_index().fillna("-")  # "2025-04" labels sort as dates
    table.insert(0, "Month", [display_label("month", m) for m in table.index])
    return table.reset_index(drop=True)


def render() -> None:
    st.title("Overview")
    view = filters.sidebar_filters()
    st.caption(view.describe())
    h = data_access.headline(view.filters)
    if not any(h[k] for k in ("health_advice_due", "health_advice_overdue_open", "ehcp_plans_issued",
                              "ehcp_decided_within_6_weeks_denominator",
                              "tribunal_appeals_registered",
                              "tribunal_health_responses_within_5_weeks_denominator")):
        tables.no_data("Try a longer period, another as-of date or fewer filters.")
        return
    cards = build_cards(h, data_access.headline(view.previous()), view)
    prev = view.previous()
    st.caption(f"Changes compare with {prev.date_from:%d/%m/%Y} to {prev.date_to:%d/%m/%Y}; "
               "overdue advice compares with a week earlier. Counts of 1 to 4 show as '<5' and "
               "rates built on them are withheld. Sparklines: the last 12 months by month.")
    shown_as = st.segmented_control("Show as", ["Cards", "Table"], default="Cards", required=True,
                                    key="overview_view")
    if shown_as == "Table":
        table = board_table(cards)
        st.dataframe(table, hide_index=True, width="stretch")
        tables.downloads(table, "send-headlines", "overview")
        st.subheader("Monthly figures behind the sparklines")
        trend = trend_table(view)
        st.dataframe(trend, hide_index=True, width="stretch")
        tables.downloads(trend, "send-headlines-by-month", "overview_trend")
    else:
        for section, keys in SECTIONS.items():
            st.subheader(section)
            for column, key in zip(st.columns(len(keys)), keys, strict=True):
                with column:
                    metric_card(cards[key])
    st.divider()
    about.about_many(["health_advice", "overdue_advice", "ehcp_plans", "ehcp_decisions",
                      "tribunal_responses", "tribunal_appeals"])


render()
