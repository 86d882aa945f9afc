"""Health advice (/health-advice): is health returning EHC needs assessment advice within 6 weeks,
where not, and which requests are overdue now (the DCO's action list).
DATA PROTECTION: record-level rows show LA and service references only, never a person identifier.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard.components import about, charts, exceptions, filters, gateway, overdue_queue, tables
from dashboard.components.text import plain
from pipelines import chase, metrics, queries
from pipelines.config import load_settings
from pipelines.metrics import ADVICE_DAYS, CATALOGUE, FIGURES, INCL_OF_WHAT, Filters
from pipelines.periods import GRAIN_NAMES, GRAIN_WORDS, with_periods

OVERDUE_COLUMNS = {
    "advice_id": "Advice ID", "case_id": "Case ID", "days_overdue": "Days overdue",
    "due_date": "Due", "service": "Service", "local_authority": "Local authority",
    "provider": "Provider", "requested_date": "Received",
    "lawful_exception": "Lawful exception (reg 8(2))", "reason_recorded": "Reason recorded",
    "stage": "Request type",
}
DIMENSIONS = (("service", "Service"), ("provider", "Provider"), ("local_authority", "Local authority"))
# The reconciliation's tables lead with the request (case or advice ID, service) and its
# figures, sized to fit a phone (tables.PHONE_WIDTH) with the service wrapped in the row; the
# rest scroll after them (on a phone) or, beyond what 1440 px holds, are in the downloads.
MATCHED_COLUMNS = {
    "case_id": "Case ID", "service": "Service",
    "requested_days_apart": "Days apart (request)", "returned_days_apart": "Days apart (return)",
    "la_days_to_return": "Days taken (LA dates)", "provider_days_to_return": "Days taken (provider dates)",
    "la_within_6_weeks": "Within 6 weeks (LA dates)",
    "provider_within_6_weeks": "Within 6 weeks (provider dates)", "disagreement": "What differs",
    "la_requested_date": "LA sent request", "provider_requested_date": "Service received request",
    "la_returned_date": "LA received advice", "provider_returned_date": "Service returned advice",
    "la_advice_id": "LA advice ID", "provider_advice_id": "Provider advice ID",
    "local_authority": "Local authority", "provider": "Provider",
}
ONE_SIDE_COLUMNS = {
    "advice_id": "Advice ID", "service": "Service", "days_to_return": "Days to return",
    "case_id": "Case ID", "stage": "Request type", "requested_date": "Requested",
    "returned_date": "Returned", "due_date": "Due", "local_authority": "Local authority",
    "provider": "Provider",
}
SERVICE = {"Service": st.column_config.TextColumn(width=100)}


def _days(label: str, width: int, column: str, meaning: str) -> Any:
    """A count of days under a short label, its full name and meaning as help."""
    return st.column_config.NumberColumn(label, width=width, format="%d", help=f"{column}: {meaning}")


MATCHED_FIRST = {
    "Case ID": st.column_config.TextColumn(width=104), **SERVICE,
    "Days apart (request)": _days("Request", 64, "Days apart (request)", "days from the LA sending "
                                  "the request to the service receiving it"),
    "Days apart (return)": _days("Return", 58, "Days apart (return)", "days from the service "
                                 "returning the advice to the LA receiving it"),
}
# At 1440 px (tables.WIDE_WIDTH) the request, its figures and what differs (wrapped), which quotes
# the dates that disagree; the dates, the IDs, the LA and the provider are in the downloads.
MATCHED_ON_SCREEN = {
    **MATCHED_FIRST,
    "Days taken (LA dates)": _days("Days LA", 72, "Days taken (LA dates)", "from the LA sending the "
                                   "request to the LA receiving the advice"),
    "Days taken (provider dates)": _days("Days prov.", 84, "Days taken (provider dates)", "from the "
                                         "service receiving the request to its returning the advice"),
    "Within 6 weeks (LA dates)": st.column_config.TextColumn(
        "6 wks LA", width=76, help="Within 6 weeks (LA dates)"),
    "Within 6 weeks (provider dates)": st.column_config.TextColumn(
        "6 wks prov.", width=90, help="Within 6 weeks (provider dates): the statutory clock"),
    "What differs": st.column_config.TextColumn(width=324),
}
ONE_SIDE_FIRST = {
    "Advice ID": st.column_config.TextColumn(width=120), **SERVICE,
    "Days to return": st.column_config.NumberColumn(
        "Days", width=52, format="%d", help="Days to return: from the request to the advice "
                                            "returned, by this side's dates"),
}
BOTH_WAYS_FIRST = {
    "Dates used": st.column_config.TextColumn(width=150),
    "Returned within 6 weeks": st.column_config.NumberColumn(
        "Returned", width=72, help="Returned within 6 weeks"),
    "Due": st.column_config.NumberColumn(width=50, help="Requests due (excluding exceptions)"),
    "Per cent": st.column_config.NumberColumn(width=70),
}
RATE = CATALOGUE["health_advice"]  # the 6-week rate: its column names come from the catalogue
REVIEW = CATALOGUE["review_advice"]
OVERDUE = FIGURES["health_advice_overdue_open"]  # the same label as on the Overview
DATES = ("Requested (LA sent)", "Returned (LA received)", "Requested (service received)",
         "Returned (service returned)", "Due")


def advice_rate_table(frame: pd.DataFrame, group: str) -> pd.DataFrame:
    """A 6-week `rates()` frame with the catalogue's names for what it counts."""
    return tables.rate_table(frame, group, RATE.met.capitalize(), RATE.of_what.capitalize(),
                             due_incl=INCL_OF_WHAT.capitalize())


def due_caption(f: Filters) -> None:
    """The count of requests due beside the rate's denominator, and why they differ."""
    row = gateway.read(queries.rates_table, "health_advice", f).iloc[0]
    st.caption(metrics.due_reason(row["items"], row["denominator_incl"], row["denominator"],
                                  suppress=False))


def timeliness_by_period(view: filters.View, target: float | None) -> None:
    st.header("Returned within 6 weeks")
    due_caption(view.filters)
    frame = with_periods(
        gateway.read(queries.rates_table, "health_advice", view.filters, view.grain), view.grain)
    grain = GRAIN_WORDS[view.grain]
    fig = charts.run_chart(
        frame, f"Health advice returned within 6 weeks, by {grain}", GRAIN_NAMES[view.grain],
        [("pct", "Excluding lawful exceptions", "numerator", "denominator"),
         ("pct_incl", "Including exceptions", "numerator_incl", "denominator_incl")], target)
    table = advice_rate_table(frame, "Period")
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
            frame = gateway.read(queries.rates_table, "health_advice", f, column)
            fig = charts.rate_bars(frame, f"Health advice returned within 6 weeks, by "
                                          f"{name.lower()}", name, target,
                                   name="Returned within 6 weeks")
            table = advice_rate_table(frame, name)
            tables.chart_or_table(
                f"advice_by_{column}", fig, table, f"health-advice-by-{column.replace('_', '-')}",
                alt=f"Bar chart of the percentage of health advice returned within 6 weeks by "
                    f"{name.lower()}")


def distribution(f: Filters) -> None:
    st.header("Days taken to return advice")
    frame = gateway.read(queries.days_to_return, f)
    last = queries.OVER_26_WEEKS
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
        summary=(f"{within:,} of {total:,} returns took 42 days or fewer. " if total else "")
        + metrics.RETURNED_ONLY)
    about.about("days_to_return")


def reasons_for_delay(f: Filters) -> None:
    st.header("Exceptions and reasons for delay")
    frame = gateway.read(queries.advice_exceptions, f)
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
    exceptions.reasons_table("health_advice", f, "advice", "requests")
    about.about("advice_exceptions")


def review_advice(view: filters.View) -> None:
    st.header("Advice for annual reviews")
    st.caption(metrics.REVIEW_APART)
    frame = with_periods(
        gateway.read(queries.rates_table, "review_advice", view.filters, view.grain), view.grain)
    grain = GRAIN_WORDS[view.grain]
    fig = charts.run_chart(
        frame, f"Advice for annual reviews returned 2 weeks before the meeting, by {grain}",
        GRAIN_NAMES[view.grain],
        [("pct", "Returned 2 weeks before the meeting", "numerator", "denominator")], None)
    table = tables.rate_table(frame, "Period", REVIEW.met.capitalize(), REVIEW.of_what.capitalize(),
                              include_exceptions=False)
    tables.chart_or_table(
        "review_advice_trend", fig, table, "health-advice-for-annual-reviews",
        alt=f"Run chart of the percentage of health advice for annual reviews returned 2 weeks "
            f"before the review meeting by {grain}",
        summary=charts.latest_summary(frame, "pct", "numerator", "denominator", None))
    about.about("review_advice")


def quality(f: Filters) -> None:
    st.header("Quality of advice")
    by_score, by_service = gateway.read(queries.quality_scores, f)
    if by_score.empty:
        tables.no_data("No quality scores are recorded for this selection.")
        return
    fig = charts.simple_bars(by_score, "score", "advice", "Health advice by quality audit score",
                             "Quality score", "Advice scored")
    table = by_score.rename(columns={"score": "Quality score", "advice": "Advice scored"})
    tables.chart_or_table("advice_quality", fig, table, "health-advice-quality-scores",
                          alt="Bar chart of the number of advice reports by quality score")
    tables.show(by_service.rename(columns={
        "service": "Service", "returned": "Advice returned", "scored": "Scored",
        "mean_score": "Mean score"}),
        column_config={"Mean score": st.column_config.NumberColumn(format="%.2f")})
    st.caption("The quality scale: " + " ".join(
        f"{score}: {words}" for score, words in metrics.QUALITY_RUBRIC.items()))
    about.about("advice_quality")


def overdue(f: Filters) -> None:
    st.header("Overdue health advice", anchor="overdue")
    st.caption(f"Open requests past their due date on {f.as_of:%d/%m/%Y}. Local authority and "
               "service filters apply; the period does not.")
    frame = gateway.read(metrics.overdue_advice, f)
    if frame.empty:
        tables.no_data("No request is overdue.")
        return
    to_chase = int(gateway.read(chase.overdue_queue, f)["to_chase"].sum())
    for column, (label, value, note) in zip(st.columns(3), (
            (OVERDUE.label, len(frame), "Open requests whose due date (received + 42 days) has "
                                        "passed: the Overview's figure."),
            ("To chase", to_chase, "Overdue by six months or less: a provider can still act."),
            ("Records to close", len(frame) - to_chase, "Open more than six months past due: "
                                                        "data-quality items.")), strict=True):
        column.metric(label, f"{value:,}", help=note)
    overdue_queue.render(f)
    with st.expander(f"Every overdue request in one list, most overdue first ({len(frame):,})"):
        table = tables.named_columns(frame, OVERDUE_COLUMNS)
        tables.show(table, key="overdue_table", column_config={
            "Received": st.column_config.DateColumn(format="DD/MM/YYYY"),
            "Due": st.column_config.DateColumn(format="DD/MM/YYYY"),
            "Days overdue": st.column_config.NumberColumn(format="%d"),
        })
        tables.downloads(table, f"overdue-health-advice-{f.as_of:%Y-%m-%d}", "overdue",
                         sheet="Overdue health advice")
    about.about("overdue_advice")


def _in_time(value: object) -> str:
    return "yes" if value is True else "no" if value is False else "not yet due"


def _date_columns(table: pd.DataFrame) -> dict[str, object]:
    return {name: st.column_config.DateColumn(format="DD/MM/YYYY")
            for name in DATES if name in table.columns}


def reconciliation(f: Filters) -> None:
    st.header("The LA's records and the providers' logs compared", anchor="reconciliation")
    found = gateway.read(metrics.reconcile_advice, f)
    st.caption(f"The 6-week clock runs from the day the service received the request (reg 8(1)), "
               f"so the headline uses the providers' logs. A request in the LA's export and one "
               f"in a provider's log are the same request when they name the same local "
               f"authority, case and service and their requested dates are at most "
               f"{found.window_days} days apart. Requests are placed in the period by their due "
               "date; the local authority and service filters apply.")
    if not found.compared:
        tables.no_data("No local authority in this selection has both its own export of advice "
                       "requests and a provider's log loaded, so there is nothing to compare.")
        about.about("advice_reconciliation")
        return
    st.caption(f"Compared: {plain(', '.join(found.compared))} (the local authorities with records on "
               "both sides).")
    matched = found.matched
    differ = matched[matched["disagreement"] != ""]
    counts = (("Matched requests", len(matched)), ("Dates disagree", len(differ)),
              ("6-week result differs", int(matched["clocks_differ"].sum())),
              ("In the LA's records only", len(found.la_only)),
              ("In the providers' logs only", len(found.provider_only)))
    for column, (label, value) in zip(st.columns(len(counts)), counts, strict=True):
        column.metric(label, f"{value:,}")

    st.subheader("Returned within 6 weeks, both ways")
    figures = found.figures.assign(group=[b[:1].upper() + b[1:] for b in found.figures["basis"]])
    fig = charts.share_bars(figures, "Health advice returned within 6 weeks: provider and LA dates",
                            "group", "Dates used", name="Returned within 6 weeks")
    table = tables.rate_table(figures, "Dates used", RATE.met.capitalize(), "Due",
                              include_exceptions=False)
    provider, la = figures.iloc[0], figures.iloc[1]
    pair_provider, pair_la = figures.iloc[2], figures.iloc[3]
    if pair_provider["denominator"] != pair_la["denominator"]:
        st.caption(f"The matched pairs count {pair_provider['denominator']:,} requests by the "
                   f"providers' dates and {pair_la['denominator']:,} by the LA's: the LA's export "
                   "records no reg 8(2) exceptions, so a request a provider marked as a lawful "
                   "exception is left out of the first figure only (and a request not yet due by "
                   "one side's dates is left out of that side's).")
    tables.chart_or_table(
        "reconcile_figures", fig, table, "health-advice-provider-and-la-dates",
        column_config=BOTH_WAYS_FIRST, row_height=tables.WRAPPED_ROW_HEIGHT,
        alt="Bar chart of the percentage of health advice returned within 6 weeks by the "
            "providers' dates and by the LA's dates, overall and for the matched requests",
        summary=f"Providers' dates (the statutory clock): {provider['pct']:.1f}% "
                f"({provider['numerator']:,} of {provider['denominator']:,}); LA's dates: "
                f"{la['pct']:.1f}% ({la['numerator']:,} of {la['denominator']:,})."
        if provider["denominator"] and la["denominator"] else "")

    st.subheader("Matched requests whose dates disagree")
    apart = (matched.groupby("requested_days_apart").size().rename("requests").reset_index()
             if len(matched) else pd.DataFrame(columns=["requested_days_apart", "requests"]))
    fig = charts.simple_bars(apart, "requested_days_apart", "requests",
                             "Matched requests by days from the LA sending the request to the "
                             "service receiving it", "Days apart", "Matched requests")
    tables.chart_or_table(
        "reconcile_days_apart", fig,
        apart.rename(columns={"requested_days_apart": "Days apart (request)",
                              "requests": "Matched requests"}),
        "health-advice-request-days-apart",
        alt="Bar chart of matched health advice requests by the days between the LA's request "
            "date and the service's received date",
        summary=f"{len(differ):,} of {len(matched):,} matched requests have dates that disagree; "
                f"for {int(matched['clocks_differ'].sum()):,} the 6-week result differs.")
    only_clock = st.toggle("Show only requests whose 6-week result differs", value=False,
                           key="reconcile_clock_only")
    shown = differ[differ["clocks_differ"]] if only_clock else differ
    if shown.empty:
        tables.no_data("No matched request has dates that disagree.")
    else:
        shown = shown.assign(la_within_6_weeks=[_in_time(v) for v in shown["la_within_6_weeks"]],
                             provider_within_6_weeks=[_in_time(v) for v in
                                                      shown["provider_within_6_weeks"]])
        table = tables.named_columns(shown, MATCHED_COLUMNS)
        tables.show_whole(table, MATCHED_ON_SCREEN, "health-advice-dates-disagree",
                          "reconcile_matched", sheet="Dates disagree",
                          why="\"What differs\" quotes the dates that disagree.")

    st.subheader("Requests on one side only")
    la_names = {k: v for k, v in ONE_SIDE_COLUMNS.items() if k != "provider"} | {
        "requested_date": "Requested (LA sent)", "returned_date": "Returned (LA received)"}
    provider_names = ONE_SIDE_COLUMNS | {"requested_date": "Requested (service received)",
                                         "returned_date": "Returned (service returned)"}
    sides = ((f"In the LA's records only ({len(found.la_only):,})", found.la_only, "la_only",
              la_names, "No request in the LA's records is missing from the providers' logs."),
             (f"In the providers' logs only ({len(found.provider_only):,})", found.provider_only,
              "provider_only", provider_names,
              "No request in the providers' logs is missing from the LA's records."))
    for tab, (_, frame, key, names, empty) in zip(st.tabs([s[0] for s in sides]), sides,
                                                  strict=True):
        with tab:
            if frame.empty:
                tables.no_data(empty)
                continue
            table = tables.named_columns(frame, names)
            tables.show(table, key=f"reconcile_{key}", row_height=tables.WRAPPED_ROW_HEIGHT,
                        column_config={**_date_columns(table), **ONE_SIDE_FIRST})
            tables.downloads(table, f"health-advice-{key.replace('_', '-')}", f"reconcile_{key}",
                             sheet=key.replace("_", " ").capitalize())
    about.about("advice_reconciliation")


def render() -> None:
    st.title("Health advice")
    view = filters.sidebar_filters()
    st.caption(view.describe())
    st.markdown("[Jump to the chase list](#chase) · "
                "[Jump to the LA's records compared](#reconciliation)")
    target = load_settings().targets.get("health_advice_within_6_weeks_pct")
    timeliness_by_period(view, target)
    timeliness_by_dimension(view.filters, target)
    distribution(view.filters)
    reasons_for_delay(view.filters)
    review_advice(view)
    quality(view.filters)
    overdue(view.filters)
    reconciliation(view.filters)


render()
