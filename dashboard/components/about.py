"""'About this metric' notes: definition, statutory basis, source data and caveats, one dict entry
per metric, so the wording is kept in one place. Definitions restate shared/DOMAIN.md and the
docstrings of pipelines/metrics.py, which compute them.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.components import data_access


@dataclass(frozen=True)
class Note:
    title: str
    definition: str
    basis: str
    datasets: tuple[str, ...]
    caveats: str


SMALL = "Rates over fewer than 5 cases are marked 'small number': read them with care."

NOTES: dict[str, Note] = {
    "health_advice": Note(
        "Health advice returned within 6 weeks",
        "Of the requests for health advice whose due date (the day the service received the "
        "LA's request + 42 days) falls in the period, the share returned within 42 days. A "
        "request still open after its due date counts as late; one not yet due is not counted. "
        "The headline excludes requests with a lawful reg 8(2) exception; the figure including "
        "them is shown beside it.",
        "SEND Regulations 2014, reg 8(1): advice within 6 weeks of the request; reg 8(2) lists the "
        "only exceptions (exceptional personal circumstances, absence from the area for 4 weeks or "
        "more, a missed appointment). No national target exists; the target line is local "
        "(settings.toml).",
        ("health_advice",),
        "The clock starts when the service receives the request, which can be later than the "
        "LA's request date. A return dated after the as-of date counts as not yet returned. "
        + SMALL,
    ),
    "overdue_advice": Note(
        "Overdue health advice",
        "Requests still open on the as-of date whose due date (received + 42 days) has passed, "
        "with the days overdue. Not bound to the period: an overdue request is listed whenever it "
        "was asked for. Local authority and service filters apply.",
        "SEND Regulations 2014, reg 8(1).",
        ("health_advice",),
        "A request returned but not yet recorded as returned in the latest export appears here "
        "until the next load. The exception column shows any reason recorded, lawful or not.",
    ),
    "days_to_return": Note(
        "Days taken to return health advice",
        "Returned requests due in the period, counted by the week in which they were returned "
        "(days from the service receiving the request to the return). Bars left of the 42-day "
        "line met the standard.",
        "SEND Regulations 2014, reg 8(1).",
        ("health_advice",),
        "Open requests are not shown here (see the overdue list). Requests with a lawful "
        "exception are included.",
    ),
    "advice_exceptions": Note(
        "Exceptions recorded against health advice",
        "Requests due in the period with a reason recorded for delay. 'Lawful (reg 8(2))' reasons "
        "are excluded from the headline rate; any other reason recorded (waiting lists, school "
        "holidays, staff sickness...) is not an exception in law and the request still counts.",
        "SEND Regulations 2014, reg 8(2). School holidays and waiting lists are not exceptions for "
        "health.",
        ("health_advice",),
        "Reasons are matched to the lawful list from the words providers use; an unusual spelling "
        "of a lawful reason shows as 'not lawful' until it is added to pipelines/vocab.py.",
    ),
    "advice_quality": Note(
        "Quality of health advice",
        "Quality audit scores recorded for advice due in the period, where the provider records "
        "one, and the share of returned advice that has a score.",
        "No statutory standard: quality audits are a local arrangement (Code of Practice 9.49 asks "
        "for advice that is clear, specific and quantified).",
        ("health_advice",),
        "Scoring scales differ between providers and audits cover samples, not all advice.",
    ),
    "ehcp_plans": Note(
        "New EHC plans issued within 20 weeks",
        "Of the new EHC plans whose final plan was issued in the period, the share issued within "
        "140 days of the LA receiving the request. The headline excludes plans where a 20-week "
        "exception applies; the figure including them is shown beside it, as the DfE publishes.",
        "SEND Regulations 2014, reg 13(2) (20 weeks) and reg 10(4) applied by reg 13(3) "
        "(exceptions: setting closure of 4+ weeks, exceptional personal circumstances, absence "
        "from the area of 4+ weeks). England's figure is the DfE's 'Education, health and care "
        "plans' release (calendar years).",
        ("ehcp",),
        "England's figures are calendar years and the latest is 2024; compare like with like. "
        + SMALL,
    ),
    "ehcp_decisions": Note(
        "Decision whether to assess within 6 weeks",
        "Of the requests decided (to assess or not) in the period, the share decided within 42 "
        "days of the LA receiving the request.",
        "SEND Regulations 2014, reg 5. England: 84.8% of 2024 requests (DfE).",
        ("ehcp",),
        "Withdrawn requests are not counted. " + SMALL,
    ),
    "stage_durations": Note(
        "Time spent in each stage",
        "For the new plans issued in the period, the days from request to decision to assess, "
        "from decision to draft plan, and from draft to final plan: median and quartiles, with "
        "the shortest and longest as whiskers.",
        "The 20 weeks of reg 13(2) include a decision by week 6 (reg 5) and at least 15 days for "
        "the family to comment on the draft (reg 13(1)).",
        ("ehcp",),
        "Plans without a decision or draft date recorded count only in the stages they have "
        "dates for.",
    ),
    "open_cases": Note(
        "Open cases at risk of missing 20 weeks",
        "Needs assessments open on the as-of date (no final plan, not refused, withdrawn or "
        "ended without a plan), the stage each is in, the days since the request and the days "
        "left of the 20 weeks. 'Past 20 weeks' have no days left; 'Due within 4 weeks' have 28 "
        "days or fewer.",
        "SEND Regulations 2014, reg 13(2); the stage markers follow the Code of Practice timeline "
        "(decision by week 6, draft by about week 16, final by week 20).",
        ("ehcp",),
        "Not bound to the period. Cases with a 20-week exception are listed with it; the "
        "exception column shows the reason recorded.",
    ),
    "tribunal_appeals": Note(
        "SEND Tribunal appeals registered",
        "Appeals registered in the period, and those raising health needs or provision "
        "(health aspects), by appeal type and outcome.",
        "Children and Families Act 2014 s51; the single route of redress (extended appeals) lets "
        "the Tribunal make recommendations on health (SI 2017/1306).",
        ("tribunals",),
        "Outcomes of recent appeals are often still pending. Nationally 95-99% of decided appeals "
        "go at least partly in the family's favour.",
    ),
    "tribunal_responses": Note(
        "Health recommendations answered within 5 weeks",
        "Of the Tribunal's health recommendations whose response was due (recommendation + 35 "
        "days) in the period, the share the commissioner answered in writing within 35 days.",
        "SEND (First-tier Tribunal Recommendations Power) Regulations 2017 (SI 2017/1306): the "
        "health commissioner must respond within 5 weeks.",
        ("tribunals",),
        "A response dated after the as-of date counts as not yet sent. " + SMALL,
    ),
}


def about(key: str) -> None:
    """The note in an expander, ending with the files the figures come from and when they loaded."""
    note = NOTES[key]
    with st.expander("About this metric", icon=":material/info:"):
        st.markdown(f"**{note.title}**")
        st.markdown(f"**Definition.** {note.definition}")
        st.markdown(f"**Statutory basis.** {note.basis}")
        st.markdown(f"**Caveats.** {note.caveats}")
        lines = []
        for dataset in note.datasets:
            for row in data_access.sources(dataset).itertuples():
                lines.append(f"- {row.file_name}: loaded {row.loaded_at:%d/%m/%Y %H:%M}, "
                             f"as of {row.as_of:%d/%m/%Y}, {row.loaded:,} rows")
        st.markdown("**Data.** " + ("Loaded from:\n" + "\n".join(lines) if lines
                                    else "No file of this kind has been loaded yet."))
        st.markdown("Full definitions: the **Guide** page, and `shared/DOMAIN.md` in the project.")


def about_many(keys: list[str]) -> None:
    """Notes for several metrics in one expander (the Overview, where cards sit side by side)."""
    with st.expander("About these metrics", icon=":material/info:"):
        for key in keys:
            note = NOTES[key]
            st.markdown(f"**{note.title}.** {note.definition}\n\n*Statutory basis:* {note.basis}"
                        f"\n\n*Caveats:* {note.caveats}")
        lines = [f"- {row.file_name}: loaded {row.loaded_at:%d/%m/%Y %H:%M}, as of "
                 f"{row.as_of:%d/%m/%Y}" for row in data_access.loads().itertuples()]
        st.markdown("**Data.** " + ("Loaded from:\n" + "\n".join(lines) if lines
                                    else "No file has been loaded yet."))
