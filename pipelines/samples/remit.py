"""The wider remit of the synthetic area: schools audits, annual reviews, waiting lists,
personal health budgets, complaints and the LA's own record of health advice requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from pipelines.samples.model import (
    LAST,
    NCH,
    NRC,
    PROFILES,
    REH,
    SEASON,
    SERVICE_WEIGHTS,
    SETTINGS,
    START,
    Budget,
    Case,
    Complaint,
    LaAdviceRecord,
    Review,
    SchoolAudit,
    Snapshot,
    World,
    make_case_id,
    monthly_dates,
    months_from,
    open_after,
    weekday,
    weighted,
    years_in,
)

# --- schools audit --------------------------------------------------------------------------

SCHOOL_COUNTS = {"Northshire": 110, "Riverside": 65, "Eastmoor": 95}
PLACES = {
    "Northshire": ("Ashby Fell", "Brackenwood", "Corby Moor", "Dalesend", "Elmthwaite",
                   "Garthdale", "Hawthorn", "Kingsmoor", "Langley Beck", "Netherby", "Oakridge",
                   "Pennfold", "Ravensworth", "Skelton Bank", "Thornby", "Underfell", "Whinmoor",
                   "Yarrowdale", "Fellside", "Moorview"),
    "Riverside": ("Quayside", "Ferry Lane", "Weaver's Court", "Bishop's Park", "Dockfield",
                  "Harbourside", "Millbrook", "Saltings", "Tideway", "Wharf Street", "Kingsbridge",
                  "Marsh End"),
    "Eastmoor": ("Moor Lane", "Heatherbank", "Highcross", "Eastfield", "Cragside", "Blackmoor",
                 "Gorse Hill", "Linthwaite", "Ridgeway", "Stonebeck", "Windyridge", "Brackenhill",
                 "Cold Edge"),
}
PHASE_SUFFIXES = {
    "nursery": ("Nursery School", "Pre-School", "Day Nursery"),
    "primary": ("Primary School", "C of E Primary School", "Infant School", "Junior School",
                "Community Primary", "Primary Academy", "St Anne's RC Primary School"),
    "secondary": ("Academy", "High School", "Community College", "School"),
    "special": ("Special School", "Specialist Academy"),
    "alternative provision": ("Pupil Referral Unit", "Alternative Provision Academy"),
    "post-16": ("Sixth Form College", "College"),
}
PHASE_WEIGHTS = {"nursery": 6, "primary": 64, "secondary": 16, "special": 5,
                 "alternative provision": 3, "post-16": 6}
PHASE_ROLL = {"nursery": (30, 90), "primary": (120, 480), "secondary": (650, 1600),
              "special": (60, 220), "alternative provision": (20, 90), "post-16": (300, 1400)}
# How often a policy that exists covers each element (schemas.POLICY_ELEMENTS order), when it
# was written from scratch; a policy adapted from the LA's model covers them all.
ELEMENT_RATES = (0.85, 0.75, 0.8, 0.9, 0.7, 0.85, 0.65, 0.45)
AUDIT_ROUNDS = ((1, date(2024, 10, 1), date(2025, 7, 15), 0.8),
                (2, date(2025, 9, 15), date(2026, 7, 15), 0.75),
                (3, date(2026, 9, 7), LAST, 0.2))


@dataclass
class _SchoolState:
    la: str
    urn: str
    name: str
    phase: str
    roll: int
    policy: bool
    model_policy: bool
    elements: list[bool]
    published: bool
    smhl: bool
    mhst: bool


def _phase_of(group: str, name: str) -> str:
    if "Special" in name:
        return "special"
    if "Alternative" in name or "Élan" in name:
        return "alternative provision"
    return {"early": "nursery", "primary": "primary", "secondary": "secondary",
            "post16": "post-16"}[group]


def _school_names(rng: Random, la: str) -> list[tuple[str, str]]:
    """(name, phase): the settings named in the EHC exports first, then invented ones."""
    named: dict[str, str] = {}
    for group, names in SETTINGS[la].items():
        for name in names:
            if not name.startswith(("No setting", "Home educated", "Not in education")):
                named.setdefault(name, _phase_of(group, name))
    while len(named) < SCHOOL_COUNTS[la]:
        phase = weighted(rng, PHASE_WEIGHTS)
        named.setdefault(f"{rng.choice(PLACES[la])} {rng.choice(PHASE_SUFFIXES[phase])}", phase)
    return list(named.items())


def _new_school(rng: Random, la: str, urn: str, name: str, phase: str) -> _SchoolState:
    policy = rng.random() < 0.5
    model = policy and rng.random() < 0.45
    elements = [model or rng.random() < r for r in ELEMENT_RATES]
    return _SchoolState(la, urn, name, phase, rng.randint(*PHASE_ROLL[phase]), policy, model,
                        elements, policy and rng.random() < 0.45, rng.random() < 0.55,
                        rng.random() < 0.44)


def _improve(rng: Random, school: _SchoolState) -> None:
    """What the DCO's follow-up achieves between audit rounds."""
    if not school.policy and rng.random() < 0.35:
        school.policy = school.model_policy = True
        school.elements = [True] * len(ELEMENT_RATES)
    elif school.policy:
        school.elements = [e or rng.random() < 0.4 for e in school.elements]
    school.published = school.policy and (school.published or rng.random() < 0.35)
    school.smhl = school.smhl or rng.random() < 0.2
    school.mhst = school.mhst or rng.random() < 0.15


def _audit(rng: Random, school: _SchoolState, round_no: int, day: date) -> SchoolAudit:
    recent = rng.random() < (0.5, 0.62, 0.7)[round_no - 1]
    reviewed = None
    if school.policy:
        reviewed = day - timedelta(rng.randint(10, 360) if recent else rng.randint(370, 1100))
    mc = ihp = None
    if rng.random() > 0.08:  # a few audits did not collect the numbers
        mc = round(school.roll * rng.uniform(0.06, 0.14))
        share = rng.uniform(0.6, 1.0) if school.phase == "special" else rng.uniform(0.25, 0.75)
        ihp = round(mc * share)
    wellbeing = round(rng.uniform(1.5, 4.8), 1) if round_no > 1 and rng.random() < 0.8 else None
    return SchoolAudit(school.la, school.urn, school.name, school.phase, day, round_no,
                       school.policy, school.published, reviewed,
                       tuple(school.elements) if school.policy else None, mc, ihp, school.smhl,
                       school.mhst, wellbeing)


def draw_school_audits(rng: Random) -> list[SchoolAudit]:
    schools = []
    number = 0
    for profile in PROFILES:
        for name, phase in _school_names(rng, profile.name):
            number += 1
            # Invented URNs from 990001 (no school has one); Ofsted EY numbers for nurseries.
            urn = f"EY99{number:04d}" if phase == "nursery" else f"99{number:04d}"
            schools.append(_new_school(rng, profile.name, urn, name, phase))
    audits = []
    for round_no, first, last, share in AUDIT_ROUNDS:
        for school in schools:
            if round_no > 1:
                _improve(rng, school)
            if rng.random() < share:
                day = weekday(first + timedelta(rng.randint(0, (last - first).days)))
                if day <= last and day.month != 8:
                    audits.append(_audit(rng, school, round_no, day))
    return sorted(audits, key=lambda a: (a.round, a.la, a.audited, a.urn))


# --- annual reviews -------------------------------------------------------------------------

OLDER_PLANS = {"Northshire": 700, "Riverside": 420, "Eastmoor": 620}
REVIEWS_HELD_ON_TIME = {"Northshire": 0.72, "Riverside": 0.6, "Eastmoor": 0.8}
REVIEW_DECIDED_IN_4_WEEKS = {"Northshire": 0.5, "Riverside": 0.38, "Eastmoor": 0.58}
REVIEW_DECISION_WEIGHTS = {"amend": 55, "maintain": 38, "cease": 7}
REVIEWS_UNTIL = LAST + timedelta(days=90)  # trackers list reviews due in the next three months


def _a_year_after(d: date) -> date:
    return date(d.year + 1, d.month, 28 if (d.month, d.day) == (2, 29) else d.day)


def _hold_review(rng: Random, review: Review) -> None:
    """Meeting, health's part, decision and amended plan, as far as they happened by LAST."""
    on_time = REVIEWS_HELD_ON_TIME[review.la] + 0.03 * years_in(review.due)
    meeting = weekday(review.due - timedelta(rng.randint(0, 35)) if rng.random() < on_time
                       else review.due + timedelta(rng.randint(1, 100)))
    if meeting > LAST:
        return
    review.meeting = meeting
    review.invited = rng.random() < 0.75
    review.attended = review.invited and rng.random() < 0.35
    review.advice = rng.random() < (0.6 if review.invited else 0.05)
    quick = rng.random() < REVIEW_DECIDED_IN_4_WEEKS[review.la]
    decided = weekday(meeting + timedelta(rng.randint(5, 28) if quick else rng.randint(29, 90)))
    if decided > LAST:
        return
    review.decision_date = decided
    review.decision = weighted(rng, REVIEW_DECISION_WEIGHTS)
    if review.decision == "amend":
        if rng.random() < 0.55:
            amended = max(decided + timedelta(rng.randint(7, 21)),
                          meeting + timedelta(rng.randint(40, 84)))
        else:
            amended = meeting + timedelta(rng.randint(85, 200))
        review.amended = open_after(weekday(amended))


def draw_annual_reviews(rng: Random, cases: Sequence[Case]) -> list[Review]:
    """Reviews of the plans issued in the EHC exports, and of plans issued before 2023."""
    reviews = []
    for profile in PROFILES:
        la = profile.name
        plans = [(c.case_id, _a_year_after(c.final)) for c in cases if c.la == la and c.final]
        used = {case_id for case_id, _ in plans}
        older = 0
        while older < OLDER_PLANS[la]:
            case_id = make_case_id(la, date(rng.randint(2018, 2022), 1, 1), rng.randint(1, 999))
            if case_id not in used:
                used.add(case_id)
                older += 1
                plans.append((case_id, START + timedelta(rng.randint(0, 364))))
        for case_id, due in plans:
            while due <= REVIEWS_UNTIL:
                review = Review(la, case_id, due)
                _hold_review(rng, review)
                reviews.append(review)
                if review.meeting is None or review.decision == "cease":
                    break
                due = _a_year_after(review.meeting)
    return sorted(reviews, key=lambda r: (r.la, r.due, r.case_id))


# --- waiting lists --------------------------------------------------------------------------

WAITS_FIRST, WAITS_LAST = date(2024, 4, 1), date(2026, 10, 1)  # returns run a month behind


@dataclass(frozen=True)
class WaitingService:
    """A waiting list at the start, its growth a year, and its shares waiting 18+ and 52+ weeks."""

    service: str
    size: int
    growth: float
    over_18: float
    over_52: float
    median_weeks: float


COMMUNITY_WAITS = (
    WaitingService("Community Paediatrics", 900, 0.15, 0.45, 0.12, 16),
    WaitingService("Speech and Language Therapy", 700, 0.08, 0.30, 0.05, 11),
    WaitingService("Occupational Therapy", 420, 0.10, 0.35, 0.08, 13),
    WaitingService("Physiotherapy", 150, 0.02, 0.10, 0.00, 6),
    WaitingService("Autism Assessment", 1300, 0.22, 0.78, 0.42, 48),
    WaitingService("ADHD Assessment", 950, 0.30, 0.80, 0.50, 60),
)
CAMHS_WAITS = (
    WaitingService("CAMHS", 1600, 0.05, 0.38, 0.10, 14),
    WaitingService("Neurodevelopmental Pathway", 2100, 0.25, 0.82, 0.55, 66),
)
WAIT_SCALE = {"Northshire": 1.0, "Riverside": 0.6, "Eastmoor": 0.9}


def _share(rng: Random, base: float, drift: float, years: float) -> float:
    return min(0.97, max(0.0, base + drift * years + rng.gauss(0, 0.015)))


def _snapshots(rng: Random, provider: str, la: str | None, spec: WaitingService,
               scale: float) -> list[Snapshot]:
    rows = []
    for first, _ in months_from(WAITS_FIRST):
        if first > WAITS_LAST:
            break
        years = years_in(first)
        total = round(spec.size * scale * (1 + spec.growth * years) * rng.uniform(0.97, 1.03))
        over_18 = round(total * _share(rng, spec.over_18, 0.02, years))
        over_52 = min(over_18, round(total * _share(rng, spec.over_52, 0.03, years)))
        median = round(max(1.0, spec.median_weeks * (1 + 0.1 * years) + rng.gauss(0, 1)), 1)
        referrals = round(spec.size * scale * 0.08 * SEASON[first.month] * rng.uniform(0.85, 1.15))
        rows.append(Snapshot(first, provider, la, spec.service, total, over_18, over_52, median,
                             referrals))
    return rows


def draw_waiting_lists(rng: Random) -> list[Snapshot]:
    rows = []
    for la, provider in (("Northshire", NCH), ("Riverside", REH), ("Eastmoor", REH)):
        for spec in COMMUNITY_WAITS:
            rows += _snapshots(rng, provider, la, spec, WAIT_SCALE[la])
    for spec in CAMHS_WAITS:  # the partnership reports for its whole footprint, not by LA
        rows += _snapshots(rng, NRC, None, spec, 2.5)
    return rows


# --- personal health budgets ----------------------------------------------------------------

BUDGET_COUNTS = {"Northshire": 120, "Riverside": 70, "Eastmoor": 100}
BUDGETS_FROM = date(2022, 4, 1)
BUDGET_BANDS = {"Under £5,000": 20, "£5,000 to £9,999": 22, "£10,000 to £24,999": 28,
                "£25,000 to £49,999": 18, "£50,000 and over": 12}
AGREED_UNTIL = date(2027, 3, 31)  # budgets agreed to the end of the financial year


def draw_budgets(rng: Random) -> list[Budget]:
    budgets = []
    span = (LAST - BUDGETS_FROM).days
    for profile in PROFILES:
        code = {"Northshire": "NSH", "Riverside": "RVS", "Eastmoor": "EMR"}[profile.name]
        for number in range(1, BUDGET_COUNTS[profile.name] + 1):
            # More budgets in later years: the square root skews starts towards LAST.
            start = weekday(BUDGETS_FROM + timedelta(int(span * rng.random() ** 0.7)))
            if start > LAST:
                start = LAST - timedelta(days=3)
            draw = rng.random()
            end = None
            if draw < 0.35:
                end = open_after(start + timedelta(rng.randint(90, 900)))
            elif draw < 0.5:
                end = AGREED_UNTIL
            budgets.append(Budget(profile.name, f"PHB-{code}-{number:04d}", start, end,
                                  rng.random() < 0.6, weighted(rng, BUDGET_BANDS)))
    return sorted(budgets, key=lambda b: (b.start, b.case_id))


# --- complaints -----------------------------------------------------------------------------

COMPLAINTS_PER_YEAR = {"Northshire": 30, "Riverside": 22, "Eastmoor": 26}
COMPLAINT_STAGE_WEIGHTS = {"stage 1": 60, "stage 2": 22, "LGSCO": 15, "PHSO": 3}
RESPONSE_DAYS = {"stage 1": 28, "stage 2": 42, "LGSCO": 28, "PHSO": 28}
OUTCOME_BY_STAGE = {
    "stage 1": {"upheld": 25, "partly upheld": 35, "not upheld": 30, "withdrawn": 10},
    "stage 2": {"upheld": 25, "partly upheld": 35, "not upheld": 35, "withdrawn": 5},
    "LGSCO": {"upheld": 55, "not upheld": 15, "closed after initial enquiries": 30},
    "PHSO": {"upheld": 40, "not upheld": 30, "closed after initial enquiries": 30},
}


def draw_complaints(rng: Random) -> list[Complaint]:
    complaints = []
    for profile in PROFILES:
        dates = monthly_dates(rng, lambda d, n=COMPLAINTS_PER_YEAR[profile.name]: n)
        for received in dates:
            stage = weighted(rng, COMPLAINT_STAGE_WEIGHTS)
            due = received + timedelta(RESPONSE_DAYS[stage])
            late = rng.random() >= 0.68
            responded = open_after(weekday(due + timedelta(rng.randint(1, 40)) if late
                                             else received + timedelta(rng.randint(5, RESPONSE_DAYS[stage]))))
            if responded and responded > due and not late:
                responded = due
            outcome = weighted(rng, OUTCOME_BY_STAGE[stage]) if responded else None
            complaints.append(Complaint(profile.name, "", received, rng.random() < 0.85, stage,
                                        due, responded, outcome))
    complaints.sort(key=lambda c: (c.received, c.la, c.stage))
    counters: dict[tuple[str, int], int] = {}
    for c in complaints:
        year = c.received.year % 100
        if c.stage in ("LGSCO", "PHSO"):  # the ombudsman's own reference, e.g. "24 012 345"
            c.reference = f"{year} {rng.randint(0, 999):03d} {rng.randint(0, 999):03d}"
        else:
            key = (c.la, year)
            counters[key] = counters.get(key, 0) + 1
            code = {"Northshire": "NSH", "Riverside": "RVS", "Eastmoor": "EMR"}[c.la]
            c.reference = f"{code}-CMP-{year}-{counters[key]:04d}"
    return complaints


# --- the LA's record of health advice requests ---------------------------------------------

LA_ADVICE_LA = "Northshire"  # the one LA whose case system export is in the samples


def draw_la_advice_records(rng: Random, world: World) -> list[LaAdviceRecord]:
    """Northshire's own log of the advice it asked for: the request goes out a few days before
    the service logs it, and the advice is logged a few days after the service returns it. A few
    requests never reach the service's log, a few the LA did not record, a few dates are typed a
    month out, and a few returns were never logged by the LA."""
    records = []
    for advice in world.advice:
        if advice.la != LA_ADVICE_LA or rng.random() < 0.015:
            continue
        sent = advice.requested - timedelta(rng.choices((0, 1, 2, 3, 4), (40, 30, 12, 10, 8))[0])
        if rng.random() < 0.01:
            sent -= timedelta(rng.randint(20, 40))  # typed a month out
        while sent.weekday() >= 5:
            sent -= timedelta(days=1)
        received = None
        if advice.returned and rng.random() >= 0.02:
            lag = rng.choices((0, 1, 2, 3), (50, 30, 12, 8))[0]
            received = open_after(weekday(advice.returned + timedelta(lag)))
        records.append(LaAdviceRecord("", advice.case_id, advice.service, advice.stage, sent,
                                      received))
    assessed = [c for c in world.cases if c.la == LA_ADVICE_LA and c.decision == "assess"
                and c.decision_date and c.decision_date >= START]
    for case in rng.sample(assessed, 40):  # requests the service never logged
        sent = weekday(case.decision_date + timedelta(rng.randint(1, 7)))
        if sent <= LAST:
            records.append(LaAdviceRecord("", case.case_id, weighted(rng, SERVICE_WEIGHTS),
                                          "new assessment", sent, None))
    records.sort(key=lambda r: (r.requested, r.case_id, r.service))
    for number, record in enumerate(records, 1):
        record.advice_id = f"NSH-HA-{number:06d}"
    return records
