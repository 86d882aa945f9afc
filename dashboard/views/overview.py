"""Overview (/): the headline metrics a SEND board reads, as cards or as one table.

Meant for a board, so counts of 1-4 show as "<5" and rates built on them are withheld. Every figure
is `pipelines.metrics.headline`, or for annual reviews, schools, waiting lists, complaints and
personal health budgets the metric function of that area, for the filters chosen; nothing is
recomputed here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.components import about, attention, filters, gateway, tables
from dashboard.components.cards import Card, metric_card, rag, value_text
from dashboard.components.suppression import (
    WITHHELD,
    differs_by_small,
    made_of,
    rate_withheld,
    suppress_count,
    suppress_rate,
    suppress_with_subtotal,
)
from pipelines import benchmarks, metrics, queries
from pipelines.config import load_settings
from pipelines.metrics import CATALOGUE, FIGURES, SCHOOL_POLICY_REFERENCE, Filters
from pipelines.periods import (
    MONTHS_PER,
    month_end,
    periods_between,
    shift_months,
    shorts,
)

LABELS = {key: figure.label for key, figure in FIGURES.items()}  # the catalogue's card labels
SECTIONS = {
    "Health advice for EHC needs assessments": ("advice_pct", "advice_overdue", "advice_due"),
    "EHC needs assessments and plans": ("plans_pct", "decisions_pct", "plans_issued"),
    "Waiting on the as-of date, whatever the period": ("open_past_20_weeks",
                                                       "decisions_outstanding"),
    "SEND Tribunal": ("responses_pct", "appeals", "appeals_health"),
    "Annual reviews, schools and waiting lists": ("reviews_pct", "schools_pct", "waiting_pct"),
    "Complaints and personal health budgets": ("complaints_pct", "phb_active"),
}
COLUMNS = 3  # cards per row, so every card has the same width


def _monthly(metric: str, trend: Filters, column: str) -> list[float]:
    """A sparkline: the monthly series, leaving out months whose rate a board may not see."""
    frame = gateway.read(queries.rates_table, metric, trend, "month")
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


def _rate_beside(h: dict[str, Any], pct: str, num: str, den: str, label: str,
                 main: tuple[str, str] | None = None) -> str:
    """A second figure beside a card's own, suppressed as any rate is; one that counts the card's
    items with others (including exceptions: `main`, the card's own counts) is withheld where it
    differs from them by 1-4, as the difference would be the exceptions."""
    if main and differs_by_small((h[num], h[main[0]]), (h[den], h[main[1]])):
        return f"{label}: {WITHHELD}"
    value = suppress_rate(h[pct], h[num], h[den])
    return f"{label}: {value} ({made_of(h[num], h[den])})"


def _dfe_basis(h: dict[str, Any], figure: str, basis: str) -> str:
    """A rate on the DfE's basis (the calendar year of `dfe_basis_year`), naming its basis, to
    read beside England's figure."""
    return _rate_beside(h, f"{figure}_pct", f"{figure}_numerator", f"{figure}_denominator",
                        f"{basis}, as the DfE counts ({h['dfe_basis_year']})")


def build_cards(h: dict[str, Any], p: dict[str, Any], view: filters.View) -> dict[str, Card]:
    targets = load_settings().targets
    trend = view.trend()
    year = view.filters.date_to.year
    overdue = gateway.read(metrics.overdue_advice_counts, view.filters, _overdue_days(trend))
    then = _snapshot(view.filters, position_before(view))
    waiting_then = gateway.read(metrics.ehcp_positions, then)
    notes = about.NOTES
    due = (h["health_advice_due"], h["health_advice_within_6_weeks_denominator_incl_exceptions"],
           h["health_advice_within_6_weeks_denominator"])
    due_withheld = metrics.due_withheld(*due)  # what the count would give away, if withheld

    def rate(key: str, metric: str, pct: str, num: str, den: str, **extra: Any) -> Card:
        return Card(label=LABELS[pct], kind="rate", figure=pct, value=h[pct], numerator=h[num],
                    denominator=h[den], previous=p[pct], previous_numerator=p[num],
                    previous_denominator=p[den], of_what=CATALOGUE[key].of_what,
                    target=targets.get(pct),
                    trend=_monthly(metric, trend, "pct"), help=notes[key].definition, **extra)

    def count(figure: str, key: str, value: Any, previous: Any, series: list[float], **extra: Any
              ) -> Card:
        return Card(label=LABELS[figure], kind="count", figure=figure, value=int(value),
                    previous=previous, trend=series, help=notes[key].definition, **extra)

    return {
        "advice_pct": rate(
            "health_advice", "health_advice", "health_advice_within_6_weeks_pct",
            "health_advice_within_6_weeks_numerator", "health_advice_within_6_weeks_denominator",
            beside=_rate_beside(
                h, "health_advice_within_6_weeks_pct_incl_exceptions",
                "health_advice_within_6_weeks_numerator_incl_exceptions",
                "health_advice_within_6_weeks_denominator_incl_exceptions",
                "Including exceptions", ("health_advice_within_6_weeks_numerator",
                                         "health_advice_within_6_weeks_denominator"))),
        "advice_overdue": count(
            "health_advice_overdue_open", "overdue_advice", h["health_advice_overdue_open"],
            int(overdue["overdue"].iloc[-1]), [float(v) for v in overdue["overdue"].iloc[:-1]]
            + [float(h["health_advice_overdue_open"])],
            comparison="vs a week earlier",
            note=f"Open requests past their 6-week due date on {view.filters.as_of:%d/%m/%Y}"),
        "advice_due": count(
            "health_advice_due", "health_advice", h["health_advice_due"],
            p["health_advice_due"], _monthly("health_advice", trend, "items"),
            note="" if due_withheld else metrics.due_note(*due),
            because=due_withheld,
            contains=(h["health_advice_within_6_weeks_denominator"],
                      h["health_advice_within_6_weeks_denominator_incl_exceptions"]),
            contains_previous=(p["health_advice_within_6_weeks_denominator"],
                               p["health_advice_within_6_weeks_denominator_incl_exceptions"])),
        "plans_pct": rate(
            "ehcp_plans", "ehcp_plans", "ehcp_within_20_weeks_pct_excl_exceptions",
            "ehcp_within_20_weeks_numerator_excl_exceptions",
            "ehcp_within_20_weeks_denominator_excl_exceptions",
            england=benchmarks.england_figure("within_20_weeks_pct_excl_exceptions", year),
            beside=_rate_beside(
                h, "ehcp_within_20_weeks_pct_incl_exceptions",
                "ehcp_within_20_weeks_numerator_incl_exceptions",
                "ehcp_within_20_weeks_denominator_incl_exceptions", "Including exceptions",
                ("ehcp_within_20_weeks_numerator_excl_exceptions",
                 "ehcp_within_20_weeks_denominator_excl_exceptions"))),
        "decisions_pct": rate(
            "ehcp_decisions", "ehcp_decisions", "ehcp_decided_within_6_weeks_pct",
            "ehcp_decided_within_6_weeks_numerator", "ehcp_decided_within_6_weeks_denominator",
            england=benchmarks.england_figure("decided_within_6_weeks_pct", year),
            beside=_dfe_basis(h, "ehcp_decided_within_6_weeks_by_request_year",
                              "By year of request")),
        "open_past_20_weeks": count(
            "ehcp_open_past_20_weeks", "open_past_20_weeks", h["ehcp_open_past_20_weeks"],
            waiting_then["ehcp_open_past_20_weeks"], [],
            comparison=f"vs {then.as_of:%d/%m/%Y}",
            note=f"Assessing, no final plan, more than 20 weeks after the request, on "
                 f"{view.filters.as_of:%d/%m/%Y}: the 20-week rate counts only plans issued"),
        "decisions_outstanding": count(
            "ehcp_decisions_outstanding_past_6_weeks", "decisions_outstanding",
            h["ehcp_decisions_outstanding_past_6_weeks"],
            waiting_then["ehcp_decisions_outstanding_past_6_weeks"], [],
            comparison=f"vs {then.as_of:%d/%m/%Y}",
            note=f"No decision whether to assess, more than 6 weeks after the request, on "
                 f"{view.filters.as_of:%d/%m/%Y}: the 6-week rate counts only decisions made"),
        "plans_issued": count(
            "ehcp_plans_issued", "ehcp_plans", h["ehcp_plans_issued"], p["ehcp_plans_issued"],
            _monthly("ehcp_plans", trend, "items"),
            note="New plans whose final plan was issued in the period",
            contains=h["ehcp_within_20_weeks_denominator_excl_exceptions"],
            contains_previous=p["ehcp_within_20_weeks_denominator_excl_exceptions"]),
        "responses_pct": rate(
            "tribunal_responses", "tribunal_responses",
            "tribunal_health_responses_within_5_weeks_pct",
            "tribunal_health_responses_within_5_weeks_numerator",
            "tribunal_health_responses_within_5_weeks_denominator"),
        "appeals": count(
            "tribunal_appeals_registered", "tribunal_appeals", h["tribunal_appeals_registered"],
            p["tribunal_appeals_registered"], _monthly("tribunal_appeals", trend, "items"),
            note="Appeals registered by the Tribunal in the period"),
        "appeals_health": count(
            "tribunal_appeals_with_health_aspects", "tribunal_appeals",
            h["tribunal_appeals_with_health_aspects"], p["tribunal_appeals_with_health_aspects"],
            _monthly("tribunal_appeals", trend, "numerator"),
            note="Appeals raising health needs or provision",
            whole=h["tribunal_appeals_registered"], whole_previous=p["tribunal_appeals_registered"],
            whole_trend=_monthly("tribunal_appeals", trend, "items")),
    }


def _shown_rates(frame: pd.DataFrame, pct: str, num: str, den: str) -> list[float]:
    """A sparkline's points, leaving out those whose rate a board may not see."""
    return [float(p) for p, n, d in zip(frame[pct], frame[num], frame[den], strict=True)
            if not rate_withheld(n, d) and p is not None and p == p]


def position_before(view: filters.View) -> dt.date:
    """The day a position (schools, waiting lists, budgets active on the as-of date) is compared
    with: as many months before the as-of date as the period chosen spans."""
    return shift_months(view.filters.as_of, -len(view.periods) * MONTHS_PER[view.grain])


def _snapshot(f: Filters, day: dt.date) -> Filters:
    """The filters for a position on another day (budgets active, schools' latest audits)."""
    return dataclasses.replace(f, as_of=min(day, f.as_of))


def more_cards(view: filters.View) -> dict[str, Card]:
    """Annual reviews, schools, waiting lists, complaints and budgets: one headline each, from
    the metric function of that area. Positions on the as-of date (schools, waiting lists,
    budgets) compare with the position as long before as the period chosen spans."""
    targets = load_settings().targets
    notes = about.NOTES
    f, prev, trend = view.filters, view.previous(), view.trend()
    then = _snapshot(f, position_before(view))
    year = f.date_to.year

    def rate(key: str, metric: str, target: str, **extra: Any) -> Card:
        now, before = (gateway.read(queries.rates_table, metric, g).iloc[0] for g in (f, prev))
        return Card(label=LABELS[target], kind="rate", figure=target, value=now["pct"],
                    numerator=int(now["numerator"]),
                    denominator=int(now["denominator"]), previous=before["pct"],
                    previous_numerator=int(before["numerator"]),
                    previous_denominator=int(before["denominator"]), of_what=CATALOGUE[key].of_what,
                    target=targets.get(target), trend=_monthly(metric, trend, "pct"),
                    help=notes[key].definition, **extra)

    schools, schools_then = (gateway.read(metrics.school_policy_position, g).iloc[0] for g in (f, then))
    terms = gateway.read(metrics.school_policy_trend, trend, "term")
    no_services = dataclasses.replace(f, services=())
    waiting = gateway.read(queries.latest_waiting, no_services)
    waiting_then = gateway.read(queries.latest_waiting, _snapshot(no_services, then.as_of))
    monthly_waits = gateway.read(metrics.waiting_times_trend, dataclasses.replace(trend, services=()), None)
    budgets, budgets_then = (int(gateway.read(metrics.phb_active, g).iloc[0]["active"]) for g in (f, then))
    reference = SCHOOL_POLICY_REFERENCE
    dfe = metrics.dfe_year(f)
    sent = gateway.read(queries.rates_table, "annual_review_decisions_sent", dfe).iloc[0].to_dict()
    return {
        "reviews_pct": rate(
            "annual_review_decisions", "annual_review_decisions",
            "annual_review_decisions_within_4_weeks_pct",
            england=benchmarks.england_figure("annual_review_decisions_within_4_weeks_pct", year),
            beside=_rate_beside(
                sent, "pct", "numerator", "denominator",
                f"Decisions sent, by year sent, as the DfE counts ({dfe.date_from.year})")),
        "schools_pct": Card(
            label=LABELS["schools_policy_compliant_pct"], kind="rate",
            figure="schools_policy_compliant_pct", value=schools["compliant_pct"],
            numerator=int(schools["compliant"]), denominator=int(schools["schools"]),
            previous=schools_then["compliant_pct"], previous_numerator=int(schools_then["compliant"]),
            previous_denominator=int(schools_then["schools"]), of_what="schools audited",
            comparison=f"vs {then.as_of:%d/%m/%Y}", target=targets.get("schools_policy_compliant_pct"),
            trend=_shown_rates(terms, "compliant_pct", "compliant", "schools"),
            help=notes["school_policy"].definition,
            note="Each school's latest audit; the period does not apply. Sparkline: by term",
            beside=f"Reference: the {reference['source']} found {reference['compliant_pct']:g}% "
                   "of schools compliant (a survey, not official statistics)"),
        "waiting_pct": Card(
            label=LABELS["waiting_over_18_weeks_pct"], kind="rate", figure="waiting_over_18_weeks_pct",
            value=waiting.row["over_18_weeks_pct"] if waiting else None,
            numerator=int(waiting.row["over_18_weeks"]) if waiting else 0,
            denominator=int(waiting.row["total_reporting_18"]) if waiting else 0,
            previous=waiting_then.row["over_18_weeks_pct"] if waiting_then else None,
            previous_numerator=int(waiting_then.row["over_18_weeks"]) if waiting_then else None,
            previous_denominator=(int(waiting_then.row["total_reporting_18"]) if waiting_then
                                  else None),
            of_what="children waiting",
            comparison=f"vs {shorts('month', [waiting_then.row['start']])[0]}" if waiting_then
            else "vs previous period",
            trend=_shown_rates(monthly_waits, "over_18_weeks_pct", "over_18_weeks",
                               "total_reporting_18"),
            help=notes["waiting_current"].definition,
            note=(f"All services, latest return ({shorts('month', [waiting.row['start']])[0]}); the "
                  "period does not apply" + (f"; {int(waiting.row['over_18_weeks_suppressed'])} "
                                             "return(s) suppressed at source left out, not 0"
                                             if waiting.row["over_18_weeks_suppressed"] else ""))
            if waiting else "No waiting-list return yet"),
        "complaints_pct": rate(
            "complaint_responses", "complaint_responses", "complaint_responses_by_due_date_pct"),
        "phb_active": Card(
            label=LABELS["phb_active"], kind="count", figure="phb_active", value=budgets,
            previous=budgets_then, comparison=f"vs {then.as_of:%d/%m/%Y}",
            trend=[float(v) for v in gateway.read(metrics.phb_trend, trend, "month")["active_at_end"]],
            help=notes["phb_active"].definition,
            note=f"Active on {f.as_of:%d/%m/%Y}, the period does not apply"),
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
            status = rag(card.value, card.target, margin, card.good) if "withheld" not in shown else None
            rows.append({
                "Area": section, "Metric": card.label, "This period": shown,
                "Made of": (f"{made_of(card.numerator, card.denominator)} {card.of_what}"
                            if card.kind == "rate" else ""),
                "Comparison period": _previous_text(card),
                "Compared with": card.comparison.removeprefix("vs ").capitalize(),
                "Target": f"{card.target:g}%" if card.target is not None else "",
                "RAG": status.text if status else "",
                "England": f"{card.england[1]:.1f}% ({card.england[0]})" if card.england else "",
                "Note": card.note,  # what a count counts, and why it differs from a rate's
            })
    return pd.DataFrame(rows)


TREND_SERIES = tuple(  # (sparkline, metric, rate or count column): figures of the catalogue
    (FIGURES[key].label, FIGURES[key].metric, FIGURES[key].column) for key in (
        "health_advice_within_6_weeks_pct", "health_advice_due",
        "ehcp_within_20_weeks_pct_excl_exceptions", "ehcp_decided_within_6_weeks_pct",
        "ehcp_plans_issued", "tribunal_health_responses_within_5_weeks_pct",
        "tribunal_appeals_registered", "tribunal_appeals_with_health_aspects",
        "annual_review_decisions_within_4_weeks_pct", "complaint_responses_by_due_date_pct"))


def trend_table(view: filters.View) -> pd.DataFrame:
    """The monthly figures the sparklines draw, suppressed as the cards are (one row a month)."""
    out: dict[str, pd.Series] = {}
    for label, metric, column in TREND_SERIES:
        frame = gateway.read(queries.rates_table, metric, view.trend(), "month")
        if column == "pct":
            values = [suppress_rate(p, n, d) for p, n, d in
                      zip(frame["pct"], frame["numerator"], frame["denominator"], strict=True)]
        else:  # the card beside it shows the period's total: protected with it
            period = [view.filters.date_from <= pd.Timestamp(d).date() <= view.filters.date_to
                      for d in frame["start"]]
            values = suppress_with_subtotal(
                list(frame[column]), period,
                list(frame["items"]) if column == "numerator" else None)
        out[label] = pd.Series(values, index=pd.to_datetime(frame["start"]), dtype=object)
    overdue = gateway.read(metrics.overdue_advice_counts, view.filters, _overdue_days(view.trend())).iloc[:-1]
    out["Health advice overdue at month end"] = pd.Series(
        [suppress_count(int(v)) for v in overdue["overdue"]],
        index=pd.to_datetime([d.replace(day=1) for d in overdue["as_of"]]), dtype=object)
    waits = gateway.read(metrics.waiting_times_trend, dataclasses.replace(view.trend(), services=()), None)
    out["Waiting over 18 weeks (all services)"] = pd.Series(
        [suppress_rate(p, n, d) for p, n, d in zip(waits["over_18_weeks_pct"], waits["over_18_weeks"],
                                                   waits["total_reporting_18"], strict=True)],
        index=pd.to_datetime(waits["start"]), dtype=object)
    budgets = gateway.read(metrics.phb_trend, view.trend(), "month")
    out["Personal health budgets active at month end"] = pd.Series(
        [suppress_count(int(v)) for v in budgets["active_at_end"]],
        index=pd.to_datetime(budgets["start"]),
        dtype=object)
    table = pd.DataFrame(out).sort_index().fillna("-")  # by each month's first day
    table.insert(0, "Month", shorts("month", table.index))
    return table.reset_index(drop=True)


def render() -> None:
    st.title("Overview")
    view = filters.sidebar_filters()
    st.caption(view.describe())
    h = gateway.read(metrics.headline, view.filters)
    more = more_cards(view)
    if not any(h[k] for k in ("health_advice_due", "health_advice_overdue_open", "ehcp_plans_issued",
                              "ehcp_decided_within_6_weeks_denominator",
                              "tribunal_appeals_registered",
                              "tribunal_health_responses_within_5_weeks_denominator")) \
            and not any(card.denominator or card.value for card in more.values()):
        tables.no_data("Try a longer period, another as-of date or fewer filters.")
        return
    attention.band(view.filters, "overview_attention")
    cards = build_cards(h, gateway.read(metrics.headline, view.previous()), view) | more
    prev = view.previous()
    st.caption(f"Changes compare with {prev.date_from:%d/%m/%Y} to {prev.date_to:%d/%m/%Y}; "
               "overdue advice compares with a week earlier; schools, waiting lists and budgets "
               "(positions on the as-of date, not bound to the period) with their position on "
               f"{position_before(view):%d/%m/%Y}. Counts of 1 to 4 show as '<5' "
               "and rates built on them are withheld. Sparklines: the last 12 months by month "
               "(schools: by term of audit).")
    shown_as = st.segmented_control("Show as", ["Cards", "Table"], default="Cards", required=True,
                                    key="overview_view")
    if shown_as == "Table":
        table = board_table(cards)
        tables.show(table)
        tables.downloads(table, "send-headlines", "overview")
        st.subheader("Monthly figures behind the sparklines")
        trend = trend_table(view)
        tables.show(trend)
        tables.downloads(trend, "send-headlines-by-month", "overview_trend")
    else:
        for section, keys in SECTIONS.items():
            st.subheader(section)
            for column, key in zip(st.columns(COLUMNS), keys, strict=False):
                with column:
                    metric_card(cards[key])
    st.divider()
    about.about_many(["health_advice", "overdue_advice", "ehcp_plans", "ehcp_decisions",
                      "ehcp_decisions_by_request_year", "open_past_20_weeks",
                      "decisions_outstanding", "annual_review_decisions_sent",
                      "tribunal_responses", "tribunal_appeals", "annual_review_decisions",
                      "school_policy", "waiting_current", "complaint_responses", "phb_active"])


render()
