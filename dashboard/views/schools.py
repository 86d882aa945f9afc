"""Schools (/schools): medical conditions policies and mental health support, from the DCO's
schools audit: the current position against the Health Conditions in Schools Alliance's figures,
what policies lack, IHP coverage, mental health support, and the schools to follow up.

DATA PROTECTION: the audit holds counts per school only; lists show the school's URN and name.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.components import about, charts, filters, gateway, tables
from pipelines import metrics
from pipelines.metrics import SCHOOL_POLICY_REFERENCE, SMALL_DENOMINATOR, Filters

HCSA = SCHOOL_POLICY_REFERENCE
REFERENCES = [(HCSA["with_policy_pct"], f"HCSA: {HCSA['with_policy_pct']:g}% with a policy"),
              (HCSA["compliant_pct"], f"HCSA: {HCSA['compliant_pct']:g}% compliant")]
MEASURES = (("with_policy", "With a policy"), ("published", "Published on website"),
            ("compliant", "Compliant"))
SPLITS = (("local_authority", "Local authority"), ("phase", "Phase"))
ALL = "All schools"
FOLLOW_UP_COLUMNS = {
    "urn": "URN", "school_name": "School", "local_authority": "Local authority", "phase": "Phase",
    "audit_date": "Latest audit", "items_lacking": "Items lacking", "lacks": "What it lacks",
    "policy_reviewed_date": "Policy last reviewed", "policy_url": "Policy web address",
}
TREND_GRAINS = {"Academic year": "academic_year", "Term": "term"}


def sentence_case(text: object) -> str:
    words = str(text)
    return words[:1].upper() + words[1:]


def percent(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.1f}%"


def made_of(numerator: int, denominator: int, of_what: str) -> str:
    small = " · small number" if 0 < denominator < SMALL_DENOMINATOR else ""
    return f"{numerator:,} of {denominator:,} {of_what}{small}"


def with_all(by_group: pd.DataFrame, overall: pd.DataFrame) -> pd.DataFrame:
    """A breakdown with the overall row first, named 'All schools', groups in sentence case."""
    frame = pd.concat([overall.assign(group=ALL), by_group], ignore_index=True)
    return frame.assign(group=[sentence_case(g) for g in frame["group"]])


def position_long(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per group and measure, as `charts.share_bars` draws them."""
    return pd.concat([pd.DataFrame({
        "group": frame["group"], "measure": name, "pct": frame[f"{column}_pct"],
        "numerator": frame[column], "denominator": frame["schools"]})
        for column, name in MEASURES], ignore_index=True).sort_values(
        "group", key=lambda col: col.map({g: i for i, g in enumerate(frame["group"])}),
        kind="stable")


def position_table(frame: pd.DataFrame, group: str) -> pd.DataFrame:
    out = pd.DataFrame({group: frame["group"], "Schools audited": frame["schools"]})
    for column, name in MEASURES:
        out[name] = frame[column].to_numpy()
        out[f"{name} (%)"] = frame[f"{column}_pct"].to_numpy()
    out["Note"] = ["small number (fewer than 5)" if s else "" for s in frame["small"]]
    return out


def current_position(f: Filters) -> bool:
    st.header("Medical conditions policies")
    overall = gateway.read(metrics.school_policy_position, f)
    row = overall.iloc[0]
    if not row["schools"]:
        tables.no_data(f"No school was audited on or before {f.as_of:%d/%m/%Y}.")
        return False
    st.caption(f"Each school's latest audit on or before {f.as_of:%d/%m/%Y}. Compare with the "
               f"{HCSA['source']}: {HCSA['with_policy_pct']:g}% of schools with a policy, "
               f"{HCSA['compliant_pct']:g}% with one that met the government's standard.")
    schools = int(row["schools"])
    columns = st.columns(4)
    columns[0].metric("Schools audited", f"{schools:,}",
                      help="Schools and settings with an audit on or before the as-of date.")
    for column, (key, _), label, reference in zip(
            columns[1:], MEASURES, ("Schools with a policy", "Policy published on website",
                                    "Compliant policy"),
            (HCSA["with_policy_pct"], None, HCSA["compliant_pct"]), strict=True):
        column.metric(label, percent(row[f"{key}_pct"]), help=about.NOTES["school_policy"].definition)
        column.caption(made_of(int(row[key]), schools, "schools audited"))
        column.caption(f"HCSA: {reference:g}%" if reference is not None
                       else "No reference figure")
    tabs = st.tabs([f"By {name.lower()}" for _, name in SPLITS])
    for tab, (by, name) in zip(tabs, SPLITS, strict=True):
        with tab:
            frame = with_all(gateway.read(metrics.school_policy_position, f, by), overall)
            fig = charts.share_bars(
                position_long(frame), f"Schools with a medical conditions policy, published and "
                                      f"compliant, by {name.lower()}", "group", name,
                series="measure", references=REFERENCES)
            tables.chart_or_table(
                f"school_policy_{by}", fig, position_table(frame, name),
                f"schools-medical-conditions-policies-by-{by.replace('_', '-')}",
                alt=f"Grouped bar chart of the percentage of schools with a medical conditions "
                    f"policy, with it published and with a compliant policy, by {name.lower()}, "
                    "with the Health Conditions in Schools Alliance's figures as lines",
                summary=f"All schools: {percent(row['compliant_pct'])} compliant "
                        f"(HCSA {HCSA['compliant_pct']:g}%), {percent(row['with_policy_pct'])} "
                        f"with a policy (HCSA {HCSA['with_policy_pct']:g}%).")
    about.about("school_policy")
    return True


def trend(f: Filters) -> None:
    st.header("Across audit rounds")
    choice = st.segmented_control("Audit rounds by", list(TREND_GRAINS), default="Academic year",
                                  required=True, key="school_trend_grain")
    frame = gateway.read(metrics.school_policy_trend, f, TREND_GRAINS[choice])
    st.caption(f"Each school's latest audit in each {choice.lower()} of the period chosen "
               f"({f.date_from:%d/%m/%Y} to {f.date_to:%d/%m/%Y}); periods are cut to those "
               "dates. Choose an earlier 'From' in the sidebar to see every round.")
    fig = charts.run_chart(
        frame, f"Schools' medical conditions policies, by {choice.lower()} of audit",
        choice, [(f"{column}_pct", name, column, "schools") for column, name in MEASURES])
    charts.reference_lines(fig, REFERENCES)
    table = pd.DataFrame({choice: frame["period"], "Schools audited": frame["schools"]})
    for column, name in MEASURES:
        table[name] = frame[column].to_numpy()
        table[f"{name} (%)"] = frame[f"{column}_pct"].to_numpy()
    summary = ""
    if len(frame):
        last = frame.iloc[-1]
        summary = (f"Latest, {last['period']}: {percent(last['compliant_pct'])} of "
                   f"{int(last['schools']):,} schools audited compliant, "
                   f"{percent(last['with_policy_pct'])} with a policy.")
    tables.chart_or_table(
        "school_trend", fig, table, "schools-policies-by-audit-round", summary=summary,
        alt=f"Run chart of the percentage of schools with a policy, published and compliant by "
            f"{choice.lower()} of audit, with the Alliance's figures as lines")
    about.about("school_trend")


def element_name(element: str, label: str) -> str:
    """What a policy lacks, as the chart reads it: the review check is named as the thing lacking."""
    return "A review in the last 12 months" if element == "reviewed_in_12_months" else sentence_case(label)


def elements_long(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    out = pd.DataFrame({"element": [element_name(e, x) for e, x in zip(frame["element"], frame["label"],
                                                                        strict=True)],
                        "group": [sentence_case(g) for g in frame["group"]],
                        "pct": frame["missing_pct"], "numerator": frame["missing"],
                        "denominator": frame["schools_with_policy"]})
    rank = {e: i for i, e in enumerate(order)}
    return out.sort_values("element", key=lambda col: col.map(rank), kind="stable")


def elements_missing(f: Filters) -> None:
    st.header("Policy elements most often missing")
    overall = gateway.read(metrics.school_elements_missing, f)
    order = [element_name(e, x) for e, x in zip(overall["element"], overall["label"], strict=True)]
    st.caption("Of the schools whose latest audit found a policy: the share whose policy lacks "
               "each element of the statutory guidance, most often missing first.")
    tabs = st.tabs([ALL] + [f"By {name.lower()}" for _, name in SPLITS])
    for tab, (by, name) in zip(tabs, ((None, ALL), *SPLITS), strict=True):
        with tab:
            frame = elements_long(overall if by is None else
                                  gateway.read(metrics.school_elements_missing, f, by), order)
            fig = charts.share_bars(
                frame, "What schools' medical conditions policies lack"
                       + ("" if by is None else f", by {name.lower()}"),
                "element", "Policy element", series=None if by is None else "group",
                name="Policies lacking it")
            table = frame.rename(columns={"element": "Element", "group": name if by else "Schools",
                                          "numerator": "Policies lacking it",
                                          "denominator": "Schools with a policy",
                                          "pct": "Per cent lacking it"})
            top = frame.iloc[0] if len(frame) else None
            tables.chart_or_table(
                f"school_elements_{by or 'all'}", fig, table,
                f"schools-policy-elements-missing{'' if by is None else '-by-' + by.replace('_', '-')}",
                alt="Bar chart of the percentage of schools' policies lacking each element"
                    + ("" if by is None else f", by {name.lower()}"),
                summary=(f"Most often missing: {top['element'].lower()}, "
                         f"{percent(top['pct'])} of {int(top['denominator']):,} policies."
                         if top is not None and by is None else ""))
    about.about("school_elements")


def ihp_coverage(f: Filters) -> None:
    st.header("Individual healthcare plans")
    overall = gateway.read(metrics.school_ihp_coverage, f)
    row = overall.iloc[0]
    st.metric("IHP coverage", percent(row["ihp_coverage_pct"]),
              help=about.NOTES["school_ihp"].definition)
    pupils = made_of(int(row["pupils_with_ihp"]), int(row["pupils_with_medical_conditions"]),
                     "pupils with a medical condition")
    st.caption(f"{pupils} have an IHP, in {int(row['schools']):,} schools that recorded both counts.")
    tabs = st.tabs([f"By {name.lower()}" for _, name in SPLITS])
    for tab, (by, name) in zip(tabs, SPLITS, strict=True):
        with tab:
            frame = with_all(gateway.read(metrics.school_ihp_coverage, f, by), overall)
            long = pd.DataFrame({"group": frame["group"], "pct": frame["ihp_coverage_pct"],
                                 "numerator": frame["pupils_with_ihp"],
                                 "denominator": frame["pupils_with_medical_conditions"]})
            fig = charts.share_bars(long, f"Pupils with a medical condition who have an "
                                          f"individual healthcare plan, by {name.lower()}",
                                    "group", name, name="With an IHP")
            table = pd.DataFrame({
                name: frame["group"], "Schools recording both": frame["schools"],
                "Pupils with a medical condition": frame["pupils_with_medical_conditions"],
                "Pupils with an IHP": frame["pupils_with_ihp"],
                "IHP coverage (%)": frame["ihp_coverage_pct"]})
            tables.chart_or_table(
                f"school_ihp_{by}", fig, table, f"schools-ihp-coverage-by-{by.replace('_', '-')}",
                alt=f"Bar chart of IHP coverage by {name.lower()}")
    about.about("school_ihp")


def mental_health(f: Filters) -> None:
    st.header("Mental health support")
    overall = gateway.read(metrics.school_mental_health, f)
    row = overall.iloc[0]
    columns = st.columns(3)
    columns[0].metric("Trained senior mental health lead", percent(row["smhl_pct"]))
    columns[0].caption(made_of(int(row["with_smhl"]), int(row["smhl_recorded"]),
                               "schools that recorded it"))
    columns[1].metric("Covered by a Mental Health Support Team", percent(row["mhst_pct"]))
    columns[1].caption(made_of(int(row["with_mhst"]), int(row["mhst_recorded"]),
                               "schools that recorded it"))
    mean = row["wellbeing_mean"]
    columns[2].metric("Mean wellbeing self-assessment", "-" if mean is None or mean != mean
                      else f"{mean:.1f}", help="The schools' own whole-school score.")
    columns[2].caption(f"Mean of the {int(row['wellbeing_recorded']):,} schools that recorded one")
    tabs = st.tabs([f"By {name.lower()}" for _, name in SPLITS])
    for tab, (by, name) in zip(tabs, SPLITS, strict=True):
        with tab:
            frame = with_all(gateway.read(metrics.school_mental_health, f, by), overall)
            long = pd.concat([
                pd.DataFrame({"group": frame["group"], "measure": "Trained senior mental health lead",
                              "pct": frame["smhl_pct"], "numerator": frame["with_smhl"],
                              "denominator": frame["smhl_recorded"]}),
                pd.DataFrame({"group": frame["group"], "measure": "Covered by an MHST",
                              "pct": frame["mhst_pct"], "numerator": frame["with_mhst"],
                              "denominator": frame["mhst_recorded"]})])
            long = long.sort_values("group", kind="stable", key=lambda col: col.map(
                {g: i for i, g in enumerate(frame["group"])}))
            fig = charts.share_bars(long, f"Schools with a trained senior mental health lead and "
                                          f"covered by an MHST, by {name.lower()}", "group", name,
                                    series="measure")
            table = pd.DataFrame({
                name: frame["group"], "Schools audited": frame["schools"],
                "Senior lead recorded": frame["smhl_recorded"], "With a trained senior lead":
                frame["with_smhl"], "Senior lead (%)": frame["smhl_pct"],
                "MHST recorded": frame["mhst_recorded"], "Covered by an MHST": frame["with_mhst"],
                "MHST (%)": frame["mhst_pct"], "Wellbeing scores recorded":
                frame["wellbeing_recorded"], "Mean wellbeing score": frame["wellbeing_mean"]})
            tables.chart_or_table(
                f"school_mh_{by}", fig, table,
                f"schools-mental-health-support-by-{by.replace('_', '-')}",
                alt=f"Grouped bar chart of the percentage of schools with a trained senior mental "
                    f"health lead and covered by an MHST, by {name.lower()}")
    about.about("school_mental_health")


def follow_up(f: Filters) -> None:
    st.header("Schools to follow up", anchor="follow-up")
    frame = gateway.read(metrics.school_follow_up, f)
    st.caption(f"Schools whose latest audit on or before {f.as_of:%d/%m/%Y} found no compliant "
               "policy or a policy not published on the website, with what each lacks: no policy "
               "first, then those lacking most. The period does not apply.")
    if frame.empty:
        tables.no_data("Every school audited has a compliant, published policy.")
        return
    st.metric("Schools to contact", f"{len(frame):,}")
    table = tables.named_columns(frame.assign(phase=[sentence_case(p) if isinstance(p, str) else p
                                                     for p in frame["phase"]]),
                                 FOLLOW_UP_COLUMNS)
    tables.show(table, key="follow_up_table", column_config={
        "Latest audit": st.column_config.DateColumn(format="DD/MM/YYYY"),
        "Policy last reviewed": st.column_config.DateColumn(format="DD/MM/YYYY"),
        "What it lacks": st.column_config.TextColumn(width="large"),
        "Policy web address": st.column_config.LinkColumn(),
    })
    tables.downloads(table, f"schools-to-follow-up-{f.as_of:%Y-%m-%d}", "follow_up",
                     sheet="Schools to follow up")
    about.about("school_follow_up")


def render() -> None:
    st.title("Schools: medical conditions and mental health")
    view = filters.sidebar_filters(show_services=False)
    st.caption(view.describe(services=False))
    st.caption("Only each school's latest audit on or before the as-of date counts: the period "
               "applies to the trend across audit rounds only.")
    st.markdown("[Jump to the schools to follow up](#follow-up)")
    if not current_position(view.filters):
        return
    trend(view.filters)
    elements_missing(view.filters)
    ihp_coverage(view.filters)
    mental_health(view.filters)
    follow_up(view.filters)


render()
