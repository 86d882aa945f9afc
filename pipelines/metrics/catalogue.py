"""The metric catalogue: every metric defined once, with its title, card label, query, definition,
statutory basis, target, England measure and direction. The query registry (`BASES`), the named
figures (`FIGURES`), the notes, the Overview's cards, the board pack, the inspection pages, the
evidence pack and docs/metrics.md are all built from it (`pipelines.catalogue` writes the docs).

To add a metric: one entry here (or in `catalogue_remit`), one base query in `bases`, and a
section in the page that shows it. Definitions restate the SEND Regulations 2014 and the
statutory guidance in the project's own words; days are calendar days.
"""

from __future__ import annotations

from collections.abc import Callable

from pipelines.metrics.bases import (
    advice_base,
    advice_la_base,
    amended_plan_base,
    appeal_base,
    decision_base,
    decision_by_request_base,
    plan_base,
    response_base,
    review_advice_base,
    review_decision_base,
    review_decision_sent_base,
    review_health_base,
    review_health_invited_base,
    review_held_base,
)
from pipelines.metrics.catalogue_remit import REMIT
from pipelines.metrics.contribution import health_contribution
from pipelines.metrics.core import Filters
from pipelines.metrics.entry import SMALL, Figure, Metric
from pipelines.metrics.lists import (
    decisions_outstanding_past_6_weeks,
    open_cases_at_risk,
    open_past_20_weeks,
    overdue_advice,
)

# ---- the statutory clocks: health advice, EHC plans, the Tribunal, annual reviews -----------

CLOCKS: tuple[Metric, ...] = (
    Metric(
        "health_advice", "Health advice returned within 6 weeks",
        label="Health advice within 6 weeks",
        kind="base", query=advice_base, datasets=('health_advice',),
        definition="Of the requests for health advice for an EHC needs assessment or re-assessment whose "
                   "due date (the day the service received the LA's request + 42 days) falls in the "
                   "period, the share returned within 42 days. A request still open after its due date "
                   "counts as late; one not yet due is not counted. The headline excludes requests with a "
                   "lawful reg 8(2) exception; the figure including them is shown beside it ('Requests"
                   " for health advice due' counts them all). Advice for "
                   "annual reviews is measured on its own (2 weeks before the meeting); a request whose "
                   "stage is not recorded is taken as advice for an assessment.",
        basis="SEND Regulations 2014, reg 8(1): advice within 6 weeks of the request; reg 8(2) lists "
              "the only exceptions (exceptional personal circumstances, absence from the area for 4 "
              "weeks or more, a missed appointment). No national target exists; the target line is "
              "local (settings.toml).",
        caveats="The clock starts when the service receives the request, which can be later than the LA's"
                " request date. A return dated after the as-of date counts as not yet returned. " + SMALL,
        unit="% of requests due", anchor="the due date: the day the service received the request + 42 days",
        exceptions="Requests with a lawful reg 8(2) exception are left out of the headline rate; the "
                   "figure including them is given beside it.",
        figure="health_advice_within_6_weeks_pct", of_what="requests due (excluding exceptions)",
        met="returned within 6 weeks", with_exceptions="Including lawful reg 8(2) exceptions",
        more=(Figure("health_advice_due", "health_advice", "Requests for health advice due", "count",
                     "requests whose 6-week due date falls in the period, lawful exceptions "
                     "included", "items", "neither"),),
        lawful="advice",
    ),
    Metric(
        "overdue_advice", "Overdue health advice",
        label="Health advice overdue now",
        kind="list", query=overdue_advice, datasets=('health_advice',),
        definition="Requests for advice for a needs assessment or re-assessment still open on the as-of "
                   "date whose due date (received + 42 days) has passed, with the days overdue. Not bound "
                   "to the period: an overdue request is listed whenever it was asked for. Local "
                   "authority and service filters apply.",
        basis="SEND Regulations 2014, reg 8(1).",
        caveats="A request returned but not yet recorded as returned in the latest export appears here "
                "until the next load. The exception column shows any reason recorded, lawful or not.",
        unit="requests",
        anchor="not bound to the period: open requests past their due date on the as-of date",
        exceptions="Listed with any reason recorded, lawful or not; a lawful exception does not stop "
                   "the clock's due date passing.",
        figure="health_advice_overdue_open", rate=False, direction="down",
        of_what="open requests past their due date on the as-of date",
        lawful="advice",
    ),
    Metric(
        "days_to_return", "Days taken to return health advice",
        kind="breakdown", query=advice_base, datasets=('health_advice',),
        definition="Returned requests due in the period, counted by the week in which they were returned "
                   "(days from the service receiving the request to the return). Bars left of the 42-day "
                   "line met the standard.",
        basis="SEND Regulations 2014, reg 8(1).",
        caveats="Open requests are not shown here (see the overdue list). Requests with a lawful "
                "exception are included.",
        unit="requests, by week of return", anchor="the due date, as for the 6-week rate",
        exceptions="Requests with a lawful exception are included.",
        lawful="advice",
    ),
    Metric(
        "advice_exceptions", "Exceptions recorded against health advice",
        kind="breakdown", query=advice_base, datasets=('health_advice',),
        definition="Requests due in the period with a reason recorded for delay. 'Lawful (reg 8(2))' reasons"
                   " are excluded from the headline rate; any other reason recorded (waiting lists, school "
                   "holidays, staff sickness...) is not an exception in law and the request still counts.",
        basis="SEND Regulations 2014, reg 8(2). School holidays and waiting lists are not exceptions "
              "for health.",
        caveats="Reasons are matched to the lawful list from the words providers use; an unusual spelling"
                " of a lawful reason shows as 'not lawful' until the area maps it in settings.toml "
                "[exceptions.advice] (each such reason is warned about when its file loads).",
        unit="requests", anchor="the due date, as for the 6-week rate",
        exceptions="The subject of the breakdown: lawful reg 8(2) reasons beside any other reason "
                   "recorded.",
        lawful="advice",
    ),
    Metric(
        "advice_quality", "Quality of health advice",
        kind="breakdown", query=advice_base, datasets=('health_advice',),
        definition="Quality audit scores recorded for advice due in the period, where the provider records "
                   "one, and the share of returned advice that has a score.",
        basis="No statutory standard: quality audits are a local arrangement (Code of Practice 9.49 "
              "asks for advice that is clear, specific and quantified).",
        caveats="Scoring scales differ between providers and audits cover samples, not all advice.",
        unit="audit scores", anchor="the due date, as for the 6-week rate",
    ),
    Metric(
        "ehcp_plans", "New EHC plans issued within 20 weeks",
        label="New plans within 20 weeks",
        kind="base", query=plan_base, datasets=('ehcp',),
        definition="Of the new EHC plans whose final plan was issued in the period, the share issued within "
                   "140 days of the LA receiving the request. The headline excludes plans where a 20-week "
                   "exception applies; the figure including them is shown beside it, as the DfE publishes.",
        basis="SEND Regulations 2014, reg 13(2) (20 weeks) and reg 10(4) applied by reg 13(3) "
              "(exceptions: setting closure of 4+ weeks, exceptional personal circumstances, absence "
              "from the area of 4+ weeks). England's figure is the DfE's 'Education, health and care "
              "plans' release (calendar years).",
        caveats="England's figures are calendar years and the latest is 2024; compare like with "
                "like. " + SMALL,
        unit="% of new plans issued", anchor="the date the final plan was issued",
        exceptions="Plans with a 20-week exception (reg 10(4)) are left out of the headline rate; the "
                   "figure including them is given beside it, as the DfE publishes both.",
        figure="ehcp_within_20_weeks_pct_excl_exceptions", of_what="new plans (excluding exceptions)",
        met="issued within 20 weeks", with_exceptions="Including 20-week exceptions",
        england="within_20_weeks_pct_excl_exceptions",
        more=(Figure("ehcp_within_20_weeks_pct_incl_exceptions", "ehcp_plans",
                     "New plans within 20 weeks, including exceptions", "rate",
                     "new plans issued", "pct_incl"),
              Figure("ehcp_plans_issued", "ehcp_plans", "New EHC plans issued", "count",
                     "new plans whose final plan was issued in the period", "items", "neither")),
        lawful="plan",
    ),
    Metric(
        "ehcp_decisions", "Decision whether to assess within 6 weeks",
        label="Decided within 6 weeks",
        kind="base", query=decision_base, datasets=('ehcp',),
        definition="Of the requests decided (to assess or not) in the period, the share decided within 42 "
                   "days of the LA receiving the request.",
        basis="SEND Regulations 2014, reg 5. England: 84.8% of 2024 requests (DfE).",
        caveats="Withdrawn requests are not counted. " + SMALL,
        unit="% of requests decided", anchor="the date of the decision whether to assess",
        figure="ehcp_decided_within_6_weeks_pct", of_what="requests decided",
        met="decided within 6 weeks", england="decided_within_6_weeks_pct",
    ),
    Metric(
        "ehcp_decisions_by_request_year", "Decision whether to assess within 6 weeks, by year of request",
        label="Decided within 6 weeks, by year of request (DfE basis)",
        kind="base", query=decision_by_request_base, datasets=('ehcp',),
        definition="Of the requests received in the calendar year and decided (to assess or not) by the "
                   "as-of date, the share decided within 42 days of the LA receiving the request: by year "
                   "of request, as the DfE counts. Shown for the calendar year holding the period's end, "
                   "beside England's figure for its latest year.",
        basis="SEND Regulations 2014, reg 5. The DfE's 'Education, health and care plans' release counts "
              "requests by the calendar year they were received. England: 84.8% of 2024 requests.",
        caveats="A request not yet decided is not counted (the position 'Decisions outstanding past 6 "
                "weeks' shows them); a year not yet over can still change as decisions are made. "
                "Withdrawn requests are not counted. " + SMALL,
        unit="% of requests decided", anchor="the date the request was received (by calendar year)",
        figure="ehcp_decided_within_6_weeks_by_request_year_pct", of_what="requests received and decided",
        met="decided within 6 weeks", england="decided_within_6_weeks_pct",
    ),
    Metric(
        "decisions_outstanding", "Requests undecided past 6 weeks",
        label="Requests undecided past 6 weeks",
        kind="position", query=decisions_outstanding_past_6_weeks, datasets=('ehcp',),
        definition="Requests for an EHC needs assessment with no decision whether to assess on the as-of "
                   "date more than 42 days after the LA received them (not withdrawn on or before it; "
                   "the 'awaiting decision to assess' cases of the open cases list). Not bound to the "
                   "period: the 6-week rate counts only decisions made, so these are the requests it "
                   "cannot see.",
        basis="SEND Regulations 2014, reg 5: a decision within 6 weeks of the request.",
        caveats="Not bound to the period. A decision made but not yet recorded in the latest export "
                "counts here until the next load.",
        unit="requests", anchor="not bound to the period: requests undecided on the as-of date",
        figure="ehcp_decisions_outstanding_past_6_weeks", rate=False, direction="down",
        of_what="undecided on the as-of date, more than 6 weeks after the request",
    ),
    Metric(
        "open_past_20_weeks", "Open needs assessments past 20 weeks",
        label="Open needs assessments past 20 weeks",
        kind="position", query=open_past_20_weeks, datasets=('ehcp',),
        definition="Requests with a decision to assess and no final plan on the as-of date (no decision "
                   "not to issue a plan, not withdrawn, on or before it), more than 140 days after "
                   "the LA received the request: the assessments of the open cases list past 20 weeks. "
                   "Not bound to the period: the 20-week rate counts only plans issued, so these are "
                   "the cases it cannot see.",
        basis="SEND Regulations 2014, reg 13(2): the final plan within 20 weeks of the request.",
        caveats="Not bound to the period. Cases with a 20-week exception (reg 10(4)) are counted; the "
                "open cases list shows the reason recorded. A plan issued but not yet recorded counts "
                "here until the next load.",
        unit="open assessments", anchor="not bound to the period: assessments open on the as-of date",
        exceptions="Counted with any exception recorded: a lawful exception does not close a case.",
        figure="ehcp_open_past_20_weeks", rate=False, direction="down",
        of_what="open on the as-of date, more than 20 weeks after the request",
    ),
    Metric(
        "health_contribution", "Health advice behind new plans",
        kind="breakdown", query=health_contribution, datasets=("ehcp", "health_advice"),
        definition="New plans issued in the period (without a lawful reg 10(4) exception), each joined to "
                   "the health advice requests for the same case and local authority. Of the plans issued "
                   "within 20 weeks, the share whose health advice was all returned within 6 weeks; of the "
                   "plans issued later, the share with at least one request returned late or still "
                   "open past its due date. Overall and by service.",
        basis="SEND Regulations 2014, reg 8(1) (advice within 6 weeks) and reg 13(2) (the plan within "
              "20 weeks): late advice is one cause a plan can be late, not the only one.",
        caveats="Only requests that count by the as-of date (returned, or past their due date) are joined. "
                "A plan whose case has no health advice request recorded is counted apart, not as on "
                "time. A late request with a lawful reg 8(2) exception still counts as late here. The "
                "share shows association, not cause. " + SMALL,
        unit="% of new plans with health advice recorded",
        anchor="the date the final plan was issued",
    ),
    Metric(
        "stage_durations", "Time spent in each stage",
        kind="breakdown", query=plan_base, datasets=('ehcp',),
        definition="For the new plans issued in the period, the days from request to decision to assess, "
                   "from decision to draft plan, and from draft to final plan: median and quartiles, with "
                   "the shortest and longest as whiskers.",
        basis="The 20 weeks of reg 13(2) include a decision by week 6 (reg 5) and at least 15 days for "
              "the family to comment on the draft (reg 13(1)).",
        caveats="Plans without a decision or draft date recorded count only in the stages they have dates"
                " for.",
        unit="days in each stage", anchor="the date the final plan was issued",
    ),
    Metric(
        "open_cases", "Open cases at risk of missing 20 weeks",
        kind="list", query=open_cases_at_risk, datasets=('ehcp',),
        definition="Needs assessments open on the as-of date (no final plan, not refused, withdrawn or ended"
                   " without a plan on or before it: a refusal, withdrawal or decision not to issue dated "
                   "after the as-of date had not yet happened; one with no date recorded is taken as "
                   "made), the stage each is in, the days since the request and the days left of "
                   "the 20 weeks. 'Past 20 weeks' have no days left; 'Due within 4 weeks' have 28 days or "
                   "fewer.",
        basis="SEND Regulations 2014, reg 13(2); the stage markers follow the Code of Practice timeline"
              " (decision by week 6, draft by about week 16, final by week 20).",
        caveats="Not bound to the period. Cases with a 20-week exception are listed with it; the "
                "exception column shows the reason recorded.",
        unit="open cases", anchor="not bound to the period: assessments open on the as-of date",
        exceptions="Cases with a 20-week exception are listed with it.",
        of_what="open cases",
        lawful="plan",
    ),
    Metric(
        "tribunal_appeals", "SEND Tribunal appeals registered",
        label="Tribunal appeals registered",
        kind="base", query=appeal_base, datasets=('tribunals',),
        definition="Appeals registered in the period, and those raising health needs or provision (health "
                   "aspects), by appeal type and outcome.",
        basis="Children and Families Act 2014 s51; the single route of redress (extended appeals) lets "
              "the Tribunal make recommendations on health (SI 2017/1306).",
        caveats="Outcomes of recent appeals are often still pending. Nationally 95-99% of decided appeals"
                " go at least partly in the family's favour.",
        unit="appeals", anchor="the date the Tribunal registered the appeal",
        figure="tribunal_appeals_registered", rate=False, column="items", direction="neither",
        of_what="appeals registered in the period", met="with health aspects",
        more=(Figure("tribunal_appeals_with_health_aspects", "tribunal_appeals",
                     "Appeals with health aspects", "count", "registered in the period",
                     "numerator", "neither"),),
    ),
    Metric(
        "tribunal_responses", "Health recommendations answered within 5 weeks",
        label="Tribunal health responses in 5 weeks",
        kind="base", query=response_base, datasets=('tribunals',),
        definition="Of the Tribunal's health recommendations whose response was due (recommendation + 35 "
                   "days) in the period, the share the commissioner answered in writing within 35 days.",
        basis="SEND (First-tier Tribunal Recommendations Power) Regulations 2017 (SI 2017/1306): the "
              "health commissioner must respond within 5 weeks.",
        caveats="A response dated after the as-of date counts as not yet sent. A recommendation "
                "recorded as made (Y) with no date it was sent has no due date, so it is left out "
                "(neither counted nor met, whether or not a response is dated) until the date is "
                "filled, and each such row is a warning when it loads (`undated_yes`); so is a "
                "recommendation or response date beside a recommendation recorded as not made (N), "
                "which is left out too (`dated_no`). " + SMALL,
        unit="% of responses due", anchor="the response's due date: the recommendation + 35 days",
        figure="tribunal_health_responses_within_5_weeks_pct", of_what="responses due",
        met="answered within 5 weeks",
    ),
    Metric(
        "advice_reconciliation", "Health advice: the LA's records beside the providers' logs",
        kind="breakdown", query=advice_la_base, datasets=('health_advice',),
        definition="Each request in the LA's export is matched to a request in a provider's log for the same"
                   " local authority, case and service whose requested dates are at most 14 days apart; each"
                   " row joins one pair at most, the closest dates first, so two requests to one service a "
                   "year apart are not confused. Requests left unmatched are listed as 'LA only' or "
                   "'provider only'. Rows are placed in the period by their due date (requested + 42 days; "
                   "for a pair, the provider's). The 6-week rate is given four ways: all provider rows (the "
                   "headline), all LA rows, and the matched pairs by each side's dates.",
        basis="SEND Regulations 2014, reg 8(1): the 6 weeks run from the date the service received the "
              "LA's request, so the headline uses the providers' dates. The LA's dates (when it sent "
              "the request, when it logged the advice) are shown beside it where they differ.",
        caveats="Only local authorities with records on both sides are compared, and a row counts as "
                "unmatched only within the dates both sides cover. A date typed weeks wrong on one side "
                "shows as one request on each side's unmatched list. The LA's export records no reg 8(2) "
                "exceptions, so its figures include requests a provider marked as lawful exceptions. The "
                "LA and service filters apply. " + SMALL,
        unit="requests, matched or not",
        anchor="the due date (requested + 42 days; for a matched pair, the provider's)",
        exceptions="The LA's export records no reg 8(2) exceptions, so its figures include them.",
    ),
    Metric(
        "health_advice_la_records", "Health advice within 6 weeks by the LA's dates",
        kind="base", query=advice_la_base, datasets=("health_advice",),
        definition="Of the requests for health advice in the LA's own export whose due date (the day the "
                   "LA sent the request + 42 days) falls in the period, the share the LA recorded as "
                   "received within 42 days. Counted as the headline is: a request open after its due "
                   "date is late; one not yet due is not counted.",
        basis="SEND Regulations 2014, reg 8(1). The clock in law runs from the service's receipt of the "
              "request, so this figure is shown beside the headline, never instead of it.",
        caveats="Only where the LA's export is loaded beside the providers' logs. The LA's export "
                "records no reg 8(2) exceptions. " + SMALL,
        unit="% of requests due", anchor="the due date: the day the LA sent the request + 42 days",
        exceptions="The LA's export records none, so every request counts.",
        of_what="requests due by the LA's dates", met="received within 6 weeks",
    ),
    Metric(
        "review_advice", "Health advice for annual reviews 2 weeks before the meeting",
        label="Review advice 2 weeks before the meeting",
        kind="base", query=review_advice_base, datasets=("health_advice", "annual_reviews"),
        definition="Of the providers' requests for health advice for an annual review whose due date (2 "
                   "weeks before the review meeting) falls in the period, the share returned by then. The "
                   "meeting is that of the first review of the same local authority and case in the LA's "
                   "review tracker on or after the request (within 6 months); while the meeting is not yet "
                   "held, the review's due date stands in for it. Advice with no such review in the tracker"
                   " has no due date and is not counted. Open after its due date counts as late.",
        basis="SEND Regulations 2014, reg 20(3)-(4): the LA gathers advice for the review and sends it "
              "to those invited at least 2 weeks before the meeting. Reg 8's six weeks do not apply. No "
              "national target exists.",
        caveats="Needs the annual review tracker loaded beside the providers' logs, with the same case "
                "references. A return dated after the as-of date counts as not yet returned. " + SMALL,
        unit="% of requests due", anchor="the due date: 14 days before the review meeting",
        figure="review_advice_2_weeks_before_meeting_pct", of_what="annual review advice requests due",
        met="returned 2 weeks before the meeting",
    ),
    Metric(
        "annual_reviews_held", "Annual reviews held within 12 months",
        label="Reviews held within 12 months",
        kind="base", query=review_held_base, datasets=('annual_reviews',),
        definition="Of the annual reviews due in the period (placed by the review due date), the share whose"
                   " meeting was held on or before the due date. A review not held by its due date counts as"
                   " late once the date has passed; one neither held nor yet due is not counted.",
        basis="Children and Families Act 2014 s44 and SEND Regulations 2014 reg 18: an EHC plan is "
              "reviewed at least every 12 months.",
        caveats="A meeting dated after the as-of date counts as not yet held. The due date is the one the"
                " LA's tracker records. " + SMALL,
        unit="% of reviews due", anchor="the review's due date as the LA's tracker records it",
        figure="annual_reviews_held_on_time_pct", of_what="reviews due", met="held by the due date",
    ),
    Metric(
        "annual_review_decisions", "Annual review decisions within 4 weeks of the meeting",
        label="Review decisions within 4 weeks",
        kind="base", query=review_decision_base, datasets=('annual_reviews',),
        definition="Of the annual review meetings whose decision fell due in the period (meeting + 28 days),"
                   " the share where the LA sent its decision (maintain, amend or cease) within 28 days of "
                   "the meeting. A decision still outstanding after its due date counts as late.",
        basis="SEND Regulations 2014, reg 20(10) (and reg 21 for young people): the LA notifies its "
              "decision within 4 weeks of the review meeting. England: 44.4% of decisions in 2024 (DfE,"
              " first published 2025).",
        caveats="The DfE's 44.4% counts only decisions sent; this figure also counts outstanding "
                "decisions past their due date as late, so it can run lower. England's figure is a "
                "calendar year. " + SMALL,
        unit="% of decisions due", anchor="the decision's due date: the meeting + 28 days",
        figure="annual_review_decisions_within_4_weeks_pct", of_what="decisions due",
        met="decided within 4 weeks", england="annual_review_decisions_within_4_weeks_pct",
    ),
    Metric(
        "annual_review_decisions_sent", "Annual review decisions sent within 4 weeks, by year sent",
        label="Review decisions sent within 4 weeks, by year sent (DfE basis)",
        kind="base", query=review_decision_sent_base, datasets=('annual_reviews',),
        definition="Of the annual review decisions sent in the calendar year (by the as-of date), the "
                   "share sent within 28 days of the review meeting: decisions sent only, by the year "
                   "sent, as the DfE counts. Shown for the calendar year holding the period's end, beside "
                   "England's figure for its latest year.",
        basis="SEND Regulations 2014, reg 20(10) (and reg 21 for young people). England: 44.4% of "
              "decisions in 2024 (DfE, first published 2025).",
        caveats="A decision still outstanding is not counted here (it is late in 'Annual review "
                "decisions within 4 weeks of the meeting', the local headline). " + SMALL,
        unit="% of decisions sent", anchor="the date the decision was sent (by calendar year)",
        figure="annual_review_decisions_sent_within_4_weeks_pct", of_what="decisions sent",
        met="sent within 4 weeks", england="annual_review_decisions_within_4_weeks_pct",
    ),
    Metric(
        "annual_review_amended_plans", "Amended plans within 12 weeks of the meeting",
        label="Amended plans within 12 weeks",
        kind="base", query=amended_plan_base, datasets=('annual_reviews',),
        definition="Of the reviews that decided to amend the plan and whose amended final plan fell due in "
                   "the period (meeting + 84 days), the share issued within 84 days of the meeting. One not "
                   "issued by its due date counts as late.",
        basis="Children and Families Act 2014 s44 and SEND Regulations 2014, regs 20-22: an amended "
              "final plan at most 12 weeks after the review meeting.",
        caveats="Only reviews recorded as 'amend' are counted. A plan dated after the as-of date counts "
                "as not yet issued. " + SMALL,
        unit="% of amended plans due", anchor="the amended plan's due date: the meeting + 84 days",
        figure="annual_review_amended_plans_within_12_weeks_pct", of_what="amended plans due",
        met="issued within 12 weeks",
    ),
    Metric(
        "annual_review_health", "Health at annual reviews",
        kind="breakdown", query=review_health_base, datasets=('annual_reviews',),
        definition="Of the annual review meetings held in the period (placed by the meeting date), the share"
                   " to which a health professional was invited, and the share where health contributed: a "
                   "health professional attended, or written health advice was submitted. A blank counts as "
                   "no.",
        basis="SEND Regulations 2014, reg 20(1)-(3): the LA must seek advice and information from the "
              "health services involved and invite them to the meeting.",
        caveats="Riverside's tracker has no attendance column, so its contribution counts written advice "
                "only and reads lower. " + SMALL,
        unit="% of review meetings held", anchor="the date of the review meeting",
    ),
    Metric(
        "annual_review_health_contribution", "Annual reviews with a health contribution",
        label="Reviews with a health contribution",
        kind="base", query=review_health_base, datasets=("annual_reviews",),
        definition="Of the annual review meetings held in the period (placed by the meeting date), the "
                   "share where health contributed: a health professional attended, or written health "
                   "advice was submitted. A blank counts as no.",
        basis="SEND Regulations 2014, reg 20(1)-(3): the LA must seek advice and information from the "
              "health services involved and invite them to the meeting.",
        caveats="Riverside's tracker has no attendance column, so its contribution counts written advice "
                "only and reads lower. " + SMALL,
        unit="% of review meetings held", anchor="the date of the review meeting",
        figure="annual_review_health_contribution_pct", of_what="review meetings held",
        met="with health attending or advice",
    ),
    Metric(
        "annual_review_health_invited", "Annual reviews to which health was invited",
        label="Reviews with health invited",
        kind="base", query=review_health_invited_base, datasets=("annual_reviews",),
        definition="Of the annual review meetings held in the period (placed by the meeting date), the "
                   "share to which a health professional was invited. A blank counts as not invited.",
        basis="SEND Regulations 2014, reg 20(1)-(3): the LA must invite the health services involved "
              "to the meeting.",
        caveats=SMALL,
        unit="% of review meetings held", anchor="the date of the review meeting",
        figure="annual_review_health_invited_pct", of_what="review meetings held",
        met="with health invited",
    ),
)

# ---- what is built from it -------------------------------------------------------------------

ENTRIES: tuple[Metric, ...] = (*CLOCKS, *REMIT)
CATALOGUE: dict[str, Metric] = {m.key: m for m in ENTRIES}

# The query registry: `rates(con, key, f)` runs the base query of the metric `key`.
BASES: dict[str, Callable[[Filters], str]] = {
    m.key: m.query for m in ENTRIES if m.kind == "base"}

# Every named figure, by key: the headline's, the cards', the inspection's, the targets'.
FIGURES: dict[str, Figure] = {f.key: f for m in ENTRIES for f in m.figures}

# The headline set, in the order `headline()` gives it (a selection of FIGURES).
HEADLINE_KEYS: tuple[str, ...] = (
    "health_advice_due",
    "health_advice_within_6_weeks_pct",
    "health_advice_overdue_open",
    "ehcp_plans_issued",
    "ehcp_within_20_weeks_pct_excl_exceptions",
    "ehcp_within_20_weeks_pct_incl_exceptions",
    "tribunal_appeals_registered",
    "tribunal_appeals_with_health_aspects",
    "tribunal_health_responses_within_5_weeks_pct",
    "ehcp_open_past_20_weeks",
    "ehcp_decisions_outstanding_past_6_weeks",
)

# Which named figure each settings.toml [targets] key sets a target for.
TARGETS: dict[str, Metric] = {m.target: m for m in ENTRIES if m.target}
