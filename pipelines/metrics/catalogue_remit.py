"""The metric catalogue's entries for the wider remit: schools, waiting lists, personal health
budgets and complaints (`pipelines.metrics.catalogue` holds the statutory clocks and builds the
registries from both)."""

from __future__ import annotations

from pipelines.metrics.bases import complaint_received_base, complaint_response_base, phb_started_base
from pipelines.metrics.budgets_complaints import open_complaints, phb_active, phb_trend
from pipelines.metrics.cohort import cohort_reviews
from pipelines.metrics.core import SCHOOL_POLICY_REFERENCE
from pipelines.metrics.entry import SMALL, Figure, Metric
from pipelines.metrics.schools import (
    school_elements_missing,
    school_follow_up,
    school_ihp_coverage,
    school_mental_health,
    school_policy_position,
    school_policy_trend,
)
from pipelines.metrics.waiting_times import waiting_times_current, waiting_times_trend

LATEST = "not bound to the period: each school's latest audit on or before the as-of date"

REMIT: tuple[Metric, ...] = (
    Metric(
        "school_policy", "Schools with a medical conditions policy, published and compliant",
        label="Schools with a compliant policy",
        kind="position", query=school_policy_position, datasets=('schools',),
        definition="From each school's latest audit on or before the as-of date: the share of the schools "
                   "audited with a medical conditions policy in place; with it published on the school's "
                   "website; and compliant: a policy in place, every element the statutory guidance asks for"
                   " present (named lead, staff training and cover, individual healthcare plans process, "
                   "medicines, trips and activities, emergency procedures, complaints, unacceptable "
                   "practice) and reviewed in the 12 months before the audit.",
        basis="Children and Families Act 2014 s100 and the statutory guidance 'Supporting pupils at "
              "school with medical conditions' (December 2015). Reference: the Health Conditions in "
              "Schools Alliance found 47.5% of schools with a policy and 11.5% with one meeting the "
              "government's standard; it asks schools to publish their policy.",
        caveats="Not bound to the period: only each school's latest audit counts, however old. A blank "
                "answer counts as not evidenced. The Alliance's figures are a national survey, not "
                "official statistics, and its test of 'compliant' may differ from ours in detail. " + SMALL,
        unit="% of schools audited", anchor=LATEST,
        figure="schools_policy_compliant_pct", of_what="schools audited", met="with a compliant policy",
        reference=(f"{SCHOOL_POLICY_REFERENCE['source']}: {SCHOOL_POLICY_REFERENCE['compliant_pct']}% "
                   "of schools had a policy meeting the standard"),
    ),
    Metric(
        "school_trend", "Medical conditions policies across audit rounds",
        kind="breakdown", query=school_policy_trend, datasets=('schools',),
        definition="For each academic year (September-August) or term in the period chosen, each school's "
                   "latest audit in it, counted as in the current position. A school not audited in a period"
                   " is not in it.",
        basis="As for the current position (Children and Families Act 2014 s100).",
        caveats="Periods are cut to the dates chosen in the sidebar, so a first or last academic year can"
                " be partial. Different schools are audited in each round: a change can come from which "
                "schools were audited as well as from schools improving.",
        unit="% of schools audited",
        anchor="each school's latest audit in each academic year or term of the period",
    ),
    Metric(
        "school_elements", "Policy elements most often missing",
        kind="breakdown", query=school_elements_missing, datasets=('schools',),
        definition="Of the schools whose latest audit found a policy, the number and share whose policy "
                   "lacks each element of the statutory guidance, and whose policy was not reviewed in the "
                   "12 months before the audit. Most often missing first.",
        basis="Statutory guidance 'Supporting pupils at school with medical conditions' (2015), which "
              "lists what a policy should cover.",
        caveats="Schools without any policy are not counted here (they lack everything); see the "
                "follow-up list.",
        unit="schools, by element missing", anchor=LATEST,
    ),
    Metric(
        "school_ihp", "Individual healthcare plan coverage",
        kind="position", query=school_ihp_coverage, datasets=('schools',),
        definition="From each school's latest audit: pupils with an individual healthcare plan (IHP) over "
                   "pupils with a medical condition, summed over the schools that recorded both counts.",
        basis="Statutory guidance 'Supporting pupils at school with medical conditions' (2015): IHPs "
              "for pupils whose condition needs one.",
        caveats="Not every pupil with a medical condition needs an IHP: a low share is a question to ask "
                "the school, not a breach. Schools that left either count blank are left out.",
        unit="% of pupils with a medical condition", anchor=LATEST,
    ),
    Metric(
        "school_mental_health", "Mental health support in schools",
        kind="position", query=school_mental_health, datasets=('schools',),
        definition="From each school's latest audit: the share with a trained senior mental health lead and "
                   "the share covered by a Mental Health Support Team (MHST), each over the schools whose "
                   "audit recorded the answer, and the mean of the schools' own wellbeing self-assessment "
                   "scores.",
        basis="Department for Education, whole-school approach to mental health and the senior mental "
              "health lead training offer; MHSTs covered 44% of pupils in England in spring 2024 (aim: "
              "50%+ by March 2025).",
        caveats="A blank answer is 'not known', not 'no'. The first audit round (2024-25) did not ask "
                "about MHSTs or wellbeing, and asked whether the school has a senior mental health lead "
                "rather than whether the lead is trained: a school whose latest audit is from that round "
                "counts as having a trained lead if it has a lead. England's 44% is a share of pupils, "
                "ours a share of schools: they do not compare directly.",
        unit="% of schools that recorded the answer", anchor=LATEST,
        figure="schools_with_mhst_pct", label="Schools with MHST coverage",
        of_what="schools that recorded Mental Health Support Team coverage",
        met="covered by a Mental Health Support Team",
    ),
    Metric(
        "school_follow_up", "Schools to follow up",
        kind="list", query=school_follow_up, datasets=('schools',),
        definition="Schools whose latest audit found no compliant policy, or a policy not published on the "
                   "website, with what each lacks in words and how many items. Schools with no policy first,"
                   " then those lacking most.",
        basis="Children and Families Act 2014 s100; the DCO advises settings on their duties.",
        caveats="Not bound to the period. A school audited long ago may have improved since: the audit "
                "date is shown.",
        unit="schools", anchor=LATEST,
    ),
    Metric(
        "waiting_current", "Waiting lists now",
        kind="position", query=waiting_times_current, datasets=('waiting_times',),
        definition="Each service's latest monthly snapshot on or before the as-of date, summed over "
                   "providers and local authorities: children waiting, those waiting over 18 and over 52 "
                   "weeks and their share of those waiting, and the worst median wait of the returns summed "
                   "(medians cannot be added). The totals for all services are the latest month's snapshot.",
        basis="No statutory waiting standard covers children's community services; 18 and 52 weeks are "
              "the spans the NHS reports for consultant-led referral to treatment. NICE (CG128) "
              "recommends that an autism assessment starts within 3 months (13 weeks) of the referral: "
              "the autism assessment pathway is flagged where the median wait so far exceeds it.",
        caveats="The period does not apply. The median is of the time waited so far by those still "
                "waiting, a lower bound on their final wait. The CAMHS partnership reports for the whole "
                "area (no local authority): its services drop out when local authorities are chosen. The "
                "combined neurodevelopmental pathway includes autism assessments but is not flagged "
                "against NICE's 13 weeks. A count a provider suppressed at source (\"<5\", \"*\", \"c\") "
                "is unknown, never 0: a total that would take one in is withheld (shown as at least the "
                "totals given), a share leaves out the returns missing a part, and each says how many "
                "returns it leaves out. A median not given (\"-\", \"N/A\", \"*\") is unknown: the worst "
                "median is of the medians given.",
        unit="children waiting",
        anchor="not bound to the period: each service's latest monthly return on or before the as-of date",
    ),
    Metric(
        "waiting_trend", "Waiting lists month by month",
        kind="breakdown", query=waiting_times_trend, datasets=('waiting_times',),
        definition="Monthly snapshots from the first to the last month of the period: children waiting, the "
                   "shares waiting over 18 and over 52 weeks, and referrals received in the month, summed "
                   "over providers and local authorities within each service, provider or local authority.",
        basis="As for the current position.",
        caveats="Returns arrive a month behind. A service missing from a month had no return for it. "
                "Area-wide returns drop out when local authorities are chosen. Counts suppressed at "
                "source are left out as for the current position, never read as 0.",
        unit="children waiting, by month", anchor="the month of each return",
    ),
    Metric(
        "waiting_over_18_weeks", "Children waiting over 18 weeks",
        label="Waiting over 18 weeks",
        kind="position", query=waiting_times_trend, datasets=('waiting_times',),
        definition="Of the children waiting for a health service at the end of each month (providers' "
                   "returns summed over services, providers and local authorities), the share waiting over "
                   "18 weeks. Lower is better. The quarter's figure is its latest month with a return. No "
                   "statutory standard covers children's community services; 18 weeks is the NHS's span for "
                   "consultant-led treatment.",
        basis="No statutory waiting standard covers children's community services; 18 weeks is the span"
              " the NHS reports for consultant-led referral to treatment.",
        caveats="Returns arrive a month behind; a service without a return for a month drops out of that "
                "month's total. Area-wide returns (no local authority) drop out when local authorities "
                "are chosen. A return whose count over 18 weeks or total was suppressed at source (\"<5\", "
                "\"*\") is left out of both parts of the share, never counted as 0.",
        unit="% of children waiting",
        anchor="the month of each return; a quarter's figure is its latest month with a return",
        figure="waiting_over_18_weeks_pct", of_what="children waiting", direction="down",
        met="waiting over 18 weeks",
    ),
    Metric(
        "phb_active", "Personal health budgets active",
        label="Personal health budgets active",
        kind="position", query=phb_active, datasets=('phb',),
        definition="Budgets that started on or before the as-of date and had not ended before it, and of "
                   "them those funded through children's continuing care.",
        basis="NHS Act 2006 s12A (personal health budgets) and the NHS standing rules: children "
              "eligible for continuing care have a right to have a personal health budget. SEND Code of"
              " Practice, chapter 9: personal budgets within an EHC plan.",
        caveats="The register records an annual amount band, not amounts. A budget agreed to a future end"
                " date counts as active until then.",
        unit="budgets", anchor="not bound to the period: budgets active on the as-of date",
        figure="phb_active", rate=False, of_what="active on the as-of date", direction="neither",
    ),
    Metric(
        "phb_trend", "Personal health budgets over time",
        kind="breakdown", query=phb_trend, datasets=('phb',),
        definition="Per period: budgets started, budgets ended (on or before the as-of date), and budgets "
                   "active on the period's last day (or the as-of date, if earlier), with those of "
                   "continuing care.",
        basis="As for budgets active.",
        caveats="Counts, not rates; a small area can move by a handful of budgets.",
        unit="budgets, by period",
        anchor="the start and end dates; active budgets on each period's last day",
    ),
    Metric(
        "phb_started", "Personal health budgets started",
        kind="base", query=phb_started_base, datasets=("phb",),
        definition="Personal health budgets whose start date falls in the period, and of them those "
                   "funded through children's continuing care.",
        basis="As for budgets active (NHS Act 2006 s12A and the NHS standing rules).",
        caveats="Counts, not rates; a small area can move by a handful of budgets.",
        unit="budgets", anchor="the date the budget started",
        of_what="budgets started", met="funded through continuing care", rate=False, column="items",
        direction="neither",
    ),
    Metric(
        "complaint_responses", "Complaints responded to by their due date",
        label="Complaints answered in time",
        kind="base", query=complaint_response_base, datasets=('complaints',),
        definition="Of the complaints and ombudsman cases whose response fell due in the period, the share "
                   "answered on or before the due date the log records. One still open after its due date "
                   "counts as late; one open and not yet due is not counted.",
        basis="Local Authority Social Services and NHS Complaints (England) Regulations 2009 and the "
              "council's and ICB's own complaints procedures (the log's due dates: 28 days at stage 1, "
              "42 at stage 2; the ombudsmen set their own).",
        caveats="No local target is set. Complaints without a health aspect are included. A response "
                "dated after the as-of date counts as not yet sent. " + SMALL,
        unit="% of responses due", anchor="the response's due date as the log records it",
        figure="complaint_responses_by_due_date_pct", of_what="responses due",
        met="answered by the due date",
    ),
    Metric(
        "complaints_received", "Complaints received",
        kind="base", query=complaint_received_base, datasets=('complaints',),
        definition="Complaints and ombudsman cases received in the period touching SEND, and of them those "
                   "with a health aspect, by stage and outcome.",
        basis="Complaints regulations 2009; Local Government and Social Care Ombudsman and "
              "Parliamentary and Health Service Ombudsman.",
        caveats="Outcomes of recent complaints are often not yet recorded. The DCO's log, not every "
                "complaint the council or ICB receives.",
        unit="complaints", anchor="the date the complaint was received",
        figure="complaints_received", rate=False, column="items", direction="neither",
        of_what="received in the period", met="with a health aspect",
        more=(Figure("complaints_with_health_aspect", "complaints_received",
                     "Complaints with a health aspect", "count", "received in the period",
                     "numerator", "neither"),),
    ),
    Metric(
        "open_complaints", "Open complaints",
        kind="list", query=open_complaints, datasets=('complaints',),
        definition="Complaints without a response on the as-of date, most overdue first: days past the "
                   "response due date (negative: days left).",
        basis="The council's and ICB's complaints procedures.",
        caveats="Not bound to the period. A response sent but not yet logged shows here until the next "
                "load.",
        unit="complaints", anchor="not bound to the period: complaints without a response on the as-of date",
    ),
    Metric(
        "cohort_reviews", "EHC plans not reviewed in the last 12 months (Annex A)",
        kind="position", query=cohort_reviews, datasets=("cohort",),
        definition="Children and young people on the LA's Annex A List 1 whose EHC plan was in place on the "
                   "as-of date (first issued on or before it), and of them those whose 12 months from the "
                   "plan's last annual review (or, never reviewed, from its first issue) had ended by the "
                   "as-of date: the period of 12 months starting with that date ends the day before its "
                   "anniversary, so a plan not reviewed again is overdue from the anniversary on (from "
                   "1 March for a 29 February). By age band (age reached in the as-of year), sex, ethnic "
                   "group, primary need and phase of the main education establishment.",
        basis="Children and Families Act 2014 s44 and SEND Regulations 2014 reg 18: an EHC plan is "
              "reviewed at least every 12 months. Annex A: the lists a local area gives inspectors "
              "(area SEND inspection framework).",
        caveats="A snapshot: the latest list loaded for each child, with no end date for a plan that has "
                "ceased since. A plan with neither date recorded is counted with a plan but not in the "
                "share; so is one whose last review is dated after the as-of date (that review had not "
                "happened, and the list does not give the one before) unless its first 12 months still "
                "ran on the as-of date. Only the year of birth is kept, so an age band can "
                "be a year out. Counts of 1 to 4 are shown as '<5'.",
        unit="% of plans with a review or issue date",
        anchor="not bound to the period: the Annex A list on the as-of date",
        figure="plans_not_reviewed_in_12_months_pct", column="not_reviewed_pct", direction="down",
        of_what="plans with a review or issue date", met="not reviewed in 12 months",
        more=(Figure("cohort_with_plan", "cohort_reviews", "Children with an EHC plan (Annex A)",
                     "count", "on List 1 on the as-of date", "with_plan", "neither"),
              Figure("plans_not_reviewed_in_12_months", "cohort_reviews",
                     "Plans not reviewed in 12 months", "count", "plans on List 1",
                     "not_reviewed_in_12_months", "down")),
    ),
)
