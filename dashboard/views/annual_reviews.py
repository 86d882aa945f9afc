"""Annual reviews (/annual-reviews): are EHC plans reviewed within 12 months, are decisions sent
within 4 weeks of the meeting (the DfE's measure; England 44.4% in 2024), are amended plans final
within 12 weeks, and does health take part; and, from the Annex A lists, which children's plans
have gone more than 12 months without a review, by group.

DATA PROTECTION: figures only; no case is listed on this page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.components import about, charts, filters, gateway, table_fit, tables
from dashboard.components.suppression import suppress_count, suppress_frame
from pipelines import benchmarks, metrics, queries
from pipelines.config import load_settings
from pipelines.metrics import SMALL_DENOMINATOR, Filters
from pipelines.periods import GRAIN_NAMES, GRAIN_WORDS, with_periods

ENGLAND_COLUMN = "annual_review_decisions_within_4_weeks_pct"
DIMENSIONS = (("local_authority", "Local authority"),)


def percent(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.1f}%"


def headline_row(f: Filters, england: tuple[int, float] | None) -> bool:
    """The four figures at a glance; False when nothing in the selection counts."""
    figures = [
        ("Reviews held within 12 months", "annual_reviews_held", "reviews due"),
        ("Decisions within 4 weeks", "annual_review_decisions", "decisions due"),
        ("Amended plans within 12 weeks", "annual_review_amended_plans", "amended plans due"),
        ("Health contributed", "annual_review_health_contribution",
         "meetings held"),
    ]
    overall = {metric: gateway.read(queries.rates_table, metric, f).iloc[0] for _, metric, _ in figures}
    if not any(row["items"] for row in overall.values()):
        tables.no_data("No annual review is due, held or decided in this period.")
        return False
    for column, (label, metric, of_what) in zip(st.columns(4), figures, strict=True):
        row = overall[metric]
        column.metric(label, percent(row["pct"]), help=about.NOTES[
            "annual_review_health" if "health" in metric else metric].definition)
        small = " · small number" if 0 < row["denominator"] < SMALL_DENOMINATOR else ""
        column.caption(f"{int(row['numerator']):,} of {int(row['denominator']):,} {of_what}{small}")
        if metric == "annual_review_decisions":
            column.caption(f"England {england[0]}: {england[1]:.1f}% (DfE)" if england
                           else "No national figure published")
            if england:
                column.caption(dfe_basis_text(f))
    return True


def dfe_basis_text(f: Filters) -> str:
    """The decisions sent within 4 weeks by the year sent, as the DfE counts them, to read
    beside England's figure (this page's rate counts outstanding decisions as late)."""
    basis = gateway.read(metrics.dfe_basis, f)
    key = "annual_review_decisions_sent_within_4_weeks"
    num, den = basis[f"{key}_numerator"], basis[f"{key}_denominator"]
    small = " · small number" if 0 < den < SMALL_DENOMINATOR else ""
    local = (f"{percent(basis[f'{key}_pct'])} ({num:,} of {den:,} decisions sent){small}" if den
             else "no decisions sent yet")
    return f"Decisions sent in {basis['dfe_basis_year']}, as the DfE counts: {local}"


def by_period_and_la(view: filters.View, key: str, metric: str, title: str, series_name: str,
                     met: str, due: str, target: float | None,
                     references: list[tuple[float, str]], summary_extra: str = "") -> None:
    """A metric by period (run chart) and by local authority (bars), each with its table."""
    grain = GRAIN_WORDS[view.grain]
    by_period, by_la = st.tabs([f"By {grain}", "By local authority"])
    with by_period:
        frame = with_periods(gateway.read(queries.rates_table, metric, view.filters, view.grain), view.grain)
        fig = charts.run_chart(frame, f"{title}, by {grain}", GRAIN_NAMES[view.grain],
                               [("pct", series_name, "numerator", "denominator")], target)
        charts.reference_lines(fig, references)
        tables.chart_or_table(
            f"{key}_trend", fig, tables.rate_table(frame, "Period", met, due,
                                                   include_exceptions=False),
            f"annual-reviews-{key.replace('_', '-')}",
            alt=f"Run chart of the percentage of {title.lower()} by {grain}",
            summary=charts.latest_summary(frame, "pct", "numerator", "denominator", target)
            + summary_extra)
    with by_la:
        frame = gateway.read(queries.rates_table, metric, view.filters, "local_authority")
        fig = charts.rate_bars(frame, f"{title}, by local authority", "Local authority", target,
                               name=series_name)
        charts.reference_lines(fig, references, horizontal=False)
        tables.chart_or_table(
            f"{key}_by_la", fig, tables.rate_table(frame, "Local authority", met, due,
                                                   include_exceptions=False),
            f"annual-reviews-{key.replace('_', '-')}-by-local-authority",
            alt=f"Bar chart of the percentage of {title.lower()} by local authority")


def reviews_held(view: filters.View, targets: dict[str, float]) -> None:
    st.header("Reviews held within 12 months")
    st.caption("Reviews placed in the period by their due date; held on or before it counts as "
               "in time.")
    by_period_and_la(view, "ar_held", "annual_reviews_held", "Annual reviews held by their due date",
                     "Held by the due date", "Held by the due date", "Reviews due",
                     targets.get("annual_reviews_held_on_time_pct"), [])
    about.about("annual_reviews_held")


def decisions(view: filters.View, targets: dict[str, float], england: tuple[int, float] | None
              ) -> None:
    st.header("Decisions within 4 weeks of the meeting")
    st.caption("Meetings placed in the period by the decision's due date (meeting + 28 days). "
               "The DfE counts decisions sent; an outstanding decision past its due date counts "
               "here as late.")
    if england:
        st.caption(f"{dfe_basis_text(view.filters)}; England {england[0]}: {england[1]:.1f}% "
                   "(DfE, same basis).")
    references = [(england[1], f"England {england[0]}: {england[1]:.1f}%")] if england else []
    extra = f" England {england[0]}: {england[1]:.1f}% (DfE)." if england else ""
    by_period_and_la(view, "ar_decisions", "annual_review_decisions",
                     "Annual review decisions sent within 4 weeks", "Sent within 4 weeks",
                     "Sent within 4 weeks", "Decisions due",
                     targets.get("annual_review_decisions_within_4_weeks_pct"), references, extra)
    about.about("annual_review_decisions")


def amended_plans(view: filters.View, targets: dict[str, float]) -> None:
    st.header("Amended plans within 12 weeks of the meeting")
    st.caption("Reviews that decided to amend the plan, placed in the period by the amended "
               "plan's due date (meeting + 84 days).")
    by_period_and_la(view, "ar_amended", "annual_review_amended_plans",
                     "Amended plans issued within 12 weeks of the meeting", "Issued within 12 weeks",
                     "Issued within 12 weeks", "Amended plans due",
                     targets.get("annual_review_amended_plans_within_12_weeks_pct"), [])
    about.about("annual_review_amended_plans")


def health_part(view: filters.View) -> None:
    st.header("Health at annual reviews")
    st.caption("Meetings held in the period: health invited, and health contributing (attended, "
               "or sent written advice).")
    grain = GRAIN_WORDS[view.grain]
    series = (("annual_review_health_invited", "Health invited"),
              ("annual_review_health_contribution", "Health contributed"))
    by_period, by_la = st.tabs([f"By {grain}", "By local authority"])
    with by_period:
        frames = {metric: with_periods(gateway.read(queries.rates_table, metric, view.filters, view.grain),
                                       view.grain) for metric, _ in series}
        invited, contributed = (frames[m] for m, _ in series)
        # Period labels as rates() gives them ("2025-04", "2025 Q2", "2025-26") sort in time.
        frame = invited[["group", "period", "pct", "numerator", "denominator"]].merge(
            contributed[["group", "period", "pct", "numerator", "denominator"]],
            on=["group", "period"], how="outer", suffixes=("_invited", "_contributed")
        ).sort_values("group").reset_index(drop=True)
        fig = charts.run_chart(
            frame, f"Annual review meetings with health invited and contributing, by {grain}",
            GRAIN_NAMES[view.grain],
            [("pct_invited", "Health invited", "numerator_invited", "denominator_invited"),
             ("pct_contributed", "Health contributed", "numerator_contributed",
              "denominator_contributed")])
        table = pd.DataFrame({
            "Period": frame["period"], "Meetings held": frame["denominator_invited"],
            "Health invited": frame["numerator_invited"], "Invited (%)": frame["pct_invited"],
            "Health contributed": frame["numerator_contributed"],
            "Contributed (%)": frame["pct_contributed"]})
        tables.chart_or_table(
            "ar_health_trend", fig, table, "annual-reviews-health",
            alt=f"Run chart of the percentage of annual review meetings with health invited and "
                f"with a health contribution, by {grain}",
            summary=charts.latest_summary(frame.rename(columns={
                "pct_contributed": "pct", "numerator_contributed": "numerator",
                "denominator_contributed": "denominator"}), "pct", "numerator", "denominator",
                None).replace("Latest", "Health contributed, latest"))
    with by_la:
        long = pd.concat([gateway.read(queries.rates_table, metric, view.filters, "local_authority")
                          .assign(measure=name) for metric, name in series], ignore_index=True)
        fig = charts.share_bars(long, "Annual review meetings with health invited and "
                                      "contributing, by local authority", "group",
                                "Local authority", series="measure")
        table = long.rename(columns={"group": "Local authority", "measure": "Measure",
                                     "numerator": "Meetings", "denominator": "Meetings held",
                                     "pct": "Per cent"})[
            ["Local authority", "Measure", "Meetings", "Meetings held", "Per cent"]]
        tables.chart_or_table(
            "ar_health_by_la", fig, table, "annual-reviews-health-by-local-authority",
            alt="Grouped bar chart of the percentage of annual review meetings with health "
                "invited and contributing, by local authority")
    about.about("annual_review_health")


COHORT_BREAKDOWNS = (("age_band", "Age band"), ("sex", "Sex"), ("ethnicity", "Ethnic group"),
                     ("primary_need", "Primary need"), ("phase", "Phase"),
                     ("local_authority", "Local authority"))
COHORT_COLUMNS = {"with_plan": "With a plan", "measurable": "Review date known",
                  "not_reviewed_in_12_months": "Not reviewed in 12 months",
                  "not_reviewed_pct": "Not reviewed (%)"}
# The group and its figures fit a phone (tables.PHONE_WIDTH), short labels with the full wording
# on hover; the share's denominator comes last.
COHORT_ORDER = ["with_plan", "not_reviewed_in_12_months", "not_reviewed_pct", "measurable"]
COHORT_CONFIG = {
    "With a plan": st.column_config.Column("Plans", width=62, help="Children with an EHC plan "
                                           "on the as-of date (Annex A List 1)"),
    "Not reviewed in 12 months": st.column_config.Column(
        "Overdue", width=76, help="Not reviewed in 12 months: not reviewed in the 12 months "
        "starting with the last review (or the plan's first issue)"),
    "Not reviewed (%)": st.column_config.Column(
        "Overdue %", width=92, help="Not reviewed in 12 months, as a share of the plans whose "
        "review or issue date is known"),
    "Review date known": st.column_config.Column(width=150, help="Plans with a review or first "
                                                 "issue date: what the share is out of"),
}
COHORT_GROUP_WIDTH = 120


def cohort(f: Filters) -> None:
    """Annex A List 1 on the as-of date: plans not reviewed in 12 months, overall and by group,
    small numbers suppressed (a group of a few children could single one out)."""
    st.header("Cohort: plans not reviewed in 12 months (Annex A)")
    overall = gateway.read(metrics.cohort_reviews, f).iloc[0]
    if not overall["with_plan"]:
        tables.no_data("No Annex A List 1 is loaded for this selection (load it on the Data "
                       "page, naming its local authority).")
        return
    st.caption(f"Children with an EHC plan on {f.as_of:%d/%m/%Y} from the Annex A lists; not "
               "reviewed in the 12 months starting with the last review (or the plan's first "
               "issue): overdue from its anniversary. Counts of 1 to 4 are shown as '<5'.")
    shown = suppress_frame(overall.to_frame().T, list(COHORT_COLUMNS)[:3],
                           {"not_reviewed_pct": ("not_reviewed_in_12_months", "measurable")})
    left, right = st.columns(2)
    left.metric("Children with a plan", suppress_count(int(overall["with_plan"])))
    right.metric("Not reviewed in 12 months", shown["not_reviewed_in_12_months"].iloc[0])
    right.caption(f"{shown['not_reviewed_pct'].iloc[0]} of {shown['measurable'].iloc[0]} plans "
                  "with a review or issue date")
    for tab, (by, label) in zip(st.tabs([label for _, label in COHORT_BREAKDOWNS]),
                                COHORT_BREAKDOWNS, strict=True):
        with tab:
            frame = gateway.read(metrics.cohort_reviews, f, by)
            table = suppress_frame(frame, list(COHORT_COLUMNS)[:3],
                                   {"not_reviewed_pct": ("not_reviewed_in_12_months", "measurable")})
            table = table[["group", *COHORT_ORDER]].rename(
                columns={"group": label, **COHORT_COLUMNS})
            config = COHORT_CONFIG | {label: st.column_config.Column(width=COHORT_GROUP_WIDTH)}
            # A withheld share ("withheld (small number)") or a long group name wraps in the row.
            tables.show(table, key=f"cohort_{by}", column_config=config,
                        row_height=table_fit.row_height(table, config))
            tables.downloads(table, f"annual-reviews-cohort-by-{by.replace('_', '-')}",
                             f"cohort_{by}", sheet="Cohort")
    about.about("cohort_reviews")


def render() -> None:
    st.title("Annual reviews")
    view = filters.sidebar_filters(show_services=False)
    st.caption(view.describe(services=False))
    targets = load_settings().targets
    england = benchmarks.england_figure(ENGLAND_COLUMN, view.filters.date_to.year)
    if headline_row(view.filters, england):
        reviews_held(view, targets)
        decisions(view, targets, england)
        amended_plans(view, targets)
        health_part(view)
    cohort(view.filters)


render()
