"""The synthetic truth: EHC cases, health advice and Tribunal appeals drawn from a seeded
random stream, and `build_world`, which adds the wider remit (`remit.py`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date, timedelta
from random import Random

from pipelines.samples.model import (
    APPEAL_TYPES,
    DEFAULT_SEED,
    HEALTH_ASPECT_RATE,
    LAST,
    NCH,
    NEED_WEIGHTS,
    NON_LAWFUL_REASONS,
    NRC,
    OUTCOME_WEIGHTS,
    PLAN_EXCEPTION_WEIGHTS,
    PROFILES,
    RECOMMENDABLE,
    REH,
    REQUESTS_FROM,
    SERVICE_ON_TIME,
    SERVICE_WEIGHTS,
    START,
    Advice,
    Appeal,
    Case,
    LaProfile,
    World,
    draw_person,
    draw_setting,
    make_case_id,
    monthly_dates,
    open_after,
    weekday,
    weighted,
    years_in,
)
from pipelines.samples.remit import (
    draw_annual_reviews,
    draw_budgets,
    draw_complaints,
    draw_la_advice_records,
    draw_school_audits,
    draw_waiting_lists,
)

# --- the EHC pathway ------------------------------------------------------------------------



def _decide(rng: Random, case: Case, profile: LaProfile) -> None:
    quick = rng.random() < profile.decided_in_6_weeks
    decided = weekday(case.request + timedelta(rng.randint(14, 42) if quick
                                                else rng.randint(43, 70)))
    if decided > LAST:
        return
    case.decision_date = decided
    case.decision = weighted(rng, {"assess": 78, "not assess": 19, "withdrawn": 3})
    if case.decision == "assess":
        _assess(rng, case, profile)


def _assess(rng: Random, case: Case, profile: LaProfile) -> None:
    """Plan or no plan, and when; dates after LAST are left blank (still open)."""
    case.outcome = "not yet decided"
    if rng.random() >= 0.90:
        no_plan = weekday(case.request + timedelta(rng.randint(95, 112)))
        if no_plan <= LAST:
            case.outcome, case.outcome_date = "plan not issued", no_plan
        return
    if rng.random() < 0.05:
        case.exception = weighted(rng, PLAN_EXCEPTION_WEIGHTS)
    on_time_rate = min(0.9, profile.plans_in_20_weeks + 0.04 * years_in(case.request))
    if case.exception is None and rng.random() < on_time_rate:
        final_days = rng.randint(112, 140)
        draft_days = final_days - rng.randint(15, 28)
    else:
        final_days = rng.randint(141, 200)
        if rng.random() < 0.12:  # a long tail: plans stuck for months before the draft
            final_days += rng.randint(30, 120)
        draft_days = max(84, final_days - rng.randint(15, 56))
    draft = weekday(case.request + timedelta(draft_days))
    final = weekday(case.request + timedelta(final_days))
    issue_decided = max(draft - timedelta(rng.randint(0, 10)), case.decision_date)
    case.outcome_date = open_after(issue_decided)
    if case.outcome_date:
        case.outcome = "plan to be issued"
    case.draft, case.final = open_after(draft), open_after(final) if draft <= LAST else None


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
    dates = monthly_dates(
        rng, lambda d: profile.requests_per_year * (1 + growth * years_in(d)), REQUESTS_FROM)
    counters: dict[int, int] = {}
    cases = []
    for request in dates:
        counters[request.year] = counters.get(request.year, 0) + 1
        person = draw_person(rng, request, used_nhs)
        need = weighted(rng, NEED_WEIGHTS)
        if need == "DS" and request.year < 2025:  # SEN2 added DS in 2025
            need = "OTH"
        case = Case(profile.name, make_case_id(profile.name, request, counters[request.year]),
                    request, need, draw_setting(rng, profile.name, person, request), person)
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
    on_time = SERVICE_ON_TIME[service] + profile.advice_shift + 0.03 * years_in(requested)
    draw = rng.random()
    reason: str | None = None
    if draw < 0.03:
        reason = "lawful:" + weighted(rng, {"missed": 50, "personal": 30, "absent": 20})
    elif draw < 0.05:
        reason = rng.choice(NON_LAWFUL_REASONS)
    if reason is None and rng.random() < min(on_time, 0.97):
        days = int(rng.triangular(12, 42.99, 38))
    else:
        days = int(rng.triangular(43, 120.99, 55))
    returned = None if rng.random() < 0.005 else weekday(requested + timedelta(days))
    quality = rng.choices((1, 2, 3, 4), (10, 30, 40, 20))[0] if rng.random() < 0.6 else None
    return Advice(la, case_id, service, stage, requested, returned, reason, quality,
                  _provider(la, service))


def _services(rng: Random) -> list[str]:
    count = rng.choices((1, 2, 3, 4), (25, 40, 25, 10))[0]
    chosen: list[str] = []
    while len(chosen) < count:
        service = weighted(rng, SERVICE_WEIGHTS)
        if service not in chosen:
            chosen.append(service)
    return chosen


def _assessment_advice(rng: Random, cases: Sequence[Case]) -> list[Advice]:
    rows = []
    for case in cases:
        if case.decision != "assess" or case.decision_date is None:
            continue
        for service in _services(rng):
            requested = weekday(case.decision_date + timedelta(rng.randint(1, 7)))
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
        requested = weekday(START + timedelta(rng.randint(0, span)))
        if requested > LAST:
            continue
        eligible = bisect_right(finals, requested - timedelta(days=300))
        if eligible and rng.random() < 0.5:
            case_id = planned[rng.randrange(eligible)][1]
        else:  # a plan issued before April 2024
            case_id = make_case_id(la, date(rng.choice((2019, 2020, 2021, 2022)), 1, 1),
                               rng.randint(1, 900))
        stage = "annual review" if rng.random() < 0.8 else "reassessment"
        rows.append(_advice(rng, la, case_id, weighted(rng, SERVICE_WEIGHTS), stage, requested))
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
    hearing = weekday(appeal.registered + timedelta(rng.randint(150, 300)))
    # Hearings are listed about three months ahead; later ones have no date yet.
    appeal.hearing = hearing if hearing <= LAST + timedelta(90) else None
    outcome = weighted(rng, OUTCOME_WEIGHTS)
    if outcome in ("Conceded", "Withdrawn"):
        settled = appeal.registered + timedelta(rng.randint(40, (hearing - appeal.registered).days))
        appeal.outcome = outcome if settled <= LAST else "Pending"
        return
    decided = weekday(hearing + timedelta(rng.randint(0, 10)))
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
        appeal.response_date = open_after(weekday(decided + timedelta(days)))


def _appeals_for(rng: Random, profile: LaProfile, cases: Sequence[Case]) -> list[Appeal]:
    first, last = profile.appeals_per_year
    span = years_in(LAST)
    dates = monthly_dates(rng, lambda d: first + (last - first) * years_in(d) / span)
    used: set[str] = set()
    appeals = []
    for registered in dates:
        appeal_type = weighted(rng, APPEAL_TYPES)
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
    world.schools = draw_school_audits(Random(f"{seed}:schools"))
    world.reviews = draw_annual_reviews(Random(f"{seed}:reviews"), cases)
    world.waits = draw_waiting_lists(Random(f"{seed}:waits"))
    world.budgets = draw_budgets(Random(f"{seed}:budgets"))
    world.complaints = draw_complaints(Random(f"{seed}:complaints"))
    world.la_advice = draw_la_advice_records(Random(f"{seed}:la-advice"), world)
    return world
