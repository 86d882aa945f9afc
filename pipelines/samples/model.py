"""The synthetic area: its dates, its three local authorities and their providers, and the
records the exports are cut from (cases, advice, appeals and the wider remit), with small helpers.

Every name, number and date is invented.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random

DEFAULT_SEED = 20261116
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "data_samples"
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


def years_in(d: date) -> float:
    return (d - START).days / 365.25


def weighted(rng: Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def weekday(d: date) -> date:
    """Move a weekend date to the Monday: offices do not send letters at weekends."""
    return d + timedelta(days=(7 - d.weekday()) % 7) if d.weekday() >= 5 else d


def open_after(d: date | None, as_of: date = LAST) -> date | None:
    return d if d and d <= as_of else None


def months_from(first: date) -> Iterator[tuple[date, date]]:
    while first <= LAST:
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        yield first, min(nxt - timedelta(days=1), LAST)
        first = nxt


def monthly_dates(rng: Random, per_year: Callable[[date], float],
                   start: date = START) -> list[date]:
    """Weekday dates with a monthly volume from `per_year`, seasonal and with noise."""
    dates: list[date] = []
    for first, last in months_from(start):
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


def draw_person(rng: Random, request: date, used: set[str]) -> Person:
    band = weighted(rng, {"0-4": 20, "5-10": 40, "11-15": 25, "16-23": 15})
    low, high = (int(x) for x in band.split("-"))
    age_days = rng.randint(max(low * 365, 120), high * 365 + 364)  # at most 23 at request
    nhs = _nhs_number(rng, used) if rng.random() < 0.95 else None
    return Person(rng.choice(FORENAMES), rng.choice(SURNAMES),
                  request - timedelta(days=age_days), nhs)


def draw_setting(rng: Random, la: str, person: Person, request: date) -> str:
    age = (request - person.dob).days // 365
    phase = "early" if age < 4 else "primary" if age < 11 else "secondary" if age < 16 else "post16"
    return rng.choice(SETTINGS[la][phase])

def make_case_id(la: str, request: date, number: int) -> str:
    yy = request.year % 100
    return {"Northshire": f"NSH-{yy}-{number:05d}", "Riverside": f"R{yy}{number:04d}",
            "Eastmoor": f"EM{yy}{number:05d}"}[la]
