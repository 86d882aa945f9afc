"""Budgets and complaints (/budgets-and-complaints): children's personal health budgets (active,
started, ended, continuing care) and SEND complaints and ombudsman cases (received, answered by
their due date, and the open ones, most overdue first).

DATA PROTECTION: lists show the complaint's reference only, never a person identifier.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboard.components import about, charts, filters, gateway, tables
from pipelines import metrics, queries
from pipelines.config import load_settings
from pipelines.metrics import SMALL_DENOMINATOR, Filters
from pipelines.periods import GRAIN_NAMES, GRAIN_WORDS, shorts, with_periods

OPEN_COLUMNS = {
    "complaint_ref": "Complaint reference", "local_authority": "Local authority", "stage": "Stage",
    "health_aspect": "Health aspect", "received_date": "Received", "response_due_date": "Response due",
    "days_overdue": "Days overdue", "status": "Status",
}
STAGE_NAMES = {"stage 1": "Stage 1", "stage 2": "Stage 2", "stage 3": "Stage 3"}


def percent(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.1f}%"


def sentence_case(text: object) -> str:
    words = STAGE_NAMES.get(str(text), str(text))
    return words[:1].upper() + words[1:]


def band_order(band: str) -> float:
    """Amount bands by the first amount they name ('Under £5,000' first); unnamed bands last."""
    if band.lower().startswith("under"):
        return -1
    found = re.search(r"[\d,]+", band)
    return float(found.group().replace(",", "")) if found else float("inf")


# ---- personal health budgets ------------------------------------------------------------------

def budgets_now(f: Filters) -> bool:
    st.header("Personal health budgets")
    active = gateway.read(metrics.phb_active, f).iloc[0]
    started = gateway.read(queries.rates_table, "phb_started", f).iloc[0]
    if not active["active"] and not started["items"]:
        tables.no_data("No personal health budget is active on the as-of date or started in the "
                       "period.")
        return False
    columns = st.columns(3)
    columns[0].metric(f"Budgets active on {f.as_of:%d/%m/%Y}", f"{int(active['active']):,}",
                      help=about.NOTES["phb_active"].definition)
    columns[0].caption("Active on the as-of date: the period does not apply")
    columns[1].metric("Of them continuing care", percent(active["continuing_care_pct"]))
    columns[1].caption(f"{int(active['continuing_care']):,} of {int(active['active']):,} "
                       "budgets active")
    columns[2].metric("Budgets started in the period", f"{int(started['items']):,}")
    columns[2].caption(f"{int(started['numerator']):,} of them continuing care")
    tabs = st.tabs(["By local authority", "By annual amount band"])
    for tab, (by, name) in zip(tabs, (("local_authority", "Local authority"),
                                      ("amount_band", "Annual amount band")), strict=True):
        with tab:
            frame = gateway.read(metrics.phb_active, f, by)
            if by == "amount_band":
                frame = frame.sort_values("group", key=lambda col: col.map(band_order))
            frame = frame.assign(group=[g or "Not recorded" for g in frame["group"]])
            long = pd.concat([
                pd.DataFrame({"group": frame["group"], "funding": "Continuing care",
                              "budgets": frame["continuing_care"]}),
                pd.DataFrame({"group": frame["group"], "funding": "Not continuing care",
                              "budgets": frame["active"] - frame["continuing_care"]})])
            fig = charts.category_bars(long, f"Personal health budgets active on "
                                             f"{f.as_of:%d/%m/%Y}, by {name.lower()}",
                                       "group", "budgets", "funding", "Budgets active", name)
            if by == "amount_band":  # bands in order of amount, not by size of bar
                fig.update_yaxes(categoryorder="array", categoryarray=list(frame["group"])[::-1])
            table = pd.DataFrame({name: frame["group"], "Budgets active": frame["active"],
                                  "Continuing care": frame["continuing_care"],
                                  "Continuing care (%)": frame["continuing_care_pct"]})
            tables.chart_or_table(
                f"phb_{by}", fig, table, f"personal-health-budgets-active-by-{by.replace('_', '-')}",
                alt=f"Stacked bar chart of personal health budgets active by {name.lower()}, "
                    "split by continuing care")
    about.about("phb_active")
    return True


def budgets_over_time(view: filters.View) -> None:
    st.header("Budgets over time")
    grain = GRAIN_WORDS[view.grain]
    frame = gateway.read(metrics.phb_trend, view.filters, view.grain)
    frame = frame.assign(period=shorts(view.grain, frame["start"]))
    if frame.empty:
        tables.no_data()
        return
    active, flows = st.tabs(["Active at each period's end", "Started and ended"])
    table = frame.rename(columns={
        "period": "Period", "started": "Started", "ended": "Ended",
        "active_at_end": "Active at the period's end",
        "continuing_care_active_at_end": "Of them continuing care"})
    with active:
        fig = charts.count_chart(frame, f"Personal health budgets active at the end of each {grain}",
                                 GRAIN_NAMES[view.grain],
                                 [("active_at_end", "All budgets"),
                                  ("continuing_care_active_at_end", "Continuing care")],
                                 y_title="Budgets active")
        last = frame.iloc[-1]
        tables.chart_or_table(
            "phb_active_trend", fig, table, "personal-health-budgets-by-period",
            alt=f"Bar chart of personal health budgets active at the end of each {grain}",
            summary=f"At the end of {last['period']}: {int(last['active_at_end']):,} budgets "
                    f"active, {int(last['continuing_care_active_at_end']):,} continuing care.")
    with flows:
        fig = charts.count_chart(frame, f"Personal health budgets started and ended, by {grain}",
                                 GRAIN_NAMES[view.grain],
                                 [("started", "Started"), ("ended", "Ended")],
                                 y_title="Budgets")
        tables.chart_or_table(
            "phb_flows", fig, table, "personal-health-budgets-started-ended",
            alt=f"Bar chart of personal health budgets started and ended by {grain}")
    about.about("phb_trend")


# ---- complaints --------------------------------------------------------------------------------

def complaints_now(f: Filters, open_now: pd.DataFrame) -> bool:
    st.header("Complaints answered by their due date", anchor="complaints")
    responses = gateway.read(queries.rates_table, "complaint_responses", f).iloc[0]
    received = gateway.read(queries.rates_table, "complaints_received", f).iloc[0]
    if not responses["items"] and not received["items"] and open_now.empty:
        tables.no_data("No complaint was received, fell due or is open in this selection.")
        return False
    columns = st.columns(4)
    columns[0].metric("Responded by the due date", percent(responses["pct"]),
                      help=about.NOTES["complaint_responses"].definition)
    small = " · small number" if 0 < responses["denominator"] < SMALL_DENOMINATOR else ""
    columns[0].caption(f"{int(responses['numerator']):,} of {int(responses['denominator']):,} "
                       f"responses due{small}")
    target = load_settings().targets.get("complaint_responses_by_due_date_pct")
    columns[0].caption(f"Local target {target:g}%" if target is not None else "No local target set")
    columns[1].metric("Complaints received", f"{int(received['items']):,}",
                      help=about.NOTES["complaints_received"].definition)
    columns[1].caption(f"{int(received['numerator']):,} with a health aspect")
    overdue = int((open_now["status"] == "overdue").sum())
    columns[2].metric(f"Open on {f.as_of:%d/%m/%Y}", f"{len(open_now):,}")
    columns[3].metric("Of them overdue", f"{overdue:,}")
    return True


def responses(view: filters.View) -> None:
    target = load_settings().targets.get("complaint_responses_by_due_date_pct")
    grain = GRAIN_WORDS[view.grain]
    splits = (("stage", "Stage"), ("local_authority", "Local authority"))
    tabs = st.tabs([f"By {grain}"] + [f"By {name.lower()}" for _, name in splits])
    with tabs[0]:
        frame = with_periods(
            gateway.read(queries.rates_table, "complaint_responses", view.filters, view.grain), view.grain)
        fig = charts.run_chart(frame, f"Complaints responded to by their due date, by {grain}",
                               GRAIN_NAMES[view.grain],
                               [("pct", "Responded by the due date", "numerator", "denominator")],
                               target)
        if len(frame) and frame["small"].mean() > 0.5:
            st.caption("Most periods have fewer than 5 responses due: a quarter or financial year "
                       "gives a steadier view.")
        tables.chart_or_table(
            "complaint_responses_trend", fig,
            tables.rate_table(frame, "Period", "Responded by the due date", "Responses due",
                              include_exceptions=False),
            "complaints-responded-by-due-date",
            alt=f"Run chart of the percentage of complaints responded to by their due date by "
                f"{grain}",
            summary=charts.latest_summary(frame, "pct", "numerator", "denominator", target))
    for tab, (by, name) in zip(tabs[1:], splits, strict=True):
        with tab:
            frame = gateway.read(queries.rates_table, "complaint_responses", view.filters, by)
            frame = frame.assign(group=[sentence_case(g) for g in frame["group"]])
            fig = charts.rate_bars(frame, f"Complaints responded to by their due date, by "
                                          f"{name.lower()}", name, target,
                                   name="Responded by the due date")
            tables.chart_or_table(
                f"complaint_responses_{by}", fig,
                tables.rate_table(frame, name, "Responded by the due date", "Responses due",
                                  include_exceptions=False),
                f"complaints-responded-by-{by.replace('_', '-')}",
                alt=f"Bar chart of the percentage of complaints responded to by their due date by "
                    f"{name.lower()}")
    about.about("complaint_responses")


def received(view: filters.View) -> None:
    st.header("Complaints received")
    grain = GRAIN_WORDS[view.grain]
    splits = (("stage", "Stage"), ("outcome", "Outcome"))
    tabs = st.tabs([f"By {grain}"] + [f"By {name.lower()}" for _, name in splits])
    with tabs[0]:
        frame = with_periods(
            gateway.read(queries.rates_table, "complaints_received", view.filters, view.grain), view.grain)
        fig = charts.count_chart(frame, f"Complaints and ombudsman cases received, by {grain}",
                                 GRAIN_NAMES[view.grain],
                                 [("items", "All complaints"), ("numerator", "With a health aspect")],
                                 y_title="Complaints received")
        table = pd.DataFrame({"Period": frame["period"], "Complaints received": frame["items"],
                              "With a health aspect": frame["numerator"]})
        tables.chart_or_table(
            "complaints_received_trend", fig, table, "complaints-received",
            alt=f"Bar chart of complaints received by {grain}, all and with a health aspect",
            summary=f"{int(frame['items'].sum()):,} complaints received in the period, "
                    f"{int(frame['numerator'].sum()):,} with a health aspect.")
    for tab, (by, name) in zip(tabs[1:], splits, strict=True):
        with tab:
            frame = gateway.read(queries.rates_table, "complaints_received", view.filters, by)
            frame = frame.assign(group=[sentence_case(g) for g in frame["group"]])
            long = pd.concat([
                pd.DataFrame({"group": frame["group"], "aspect": "With a health aspect",
                              "complaints": frame["numerator"]}),
                pd.DataFrame({"group": frame["group"], "aspect": "Without a health aspect",
                              "complaints": frame["items"] - frame["numerator"]})])
            fig = charts.category_bars(long, f"Complaints received in the period, by "
                                             f"{name.lower()}", "group", "complaints", "aspect",
                                       "Complaints received", name)
            table = pd.DataFrame({name: frame["group"], "Complaints received": frame["items"],
                                  "With a health aspect": frame["numerator"]})
            tables.chart_or_table(
                f"complaints_received_{by}", fig, table, f"complaints-received-by-{by}",
                alt=f"Stacked bar chart of complaints received by {name.lower()}, split by "
                    "whether they have a health aspect")
    about.about("complaints_received")


def _highlight(row: pd.Series) -> list[str]:
    # Colour backs up the Status column's words; it never carries the meaning alone.
    return ["background-color: #fbe3d6" if row["Status"] == "overdue" else ""] * len(row)


def open_list(f: Filters, frame: pd.DataFrame) -> None:
    st.header("Open complaints", anchor="open-complaints")
    st.caption(f"Complaints without a response on {f.as_of:%d/%m/%Y}, most overdue first "
               "(negative days: days left). The period does not apply.")
    if frame.empty:
        tables.no_data("No complaint is open.")
        return
    shown = frame.assign(stage=[sentence_case(s) if isinstance(s, str) else s
                                for s in frame["stage"]],
                         health_aspect=["yes" if a is True else "no" if a is False else ""
                                        for a in frame["health_aspect"]])
    table = tables.named_columns(shown, OPEN_COLUMNS)
    tables.show(tables.highlighted(table, _highlight), key="open_complaints_table", column_config={
        "Received": st.column_config.DateColumn(format="DD/MM/YYYY"),
        "Response due": st.column_config.DateColumn(format="DD/MM/YYYY"),
        "Days overdue": st.column_config.NumberColumn(format="%d")})
    tables.downloads(table, f"open-complaints-{f.as_of:%Y-%m-%d}", "open_complaints",
                     sheet="Open complaints")
    about.about("open_complaints")


def render() -> None:
    st.title("Personal health budgets and complaints")
    view = filters.sidebar_filters(show_services=False)
    st.caption(view.describe(services=False))
    st.markdown("[Jump to complaints](#complaints) · "
                "[Jump to open complaints](#open-complaints)")
    if budgets_now(view.filters):
        budgets_over_time(view)
    st.divider()
    open_now = gateway.read(metrics.open_complaints, view.filters)
    if complaints_now(view.filters, open_now):
        responses(view)
        received(view)
        open_list(view.filters, open_now)


render()
