"""Write deterministic synthetic exports: EHC requests, health advice (providers' logs and an LA's
export), tribunal appeals, a schools audit, annual reviews, waiting lists, personal health
budgets and complaints.

Every name, number and date is invented; a fixed seed and a fixed extract date make each run
byte-identical. Run `python -m pipelines.samples [--out data_samples] [--seed N]`.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import zipfile
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from random import Random
from xml.etree.ElementTree import canonicalize

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

DEFAULT_SEED = 20261116
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data_samples"
START = date(2024, 4, 1)
LAST = date(2026, 11, 13)  # last day the exports cover; no data date lies after it
EXTRACT = date(2026, 11, 16)  # the "report run" date printed on the exports
# Earlier requests are simulated too, so plans finishing in 2024-25 include the slow ones;
# the LA exports list them only if they were still open on START.
REQUESTS_FROM = date(2023, 7, 1)
CAMHS_OCTOBER_AS_OF = date(2026, 10, 15)  # the earlier of the two incremental CAMHS exports
FIXED_STAMP = datetime(2026, 11, 16, 9, 0, 0)  # workbook properties and zip entry times
EXCEL_EPOCH = date(1899, 12, 30)

NCH = "Northshire Community Health NHS Trust"
REH = "Riverside and Eastmoor Healthcare NHS Foundation Trust"
NRC = "North Region CAMHS Partnership"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Requests dip in the August and Christmas school holidays; the factors average about 1.
SEASON = {1: 1.05, 2: 1.0, 3: 1.1, 4: 0.95, 5: 1.05, 6: 1.1, 7: 1.1, 8: 0.55, 9: 1.05,
          10: 1.1, 11: 1.1, 12: 0.8}


@dataclass(frozen=True)
class LaProfile:
    """How one local authority behaves: volumes and how timely it is at the start."""

    name: str
    requests_per_year: int
    decided_in_6_weeks: float
    plans_in_20_weeks: float  # in April 2024; improves a little each year
    advice_shift: float  # added to every service's on-time rate for this LA's children
    appeals_per_year: tuple[int, int]  # at the start and at the end of the window
    tribunal_code: int


PROFILES = (
    LaProfile("Northshire", 840, 0.86, 0.48, 0.00, (80, 110), 990),
    LaProfile("Riverside", 520, 0.80, 0.42, -0.05, (60, 80), 991),
    LaProfile("Eastmoor", 760, 0.89, 0.53, 0.03, (70, 100), 992),
)

SERVICE_WEIGHTS = {
    "Community Paediatrics": 30, "Speech and Language Therapy": 25, "Occupational Therapy": 18,
    "CAMHS": 15, "Physiotherapy": 5, "Specialist Nursing": 4, "Audiology": 3, "Vision": 2,
    "Dietetics": 2, "Other": 2,
}
SERVICE_ON_TIME = {
    "Community Paediatrics": 0.85, "Speech and Language Therapy": 0.80,
    "Occupational Therapy": 0.75, "CAMHS": 0.55, "Physiotherapy": 0.88,
    "Specialist Nursing": 0.90, "Audiology": 0.88, "Vision": 0.87, "Dietetics": 0.90,
    "Other": 0.85,
}
NEED_WEIGHTS = {"ASD": 30, "SLCN": 20, "SEMH": 18, "MLD": 8, "SPLD": 5, "SLD": 4, "PD": 3,
                "OTH": 3, "HI": 2, "DS": 1.5, "PMLD": 1, "VI": 1, "MSI": 0.5}
NON_LAWFUL_REASONS = ("Waiting list", "School holidays", "Staff sickness",
                      "Awaiting clinic appointment")
PLAN_EXCEPTION_WEIGHTS = {"closure": 40, "personal": 45, "absent": 15}
APPEAL_TYPES = {
    "Contents of plan (B, F, I)": 35, "Refusal to assess": 25, "Contents of plan (I only)": 18,
    "Refusal to issue": 12, "Cease to maintain": 5, "Refusal to reassess": 5,
}
# Health aspects arise mostly in extended (B, F, I) appeals; I-only appeals are placement only.
HEALTH_ASPECT_RATE = {
    "Contents of plan (B, F, I)": 0.75, "Refusal to issue": 0.35, "Refusal to assess": 0.10,
    "Contents of plan (I only)": 0.0, "Cease to maintain": 0.15, "Refusal to reassess": 0.10,
}
RECOMMENDABLE = ("Contents of plan (B, F, I)", "Refusal to issue")
# Resolved appeals: about 95% of those the Tribunal decides go at least partly the family's way.
OUTCOME_WEIGHTS = {"Conceded": 22, "Withdrawn": 18, "Upheld": 33, "Partially upheld": 24,
                   "Dismissed": 3}

FORENAMES = ("Oliver", "Amelia", "Noah", "Isla", "Leo", "Ava", "Arthur", "Mia", "Muhammad",
             "Ivy", "Harry", "Freya", "Oscar", "Lily", "George", "Florence", "Theo", "Sophia",
             "Jack", "Grace", "Finley", "Evie", "Archie", "Zara", "Alfie", "Poppy", "Jacob",
             "Aisha", "Reuben", "Niamh", "Kai", "Maja", "Tomasz", "Chloe", "Ethan", "Rosie")
SURNAMES = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
            "Patel", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts",
            "Green", "Hall", "Khan", "Wood", "Harris", "Lewis", "Martin", "Jackson", "Clarke",
            "Hussain", "Nowak", "O'Brien", "Murphy", "Ahmed", "Turner", "Hill", "Moore", "Cooper")
SETTINGS = {
    "Northshire": {
        "early": ("Little Oaks Pre-School", "Northshire Nursery School", "No setting (early years)"),
        "primary": ("Hawthorn Primary School", "St Cuthbert's C of E Primary School",
                    "Fellside Community Primary", "Brackenwood Infant School",
                    "Moorview Special School"),
        "secondary": ("Fellside Academy", "Northshire Grammar School", "Kingsmoor High School",
                      "Moorview Special School", "Home educated"),
        "post16": ("Northshire College", "Kingsmoor Sixth Form", "Not in education or training"),
    },
    # Riverside's export is Windows-1252: curly apostrophes and accents make encoding matter.
    "Riverside": {
        "early": ("Renée Harris Pre-School", "Quayside Children’s Centre Nursery"),
        "primary": ("St Mary’s RC Primary School", "Quayside Primary Academy",
                    "Weaver’s Court Special School", "Ferry Lane Primary"),
        "secondary": ("Riverside Academy", "Élan Alternative Provision", "Bishop’s Park School",
                      "Weaver’s Court Special School"),
        "post16": ("Riverside College", "Café Inclusive Supported Internships"),
    },
    "Eastmoor": {
        "early": ("Eastmoor Nursery School", "Busy Bees Day Nursery (Eastmoor)"),
        "primary": ("Moor Lane Primary", "Eastmoor Infant School", "Heatherbank Special School",
                    "Highcross Church of England Academy"),
        "secondary": ("Highcross Academy", "Eastmoor Community College",
                      "Heatherbank Special School"),
        "post16": ("Eastmoor Sixth Form College", "Moorside Training"),
    },
}


@dataclass(frozen=True)
class Person:
    forename: str
    surname: str
    dob: date
    nhs_number: str | None


@dataclass
class Case:
    """One EHC needs assessment request as the LA knows it on the extract date."""

    la: str
    case_id: str
    request: date
    need: str
    setting: str
    person: Person
    decision: str = "not yet decided"  # vocab.DECISIONS key
    decision_date: date | None = None
    outcome: str | None = None  # vocab.ASSESSMENT_OUTCOMES key; None if not assessed
    outcome_date: date | None = None
    draft: date | None = None
    final: date | None = None
    exception: str | None = None  # key of PLAN_EXCEPTION_WEIGHTS


@dataclass
class Advice:
    """One request to a health service; `returned` is the true date, possibly after an as-of."""

    la: str
    case_id: str
    service: str
    stage: str  # vocab.STAGES key
    requested: date
    returned: date | None
    reason: str | None  # "lawful:<kind>" or a non-lawful phrase
    quality: int | None
    provider: str = ""
    advice_id: str = ""

    def returned_by(self, as_of: date) -> date | None:
        return self.returned if self.returned and self.returned <= as_of else None

    def reason_by(self, as_of: date) -> str | None:
        # A delay reason is only written once the advice is late or back.
        known = self.returned_by(as_of) or as_of > self.requested + timedelta(days=42)
        return self.reason if known else None

    def quality_by(self, as_of: date) -> int | None:
        return self.quality if self.returned_by(as_of) else None


@dataclass
class Appeal:
    la: str
    appeal_id: str
    case_id: str | None
    registered: date
    appeal_type: str
    health_aspects: bool
    hearing: date | None
    outcome: str
    recommendation: bool | None
    recommendation_date: date | None
    response_date: date | None


@dataclass
class SchoolAudit:
    """What one audit of one school found."""

    la: str
    urn: str
    name: str
    phase: str  # vocab.PHASES key
    audited: date
    round: int  # 1: 2024-25, 2: 2025-26, 3: autumn 2026 (in progress)
    policy: bool
    published: bool
    reviewed: date | None
    elements: tuple[bool, ...] | None  # in schemas.POLICY_ELEMENTS order; None without a policy
    pupils_mc: int | None
    pupils_ihp: int | None
    smhl: bool
    mhst: bool
    wellbeing: float | None


@dataclass
class Review:
    """One annual review of an EHC plan as the LA's tracker knows it on the extract date."""

    la: str
    case_id: str
    due: date
    meeting: date | None = None
    invited: bool | None = None
    attended: bool | None = None
    advice: bool | None = None
    decision_date: date | None = None
    decision: str | None = None  # vocab.REVIEW_DECISIONS key
    amended: date | None = None


@dataclass
class Snapshot:
    """One month's waiting list for one service of one provider (for one LA, or area-wide)."""

    month: date
    provider: str
    la: str | None
    service: str
    total: int
    over_18: int
    over_52: int
    median_weeks: float
    referrals: int


@dataclass
class Budget:
    la: str
    case_id: str
    start: date
    end: date | None
    continuing_care: bool
    band: str


@dataclass
class Complaint:
    la: str
    reference: str
    received: date
    health: bool
    stage: str  # vocab.COMPLAINT_STAGES key
    due: date
    responded: date | None
    outcome: str | None  # vocab.COMPLAINT_OUTCOMES key


@dataclass
class LaAdviceRecord:
    """The LA's own record of a request for health advice (its case system's dates)."""

    advice_id: str
    case_id: str
    service: str
    stage: str
    requested: date
    received: date | None


@dataclass
class World:
    cases: list[Case]
    advice: list[Advice]
    appeals: list[Appeal]
    schools: list[SchoolAudit] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    waits: list[Snapshot] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    la_advice: list[LaAdviceRecord] = field(default_factory=list)


# --- small helpers -------------------------------------------------------------------------


def _years_in(d: date) -> float:
    return (d - START).days / 365.25


def _weighted(rng: Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _weekday(d: date) -> date:
    """Move a weekend date to the Monday: offices do not send letters at weekends."""
    return d + timedelta(days=(7 - d.weekday()) % 7) if d.weekday() >= 5 else d


def _open_after(d: date | None, as_of: date = LAST) -> date | None:
    return d if d and d <= as_of else None


def _months(first: date) -> Iterator[tuple[date, date]]:
    while first <= LAST:
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        yield first, min(nxt - timedelta(days=1), LAST)
        first = nxt


def _monthly_dates(rng: Random, per_year: Callable[[date], float],
                   start: date = START) -> list[date]:
    """Weekday dates with a monthly volume from `per_year`, seasonal and with noise."""
    dates: list[date] = []
    for first, last in _months(start):
        days = [first + timedelta(n) for n in range((last - first).days + 1)]
        weekdays = [d for d in days if d.weekday() < 5]
        full_month = 22 if last == LAST else len(weekdays)  # a part month gets its share
        expected = per_year(first) / 12 * SEASON[first.month] * len(weekdays) / full_month
        count = max(0, round(rng.gauss(expected, 0.5 * expected**0.5)))
        dates += sorted(rng.choice(weekdays) for _ in range(count))
    return dates


def nhs_check_digit(nine_digits: str) -> int | None:
    """Modulus-11 check digit of an NHS number's first nine digits; None if it would be 10."""
    check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(nine_digits)) % 11
    return None if check == 10 else check % 11


def _nhs_number(rng: Random, used: set[str]) -> str:
    """A valid NHS number from the 999 test range, never issued to a real patient."""
    while True:
        nine = f"999{rng.randrange(10**6):06d}"
        check = nhs_check_digit(nine)
        if check is not None and nine not in used:
            used.add(nine)
            return f"{nine}{check}"


def _person(rng: Random, request: date, used: set[str]) -> Person:
    band = _weighted(rng, {"0-4": 20, "5-10": 40, "11-15": 25, "16-23": 15})
    low, high = (int(x) for x in band.split("-"))
    age_days = rng.randint(max(low * 365, 120), high * 365 + 364)  # at most 23 at request
    nhs = _nhs_number(rng, used) if rng.random() < 0.95 else None
    return Person(rng.choice(FORENAMES), rng.choice(SURNAMES),
                  request - timedelta(days=age_days), nhs)


def _setting(rng: Random, la: str, person: Person, request: date) -> str:
    age = (request - person.dob).days // 365
    phase = "early" if age < 4 else "primary" if age < 11 else "secondary" if age < 16 else "post16"
    return rng.choice(SETTINGS[la][phase])


# --- the EHC pathway ------------------------------------------------------------------------


def _case_id(la: str, request: date, number: int) -> str:
    yy = request.year % 100
    return {"Northshire": f"NSH-{yy}-{number:05d}", "Riverside": f"R{yy}{number:04d}",
            "Eastmoor": f"EM{yy}{number:05d}"}[la]


def _decide(rng: Random, case: Case, profile: LaProfile) -> None:
    quick = rng.random() < profile.decided_in_6_weeks
    decided = _weekday(case.request + timedelta(rng.randint(14, 42) if quick
                                                else rng.randint(43, 70)))
    if decided > LAST:
        return
    case.decision_date = decided
    case.decision = _weighted(rng, {"assess": 78, "not assess": 19, "withdrawn": 3})
    if case.decision == "assess":
        _assess(rng, case, profile)


def _assess(rng: Random, case: Case, profile: LaProfile) -> None:
    """Plan or no plan, and when; dates after LAST are left blank (still open)."""
    case.outcome = "not yet decided"
    if rng.random() >= 0.90:
        no_plan = _weekday(case.request + timedelta(rng.randint(95, 112)))
        if no_plan <= LAST:
            case.outcome, case.outcome_date = "plan not issued", no_plan
        return
    if rng.random() < 0.05:
        case.exception = _weighted(rng, PLAN_EXCEPTION_WEIGHTS)
    on_time_rate = min(0.9, profile.plans_in_20_weeks + 0.04 * _years_in(case.request))
    if case.exception is None and rng.random() < on_time_rate:
        final_days = rng.randint(112, 140)
        draft_days = final_days - rng.randint(15, 28)
    else:
        final_days = rng.randint(141, 200)
        if rng.random() < 0.12:  # a long tail: plans stuck for months before the draft
            final_days += rng.randint(30, 120)
        draft_days = max(84, final_days - rng.randint(15, 56))
    draft = _weekday(case.request + timedelta(draft_days))
    final = _weekday(case.request + timedelta(final_days))
    issue_decided = max(draft - timedelta(rng.randint(0, 10)), case.decision_date)
    case.outcome_date = _open_after(issue_decided)
    if case.outcome_date:
        case.outcome = "plan to be issued"
    case.draft, case.final = _open_after(draft), _open_after(final) if draft <= LAST else None


def _open_on(case: Case, day: date) -> bool:
    """Whether the request was still in progress on `day`."""
    if case.decision in ("not assess", "withdrawn"):
        closed = case.decision_date
    elif case.outcome == "plan not issued":
        closed = case.outcome_date
    else:
        closed = case.final
    return closed is None or closed >= day


def _cases_for(rng: Random, profile: LaProfile, used_nhs: set[str]) -> list[Case]:
    growth = 0.06  # requests nationally rise by several per cent a year
    dates = _monthly_dates(
        rng, lambda d: profile.requests_per_year * (1 + growth * _years_in(d)), REQUESTS_FROM)
    counters: dict[int, int] = {}
    cases = []
    for request in dates:
        counters[request.year] = counters.get(request.year, 0) + 1
        person = _person(rng, request, used_nhs)
        need = _weighted(rng, NEED_WEIGHTS)
        if need == "DS" and request.year < 2025:  # SEN2 added DS in 2025
            need = "OTH"
        case = Case(profile.name, _case_id(profile.name, request, counters[request.year]),
                    request, need, _setting(rng, profile.name, person, request), person)
        _decide(rng, case, profile)
        if case.request >= START or _open_on(case, START):
            cases.append(case)
    return cases


# --- health advice --------------------------------------------------------------------------


def _provider(la: str, service: str) -> str:
    if service == "CAMHS":
        return NRC
    return NCH if la == "Northshire" else REH


def _advice(rng: Random, la: str, case_id: str, service: str, stage: str,
            requested: date) -> Advice:
    """One request with its true turnaround; the on-time rate varies by service, LA and year."""
    profile = next(p for p in PROFILES if p.name == la)
    on_time = SERVICE_ON_TIME[service] + profile.advice_shift + 0.03 * _years_in(requested)
    draw = rng.random()
    reason: str | None = None
    if draw < 0.03:
        reason = "lawful:" + _weighted(rng, {"missed": 50, "personal": 30, "absent": 20})
    elif draw < 0.05:
        reason = rng.choice(NON_LAWFUL_REASONS)
    if reason is None and rng.random() < min(on_time, 0.97):
        days = int(rng.triangular(12, 42.99, 38))
    else:
        days = int(rng.triangular(43, 120.99, 55))
    returned = None if rng.random() < 0.005 else _weekday(requested + timedelta(days))
    quality = rng.choices((1, 2, 3, 4), (10, 30, 40, 20))[0] if rng.random() < 0.6 else None
    return Advice(la, case_id, service, stage, requested, returned, reason, quality,
                  _provider(la, service))


def _services(rng: Random) -> list[str]:
    count = rng.choices((1, 2, 3, 4), (25, 40, 25, 10))[0]
    chosen: list[str] = []
    while len(chosen) < count:
        service = _weighted(rng, SERVICE_WEIGHTS)
        if service not in chosen:
            chosen.append(service)
    return chosen


def _assessment_advice(rng: Random, cases: Sequence[Case]) -> list[Advice]:
    rows = []
    for case in cases:
        if case.decision != "assess" or case.decision_date is None:
            continue
        for service in _services(rng):
            requested = _weekday(case.decision_date + timedelta(rng.randint(1, 7)))
            if START <= requested <= LAST:  # provider logs start in April 2024
                rows.append(_advice(rng, case.la, case.case_id, service, "new assessment",
                                    requested))
    return rows


def _review_advice(rng: Random, cases: Sequence[Case], count: int, la: str) -> list[Advice]:
    """Annual review and reassessment requests: for plans issued here, or older plans."""
    planned = sorted((c.final, c.case_id) for c in cases if c.la == la and c.final)
    finals = [f for f, _ in planned]
    span = (LAST - START).days
    rows = []
    for _ in range(count):
        requested = _weekday(START + timedelta(rng.randint(0, span)))
        if requested > LAST:
            continue
        eligible = bisect_right(finals, requested - timedelta(days=300))
        if eligible and rng.random() < 0.5:
            case_id = planned[rng.randrange(eligible)][1]
        else:  # a plan issued before April 2024
            case_id = _case_id(la, date(rng.choice((2019, 2020, 2021, 2022)), 1, 1),
                               rng.randint(1, 900))
        stage = "annual review" if rng.random() < 0.8 else "reassessment"
        rows.append(_advice(rng, la, case_id, _weighted(rng, SERVICE_WEIGHTS), stage, requested))
    return rows


def _number_advice(rows: list[Advice]) -> list[Advice]:
    """Each provider numbers its log in the order requests arrived."""
    prefix = {NCH: "NCH", REH: "REH", NRC: "NRC"}
    rows.sort(key=lambda a: (a.requested, a.la, a.case_id, a.service, a.stage))
    counters = dict.fromkeys(prefix, 0)
    for row in rows:
        counters[row.provider] += 1
        row.advice_id = f"{prefix[row.provider]}-{counters[row.provider]:06d}"
    return rows


# --- tribunals ------------------------------------------------------------------------------


def _appeal_event(case: Case, appeal_type: str) -> date | None:
    """The decision a family can appeal against, for linking an appeal to its case."""
    if appeal_type == "Refusal to assess" and case.decision == "not assess":
        return case.decision_date
    if appeal_type == "Refusal to issue" and case.outcome == "plan not issued":
        return case.outcome_date
    return case.final if appeal_type.startswith("Contents") else None


def _link_case(rng: Random, cases: Sequence[Case], appeal_type: str, registered: date,
               used: set[str]) -> str | None:
    events = sorted((e, c.case_id) for c in cases if (e := _appeal_event(c, appeal_type)))
    keys = [e for e, _ in events]
    window = events[bisect_left(keys, registered - timedelta(60)):
                    bisect_right(keys, registered - timedelta(10))]
    free = [cid for _, cid in window if cid not in used]
    if not free or rng.random() < 0.15:
        return None
    chosen = rng.choice(free)
    used.add(chosen)
    return chosen


def _resolve(rng: Random, appeal: Appeal) -> None:
    """Outcome, hearing and health recommendation as known on the extract date."""
    hearing = _weekday(appeal.registered + timedelta(rng.randint(150, 300)))
    # Hearings are listed about three months ahead; later ones have no date yet.
    appeal.hearing = hearing if hearing <= LAST + timedelta(90) else None
    outcome = _weighted(rng, OUTCOME_WEIGHTS)
    if outcome in ("Conceded", "Withdrawn"):
        settled = appeal.registered + timedelta(rng.randint(40, (hearing - appeal.registered).days))
        appeal.outcome = outcome if settled <= LAST else "Pending"
        return
    decided = _weekday(hearing + timedelta(rng.randint(0, 10)))
    if decided > LAST:
        return
    appeal.outcome = outcome
    if not appeal.health_aspects:
        return
    appeal.recommendation = (outcome != "Dismissed" and appeal.appeal_type in RECOMMENDABLE
                             and rng.random() < 0.75)
    if appeal.recommendation:
        appeal.recommendation_date = decided
        days = rng.randint(7, 33) if rng.random() < 0.82 else rng.randint(38, 90)
        appeal.response_date = _open_after(_weekday(decided + timedelta(days)))


def _appeals_for(rng: Random, profile: LaProfile, cases: Sequence[Case]) -> list[Appeal]:
    first, last = profile.appeals_per_year
    span = _years_in(LAST)
    dates = _monthly_dates(rng, lambda d: first + (last - first) * _years_in(d) / span)
    used: set[str] = set()
    appeals = []
    for registered in dates:
        appeal_type = _weighted(rng, APPEAL_TYPES)
        case_id = _link_case(rng, cases, appeal_type, registered, used)
        appeal = Appeal(profile.name, "", case_id, registered, appeal_type,
                        rng.random() < HEALTH_ASPECT_RATE[appeal_type], None, "Pending",
                        None, None, None)
        _resolve(rng, appeal)
        appeals.append(appeal)
    return appeals


def _number_appeals(rng: Random, appeals: list[Appeal]) -> list[Appeal]:
    """SENDIST style references, EH<LA code>/<yy>/<n>, numbered nationally within a year."""
    codes = {p.name: p.tribunal_code for p in PROFILES}
    appeals.sort(key=lambda a: (a.registered, a.la))
    last_number: dict[int, int] = {}
    for appeal in appeals:
        year = appeal.registered.year
        # England registers about 25,000 appeals a year (some 68 a day) in one sequence.
        estimate = appeal.registered.timetuple().tm_yday * 68 + rng.randint(0, 60)
        number = max(last_number.get(year, 0) + 1, estimate)
        last_number[year] = number
        appeal.appeal_id = f"EH{codes[appeal.la]}/{year % 100}/{number:05d}"
    return appeals


def build_world(seed: int = DEFAULT_SEED) -> World:
    """The synthetic truth all the exports are cut from."""
    rng = Random(seed)
    used_nhs: set[str] = set()
    cases = [c for p in PROFILES for c in _cases_for(rng, p, used_nhs)]
    advice = _assessment_advice(rng, cases)
    for profile in PROFILES:  # reviews make up about a fifth of all requests
        own = sum(a.la == profile.name for a in advice)
        advice += _review_advice(rng, cases, own // 4, profile.name)
    appeals = [a for p in PROFILES
               for a in _appeals_for(rng, p, [c for c in cases if c.la == p.name])]
    world = World(cases, _number_advice(advice), _number_appeals(rng, appeals))
    # The wider remit draws from streams of its own, so the EHC exports stay as they were.
    world.schools = _school_audits(Random(f"{seed}:schools"))
    world.reviews = _annual_reviews(Random(f"{seed}:reviews"), cases)
    world.waits = _waiting_lists(Random(f"{seed}:waits"))
    world.budgets = _budgets(Random(f"{seed}:budgets"))
    world.complaints = _complaints(Random(f"{seed}:complaints"))
    world.la_advice = _la_advice_records(Random(f"{seed}:la-advice"), world)
    return world


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
        phase = _weighted(rng, PHASE_WEIGHTS)
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


def _school_audits(rng: Random) -> list[SchoolAudit]:
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
                day = _weekday(first + timedelta(rng.randint(0, (last - first).days)))
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
    on_time = REVIEWS_HELD_ON_TIME[review.la] + 0.03 * _years_in(review.due)
    meeting = _weekday(review.due - timedelta(rng.randint(0, 35)) if rng.random() < on_time
                       else review.due + timedelta(rng.randint(1, 100)))
    if meeting > LAST:
        return
    review.meeting = meeting
    review.invited = rng.random() < 0.75
    review.attended = review.invited and rng.random() < 0.35
    review.advice = rng.random() < (0.6 if review.invited else 0.05)
    quick = rng.random() < REVIEW_DECIDED_IN_4_WEEKS[review.la]
    decided = _weekday(meeting + timedelta(rng.randint(5, 28) if quick else rng.randint(29, 90)))
    if decided > LAST:
        return
    review.decision_date = decided
    review.decision = _weighted(rng, REVIEW_DECISION_WEIGHTS)
    if review.decision == "amend":
        if rng.random() < 0.55:
            amended = max(decided + timedelta(rng.randint(7, 21)),
                          meeting + timedelta(rng.randint(40, 84)))
        else:
            amended = meeting + timedelta(rng.randint(85, 200))
        review.amended = _open_after(_weekday(amended))


def _annual_reviews(rng: Random, cases: Sequence[Case]) -> list[Review]:
    """Reviews of the plans issued in the EHC exports, and of plans issued before 2023."""
    reviews = []
    for profile in PROFILES:
        la = profile.name
        plans = [(c.case_id, _a_year_after(c.final)) for c in cases if c.la == la and c.final]
        used = {case_id for case_id, _ in plans}
        older = 0
        while older < OLDER_PLANS[la]:
            case_id = _case_id(la, date(rng.randint(2018, 2022), 1, 1), rng.randint(1, 999))
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
    for first, _ in _months(WAITS_FIRST):
        if first > WAITS_LAST:
            break
        years = _years_in(first)
        total = round(spec.size * scale * (1 + spec.growth * years) * rng.uniform(0.97, 1.03))
        over_18 = round(total * _share(rng, spec.over_18, 0.02, years))
        over_52 = min(over_18, round(total * _share(rng, spec.over_52, 0.03, years)))
        median = round(max(1.0, spec.median_weeks * (1 + 0.1 * years) + rng.gauss(0, 1)), 1)
        referrals = round(spec.size * scale * 0.08 * SEASON[first.month] * rng.uniform(0.85, 1.15))
        rows.append(Snapshot(first, provider, la, spec.service, total, over_18, over_52, median,
                             referrals))
    return rows


def _waiting_lists(rng: Random) -> list[Snapshot]:
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


def _budgets(rng: Random) -> list[Budget]:
    budgets = []
    span = (LAST - BUDGETS_FROM).days
    for profile in PROFILES:
        code = {"Northshire": "NSH", "Riverside": "RVS", "Eastmoor": "EMR"}[profile.name]
        for number in range(1, BUDGET_COUNTS[profile.name] + 1):
            # More budgets in later years: the square root skews starts towards LAST.
            start = _weekday(BUDGETS_FROM + timedelta(int(span * rng.random() ** 0.7)))
            if start > LAST:
                start = LAST - timedelta(days=3)
            draw = rng.random()
            end = None
            if draw < 0.35:
                end = _open_after(start + timedelta(rng.randint(90, 900)))
            elif draw < 0.5:
                end = AGREED_UNTIL
            budgets.append(Budget(profile.name, f"PHB-{code}-{number:04d}", start, end,
                                  rng.random() < 0.6, _weighted(rng, BUDGET_BANDS)))
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


def _complaints(rng: Random) -> list[Complaint]:
    complaints = []
    for profile in PROFILES:
        dates = _monthly_dates(rng, lambda d, n=COMPLAINTS_PER_YEAR[profile.name]: n)
        for received in dates:
            stage = _weighted(rng, COMPLAINT_STAGE_WEIGHTS)
            due = received + timedelta(RESPONSE_DAYS[stage])
            late = rng.random() >= 0.68
            responded = _open_after(_weekday(due + timedelta(rng.randint(1, 40)) if late
                                             else received + timedelta(rng.randint(5, RESPONSE_DAYS[stage]))))
            if responded and responded > due and not late:
                responded = due
            outcome = _weighted(rng, OUTCOME_BY_STAGE[stage]) if responded else None
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


def _la_advice_records(rng: Random, world: World) -> list[LaAdviceRecord]:
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
            received = _open_after(_weekday(advice.returned + timedelta(lag)))
        records.append(LaAdviceRecord("", advice.case_id, advice.service, advice.stage, sent,
                                      received))
    assessed = [c for c in world.cases if c.la == LA_ADVICE_LA and c.decision == "assess"
                and c.decision_date and c.decision_date >= START]
    for case in rng.sample(assessed, 40):  # requests the service never logged
        sent = _weekday(case.decision_date + timedelta(rng.randint(1, 7)))
        if sent <= LAST:
            records.append(LaAdviceRecord("", case.case_id, _weighted(rng, SERVICE_WEIGHTS),
                                          "new assessment", sent, None))
    records.sort(key=lambda r: (r.requested, r.case_id, r.service))
    for number, record in enumerate(records, 1):
        record.advice_id = f"NSH-HA-{number:06d}"
    return records


# --- formats --------------------------------------------------------------------------------


def _dmy(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _long_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"  # no locale: "1 Apr 2025" everywhere


def _excel_serial(d: date) -> int:
    return (d - EXCEL_EPOCH).days


def _spaced_nhs(nhs: str | None) -> str:
    return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" if nhs else ""


def _workbook() -> Workbook:
    wb = Workbook()
    wb.properties.creator = "pipelines.samples"
    wb.properties.created = wb.properties.modified = FIXED_STAMP
    return wb


def _append(ws: Worksheet, values: Sequence[object], text_format_ints: bool = False) -> None:
    """Append a row, showing dates as UK dates (openpyxl's default would be ISO)."""
    cells = []
    for value in values:
        cell = Cell(ws, value=value)
        if text_format_ints and isinstance(value, int):
            cell.number_format = "@"  # a number in a cell formatted as text, as pasted
        elif isinstance(value, datetime):
            cell.number_format = "dd/mm/yyyy hh:mm"
        elif isinstance(value, date):
            cell.number_format = "dd/mm/yyyy"
        cells.append(cell)
    ws.append(cells)


def _blank_row(ws: Worksheet) -> None:
    ws.append([])  # no cells are written: readers see a gap in the row numbers


XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _stable_xml(data: bytes) -> bytes:
    """One spelling of an XML part whichever serializer openpyxl used: it writes through lxml
    when lxml is installed and through the standard library otherwise, and the two place
    namespace declarations and spaces differently. Canonical XML (C14N 2.0) is the same for
    both."""
    return XML_DECLARATION + canonicalize(data.decode("utf-8")).encode("utf-8")


def _stable_zip(data: bytes) -> bytes:
    """Rewrite an xlsx with fixed entry times (zipfile stamps entries with the wall clock) and
    canonical XML parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, FIXED_STAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            body = src.read(item.filename)
            if item.filename.endswith((".xml", ".rels")):
                body = _stable_xml(body)
            dst.writestr(info, body)
    return out.getvalue()


def _save_workbook(wb: Workbook, path: Path) -> None:
    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save() would stamp "modified" with the current time.
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    path.write_bytes(_stable_zip(buffer.getvalue()))


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]],
               encoding: str, newline: str, delimiter: str = ",") -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator=newline, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))


# --- EHC exports ----------------------------------------------------------------------------

NORTHSHIRE_NEEDS = {
    "ASD": "Autistic Spectrum Condition", "SLCN": "Speech Language and Communication",
    "SEMH": "Social Emotional and Mental Health", "MLD": "Moderate Learning Difficulties",
    "SPLD": "Specific Learning Difficulties", "SLD": "Severe Learning Difficulties",
    "PMLD": "Profound & Multiple LD", "PD": "Physical disability", "HI": "Hearing impairment",
    "VI": "Visual impairment", "MSI": "Multi-sensory impairment", "OTH": "Other",
    "DS": "Down syndrome",
}
EASTMOOR_NEEDS = {
    "ASD": "Autism", "SLCN": "Speech, language and communication needs",
    "SEMH": "Social, emotional and mental health", "MLD": "Moderate learning difficulty",
    "SPLD": "Specific learning difficulty", "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty", "PD": "Physical disability",
    "HI": "Hearing impairment", "VI": "Visual impairment", "MSI": "Multi sensory impairment",
    "OTH": "Other difficulty/disability", "DS": "Down's syndrome",
}
NORTHSHIRE_DECISIONS = {"assess": "Agreed to assess", "not assess": "Refused to assess",
                        "withdrawn": "Request withdrawn", "not yet decided": "Awaiting decision"}
EASTMOOR_DECISIONS = {"assess": "Yes", "not assess": "No", "withdrawn": "Withdrawn",
                      "not yet decided": "Pending"}
SEN2_REQUEST_OUTCOME = {"assess": "Y", "not assess": "N", "withdrawn": "W", "not yet decided": "A"}
SEN2_ASSESSMENT_OUTCOME = {"plan to be issued": "Y", "plan not issued": "N",
                           "not yet decided": "A"}
NORTHSHIRE_EXCEPTIONS = {"closure": "School closure", "personal": "Personal circumstances",
                         "absent": "Absent from area"}
EASTMOOR_EXCEPTIONS = {"closure": "Summer closure",
                       "personal": "Exceptional personal circumstances",
                       "absent": "Away from area"}


def _messy_case_id(rng: Random, case_id: str) -> str:
    """Hand-typed references: a stray space or lower case on a few rows."""
    draw = rng.random()
    if draw < 0.02:
        return f" {case_id.lower()}"
    if draw < 0.04:
        return f"{case_id} "
    return case_id.capitalize() if draw < 0.05 else case_id


def _northshire_date(rng: Random, d: date | None) -> date | str | None:
    return _dmy(d) if d and rng.random() < 0.07 else d  # typed over the date format


# How the two case systems word the decision whether to issue a plan after assessment; without
# it a case that ended with no plan would look open for ever.
ISSUE_DECISIONS = {"plan to be issued": "Issue plan", "plan not issued": "Not issued",
                   "not yet decided": ""}


def _northshire_ehcp_row(rng: Random, case: Case) -> list[object]:
    p = case.person
    exception = NORTHSHIRE_EXCEPTIONS.get(case.exception or "", "")
    if not exception and case.final and rng.random() < 0.1:
        exception = "No"
    return [
        _messy_case_id(rng, case.case_id), "Northshire County Council", p.forename, p.surname,
        _northshire_date(rng, p.dob), _spaced_nhs(p.nhs_number),
        _northshire_date(rng, case.request), _northshire_date(rng, case.decision_date),
        NORTHSHIRE_DECISIONS[case.decision], _northshire_date(rng, case.draft),
        _northshire_date(rng, case.final), exception, NORTHSHIRE_NEEDS[case.need], case.setting,
        ISSUE_DECISIONS.get(case.outcome or "", ""), case.outcome_date if case.outcome else None,
    ]


def write_ehcp_northshire(path: Path, world: World, rng: Random) -> int:
    wb = _workbook()
    ws = wb.active
    ws.title = "EHCNA timeliness"
    ws.append(["Northshire County Council - EHC needs assessment timeliness report"])
    ws.append([f"Report run: {_dmy(EXTRACT)}"])
    _blank_row(ws)
    ws.append(["Case Ref", "Local Authority", "Forename", "Surname", "DOB", "NHS No",
               "Date of Request", "Decision Date", "Decision to Assess", "Draft Plan Issued",
               "Final Plan Issued", "20 Week Exception", "Primary Need", "Setting",
               "Decision to Issue", "Date of Decision to Issue"])
    rows = [c for c in world.cases if c.la == "Northshire"]
    for case in rows:
        _append(ws, _northshire_ehcp_row(rng, case))
    _blank_row(ws)
    ws.append([f"Total: {len(rows)}"])
    ws.append(["Source: Northshire CC case management system, SEN module (synthetic sample)"])
    notes = wb.create_sheet("Notes")
    for line in (
        "About this report",
        "Lists every request for an EHC needs assessment received from 1 April 2024,",
        "and earlier requests that were still open on that date.",
        "Dates are as recorded by case officers; a blank date means the step has not happened.",
        "The 20-week clock runs from the date the request was received.",
        "Synthetic sample generated by python -m pipelines.samples: no real child is described.",
    ):
        notes.append([line])
    _save_workbook(wb, path)
    return len(rows)


def write_ehcp_riverside(path: Path, world: World, rng: Random) -> int:
    header = ["RequestID", "LA", "ReceivedDate", "RequestOutcomeDate", "RequestOutcome",
              "AssessmentOutcomeDate", "AssessmentOutcome", "StartDate", "Week20", "SENtype",
              "Setting"]
    rows = [
        [c.case_id, "Riverside City Council", _iso(c.request), _iso(c.decision_date),
         SEN2_REQUEST_OUTCOME[c.decision], _iso(c.outcome_date),
         SEN2_ASSESSMENT_OUTCOME.get(c.outcome or "", ""), _iso(c.final),
         "true" if c.exception else "false", c.need, c.setting]
        for c in world.cases if c.la == "Riverside"
    ]
    _write_csv(path, header, rows, "cp1252", "\r\n")  # saved from Excel on Windows
    return len(rows)


def _eastmoor_date(rng: Random, d: date | None) -> object:
    """Four ways a date arrives from Eastmoor's system: date, serial, text, date-time."""
    if d is None:
        return None
    draw = rng.random()
    if draw < 0.10:
        return _excel_serial(d)
    if draw < 0.20:
        return _long_date(d)
    if draw < 0.30:
        return datetime.combine(d, time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))))
    return d


def _eastmoor_nhs(rng: Random, nhs: str | None) -> object:
    if nhs is None:
        return None
    return int(nhs) if rng.random() < 0.15 else nhs  # typed in as a number on some rows


EASTMOOR_2024_HEADER = ["Case Number", "Child Name", "Date of Birth", "NHS Number",
                        "Local Authority Name", "Request Received Date",
                        "Decision to Assess Date", "Decision", "Draft EHCP Issued",
                        "Final EHCP Issued", "Exception Reason", "Primary SEN Type",
                        "School Name", "Assessment Outcome", "Assessment Outcome Date"]
# The newer sheet was set up later: same data, columns reordered, "DOB".
EASTMOOR_2025_HEADER = ["Case Number", "Local Authority Name", "Request Received Date",
                        "Decision", "Decision to Assess Date", "Assessment Outcome",
                        "Assessment Outcome Date", "Draft EHCP Issued", "Final EHCP Issued",
                        "Exception Reason", "Primary SEN Type", "School Name", "Child Name", "DOB",
                        "NHS Number"]


def _eastmoor_row(rng: Random, case: Case, header: Sequence[str]) -> list[object]:
    p = case.person
    exception = EASTMOOR_EXCEPTIONS.get(case.exception or "", "")
    values = {
        "Case Number": case.case_id, "Child Name": f"{p.forename} {p.surname}",
        "Date of Birth": _eastmoor_date(rng, p.dob), "NHS Number": _eastmoor_nhs(rng, p.nhs_number),
        "Local Authority Name": "Eastmoor MBC" if rng.random() < 0.3 else "Eastmoor",
        "Request Received Date": _eastmoor_date(rng, case.request),
        "Decision to Assess Date": _eastmoor_date(rng, case.decision_date),
        "Decision": EASTMOOR_DECISIONS[case.decision],
        "Draft EHCP Issued": _eastmoor_date(rng, case.draft),
        "Final EHCP Issued": _eastmoor_date(rng, case.final),
        "Exception Reason": exception or ("N/A" if case.final else None),
        "Primary SEN Type": EASTMOOR_NEEDS[case.need], "School Name": case.setting,
        "Assessment Outcome": ISSUE_DECISIONS.get(case.outcome or "", ""),
        "Assessment Outcome Date": case.outcome_date if case.outcome else None,
    }
    values["DOB"] = values["Date of Birth"]
    return [values[h] for h in header]


def write_ehcp_eastmoor(path: Path, world: World, rng: Random) -> int:
    wb = _workbook()
    wb.remove(wb.active)
    cases = [c for c in world.cases if c.la == "Eastmoor"]
    split = date(2025, 4, 1)
    sheets = (("2024-25", EASTMOOR_2024_HEADER, [c for c in cases if c.request < split]),
              ("2025-26 onwards", EASTMOOR_2025_HEADER, [c for c in cases if c.request >= split]))
    for title, header, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(header)
        for case in rows:
            _append(ws, _eastmoor_row(rng, case, header), text_format_ints=True)
    _save_workbook(wb, path)
    return len(cases)


# --- health advice exports ------------------------------------------------------------------

NCH_SHEETS = {"Community Paediatrics": "Paeds", "Speech and Language Therapy": "SALT",
              "Occupational Therapy": "OT", "Physiotherapy": "Physio",
              "Specialist Nursing": "Nursing", "Audiology": "Audiology", "Vision": "Vision",
              "Dietetics": "Dietetics", "Other": "Other"}
REH_SERVICES = {"Speech and Language Therapy": "Speech & Language Therapy",
                "Specialist Nursing": "Children's Community Nursing"}
LAWFUL_SPELLINGS = {
    NCH: {"missed": "DNA", "personal": "Family circumstances", "absent": "Away from area"},
    REH: {"missed": "Was not brought", "personal": "Exceptional personal circumstances",
          "absent": "Absent from area"},
    NRC: {"missed": "WNB", "personal": "Personal circumstances", "absent": "Out of area"},
}
STAGE_SPELLINGS = {
    NCH: {"new assessment": "New", "annual review": "Annual review",
          "reassessment": "Re-assessment"},
    REH: {"new assessment": "EHC needs assessment", "annual review": "Annual Review",
          "reassessment": "Reassessment"},
    NRC: {"new assessment": "EHCNA", "annual review": "AR", "reassessment": "Reassess"},
}


def _reason_text(advice: Advice, as_of: date) -> str:
    reason = advice.reason_by(as_of)
    if reason and reason.startswith("lawful:"):
        return LAWFUL_SPELLINGS[advice.provider][reason.removeprefix("lawful:")]
    return reason or ""


def _nch_row(rng: Random, a: Advice, sheet: str) -> list[object]:
    la = rng.choice(("Northshire", "Northshire", "NSH", "N'shire"))
    return [a.advice_id, a.case_id, la, sheet, STAGE_SPELLINGS[NCH][a.stage], a.requested,
            a.returned_by(LAST), _reason_text(a, LAST), a.quality_by(LAST), NCH]


def write_health_advice_nch(path: Path, world: World, rng: Random) -> int:
    wb = _workbook()
    wb.remove(wb.active)
    written = 0
    for service, sheet in NCH_SHEETS.items():
        ws = wb.create_sheet(sheet)
        ws.append([NCH])
        ws.append([f"EHC health advice log - {service}"])
        ws.append([f"Extracted {_dmy(EXTRACT)}"])
        _blank_row(ws)
        ws.append(["Referral ID", "LA Case Ref", "LA", "Discipline", "Request Type",
                   "Date Received", "Date Sent", "Delay Reason", "QA Score", "Provider"])
        for advice in world.advice:
            if advice.provider != NCH or advice.service != service:
                continue
            if rng.random() < 0.01:  # rows cleared by hand and left blank
                _blank_row(ws)
            _append(ws, _nch_row(rng, advice, sheet))
            written += 1
    _save_workbook(wb, path)
    return written


REH_LA_SPELLINGS = {"Riverside": ("Riverside", "Riverside City Council", "RVS", "City of Riverside"),
                    "Eastmoor": ("Eastmoor", "Eastmoor MBC", "East Moor", "EMR",
                                 "Eastmoor Borough Council")}
REH_HEADER = ["Advice Ref", "Case Reference", "Local Authority", "Service", "Type of Request",
              "Date Request Received", "Date Advice Returned", "Exception Reason",
              "Quality Score", "Provider Name"]
# Rows the validator must reject, one reason each; documented in data_samples/README.md.
REH_BAD_ROWS = (
    ["REH-900001", "R250412", "Riverside", "Occupational Therapy", "EHC needs assessment",
     "31/02/2025", "", "", "", REH],  # impossible date
    ["REH-900002", "EM2500233", "Eastmoor", "Community Paediatrics", "EHC needs assessment",
     "10/06/2025", "28/05/2025", "", "3", REH],  # returned before requested
    ["REH-900003", "R250518", "Riverside City Council", "Chiropody", "EHC needs assessment",
     "14/07/2025", "01/08/2025", "", "", REH],  # unknown service
    ["REH-900004", "R250601", "Westshire", "Speech & Language Therapy", "EHC needs assessment",
     "02/09/2025", "06/10/2025", "", "2", REH],  # unknown local authority
    ["REH-900005", "", "Eastmoor MBC", "Physiotherapy", "Annual Review", "03/11/2025",
     "24/11/2025", "", "", REH],  # missing case id
)
REH_DUPLICATED = ("REH-000100", "REH-001000", "REH-002000", "REH-003000")


def _mixed_case(rng: Random, value: str) -> str:
    draw = rng.random()
    return value.lower() if draw < 0.02 else value.title() if draw < 0.03 else value


def _reh_row(rng: Random, a: Advice) -> list[str]:
    return [_mixed_case(rng, a.advice_id), _mixed_case(rng, a.case_id),
            rng.choice(REH_LA_SPELLINGS[a.la]), REH_SERVICES.get(a.service, a.service),
            STAGE_SPELLINGS[REH][a.stage], _dmy(a.requested), _dmy(a.returned_by(LAST)),
            _reason_text(a, LAST), str(a.quality_by(LAST) or ""), REH]


def write_health_advice_reh(path: Path, world: World, rng: Random) -> int:
    rows: list[list[str]] = []
    for advice in (a for a in world.advice if a.provider == REH):
        rows.append(_reh_row(rng, advice))
        if advice.advice_id in REH_DUPLICATED:  # pasted twice by hand
            rows.append(list(rows[-1]))
    genuine = len(rows)
    for k, bad in reversed(list(enumerate(REH_BAD_ROWS, 1))):
        rows.insert(genuine * k // (len(REH_BAD_ROWS) + 1), list(bad))
    _write_csv(path, REH_HEADER, rows, "utf-8-sig", "\r\n")
    return len(rows)


NRC_HEADER = ["Request Ref", "LA Case ID", "Local Authority Name", "Service Name", "Advice Type",
              "Received Date", "Return Date", "Reason for Delay", "Quality Rating",
              "Provider Organisation"]
NRC_LA_SPELLINGS = {"Northshire": ("Northshire", "Northshire CC", "Northshire"),
                    "Riverside": ("Riverside", "Riverside Council", "Riverside"),
                    "Eastmoor": ("Eastmoor", "Eastmoor", "East Moor")}


def _nrc_row(a: Advice, as_of: date) -> list[str]:
    # Spellings follow from the reference, not from a random draw, so a row that has not
    # changed is written identically in the October and the November export.
    number = int(a.advice_id[-6:])
    spellings = NRC_LA_SPELLINGS[a.la]
    return [a.advice_id, a.case_id, spellings[number % len(spellings)],
            "CYPMHS" if number % 5 == 0 else "CAMHS", STAGE_SPELLINGS[NRC][a.stage],
            _dmy(a.requested), _dmy(a.returned_by(as_of)), _reason_text(a, as_of),
            str(a.quality_by(as_of) or ""), NRC]


def _write_nrc(path: Path, world: World, as_of: date) -> int:
    rows = [_nrc_row(a, as_of) for a in world.advice
            if a.provider == NRC and a.requested <= as_of]
    _write_csv(path, NRC_HEADER, rows, "utf-8", "\n")
    return len(rows)


def write_health_advice_nrc_october(path: Path, world: World, rng: Random) -> int:
    return _write_nrc(path, world, CAMHS_OCTOBER_AS_OF)


def write_health_advice_nrc_november(path: Path, world: World, rng: Random) -> int:
    return _write_nrc(path, world, LAST)


# --- tribunals export -----------------------------------------------------------------------

TRACKER_LA_SPELLINGS = {"Northshire": ("Northshire", "Northshire", "Northshire CC"),
                        "Riverside": ("Riverside", "Riverside", "RVS"),
                        "Eastmoor": ("Eastmoor", "Eastmoor", "Eastmoor MBC")}
TRACKER_HEADER = ["Tribunal Ref", "LA Case Ref", "Local Authority", "Date Registered",
                  "Appeal Type", "Health Aspects", "Hearing Date", "Outcome",
                  "Health Recommendation", "Date Recommendation Sent", "ICB Response Date"]
BOOL_STYLES = (("Y", "N"), ("Yes", "No"), (True, False))  # TRUE/FALSE as Excel booleans


def _tracker_row(rng: Random, a: Appeal) -> list[object]:
    yes, no = rng.choice(BOOL_STYLES)
    as_text = rng.random() < 0.08  # dates typed as text on some rows

    def day(d: date | None) -> object:
        return _dmy(d) if as_text and d else d

    def flag(value: bool | None) -> object:
        return None if value is None else yes if value else no

    return [a.appeal_id, a.case_id, rng.choice(TRACKER_LA_SPELLINGS[a.la]), day(a.registered),
            a.appeal_type, flag(a.health_aspects), day(a.hearing), a.outcome,
            flag(a.recommendation), day(a.recommendation_date), day(a.response_date)]


def write_tribunals(path: Path, world: World, rng: Random) -> int:
    wb = _workbook()
    ws = wb.active
    ws.title = "Appeals"
    ws.append(["Northshire ICB - SEND Tribunal appeals tracker (Northshire, Riverside, Eastmoor)"])
    ws.append(TRACKER_HEADER)
    for appeal in world.appeals:
        _append(ws, _tracker_row(rng, appeal))
    _save_workbook(wb, path)
    return len(world.appeals)


# --- schools audit export ------------------------------------------------------------------

AREA_LA_SPELLINGS = {"Northshire": ("Northshire", "Northshire", "Northshire CC"),
                     "Riverside": ("Riverside", "Riverside", "Riverside City Council"),
                     "Eastmoor": ("Eastmoor", "Eastmoor", "Eastmoor MBC")}
PHASE_SPELLINGS = {"nursery": ("Nursery", "Early Years", "PVI"), "primary": ("Primary",),
                   "secondary": ("Secondary", "High School"), "special": ("Special", "Special School"),
                   "alternative provision": ("PRU", "AP", "Alternative Provision"),
                   "post-16": ("Post-16", "Sixth Form", "FE College")}
ELEMENT_HEADERS = ("Named Lead", "Staff Training and Cover", "IHP Process", "Medicines",
                   "Trips and Activities", "Emergency Procedures", "Complaints Procedure",
                   "Unacceptable Practice")
SCHOOLS_ROUND_1_HEADER = ["URN", "School Name", "Local Authority", "Phase", "Audit Date",
                          "Policy in Place", "Published on Website", "Policy URL",
                          "Policy Last Reviewed", *ELEMENT_HEADERS,
                          "Pupils with Medical Conditions", "Pupils with IHPs",
                          "Senior Mental Health Lead"]
# From 2025-26 the audit asks about MHST coverage and the wellbeing self-assessment too.
SCHOOLS_LATER_HEADER = [*SCHOOLS_ROUND_1_HEADER[:-1], "SMHL Trained", "MHST Coverage",
                        "Wellbeing Score"]
SCHOOL_ROUNDS = {1: "2024-25 audit", 2: "2025-26 audit", 3: "2026-27 (in progress)"}
# The one deliberately bad row (documented in data_samples/README.md): more pupils with an IHP
# (11) than pupils with a medical condition (8).
SCHOOLS_BAD_ROW = ["990999", "Larkspur Primary School", "Eastmoor", "Primary", date(2025, 11, 12),
                   "Yes", "Yes", "https://larkspur-primary.example/policies/medical-conditions.pdf",
                   date(2025, 9, 1), *["Yes"] * 8, 8, 11, "Yes", "No", 3.2]


def _slug(name: str) -> str:
    return "-".join("".join(c for c in word.lower() if c.isalnum()) for word in name.split())


def _phase_text(rng: Random, audit: SchoolAudit) -> str:
    for word in ("Infant", "Junior"):
        if word in audit.name and rng.random() < 0.5:
            return word
    return rng.choice(PHASE_SPELLINGS[audit.phase])


def _school_row(rng: Random, a: SchoolAudit, header: Sequence[str]) -> list[object]:
    yes, no = ("Y", "N") if a.round == 1 else ("Yes", "No")

    def flag(value: bool | None) -> object:
        return None if value is None else yes if value else no

    reviewed: object = a.reviewed
    if reviewed and rng.random() < 0.1:
        reviewed = _dmy(a.reviewed)  # typed over the date format
    elements = a.elements or (None,) * len(ELEMENT_HEADERS)
    values = {
        "URN": a.urn if a.urn.startswith("EY") else int(a.urn), "School Name": a.name,
        "Local Authority": rng.choice(AREA_LA_SPELLINGS[a.la]), "Phase": _phase_text(rng, a),
        "Audit Date": a.audited, "Policy in Place": flag(a.policy),
        "Published on Website": flag(a.published),
        "Policy URL": (f"https://{_slug(a.name)}.example/policies/medical-conditions.pdf"
                       if a.published else None),
        "Policy Last Reviewed": reviewed,
        **{h: flag(e) for h, e in zip(ELEMENT_HEADERS, elements, strict=True)},
        "Pupils with Medical Conditions": a.pupils_mc, "Pupils with IHPs": a.pupils_ihp,
        "Senior Mental Health Lead": flag(a.smhl), "SMHL Trained": flag(a.smhl),
        "MHST Coverage": flag(a.mhst), "Wellbeing Score": a.wellbeing,
    }
    return [values[h] for h in header]


def write_schools(path: Path, world: World, rng: Random) -> int:
    wb = _workbook()
    wb.remove(wb.active)
    written = 0
    for round_no, title in SCHOOL_ROUNDS.items():
        ws = wb.create_sheet(title)
        ws.append(["Northshire ICB - DCO schools audit: medical conditions policies and mental "
                   "health support (Northshire, Riverside, Eastmoor)"])
        ws.append([f"Audit round {title}"])
        _blank_row(ws)
        header = SCHOOLS_ROUND_1_HEADER if round_no == 1 else SCHOOLS_LATER_HEADER
        ws.append(header)
        audits = [a for a in world.schools if a.round == round_no]
        for i, audit in enumerate(audits):
            if round_no == 2 and i == len(audits) // 2:
                _append(ws, SCHOOLS_BAD_ROW)
                written += 1
            _append(ws, _school_row(rng, audit, header))
            written += 1
    _save_workbook(wb, path)
    return written


# --- annual review exports ------------------------------------------------------------------

REVIEW_WORDS = {"amend": "Amend", "maintain": "Maintain", "cease": "Cease"}
REVIEW_CODES = {"amend": "A", "maintain": "M", "cease": "C"}
REVIEW_PAST = {"amend": "Amended", "maintain": "Maintained", "cease": "Ceased"}
NORTHSHIRE_REVIEW_HEADER = ["Case Ref", "Local Authority", "Annual Review Due Date",
                            "Review Meeting Date", "Health Invited", "Health Attended",
                            "Health Advice Submitted", "Decision Date", "Review Outcome",
                            "Amended Final Plan Issued"]
# The one deliberately bad row: the decision (01/09/2025) is dated before the meeting (10/09/2025).
REVIEWS_BAD_ROW = ["NSH-22-99999", "Northshire County Council", date(2025, 9, 15),
                   date(2025, 9, 10), "Y", "N", "Y", date(2025, 9, 1), "Maintain", None]


def _yn(value: bool | None, yes: object = "Y", no: object = "N") -> object:
    return None if value is None else yes if value else no


def write_reviews_northshire(path: Path, world: World, rng: Random) -> int:
    wb = _workbook()
    ws = wb.active
    ws.title = "Annual reviews"
    ws.append(["Northshire County Council - EHCP annual review tracker"])
    ws.append([f"Report run: {_dmy(EXTRACT)}"])
    ws.append(NORTHSHIRE_REVIEW_HEADER)
    reviews = [r for r in world.reviews if r.la == "Northshire"]
    for i, r in enumerate(reviews):
        if i == len(reviews) // 3:
            _append(ws, REVIEWS_BAD_ROW)
        _append(ws, [_messy_case_id(rng, r.case_id), "Northshire County Council", r.due,
                     r.meeting, _yn(r.invited), _yn(r.attended), _yn(r.advice), r.decision_date,
                     REVIEW_WORDS.get(r.decision or ""), r.amended])
    _save_workbook(wb, path)
    return len(reviews) + 1


def write_reviews_riverside(path: Path, world: World, rng: Random) -> int:
    """SEN2-style names and codes (ReviewMeeting, ReviewOutcome A/M/C); no attendance column."""
    header = ["Case ID", "LA", "Review Due", "ReviewMeeting", "Health Invited",
              "Health Report Received", "Decision Sent", "ReviewOutcome", "Amended Plan Issued"]
    rows = [[r.case_id, "Riverside City Council", _iso(r.due), _iso(r.meeting),
             _yn(r.invited, "TRUE", "FALSE") or "", _yn(r.advice, "TRUE", "FALSE") or "",
             _iso(r.decision_date), REVIEW_CODES.get(r.decision or "", ""), _iso(r.amended)]
            for r in world.reviews if r.la == "Riverside"]
    _write_csv(path, header, rows, "utf-8", "\r\n")
    return len(rows)


def write_reviews_eastmoor(path: Path, world: World, rng: Random) -> int:
    wb = _workbook()
    ws = wb.active
    ws.title = "AR tracker"
    ws.append(["Case Number", "Local Authority Name", "AR Due Date", "AR Meeting Date",
               "Health Invited", "Health Attended", "Health Advice Received", "Date Decision Sent",
               "Outcome", "Amended EHCP Issued"])
    reviews = [r for r in world.reviews if r.la == "Eastmoor"]
    for r in reviews:
        _append(ws, [r.case_id, "Eastmoor MBC" if rng.random() < 0.3 else "Eastmoor",
                     _eastmoor_date(rng, r.due), _eastmoor_date(rng, r.meeting),
                     _yn(r.invited, "Yes", "No"), _yn(r.attended, "Yes", "No"),
                     _yn(r.advice, "Yes", "No"), _eastmoor_date(rng, r.decision_date),
                     REVIEW_PAST.get(r.decision or ""), _eastmoor_date(rng, r.amended)],
                text_format_ints=True)
    _save_workbook(wb, path)
    return len(reviews)


# --- waiting time returns -------------------------------------------------------------------

WAIT_SERVICE_SPELLINGS = {
    NCH: {"Community Paediatrics": "Community Paediatrics", "Speech and Language Therapy": "SALT",
          "Occupational Therapy": "OT", "Physiotherapy": "Physiotherapy",
          "Autism Assessment": "ASD Pathway", "ADHD Assessment": "ADHD Pathway"},
    REH: {"Community Paediatrics": "Paediatrics",
          "Speech and Language Therapy": "Speech & Language Therapy",
          "Occupational Therapy": "Occupational Therapy", "Physiotherapy": "Physio",
          "Autism Assessment": "ASC Assessment", "ADHD Assessment": "ADHD Assessment"},
    NRC: {"CAMHS": "CAMHS", "Neurodevelopmental Pathway": "Neurodevelopmental pathway"},
}
COMMUNITY_WAITS_HEADER = ["Month", "Provider", "Local Authority", "Service", "Total Waiting",
                          "Over 18 Weeks", "Over 52 Weeks", "Median Wait (Weeks)",
                          "Referrals Received"]
# The one deliberately bad row: 30 waiting over 52 weeks but only 12 over 18 weeks.
WAITS_BAD_ROW = ["Jun 2025", NCH, "Northshire", "Dietetics", "85", "12", "30", "9.5", "7"]
CAMHS_NEW_SYSTEM = date(2025, 4, 1)  # months written "2025-04" from here, month-end dates before


def _month_text(d: date) -> str:
    return f"{MONTHS[d.month - 1]} {d.year}"


def write_waits_community(path: Path, world: World, rng: Random) -> int:
    rows = [[_month_text(w.month), w.provider, w.la, WAIT_SERVICE_SPELLINGS[w.provider][w.service],
             f"{w.total:,}", f"{w.over_18:,}", f"{w.over_52:,}", f"{w.median_weeks:.1f}",
             f"{w.referrals:,}"]
            for w in world.waits if w.provider in (NCH, REH)]
    rows.insert(len(rows) // 2, list(WAITS_BAD_ROW))
    _write_csv(path, COMMUNITY_WAITS_HEADER, rows, "utf-8", "\r\n")
    return len(rows)


def write_waits_camhs(path: Path, world: World, rng: Random) -> int:
    wb = _workbook()
    ws = wb.active
    ws.title = "Waiting list"
    ws.append([f"{NRC} - waiting list by pathway (whole partnership footprint)"])
    ws.append(["Month Ending", "Provider Name", "Pathway", "Waiting List", "Waiting Over 18 Weeks",
               "Waiting Over 52 Weeks", "Median Weeks Waiting", "New Referrals"])
    rows = [w for w in world.waits if w.provider == NRC]
    for w in rows:
        month_end = _add_month(w.month) - timedelta(days=1)
        month: object = month_end if w.month < CAMHS_NEW_SYSTEM else f"{w.month:%Y-%m}"
        _append(ws, [month, NRC, WAIT_SERVICE_SPELLINGS[NRC][w.service], w.total, w.over_18,
                     w.over_52, w.median_weeks, w.referrals])
    _save_workbook(wb, path)
    return len(rows)


def _add_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


# --- personal health budgets register -------------------------------------------------------

PHB_HEADER = ["PHB Ref", "Local Authority", "PHB Start Date", "PHB End Date", "Continuing Care",
              "Annual Amount Band"]
# The one deliberately bad row: the budget ends (02/05/2025) before it starts (12/05/2025).
PHB_BAD_ROW = ["PHB-EMR-9999", "Eastmoor", date(2025, 5, 12), date(2025, 5, 2), "Yes",
               "£10,000 to £24,999"]


def write_phb(path: Path, world: World, rng: Random) -> int:
    wb = _workbook()
    ws = wb.active
    ws.title = "PHB register"
    ws.append(["Northshire ICB - personal health budgets register (children and young people)"])
    ws.append(PHB_HEADER)
    for i, b in enumerate(world.budgets):
        if i == len(world.budgets) // 2:
            _append(ws, PHB_BAD_ROW)
        _append(ws, [b.case_id, rng.choice(AREA_LA_SPELLINGS[b.la]), b.start, b.end,
                     "Yes" if b.continuing_care else "No", b.band])
    lists = wb.create_sheet("Lists")  # the drop-down lists, hidden as exported
    lists.append(["Annual Amount Band"])
    for band in BUDGET_BANDS:
        lists.append([band])
    lists.sheet_state = "hidden"
    _save_workbook(wb, path)
    return len(world.budgets) + 1


# --- complaints log -------------------------------------------------------------------------

COMPLAINTS_HEADER = ["Complaint Ref", "Local Authority", "Date Received", "Health Aspect", "Stage",
                     "Response Due", "Date Responded", "Outcome"]
STAGE_WORDS = {"stage 1": "Stage 1", "stage 2": "Stage 2", "LGSCO": "LGSCO", "PHSO": "PHSO"}
OUTCOME_WORDS = {"upheld": "Upheld", "partly upheld": "Partly upheld", "not upheld": "Not upheld",
                 "withdrawn": "Withdrawn",
                 "closed after initial enquiries": "Closed after initial enquiries"}
# The one deliberately bad row: responded (09/05/2025) before it was received (14/05/2025).
COMPLAINTS_BAD_ROW = ["NSH-CMP-25-9999", "Northshire", "14/05/2025", "Y", "Stage 1", "11/06/2025",
                      "09/05/2025", "Not upheld"]


def _outcome_text(c: Complaint) -> str:
    if c.outcome == "upheld" and c.stage == "LGSCO":
        return "Upheld: maladministration and injustice"
    return OUTCOME_WORDS.get(c.outcome or "", "")


def write_complaints(path: Path, world: World, rng: Random) -> int:
    """Saved from a European-locale spreadsheet: semicolon separated."""
    rows = [[c.reference, rng.choice(AREA_LA_SPELLINGS[c.la]), _dmy(c.received),
             "Y" if c.health else "N", STAGE_WORDS[c.stage], _dmy(c.due), _dmy(c.responded),
             _outcome_text(c)] for c in world.complaints]
    rows.insert(len(rows) // 2, list(COMPLAINTS_BAD_ROW))
    _write_csv(path, COMPLAINTS_HEADER, rows, "utf-8", "\r\n", delimiter=";")
    return len(rows)


# --- the LA's export of health advice requests ----------------------------------------------

LA_ADVICE_HEADER = ["Advice Request ID", "EHC Case ID", "Local Authority", "Health Service",
                    "Stage", "Date Advice Requested", "Date Advice Received", "Source"]
LA_STAGE_WORDS = {"new assessment": "EHC needs assessment", "annual review": "Annual review",
                  "reassessment": "Reassessment"}


def write_la_advice(path: Path, world: World, rng: Random) -> int:
    rows = [[r.advice_id, r.case_id, "Northshire County Council", r.service,
             LA_STAGE_WORDS[r.stage], _dmy(r.requested), _dmy(r.received), "LA"]
            for r in world.la_advice]
    _write_csv(path, LA_ADVICE_HEADER, rows, "utf-8", "\r\n")
    return len(rows)


# --- Annex A lists (for an area SEND inspection) -------------------------------------------

ANNEX_A_LIST_1_HEADER = [
    "Child unique ID", "UPN", "ULN", "Date of birth", "Gender", "Ethnicity",
    "Date initial EHC plan issued", "Date updated EHC plan issued", "Date EHC plan last reviewed",
    "SEN primary need", "Main education establishment – URN",
    "Main education establishment – phase", "Elective home education",
]
ANNEX_A_LIST_2_HEADER = [
    "Child unique ID", "UPN", "ULN", "Date of birth", "Gender", "Ethnicity", "SEN primary need",
    "Main education establishment – URN", "Main education establishment – phase",
]
ETHNICITY_WEIGHTS = {"WBRI": 70, "WOTH": 5, "MWBC": 3, "MWAS": 2, "MOTH": 2, "AIND": 3,
                     "APKN": 5, "ABAN": 1, "BAFR": 3, "BCRB": 1, "CHNE": 1, "OOTH": 1, "NOBT": 3}
SEN_SUPPORT_CHILDREN = 400  # Northshire's List 2 (a sample, not the whole of SEN support)


def _annex_a_phase(rng: Random, born: date) -> str:
    age = _years_in(LAST) - _years_in(born)
    if rng.random() < 0.12:
        return "Special"
    return ("Nursery" if age < 5 else "Primary" if age < 11 else "Secondary" if age < 16
            else "FE college")


def _annex_a_person(rng: Random, number: int, born: date) -> list[object]:
    """UPN (an invented 'Z999' range), ULN for the over-16s, birth date (7% as text), gender,
    ethnicity code."""
    upn = f"Z999{number:09d}"
    uln = f"99{number:08d}" if _years_in(LAST) - _years_in(born) >= 16 else None
    birth: object = _dmy(born) if rng.random() < 0.07 else born
    return [upn, uln, birth, rng.choices(("M", "F"), (70, 30))[0],
            _weighted(rng, ETHNICITY_WEIGHTS)]


def write_annex_a_northshire(path: Path, world: World, rng: Random) -> int:
    """Northshire's Annex A: List 1 (every child with a plan issued by the extract date, last
    reviewed at the latest review meeting held) and List 2 (SEN support, invented children).
    Like the DfE template, neither list has a local authority column: it is loaded with
    `--la Northshire` (the manifest says so)."""
    wb = _workbook()
    first = wb.active
    first.title = "List 1"
    first.append(["Annex A – List 1: children and young people with an EHC plan"])
    first.append([f"Northshire County Council, as at {_dmy(EXTRACT)}"])
    _blank_row(first)
    first.append(ANNEX_A_LIST_1_HEADER)
    held: dict[str, date] = {}
    for r in world.reviews:
        if r.la == "Northshire" and r.meeting and r.meeting <= LAST:
            held[r.case_id] = max(r.meeting, held.get(r.case_id, r.meeting))
    plans = [c for c in world.cases if c.la == "Northshire" and c.final and c.final <= LAST]
    for number, case in enumerate(plans, start=1):
        reviewed = held.get(case.case_id)
        updated = None
        if reviewed and rng.random() < 0.3:  # the review amended the plan
            updated = reviewed + timedelta(days=rng.randint(20, 80))
        _append(first, [case.case_id, *_annex_a_person(rng, number, case.person.dob),
                        case.final, updated if updated and updated <= LAST else None, reviewed,
                        case.need, f"1{rng.randint(10000, 49999)}",
                        _annex_a_phase(rng, case.person.dob),
                        "Yes" if rng.random() < 0.02 else "No"])
    second = wb.create_sheet("List 2")
    second.append(["Annex A – List 2: children and young people receiving SEN support"])
    second.append([f"Northshire County Council, as at {_dmy(EXTRACT)}"])
    _blank_row(second)
    second.append(ANNEX_A_LIST_2_HEADER)
    for number in range(1, SEN_SUPPORT_CHILDREN + 1):
        born = LAST - timedelta(days=rng.randint(4 * 365, 16 * 365))
        _append(second, [f"NSH-SS-{number:05d}",
                         *_annex_a_person(rng, len(plans) + number, born),
                         _weighted(rng, NEED_WEIGHTS), f"1{rng.randint(10000, 49999)}",
                         _annex_a_phase(rng, born)])
    _save_workbook(wb, path)
    return len(plans) + SEN_SUPPORT_CHILDREN


# --- driver ---------------------------------------------------------------------------------

Writer = Callable[[Path, World, Random], int]
FILES: tuple[tuple[str, str, Writer], ...] = (
    ("ehcp_northshire_2026-11.xlsx", "ehcp", write_ehcp_northshire),
    ("ehcp_riverside_2026-11.csv", "ehcp", write_ehcp_riverside),
    ("ehcp_eastmoor_2026-11.xlsx", "ehcp", write_ehcp_eastmoor),
    ("health_advice_northshire_community_trust_2026-11.xlsx", "health_advice",
     write_health_advice_nch),
    ("health_advice_riverside_eastmoor_trust_2026-11.csv", "health_advice",
     write_health_advice_reh),
    ("health_advice_camhs_partnership_2026-10.csv", "health_advice",
     write_health_advice_nrc_october),
    ("health_advice_camhs_partnership_2026-11.csv", "health_advice",
     write_health_advice_nrc_november),
    ("tribunals_tracker_2026-11.xlsx", "tribunals", write_tribunals),
    ("health_advice_northshire_la_export_2026-11.csv", "health_advice", write_la_advice),
    ("schools_audit_2026-11.xlsx", "schools", write_schools),
    ("annual_reviews_northshire_2026-11.xlsx", "annual_reviews", write_reviews_northshire),
    ("annual_reviews_riverside_2026-11.csv", "annual_reviews", write_reviews_riverside),
    ("annual_reviews_eastmoor_2026-11.xlsx", "annual_reviews", write_reviews_eastmoor),
    ("waiting_times_community_trusts_2026-10.csv", "waiting_times", write_waits_community),
    ("waiting_times_camhs_partnership_2026-10.xlsx", "waiting_times", write_waits_camhs),
    ("phb_register_2026-11.xlsx", "phb", write_phb),
    ("complaints_log_2026-11.csv", "complaints", write_complaints),
    ("annex_a_northshire_2026-11.xlsx", "cohort", write_annex_a_northshire),
)
# The local authority of a file without an LA column (loaded with `ingest --la`).
FILE_LAS = {"annex_a_northshire_2026-11.xlsx": "Northshire"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def generate(out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write every sample export and MANIFEST.json into `out_dir`; return the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = build_world(seed)
    entries, paths = [], []
    for name, dataset, writer in FILES:
        path = out_dir / name
        # One random stream per file: a change to one file's quirks leaves the others alone.
        rows = writer(path, world, Random(f"{seed}:{name}"))
        entries.append({"name": name, "dataset": dataset, "sha256": sha256(path),
                        "data_rows": rows, **({"la": FILE_LAS[name]} if name in FILE_LAS else {})})
        paths.append(path)
    manifest = out_dir / "MANIFEST.json"
    body = {"generator": "python -m pipelines.samples", "seed": seed, "synthetic": True,
            "extract_date": EXTRACT.isoformat(), "files": entries}
    manifest.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    return [*paths, manifest]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.samples",
                                     description="Write the synthetic sample exports.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    paths = generate(args.out, args.seed)
    files = json.loads(paths[-1].read_text(encoding="utf-8"))["files"]
    for entry in files:
        print(f"{entry['data_rows']:>6} rows  {args.out / entry['name']}")
    print(f"manifest: {paths[-1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
