"""The wording of every metric: title, definition, statutory basis, source data and caveats,
one entry per metric, kept once for the dashboard's "About this metric" notes, the guide and the
board pack. Definitions restate shared/DOMAIN.md and the docstrings of pipelines/metrics/,
which compute them.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    "advice_reconciliation": Note(
        "Health advice: the LA's records beside the providers' logs",
        "Each request in the LA's export is matched to a request in a provider's log for the same "
        "local authority, case and service whose requested dates are at most 14 days apart; each "
        "row joins one pair at most, the closest dates first, so two requests to one service a "
        "year apart are not confused. Requests left unmatched are listed as 'LA only' or "
        "'provider only'. Rows are placed in the period by their due date (requested + 42 days; "
        "for a pair, the provider's). The 6-week rate is given four ways: all provider rows (the "
        "headline), all LA rows, and the matched pairs by each side's dates.",
        "SEND Regulations 2014, reg 8(1): the 6 weeks run from the date the service received the "
        "LA's request, so the headline uses the providers' dates. The LA's dates (when it sent "
        "the request, when it logged the advice) are shown beside it where they differ.",
        ("health_advice",),
        "Only local authorities with records on both sides are compared, and a row counts as "
        "unmatched only within the dates both sides cover. A date typed weeks wrong on one side "
        "shows as one request on each side's unmatched list. The LA's export records no reg 8(2) "
        "exceptions, so its figures include requests a provider marked as lawful exceptions. "
        "The LA and service filters apply. " + SMALL,
    ),
    "annual_reviews_held": Note(
        "Annual reviews held within 12 months",
        "Of the annual reviews due in the period (placed by the review due date), the share whose "
        "meeting was held on or before the due date. A review not held by its due date counts "
        "as late once the date has passed; one neither held nor yet due is not counted.",
        "Children and Families Act 2014 s44 and SEND Regulations 2014 reg 18: an EHC plan is "
        "reviewed at least every 12 months.",
        ("annual_reviews",),
        "A meeting dated after the as-of date counts as not yet held. The due date is the one "
        "the LA's tracker records. " + SMALL,
    ),
    "annual_review_decisions": Note(
        "Annual review decisions within 4 weeks of the meeting",
        "Of the annual review meetings whose decision fell due in the period (meeting + 28 days), "
        "the share where the LA sent its decision (maintain, amend or cease) within 28 days of "
        "the meeting. A decision still outstanding after its due date counts as late.",
        "SEND Regulations 2014, reg 20(10) (and reg 21 for young people): the LA notifies its "
        "decision within 4 weeks of the review meeting. England: 44.4% of decisions in 2024 "
        "(DfE, first published 2025).",
        ("annual_reviews",),
        "The DfE's 44.4% counts only decisions sent; this figure also counts outstanding "
        "decisions past their due date as late, so it can run lower. England's figure is a "
        "calendar year. " + SMALL,
    ),
    "annual_review_amended_plans": Note(
        "Amended plans within 12 weeks of the meeting",
        "Of the reviews that decided to amend the plan and whose amended final plan fell due in "
        "the period (meeting + 84 days), the share issued within 84 days of the meeting. One not "
        "issued by its due date counts as late.",
        "Children and Families Act 2014 s44 and SEND Regulations 2014, regs 20-22: an amended "
        "final plan at most 12 weeks after the review meeting.",
        ("annual_reviews",),
        "Only reviews recorded as 'amend' are counted. A plan dated after the as-of date counts as "
        "not yet issued. " + SMALL,
    ),
    "annual_review_health": Note(
        "Health at annual reviews",
        "Of the annual review meetings held in the period (placed by the meeting date), the share "
        "to which a health professional was invited, and the share where health contributed: a "
        "health professional attended, or written health advice was submitted. A blank counts as "
        "no.",
        "SEND Regulations 2014, reg 20(1)-(3): the LA must seek advice and information from the "
        "health services involved and invite them to the meeting.",
        ("annual_reviews",),
        "Riverside's tracker has no attendance column, so its contribution counts written advice "
        "only and reads lower. " + SMALL,
    ),
    "school_policy": Note(
        "Schools with a medical conditions policy, published and compliant",
        "From each school's latest audit on or before the as-of date: the share of the schools "
        "audited with a medical conditions policy in place; with it published on the school's "
        "website; and compliant: a policy in place, every element the statutory guidance asks "
        "for present (named lead, staff training and cover, individual healthcare plans "
        "process, medicines, trips and activities, emergency procedures, complaints, "
        "unacceptable practice) and reviewed in the 12 months before the audit.",
        "Children and Families Act 2014 s100 and the statutory guidance 'Supporting pupils at "
        "school with medical conditions' (December 2015). Reference: the Health Conditions in "
        "Schools Alliance found 47.5% of schools with a policy and 11.5% with one meeting the "
        "government's standard; it asks schools to publish their policy.",
        ("schools",),
        "Not bound to the period: only each school's latest audit counts, however old. A blank "
        "answer counts as not evidenced. The Alliance's figures are a national survey, not "
        "official statistics, and its test of 'compliant' may differ from ours in detail. "
        + SMALL,
    ),
    "school_trend": Note(
        "Medical conditions policies across audit rounds",
        "For each academic year (September-August) or term in the period chosen, each school's "
        "latest audit in it, counted as in the current position. A school not audited in a "
        "period is not in it.",
        "As for the current position (Children and Families Act 2014 s100).",
        ("schools",),
        "Periods are cut to the dates chosen in the sidebar, so a first or last academic year can "
        "be partial. Different schools are audited in each round: a change can come from which "
        "schools were audited as well as from schools improving.",
    ),
    "school_elements": Note(
        "Policy elements most often missing",
        "Of the schools whose latest audit found a policy, the number and share whose policy "
        "lacks each element of the statutory guidance, and whose policy was not reviewed in the "
        "12 months before the audit. Most often missing first.",
        "Statutory guidance 'Supporting pupils at school with medical conditions' (2015), which "
        "lists what a policy should cover.",
        ("schools",),
        "Schools without any policy are not counted here (they lack everything); see the "
        "follow-up list.",
    ),
    "school_ihp": Note(
        "Individual healthcare plan coverage",
        "From each school's latest audit: pupils with an individual healthcare plan (IHP) over "
        "pupils with a medical condition, summed over the schools that recorded both counts.",
        "Statutory guidance 'Supporting pupils at school with medical conditions' (2015): IHPs "
        "for pupils whose condition needs one.",
        ("schools",),
        "Not every pupil with a medical condition needs an IHP: a low share is a question to ask "
        "the school, not a breach. Schools that left either count blank are left out.",
    ),
    "school_mental_health": Note(
        "Mental health support in schools",
        "From each school's latest audit: the share with a trained senior mental health lead and "
        "the share covered by a Mental Health Support Team (MHST), each over the schools whose "
        "audit recorded the answer, and the mean of the schools' own wellbeing self-assessment "
        "scores.",
        "Department for Education, whole-school approach to mental health and the senior mental "
        "health lead training offer; MHSTs covered 44% of pupils in England in spring 2024 (aim: "
        "50%+ by March 2025).",
        ("schools",),
        "A blank answer is 'not known', not 'no'. The first audit round (2024-25) did not ask about "
        "MHSTs or wellbeing, and asked whether the school has a senior mental health lead rather "
        "than whether the lead is trained: a school whose latest audit is from that round counts "
        "as having a trained lead if it has a lead. England's 44% is a share of pupils, ours a "
        "share of schools: they do not compare directly.",
    ),
    "school_follow_up": Note(
        "Schools to follow up",
        "Schools whose latest audit found no compliant policy, or a policy not published on the "
        "website, with what each lacks in words and how many items. Schools with no policy first, "
        "then those lacking most.",
        "Children and Families Act 2014 s100; the DCO advises settings on their duties.",
        ("schools",),
        "Not bound to the period. A school audited long ago may have improved since: the audit "
        "date is shown.",
    ),
    "waiting_current": Note(
        "Waiting lists now",
        "Each service's latest monthly snapshot on or before the as-of date, summed over "
        "providers and local authorities: children waiting, those waiting over 18 and over 52 "
        "weeks and their share of those waiting, and the worst median wait of the returns summed "
        "(medians cannot be added). The totals for all services are the latest month's snapshot.",
        "No statutory waiting standard covers children's community services; 18 and 52 weeks "
        "are the spans the NHS reports for consultant-led referral to treatment. NICE (CG128) "
        "recommends that an autism assessment starts within 3 months (13 weeks) of the referral: "
        "the autism assessment pathway is flagged where the median wait so far exceeds it.",
        ("waiting_times",),
        "The period does not apply. The median is of the time waited so far by those still "
        "waiting, a lower bound on their final wait. The CAMHS partnership reports for the whole "
        "area (no local authority): its services drop out when local authorities are chosen. The "
        "combined neurodevelopmental pathway includes autism assessments but is not flagged "
        "against NICE's 13 weeks.",
    ),
    "waiting_trend": Note(
        "Waiting lists month by month",
        "Monthly snapshots from the first to the last month of the period: children waiting, the "
        "shares waiting over 18 and over 52 weeks, and referrals received in the month, summed "
        "over providers and local authorities within each service, provider or local authority.",
        "As for the current position.",
        ("waiting_times",),
        "Returns arrive a month behind. A service missing from a month had no return for it. "
        "Area-wide returns drop out when local authorities are chosen.",
    ),
    "waiting_over_18_weeks": Note(
        "Children waiting over 18 weeks",
        "Of the children waiting for a health service at the end of each month (providers' "
        "returns summed over services, providers and local authorities), the share waiting over "
        "18 weeks. Lower is better. The quarter's figure is its latest month with a return. No "
        "statutory standard covers children's community services; 18 weeks is the NHS's span "
        "for consultant-led treatment.",
        "No statutory waiting standard covers children's community services; 18 weeks is the "
        "span the NHS reports for consultant-led referral to treatment.",
        ("waiting_times",),
        "Returns arrive a month behind; a service without a return for a month drops out of that "
        "month's total. Area-wide returns (no local authority) drop out when local authorities "
        "are chosen.",
    ),
    "phb_active": Note(
        "Personal health budgets active",
        "Budgets that started on or before the as-of date and had not ended before it, and of "
        "them those funded through children's continuing care.",
        "NHS Act 2006 s12A (personal health budgets) and the NHS standing rules: children "
        "eligible for continuing care have a right to have a personal health budget. SEND Code "
        "of Practice, chapter 9: personal budgets within an EHC plan.",
        ("phb",),
        "The register records an annual amount band, not amounts. A budget agreed to a future "
        "end date counts as active until then.",
    ),
    "phb_trend": Note(
        "Personal health budgets over time",
        "Per period: budgets started, budgets ended (on or before the as-of date), and budgets "
        "active on the period's last day (or the as-of date, if earlier), with those of "
        "continuing care.",
        "As for budgets active.",
        ("phb",),
        "Counts, not rates; a small area can move by a handful of budgets.",
    ),
    "complaint_responses": Note(
        "Complaints responded to by their due date",
        "Of the complaints and ombudsman cases whose response fell due in the period, the share "
        "answered on or before the due date the log records. One still open after its due date "
        "counts as late; one open and not yet due is not counted.",
        "Local Authority Social Services and NHS Complaints (England) Regulations 2009 and the "
        "council's and ICB's own complaints procedures (the log's due dates: 28 days at stage 1, "
        "42 at stage 2; the ombudsmen set their own).",
        ("complaints",),
        "No local target is set. Complaints without a health aspect are included. A response "
        "dated after the as-of date counts as not yet sent. " + SMALL,
    ),
    "complaints_received": Note(
        "Complaints received",
        "Complaints and ombudsman cases received in the period touching SEND, and of them those "
        "with a health aspect, by stage and outcome.",
        "Complaints regulations 2009; Local Government and Social Care Ombudsman and "
        "Parliamentary and Health Service Ombudsman.",
        ("complaints",),
        "Outcomes of recent complaints are often not yet recorded. The DCO's log, not every "
        "complaint the council or ICB receives.",
    ),
    "open_complaints": Note(
        "Open complaints",
        "Complaints without a response on the as-of date, most overdue first: days past the "
        "response due date (negative: days left).",
        "The council's and ICB's complaints procedures.",
        ("complaints",),
        "Not bound to the period. A response sent but not yet logged shows here until the next "
        "load.",
    ),
    "cohort_reviews": Note(
        "EHC plans not reviewed in the last 12 months (Annex A)",
        "Children and young people on the LA's Annex A List 1 whose EHC plan was in place on the "
        "as-of date (first issued on or before it), and of them those more than 365 days from "
        "the plan's last annual review (or, never reviewed, from its first issue) to the as-of "
        "date. By age band (age reached in the as-of year), sex, ethnic group, primary need and "
        "phase of the main education establishment.",
        "Children and Families Act 2014 s44 and SEND Regulations 2014 reg 18: an EHC plan is "
        "reviewed at least every 12 months. Annex A: the lists a local area gives inspectors "
        "(area SEND inspection framework).",
        ("cohort",),
        "A snapshot: the latest list loaded for each child, with no end date for a plan that "
        "has ceased since. A plan with neither date recorded is counted with a plan but not in "
        "the share. Only the year of birth is kept, so an age band can be a year out. Counts "
        "of 1 to 4 are shown as '<5'.",
    ),
}
