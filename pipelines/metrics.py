"""Every metric, defined once, as SQL over DuckDB. The app, the CLI, exports and tests call these.

Each timeliness metric is a *base* query yielding one row per item with its anchor date (the date
that places it in a period), whether it counts yet (`counted`), whether it met the standard
(`met`) and whether a lawful exception applies (`excepted`). One aggregator turns any base into
rates overall, by period or by a dimension. Shares and snapshots that are not clocks (schools
audits, waiting lists, budgets active, the LA's advice records beside the providers') are plain
functions returning DataFrames, one definition each. Definitions follow shared/DOMAIN.md; days
are calendar days and "within N weeks" means end - start <= 7*N.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pandas as pd

from pipelines.periods import ALL_GRAINS, period_of
from pipelines.schemas import POLICY_ELEMENTS

ADVICE_DAYS = 42  # reg 8(1): health advice within 6 weeks of the service receiving the request
PLAN_DAYS = 140  # reg 13(2): final plan within 20 weeks of the request
DECISION_DAYS = 42  # reg 5: decision whether to assess within 6 weeks
RESPONSE_DAYS = 35  # SI 2017/1306: written response to a health recommendation within 5 weeks
REVIEW_DECISION_DAYS = 28  # reg 20(10): annual review decision within 4 weeks of the meeting
AMENDED_PLAN_DAYS = 84  # regs 20-22: amended final plan at most 12 weeks after the meeting
POLICY_REVIEW_MONTHS = 12  # our rule: a medical conditions policy reviewed in the last 12 months
AUTISM_ASSESSMENT_WEEKS = 13  # NICE CG128: autism assessment to start within 13 weeks of referral
RECONCILE_WINDOW_DAYS = 14  # our rule: LA and provider records of one request lie this close
SMALL_DENOMINATOR = 5  # a rate over fewer cases than this is flagged

# Health Conditions in Schools Alliance: schools with a medical conditions policy, and with one
# meeting the government's standard (shared/DOMAIN.md, "Schools"). Percentages of schools.
SCHOOL_POLICY_REFERENCE: dict[str, Any] = {
    "source": "Health Conditions in Schools Alliance",
    "with_policy_pct": 47.5,
    "compliant_pct": 11.5,
}


@dataclass(frozen=True)
class Filters:
    """What every metric is asked for: a period, an as-of date, and optional LAs and services."""

    date_from: dt.date
    date_to: dt.date
    as_of: dt.date
    las: tuple[str, ...] = ()
    services: tuple[str, ...] = field(default=())

    def params(self) -> dict[str, Any]:
        return {"date_from": self.date_from, "date_to": self.date_to, "as_of": self.as_of}


def pct(numerator: int, denominator: int) -> float | None:
    """A percentage to one decimal, halves rounded up as the DfE publishes; None over nothing."""
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def query(con: duckdb.DuckDBPyConnection, sql: str, f: Filters) -> pd.DataFrame:
    """Run a metric query with the filter values it names (DuckDB refuses unused parameters)."""
    params = {k: v for k, v in f.params().items() if f"${k}" in sql}
    return con.execute(sql, params).df()


def _in(column: str, values: tuple[str, ...]) -> str:
    if not values:
        return "TRUE"
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


# ---- base queries: one definition per metric --------------------------------------------------

def advice_base(f: Filters, source: str = "provider") -> str:
    """Health advice requests, each with its due date and whether it was returned in time as of
    the as-of date. A request open after its due date is late; one open and not yet due is not
    counted. A return dated after the as-of date is treated as not yet returned.

    Only the rows of one `source`: by default the providers' logs, whose requested date is the
    date the service received the request, where reg 8(1)'s clock starts. A file without a
    source column is a provider log, so every row counts unless an LA export is loaded beside
    it ('local authority' rows: the LA's own dates, compared in `reconcile_advice`)."""
    return f"""
    SELECT *,
        requested_date + {ADVICE_DAYS} AS anchor,
        requested_date + {ADVICE_DAYS} AS due_date,
        returned_date IS NOT NULL AND returned_date <= $as_of AS returned,
        CASE WHEN returned_date <= $as_of THEN returned_date - requested_date END AS days_to_return,
        (returned_date IS NOT NULL AND returned_date <= $as_of)
            OR requested_date + {ADVICE_DAYS} < $as_of AS counted,
        returned_date IS NOT NULL AND returned_date <= $as_of
            AND returned_date - requested_date <= {ADVICE_DAYS} AS met,
        exception IS NOT NULL AS excepted
    FROM health_advice
    WHERE requested_date <= $as_of AND {_in('source', (source,))}
        AND {_in('local_authority', f.las)} AND {_in('service', f.services)}
    """


def plan_base(f: Filters) -> str:
    """New EHC plans issued (final plan date), with whether within 20 weeks of the request and
    whether a reg 10(4) exception applies."""
    return f"""
    SELECT *,
        final_plan_date AS anchor,
        final_plan_date - request_date AS days_to_plan,
        TRUE AS counted,
        final_plan_date - request_date <= {PLAN_DAYS} AS met,
        exception IS NOT NULL AS excepted
    FROM ehcp
    WHERE final_plan_date IS NOT NULL AND final_plan_date <= $as_of
        AND {_in('local_authority', f.las)}
    """


def decision_base(f: Filters) -> str:
    """Requests decided (to assess or not), with whether decided within 6 weeks of receipt."""
    return f"""
    SELECT *,
        decision_date AS anchor,
        decision_date - request_date AS days_to_decision,
        TRUE AS counted,
        decision_date - request_date <= {DECISION_DAYS} AS met,
        FALSE AS excepted
    FROM ehcp
    WHERE decision_date IS NOT NULL AND decision_date <= $as_of
        AND coalesce(decision, 'assess') IN ('assess', 'not assess')
        AND {_in('local_authority', f.las)}
    """


def response_base(f: Filters) -> str:
    """Tribunal health recommendations, with the commissioner's 5-week response due date."""
    return f"""
    SELECT *,
        recommendation_date + {RESPONSE_DAYS} AS anchor,
        recommendation_date + {RESPONSE_DAYS} AS response_due,
        response_date IS NOT NULL AND response_date <= $as_of AS responded,
        (response_date IS NOT NULL AND response_date <= $as_of)
            OR recommendation_date + {RESPONSE_DAYS} < $as_of AS counted,
        response_date IS NOT NULL AND response_date <= $as_of
            AND response_date - recommendation_date <= {RESPONSE_DAYS} AS met,
        FALSE AS excepted
    FROM tribunals
    WHERE recommendation_date IS NOT NULL AND recommendation_date <= $as_of
        AND coalesce(health_recommendation, TRUE)
        AND {_in('local_authority', f.las)}
    """


def appeal_base(f: Filters) -> str:
    """Tribunal appeals registered, anchored on the registration date."""
    return f"""
    SELECT *, registered_date AS anchor, TRUE AS counted,
        coalesce(health_aspects, FALSE) AS met, FALSE AS excepted
    FROM tribunals
    WHERE registered_date <= $as_of AND {_in('local_authority', f.las)}
    """


def advice_la_base(f: Filters) -> str:
    """Health advice requests as the LA's export records them: the clock runs from the date the
    LA sent the request to the date it received the advice. Shown beside the headline (which runs
    from the service's receipt, reg 8(1)) where both sources are loaded."""
    return advice_base(f, "local authority")


def review_held_base(f: Filters) -> str:
    """Annual reviews placed in a period by their due date, with whether the meeting was held on
    or before it (the plan reviewed within 12 months). A review not held by its due date is late
    once that date has passed; one neither held nor yet due is not counted. A meeting dated
    after the as-of date is treated as not yet held."""
    return f"""
    SELECT *,
        review_due_date AS anchor,
        meeting_date IS NOT NULL AND meeting_date <= $as_of AS held,
        (meeting_date IS NOT NULL AND meeting_date <= $as_of) OR review_due_date < $as_of AS counted,
        meeting_date IS NOT NULL AND meeting_date <= $as_of
            AND meeting_date <= review_due_date AS met,
        FALSE AS excepted
    FROM annual_reviews
    WHERE {_in('local_authority', f.las)}
    """


def review_decision_base(f: Filters) -> str:
    """Annual review meetings held, with the decision's due date (meeting + 28 days, which places
    the review in a period) and whether the LA sent its decision within 4 weeks. An outstanding
    decision past its due date is late (the DfE's published rate, England 44.4% in 2024, counts
    only decisions sent; see `benchmarks`)."""
    return f"""
    SELECT *,
        meeting_date + {REVIEW_DECISION_DAYS} AS anchor,
        meeting_date + {REVIEW_DECISION_DAYS} AS decision_due,
        decision_date IS NOT NULL AND decision_date <= $as_of AS decided,
        CASE WHEN decision_date <= $as_of THEN decision_date - meeting_date END AS days_to_decision,
        (decision_date IS NOT NULL AND decision_date <= $as_of)
            OR meeting_date + {REVIEW_DECISION_DAYS} < $as_of AS counted,
        decision_date IS NOT NULL AND decision_date <= $as_of
            AND decision_date - meeting_date <= {REVIEW_DECISION_DAYS} AS met,
        FALSE AS excepted
    FROM annual_reviews
    WHERE meeting_date IS NOT NULL AND meeting_date <= $as_of AND {_in('local_authority', f.las)}
    """


def amended_plan_base(f: Filters) -> str:
    """Reviews that decided to amend the plan, with the amended final plan's due date (meeting +
    84 days, which places the review in a period) and whether it was issued within 12 weeks of
    the meeting. One not issued by its due date is late."""
    return f"""
    SELECT *,
        meeting_date + {AMENDED_PLAN_DAYS} AS anchor,
        meeting_date + {AMENDED_PLAN_DAYS} AS amended_plan_due,
        amended_plan_date IS NOT NULL AND amended_plan_date <= $as_of AS issued,
        CASE WHEN amended_plan_date <= $as_of THEN amended_plan_date - meeting_date END
            AS days_to_amended_plan,
        (amended_plan_date IS NOT NULL AND amended_plan_date <= $as_of)
            OR meeting_date + {AMENDED_PLAN_DAYS} < $as_of AS counted,
        amended_plan_date IS NOT NULL AND amended_plan_date <= $as_of
            AND amended_plan_date - meeting_date <= {AMENDED_PLAN_DAYS} AS met,
        FALSE AS excepted
    FROM annual_reviews
    WHERE decision = 'amend' AND meeting_date IS NOT NULL AND meeting_date <= $as_of
        AND {_in('local_authority', f.las)}
    """


def review_health_base(f: Filters) -> str:
    """Annual review meetings held, placed in a period by the meeting date, with whether health
    contributed (a health professional attended, or written health advice was submitted). A
    blank counts as no contribution."""
    return f"""
    SELECT *, meeting_date AS anchor, TRUE AS counted,
        coalesce(health_attended, FALSE) OR coalesce(health_advice_submitted, FALSE) AS met,
        FALSE AS excepted
    FROM annual_reviews
    WHERE meeting_date IS NOT NULL AND meeting_date <= $as_of AND {_in('local_authority', f.las)}
    """


def review_health_invited_base(f: Filters) -> str:
    """Annual review meetings held, placed in a period by the meeting date, with whether a health
    professional was invited (a blank counts as not invited)."""
    return f"""
    SELECT *, meeting_date AS anchor, TRUE AS counted,
        coalesce(health_invited, FALSE) AS met, FALSE AS excepted
    FROM annual_reviews
    WHERE meeting_date IS NOT NULL AND meeting_date <= $as_of AND {_in('local_authority', f.las)}
    """


def complaint_response_base(f: Filters) -> str:
    """Complaints and ombudsman cases with a response due date, placed in a period by it, with
    whether the response was sent on or before it. One still open after its due date is late;
    one open and not yet due is not counted. A response dated after the as-of date is treated as
    not yet sent."""
    return f"""
    SELECT *,
        response_due_date AS anchor,
        responded_date IS NOT NULL AND responded_date <= $as_of AS responded,
        (responded_date IS NOT NULL AND responded_date <= $as_of)
            OR response_due_date < $as_of AS counted,
        responded_date IS NOT NULL AND responded_date <= $as_of
            AND responded_date <= response_due_date AS met,
        FALSE AS excepted
    FROM complaints
    WHERE response_due_date IS NOT NULL AND received_date <= $as_of
        AND {_in('local_authority', f.las)}
    """


def complaint_received_base(f: Filters) -> str:
    """Complaints and ombudsman cases received, placed in a period by the received date; `met`
    marks those with a health aspect (so `items` counts all, `numerator` the health ones)."""
    return f"""
    SELECT *, received_date AS anchor, TRUE AS counted,
        coalesce(health_aspect, FALSE) AS met, FALSE AS excepted
    FROM complaints
    WHERE received_date <= $as_of AND {_in('local_authority', f.las)}
    """


def phb_started_base(f: Filters) -> str:
    """Personal health budgets started, placed in a period by the start date; `met` marks those
    funded through continuing care (so `items` counts all, `numerator` the continuing care)."""
    return f"""
    SELECT *, start_date AS anchor, TRUE AS counted,
        coalesce(continuing_care, FALSE) AS met, FALSE AS excepted
    FROM phb
    WHERE start_date <= $as_of AND {_in('local_authority', f.las)}
    """


BASES = {
    "health_advice": advice_base,
    "health_advice_la_records": advice_la_base,
    "ehcp_plans": plan_base,
    "ehcp_decisions": decision_base,
    "tribunal_responses": response_base,
    "tribunal_appeals": appeal_base,
    "annual_reviews_held": review_held_base,
    "annual_review_decisions": review_decision_base,
    "annual_review_amended_plans": amended_plan_base,
    "annual_review_health_contribution": review_health_base,
    "annual_review_health_invited": review_health_invited_base,
    "complaint_responses": complaint_response_base,
    "complaints_received": complaint_received_base,
    "phb_started": phb_started_base,
}

PERIOD_EXPR = {
    "month": "strftime(anchor, '%Y-%m')",
    "quarter": "strftime(anchor, '%Y') || ' Q' || quarter(anchor)",
    "financial_year": "CASE WHEN month(anchor) >= 4 THEN year(anchor) ELSE year(anchor) - 1 END",
    "calendar_year": "year(anchor)",
}


def _fy_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def rates(con: duckdb.DuckDBPyConnection, metric: str, f: Filters, by: str | None = None
          ) -> pd.DataFrame:
    """Numerator, denominator and percentage of a metric over the period, optionally grouped by
    a period grain (month, quarter, financial_year, calendar_year) or a column (service, ...).

    `numerator`/`denominator` exclude items with a lawful exception (the headline);
    `numerator_incl`/`denominator_incl` include them. `items` counts every item anchored in the
    period, counted yet or not.
    """
    base = BASES[metric](f)
    group = PERIOD_EXPR.get(by, by) if by else "'all'"
    sql = f"""
    WITH base AS ({base})
    SELECT {group} AS "group",
        count(*) FILTER (WHERE counted AND NOT excepted) AS denominator,
        count(*) FILTER (WHERE counted AND NOT excepted AND met) AS numerator,
        count(*) FILTER (WHERE counted) AS denominator_incl,
        count(*) FILTER (WHERE counted AND met) AS numerator_incl,
        count(*) AS items
    FROM base
    WHERE anchor BETWEEN $date_from AND $date_to
    GROUP BY ALL ORDER BY 1
    """
    out = query(con, sql, f)
    if by == "financial_year":
        out["group"] = out["group"].map(_fy_label)
    if by is None and out.empty:
        out = pd.DataFrame([{"group": "all", "denominator": 0, "numerator": 0,
                             "denominator_incl": 0, "numerator_incl": 0, "items": 0}])
    for col in ("denominator", "numerator", "denominator_incl", "numerator_incl", "items"):
        out[col] = out[col].astype(int)
    out["pct"] = [pct(n, d) for n, d in zip(out.numerator, out.denominator, strict=True)]
    out["pct_incl"] = [pct(n, d) for n, d in zip(out.numerator_incl, out.denominator_incl,
                                                   strict=True)]
    out["small"] = out.denominator < SMALL_DENOMINATOR
    return out


def _overall(con: duckdb.DuckDBPyConnection, metric: str, f: Filters) -> dict[str, Any]:
    return rates(con, metric, f).iloc[0].to_dict()


# ---- lists the DCO acts on -------------------------------------------------------------------

OVERDUE_ADVICE = "NOT returned AND due_date < $as_of"  # over advice_base, as of $as_of


def overdue_advice(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Open health advice requests past their due date as of the as-of date, most overdue first.
    Not bound to the period: an overdue request is overdue whenever it was asked for."""
    return query(con, f"""
        WITH base AS ({advice_base(f)})
        SELECT advice_id, case_id, local_authority, service, coalesce(provider, '') AS provider,
            requested_date, due_date, CAST($as_of - due_date AS INTEGER) AS days_overdue,
            exception AS lawful_exception, exception_recorded AS reason_recorded, stage
        FROM base
        WHERE {OVERDUE_ADVICE}
        ORDER BY days_overdue DESC, local_authority, advice_id
    """, f)


def overdue_advice_counts(con: duckdb.DuckDBPyConnection, f: Filters,
                          days: tuple[dt.date, ...]) -> pd.DataFrame:
    """How many requests `overdue_advice` would list as of each of `days` (as the list stood
    then): the same definition, counted for every day in one query instead of one list a day."""
    if not days:
        return pd.DataFrame({"as_of": [], "overdue": []})
    branches = []
    for i, day in enumerate(days):
        literal = f"DATE '{day.isoformat()}'"
        branches.append(f"SELECT {i} AS i, count(*) AS overdue FROM ({advice_base(f)}) "
                        f"WHERE {OVERDUE_ADVICE}".replace("$as_of", literal))
    counts = query(con, " UNION ALL ".join(branches), f).set_index("i")["overdue"]
    return pd.DataFrame({"as_of": list(days), "overdue": [int(counts[i]) for i in range(len(days))]})


# How long after the request each stage should be over for the 20 weeks to hold (Code of
# Practice timeline: decision by week 6, draft plan by about week 16, final plan by week 20).
STAGE_MILESTONE_DAYS = {
    "awaiting decision to assess": DECISION_DAYS,
    "assessment under way": 112,
    "draft plan issued": PLAN_DAYS,
}


def open_cases_at_risk(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Open EHC needs assessments (no final plan, not refused, withdrawn or ended without a plan),
    the stage each is in, the days elapsed since the request, the days left of the 20 weeks, and
    whether the case is still in a stage it should have left by now (`stage_late`)."""
    milestones = " ".join(f"WHEN '{stage}' THEN {days}" for stage, days in STAGE_MILESTONE_DAYS.items())
    return query(con, f"""
        WITH open_cases AS (
            SELECT case_id, local_authority, request_date,
                CASE WHEN draft_plan_date IS NOT NULL AND draft_plan_date <= $as_of THEN 'draft plan issued'
                     WHEN decision_date IS NOT NULL AND decision_date <= $as_of THEN 'assessment under way'
                     ELSE 'awaiting decision to assess' END AS stage,
                CAST($as_of - request_date AS INTEGER) AS days_elapsed,
                CAST(request_date + {PLAN_DAYS} - $as_of AS INTEGER) AS days_left,
                request_date + {PLAN_DAYS} AS due_date,
                exception AS lawful_exception, exception_recorded AS reason_recorded
            FROM ehcp
        WHERE request_date <= $as_of
            AND (final_plan_date IS NULL OR final_plan_date > $as_of)
            AND coalesce(decision, '') NOT IN ('not assess', 'withdrawn', 'historical')
            AND coalesce(assessment_outcome, '') NOT IN ('plan not issued', 'withdrawn', 'historical')
            AND {_in('local_authority', f.las)}
        )
        SELECT *, CASE stage {milestones} END AS stage_milestone_days,
            days_elapsed > CASE stage {milestones} END AS stage_late
        FROM open_cases
        ORDER BY days_left, local_authority, case_id
    """, f)


def tribunal_responses(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Health recommendations whose response falls due in the period, with their status."""
    return query(con, f"""
        WITH base AS ({response_base(f)})
        SELECT appeal_id, local_authority, recommendation_date, response_due, response_date,
            CASE WHEN met THEN 'responded in time'
                 WHEN responded THEN 'responded late'
                 WHEN counted THEN 'overdue'
                 ELSE 'awaiting response' END AS status,
            CASE WHEN responded THEN CAST(response_date - recommendation_date AS INTEGER) END
                AS days_to_respond
        FROM base
        WHERE anchor BETWEEN $date_from AND $date_to
        ORDER BY response_due
    """, f)


# ---- the headline set ------------------------------------------------------------------------

HEADLINE_KEYS = (
    "health_advice_due",
    "health_advice_within_6_weeks_pct",
    "health_advice_overdue_open",
    "ehcp_plans_issued",
    "ehcp_within_20_weeks_pct_excl_exceptions",
    "ehcp_within_20_weeks_pct_incl_exceptions",
    "tribunal_appeals_registered",
    "tribunal_appeals_with_health_aspects",
    "tribunal_health_responses_within_5_weeks_pct",
)


def headline(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, Any]:
    """The headline metrics for a period, with numerators and denominators beside each rate."""
    advice = _overall(con, "health_advice", f)
    plans = _overall(con, "ehcp_plans", f)
    decisions = _overall(con, "ehcp_decisions", f)
    responses = _overall(con, "tribunal_responses", f)
    appeals = _overall(con, "tribunal_appeals", f)
    overdue = int(overdue_advice_counts(con, f, (f.as_of,))["overdue"].iloc[0])
    return {
        "health_advice_due": advice["items"],
        "health_advice_within_6_weeks_pct": advice["pct"],
        "health_advice_overdue_open": overdue,
        "ehcp_plans_issued": plans["items"],
        "ehcp_within_20_weeks_pct_excl_exceptions": plans["pct"],
        "ehcp_within_20_weeks_pct_incl_exceptions": plans["pct_incl"],
        "tribunal_appeals_registered": appeals["items"],
        "tribunal_appeals_with_health_aspects": appeals["numerator"],
        "tribunal_health_responses_within_5_weeks_pct": responses["pct"],
        # Beside each rate, what it is made of.
        "health_advice_within_6_weeks_numerator": advice["numerator"],
        "health_advice_within_6_weeks_denominator": advice["denominator"],
        "health_advice_within_6_weeks_pct_incl_exceptions": advice["pct_incl"],
        "health_advice_within_6_weeks_numerator_incl_exceptions": advice["numerator_incl"],
        "health_advice_within_6_weeks_denominator_incl_exceptions": advice["denominator_incl"],
        "ehcp_within_20_weeks_numerator_excl_exceptions": plans["numerator"],
        "ehcp_within_20_weeks_denominator_excl_exceptions": plans["denominator"],
        "ehcp_within_20_weeks_numerator_incl_exceptions": plans["numerator_incl"],
        "ehcp_within_20_weeks_denominator_incl_exceptions": plans["denominator_incl"],
        "ehcp_decided_within_6_weeks_pct": decisions["pct"],
        "ehcp_decided_within_6_weeks_numerator": decisions["numerator"],
        "ehcp_decided_within_6_weeks_denominator": decisions["denominator"],
        "tribunal_health_responses_within_5_weeks_numerator": responses["numerator"],
        "tribunal_health_responses_within_5_weeks_denominator": responses["denominator"],
    }


# ---- periods as a calendar (for counts at a period's end, and audits per school year) -------

GRAINS = ALL_GRAINS


def _period_of(day: dt.date, grain: str) -> tuple[Any, dt.date, dt.date]:
    """(label, first day, last day) of the period of `grain` holding `day` (`pipelines.periods`);
    a calendar year's label is the number, as `rates` groups it."""
    period = period_of(grain, day)
    return (int(period.label) if grain == "calendar_year" else period.label), period.start, period.end


def periods(f: Filters, grain: str) -> list[tuple[Any, dt.date, dt.date]]:
    """The periods of `grain` from `date_from` to `date_to`, each clipped to the dates asked for
    and to the as-of date (nothing is counted after it)."""
    last = min(f.date_to, f.as_of)
    out = []
    day = f.date_from
    while day <= last:
        label, start, end = _period_of(day, grain)
        out.append((label, max(start, f.date_from), min(end, last)))
        day = end + dt.timedelta(days=1)
    return out


def _calendar(f: Filters, grain: str) -> str | None:
    """The periods as an SQL relation cal(period, period_start, period_end); None if empty."""
    rows = periods(f, grain)
    if not rows:
        return None
    values = ", ".join(
        f"({label if isinstance(label, int) else repr(label)}, DATE '{start}', DATE '{end}')"
        for label, start, end in rows)
    return f"(VALUES {values}) AS cal(period, period_start, period_end)"


def _pcts(frame: pd.DataFrame, rates_: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Add percentage columns {name: (numerator, denominator)}, rounded as `pct` rounds."""
    for name, (num, den) in rates_.items():
        frame[name] = [pct(int(n), int(d)) for n, d in zip(frame[num], frame[den], strict=True)]
    return frame


def _grouping(by: str | None, allowed: dict[str, str]) -> str:
    if by is None:
        return "'all'"
    if by not in allowed:
        raise ValueError(f"cannot group by '{by}' (one of {', '.join(allowed)})")
    return allowed[by]


def _ints(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for col in columns:
        frame[col] = frame[col].fillna(0).astype(int)
    return frame


# ---- annual reviews --------------------------------------------------------------------------
# The timeliness of reviews is in BASES (`rates(con, "annual_reviews_held", f)` and so on):
#   annual_reviews_held                reviews due in the period held by their due date
#   annual_review_decisions            decisions sent within 4 weeks of the meeting
#   annual_review_amended_plans        amended final plans within 12 weeks of the meeting
#   annual_review_health_contribution  meetings with health attending or written health advice
#   annual_review_health_invited       meetings to which health was invited


# ---- schools: medical conditions policies and mental health ---------------------------------

SCHOOL_GROUPS = {"local_authority": "local_authority", "phase": "coalesce(phase, 'not recorded')"}


def school_audits(f: Filters) -> str:
    """Every school audit on or before the as-of date, with what it found. A blank yes/no counts
    as not evidenced. `compliant`: a policy in place, every element of the statutory guidance
    present (`schemas.POLICY_ELEMENTS`) and the policy reviewed within the 12 months up to the
    audit date (on or after the same day a year before). `published`: in place and on the
    school's website."""
    elements = list(POLICY_ELEMENTS)
    all_present = " AND ".join(f"coalesce({c}, FALSE)" for c in elements)
    missing = " + ".join(f"CAST(NOT coalesce({c}, FALSE) AS INTEGER)" for c in elements)
    return f"""
    WITH audits AS (
        SELECT * FROM schools
        WHERE audit_date <= $as_of AND {_in('local_authority', f.las)}
    ), found AS (
        SELECT *,
            coalesce(policy_in_place, FALSE) AS has_policy,
            coalesce(policy_in_place, FALSE) AND coalesce(policy_published, FALSE) AS published,
            {all_present} AS all_elements,
            {missing} AS elements_missing,
            coalesce(policy_reviewed_date >= CAST(audit_date - INTERVAL {POLICY_REVIEW_MONTHS} MONTH
                                                   AS DATE), FALSE) AS reviewed_in_12_months
        FROM audits
    ), final AS (
        SELECT *, has_policy AND all_elements AND reviewed_in_12_months AS compliant FROM found
    )
    SELECT * FROM final
    """


def latest_school_audits(f: Filters) -> str:
    """Each school's latest audit on or before the as-of date: only the latest counts."""
    return f"""
    SELECT * FROM ({school_audits(f)})
    QUALIFY row_number() OVER (PARTITION BY urn ORDER BY audit_date DESC) = 1
    """


def _empty_overall(frame: pd.DataFrame, by: str | None, zeros: dict[str, Any]) -> pd.DataFrame:
    if by is None and frame.empty:
        return pd.DataFrame([{"group": "all", **zeros}])
    return frame


def school_policy_position(con: duckdb.DuckDBPyConnection, f: Filters, by: str | None = None
                           ) -> pd.DataFrame:
    """Medical conditions policies as the latest audit of each school found them (as of the
    as-of date; the period is not used): schools audited, with a policy, with it published on
    their website, and compliant (see `school_audits`), each with its share of the schools
    audited (%). Compare with `SCHOOL_POLICY_REFERENCE` (47.5% with a policy, 11.5% compliant).
    `by`: None, 'local_authority' or 'phase'."""
    group = _grouping(by, SCHOOL_GROUPS)
    out = query(con, f"""
        WITH latest AS ({latest_school_audits(f)})
        SELECT {group} AS "group", count(*) AS schools,
            count(*) FILTER (WHERE has_policy) AS with_policy,
            count(*) FILTER (WHERE published) AS published,
            count(*) FILTER (WHERE compliant) AS compliant
        FROM latest GROUP BY ALL ORDER BY 1
    """, f)
    out = _empty_overall(out, by, {"schools": 0, "with_policy": 0, "published": 0, "compliant": 0})
    out = _ints(out, ["schools", "with_policy", "published", "compliant"])
    out = _pcts(out, {"with_policy_pct": ("with_policy", "schools"),
                      "published_pct": ("published", "schools"),
                      "compliant_pct": ("compliant", "schools")})
    out["small"] = out.schools < SMALL_DENOMINATOR
    return out


def school_elements_missing(con: duckdb.DuckDBPyConnection, f: Filters, by: str | None = None
                            ) -> pd.DataFrame:
    """Which parts of a compliant policy schools lack, most often missing first: over the schools
    whose latest audit found a policy, the number (and %) whose policy lacks each element of the
    statutory guidance, and the number not reviewed in the 12 months before the audit (element
    'reviewed_in_12_months'). `by`: None, 'local_authority' or 'phase'."""
    group = _grouping(by, SCHOOL_GROUPS)
    checks = [(c, label, f"NOT coalesce({c}, FALSE)") for c, label in POLICY_ELEMENTS.items()]
    checks.append(("reviewed_in_12_months", "reviewed in the last 12 months",
                   "NOT reviewed_in_12_months"))
    parts = " UNION ALL ".join(
        f"""SELECT {group} AS "group", '{column}' AS element, '{label}' AS label,
            count(*) AS schools_with_policy, count(*) FILTER (WHERE {lacking}) AS missing
            FROM with_policy GROUP BY ALL"""
        for column, label, lacking in checks)
    out = query(con, f"""
        WITH latest AS ({latest_school_audits(f)}),
        with_policy AS (SELECT * FROM latest WHERE has_policy)
        SELECT * FROM ({parts}) ORDER BY "group", missing DESC, element
    """, f)
    out = _ints(out, ["schools_with_policy", "missing"])
    return _pcts(out, {"missing_pct": ("missing", "schools_with_policy")})


def school_ihp_coverage(con: duckdb.DuckDBPyConnection, f: Filters, by: str | None = None
                        ) -> pd.DataFrame:
    """Individual healthcare plan coverage from each school's latest audit: pupils with an IHP
    over pupils with a medical condition (%), summed over the schools that recorded both counts
    (`schools`). Not every pupil with a condition needs an IHP; a low share is a question to ask,
    not a breach. `by`: None, 'local_authority' or 'phase'."""
    group = _grouping(by, SCHOOL_GROUPS)
    out = query(con, f"""
        WITH latest AS ({latest_school_audits(f)})
        SELECT {group} AS "group", count(*) AS schools,
            sum(pupils_with_medical_conditions) AS pupils_with_medical_conditions,
            sum(pupils_with_ihp) AS pupils_with_ihp
        FROM latest
        WHERE pupils_with_medical_conditions IS NOT NULL AND pupils_with_ihp IS NOT NULL
        GROUP BY ALL ORDER BY 1
    """, f)
    out = _empty_overall(out, by, {"schools": 0, "pupils_with_medical_conditions": 0,
                                   "pupils_with_ihp": 0})
    out = _ints(out, ["schools", "pupils_with_medical_conditions", "pupils_with_ihp"])
    return _pcts(out, {"ihp_coverage_pct": ("pupils_with_ihp", "pupils_with_medical_conditions")})


def school_mental_health(con: duckdb.DuckDBPyConnection, f: Filters, by: str | None = None
                         ) -> pd.DataFrame:
    """Mental health support from each school's latest audit: schools with a trained senior
    mental health lead, and covered by a Mental Health Support Team, each over the schools whose
    audit recorded the answer (`*_recorded`; a blank is not known, not no), and the mean
    wellbeing self-assessment score of those that recorded one (the framework's own scale).
    `by`: None, 'local_authority' or 'phase'."""
    group = _grouping(by, SCHOOL_GROUPS)
    out = query(con, f"""
        WITH latest AS ({latest_school_audits(f)})
        SELECT {group} AS "group", count(*) AS schools,
            count(senior_mental_health_lead) AS smhl_recorded,
            count(*) FILTER (WHERE senior_mental_health_lead) AS with_smhl,
            count(mhst_coverage) AS mhst_recorded,
            count(*) FILTER (WHERE mhst_coverage) AS with_mhst,
            count(wellbeing_self_assessment) AS wellbeing_recorded,
            avg(wellbeing_self_assessment) AS wellbeing_mean
        FROM latest GROUP BY ALL ORDER BY 1
    """, f)
    counts = ["schools", "smhl_recorded", "with_smhl", "mhst_recorded", "with_mhst",
              "wellbeing_recorded"]
    out = _empty_overall(out, by, {**dict.fromkeys(counts, 0), "wellbeing_mean": None})
    out = _ints(out, counts)
    out["wellbeing_mean"] = [None if pd.isna(v) else float(Decimal(str(v)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)) for v in out.wellbeing_mean]
    return _pcts(out, {"smhl_pct": ("with_smhl", "smhl_recorded"),
                       "mhst_pct": ("with_mhst", "mhst_recorded")})


def school_policy_trend(con: duckdb.DuckDBPyConnection, f: Filters, grain: str = "academic_year",
                        by: str | None = None) -> pd.DataFrame:
    """How policies change across audit rounds: per period of `grain` (academic_year '2025/26',
    term 'Autumn 2025', or a `rates` grain) from `date_from` to `date_to`, each school's latest
    audit in that period, counted as in `school_policy_position`. A school not audited in a
    period is not in it. `by`: None, 'local_authority' or 'phase'."""
    group = _grouping(by, SCHOOL_GROUPS)
    cal = _calendar(f, grain)
    columns = ["period", "group", "schools", "with_policy", "published", "compliant"]
    if cal is None:
        return pd.DataFrame(columns=columns + ["with_policy_pct", "published_pct", "compliant_pct"])
    out = query(con, f"""
        WITH audits AS ({school_audits(f)}),
        placed AS (
            SELECT cal.period, cal.period_start, audits.*
            FROM audits JOIN {cal} ON audits.audit_date BETWEEN cal.period_start AND cal.period_end
            QUALIFY row_number() OVER (PARTITION BY cal.period, audits.urn
                                       ORDER BY audits.audit_date DESC) = 1
        )
        SELECT period, {group} AS "group", count(*) AS schools,
            count(*) FILTER (WHERE has_policy) AS with_policy,
            count(*) FILTER (WHERE published) AS published,
            count(*) FILTER (WHERE compliant) AS compliant
        FROM placed GROUP BY period, period_start, "group" ORDER BY period_start, "group"
    """, f)
    out = _ints(out, ["schools", "with_policy", "published", "compliant"])
    return _pcts(out, {"with_policy_pct": ("with_policy", "schools"),
                       "published_pct": ("published", "schools"),
                       "compliant_pct": ("compliant", "schools")})


def school_follow_up(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The schools to contact: those whose latest audit found no compliant policy, or a policy
    not published on the website, with what each lacks (in words) and how many items. Schools
    with no policy first, then those lacking most; by local authority and name."""
    elements = ", ".join(POLICY_ELEMENTS)
    out = query(con, f"""
        WITH latest AS ({latest_school_audits(f)})
        SELECT urn, school_name, local_authority, phase, audit_date, has_policy, published,
            reviewed_in_12_months, policy_reviewed_date, policy_url, elements_missing, {elements}
        FROM latest
        WHERE NOT compliant OR NOT published
    """, f)
    described = [_school_lacks(row._asdict()) for row in out.itertuples(index=False)]
    out["lacks"] = ["; ".join(words) for words, _ in described]
    out["items_lacking"] = [items for _, items in described]
    out = out.sort_values(["has_policy", "items_lacking", "local_authority", "school_name", "urn"],
                          ascending=[True, False, True, True, True], kind="stable")
    keep = ["urn", "school_name", "local_authority", "phase", "audit_date", "lacks",
            "items_lacking", "policy_reviewed_date", "policy_url"]
    return out[keep].reset_index(drop=True)


def _yes(value: Any) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def _school_lacks(row: dict[str, Any]) -> tuple[list[str], int]:
    """What a school's latest audit found missing, in words, and how many items (each missing
    element, an out-of-date review and an unpublished policy count one each; no policy counts
    one)."""
    if not row["has_policy"]:
        return ["no medical conditions policy"], 1
    found = []
    missing = [label for column, label in POLICY_ELEMENTS.items() if not _yes(row[column])]
    if missing:
        found.append("policy lacks: " + ", ".join(missing))
    if not row["reviewed_in_12_months"]:
        reviewed = row["policy_reviewed_date"]
        found.append("not reviewed in the 12 months before the audit" +
                     (f" (last reviewed {reviewed:%d/%m/%Y})" if not pd.isna(reviewed)
                      else " (no review date)"))
    if not row["published"]:
        found.append("not published on the school's website")
    items = len(missing) + (not row["reviewed_in_12_months"]) + (not row["published"])
    return found, int(items)


# ---- health service waiting times ------------------------------------------------------------

WAITING_GROUPS = {"service": "service", "provider": "provider", "local_authority": "local_authority"}


def _waiting_rows(f: Filters) -> str:
    """Monthly snapshots known by the as-of date (a month's return describes its last day, so it
    counts only once that day has passed), within the LA and service filters. A row for a whole
    area (no local authority, stored as '') is left out when LAs are chosen."""
    return f"""
    SELECT * FROM waiting_times
    WHERE last_day(month) <= $as_of
        AND {_in('local_authority', f.las)} AND {_in('service', f.services)}
    """


def _waiting_shares(out: pd.DataFrame) -> pd.DataFrame:
    counts = ["waiting_total", "over_18_weeks", "total_reporting_18", "over_52_weeks",
              "total_reporting_52", "referrals_received"]
    out = _ints(out, counts)
    return _pcts(out, {"over_18_weeks_pct": ("over_18_weeks", "total_reporting_18"),
                       "over_52_weeks_pct": ("over_52_weeks", "total_reporting_52")})


_WAITING_SUMS = """
    sum(waiting_total) AS waiting_total,
    sum(waiting_over_18_weeks) AS over_18_weeks,
    sum(waiting_total) FILTER (WHERE waiting_over_18_weeks IS NOT NULL) AS total_reporting_18,
    sum(waiting_over_52_weeks) AS over_52_weeks,
    sum(waiting_total) FILTER (WHERE waiting_over_52_weeks IS NOT NULL) AS total_reporting_52,
    sum(referrals_received) AS referrals_received"""


def waiting_times_trend(con: duckdb.DuckDBPyConnection, f: Filters, by: str | None = "service"
                        ) -> pd.DataFrame:
    """Children waiting, month by month (snapshot months from the month of `date_from` to
    `date_to`, labelled '2025-04'), summed over providers and LAs within each group: the total
    waiting, those waiting over 18 and over 52 weeks and their shares of the total (%; over the
    rows that report that count: `total_reporting_18`, `total_reporting_52`), and referrals
    received in the month. Summing assumes a return does not hold both parts and their total.
    `by`: 'service' (default), 'provider', 'local_authority' or None."""
    group = _grouping(by, WAITING_GROUPS)
    out = query(con, f"""
        WITH rows AS ({_waiting_rows(f)})
        SELECT strftime(month, '%Y-%m') AS month, {group} AS "group", {_WAITING_SUMS}
        FROM rows
        WHERE month BETWEEN date_trunc('month', $date_from) AND $date_to
        GROUP BY ALL ORDER BY 1, 2
    """, f)
    return _waiting_shares(out)


def waiting_times_current(con: duckdb.DuckDBPyConnection, f: Filters, by: str | None = None
                          ) -> pd.DataFrame:
    """The current position of each service: its latest snapshot month on or before the as-of
    date (the period is not used), summed over providers and LAs (or split `by` 'provider' or
    'local_authority'): counts and shares as in `waiting_times_trend`, the worst median wait of
    the rows summed (weeks; medians cannot be added), and for the autism assessment pathway the
    NICE standard (13 weeks from referral) with whether that worst median exceeds it."""
    if by is not None and by not in ("provider", "local_authority"):
        raise ValueError(f"cannot split by '{by}' (provider or local_authority)")
    split = f"{by}, " if by else ""
    out = query(con, f"""
        WITH rows AS ({_waiting_rows(f)}),
        latest AS (SELECT service, max(month) AS month FROM rows GROUP BY service)
        SELECT service, {split}strftime(month, '%Y-%m') AS month, {_WAITING_SUMS},
            max(median_weeks_waiting) AS median_weeks_waiting_worst,
            CASE WHEN service = 'Autism Assessment' THEN {AUTISM_ASSESSMENT_WEEKS} END AS nice_weeks
        FROM rows JOIN latest USING (service, month)
        GROUP BY ALL ORDER BY ALL
    """, f)
    out = _waiting_shares(out)
    out["median_over_nice"] = [bool(m > n) if not (pd.isna(m) or pd.isna(n)) else None
                               for m, n in zip(out.median_weeks_waiting_worst, out.nice_weeks,
                                               strict=True)]
    return out


# ---- personal health budgets -----------------------------------------------------------------
# Budgets started, by period or column: `rates(con, "phb_started", f, by=...)` (`items`
# started; `numerator` of them continuing care).

PHB_GROUPS = {"local_authority": "local_authority", "amount_band": "coalesce(amount_band, '')",
              "continuing_care": "CASE WHEN continuing_care THEN 'continuing care' "
                                 "ELSE 'not continuing care' END"}


def phb_active(con: duckdb.DuckDBPyConnection, f: Filters, by: str | None = None) -> pd.DataFrame:
    """Personal health budgets active on the as-of date (started on or before it, not ended
    before it), and of those funded through continuing care (count and %). `by`: None,
    'local_authority', 'amount_band' or 'continuing_care'."""
    group = _grouping(by, PHB_GROUPS)
    out = query(con, f"""
        SELECT {group} AS "group", count(*) AS active,
            count(*) FILTER (WHERE coalesce(continuing_care, FALSE)) AS continuing_care
        FROM phb
        WHERE start_date <= $as_of AND (end_date IS NULL OR end_date >= $as_of)
            AND {_in('local_authority', f.las)}
        GROUP BY ALL ORDER BY 1
    """, f)
    out = _ints(_empty_overall(out, by, {"active": 0, "continuing_care": 0}),
                ["active", "continuing_care"])
    return _pcts(out, {"continuing_care_pct": ("continuing_care", "active")})


def phb_trend(con: duckdb.DuckDBPyConnection, f: Filters, grain: str = "month") -> pd.DataFrame:
    """Per period of `grain` from `date_from` to `date_to`: budgets started, budgets ended (on or
    before the as-of date), and budgets active on the period's last day (or the as-of date, if
    earlier), with those of continuing care."""
    cal = _calendar(f, grain)
    columns = ["period", "started", "ended", "active_at_end", "continuing_care_active_at_end"]
    if cal is None:
        return pd.DataFrame(columns=columns)
    out = query(con, f"""
        WITH budgets AS (
            SELECT * FROM phb WHERE start_date <= $as_of AND {_in('local_authority', f.las)}
        )
        SELECT period,
            count(start_date) FILTER (WHERE start_date BETWEEN period_start AND period_end) AS started,
            count(start_date) FILTER (WHERE end_date BETWEEN period_start AND period_end
                                      AND end_date <= $as_of) AS ended,
            count(start_date) FILTER (WHERE start_date <= period_end
                                      AND (end_date IS NULL OR end_date >= period_end))
                AS active_at_end,
            count(start_date) FILTER (WHERE start_date <= period_end
                                      AND (end_date IS NULL OR end_date >= period_end)
                                      AND coalesce(continuing_care, FALSE))
                AS continuing_care_active_at_end
        FROM {cal} LEFT JOIN budgets ON TRUE
        GROUP BY period, period_start ORDER BY period_start
    """, f)
    return _ints(out, columns[1:])


# ---- complaints and ombudsman cases ----------------------------------------------------------
# Response timeliness: `rates(con, "complaint_responses", f, by=...)`; counts received by period,
# stage or outcome: `rates(con, "complaints_received", f, by=...)` (`items`; `numerator` = with a
# health aspect).


def open_complaints(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Complaints without a response as of the as-of date, most overdue first: days past the
    response due date (negative: days left), status 'overdue', 'open' or 'no due date'. Not bound
    to the period."""
    return query(con, f"""
        SELECT complaint_ref, local_authority, stage, health_aspect, received_date, response_due_date,
            CAST($as_of - response_due_date AS INTEGER) AS days_overdue,
            CASE WHEN response_due_date IS NULL THEN 'no due date'
                 WHEN response_due_date < $as_of THEN 'overdue' ELSE 'open' END AS status
        FROM complaints
        WHERE received_date <= $as_of AND (responded_date IS NULL OR responded_date > $as_of)
            AND {_in('local_authority', f.las)}
        ORDER BY days_overdue DESC NULLS LAST, local_authority, complaint_ref
    """, f)


# ---- health advice: the LA's records beside the providers' ------------------------------------


@dataclass(frozen=True)
class AdviceReconciliation:
    """The LA's record of each health advice request set beside the provider's.

    `matched`: one row per pair, with both sets of dates, the days apart and whether each side's
    clock met 6 weeks; `disagreement` says in words what differs ('' when nothing does).
    `la_only` / `provider_only`: requests one side has and the other does not. `figures`: the
    6-week rate computed from each side's dates (see `reconcile_advice`). `compared`: the local
    authorities with records on both sides; the others cannot be reconciled and are left out.
    """

    matched: pd.DataFrame
    la_only: pd.DataFrame
    provider_only: pd.DataFrame
    figures: pd.DataFrame
    compared: tuple[str, ...]
    window_days: int


def _advice_side(con: duckdb.DuckDBPyConnection, f: Filters, source: str) -> pd.DataFrame:
    """One side's requests, as the 6-week metric sees them on the as-of date."""
    return query(con, f"""
        WITH base AS ({advice_base(f, source)})
        SELECT advice_id, case_id, local_authority, service, provider, stage, requested_date,
            CASE WHEN returned THEN returned_date END AS returned_date, due_date, anchor,
            counted, met, excepted, days_to_return
        FROM base ORDER BY local_authority, advice_id
    """, f)


def reconcile_advice(con: duckdb.DuckDBPyConnection, f: Filters,
                     window_days: int = RECONCILE_WINDOW_DAYS) -> AdviceReconciliation:
    """Health advice requests as the LA recorded them (rows with source 'local authority': the
    date the LA asked the service, the date it received the advice) beside the providers' logs
    (source 'provider': the date the service received the request, the date it returned advice).

    Matching: a pair is one LA row and one provider row for the same local authority, case and
    service whose requested dates are at most `window_days` apart; each row is in one pair at
    most, the closest dates paired first (ties by reference), so two requests to one service a
    year apart are not confused. Only LAs with rows on both sides are compared, and a row is
    listed as unmatched only if its requested date lies within the dates both sides cover for
    its LA, widened by the window (an LA export that starts later does not make every earlier
    provider row 'missing'). Unmatched rows are listed by requested date.
    Rows are placed in the period as the 6-week metric places them, by the due date
    (requested + 42 days; for a pair, the provider's); the LA, service and as-of filters apply.

    The statutory clock runs from the date the service received the request (reg 8(1)), so the
    headline (`rates(con, "health_advice", f)`) uses provider rows only. `figures` gives the
    6-week rate both ways over the compared LAs: all provider rows, all LA rows, and the matched
    pairs by each side's dates; where they differ, both are shown. Lawful exceptions are left
    out of each figure, as in the headline; the two pair figures are over the same pairs (those
    decided on both sides and excepted on neither), so they differ only by the dates used.
    """
    la = _advice_side(con, f, "local authority")
    # Only the LAs with an LA export can be compared: read the providers' rows for those alone
    # (at national scale the providers' logs are millions of rows, the LA exports few or none).
    with_la = tuple(sorted(set(la.local_authority)))
    provider = (_advice_side(con, dataclasses.replace(f, las=with_la), "provider") if with_la
                else la.iloc[0:0])
    compared = tuple(sorted(set(la.local_authority) & set(provider.local_authority)))
    la = la[la.local_authority.isin(compared)].reset_index(drop=True)
    provider = provider[provider.local_authority.isin(compared)].reset_index(drop=True)
    pairs = _pair_advice(la, provider, window_days)
    in_period = pairs.provider_anchor.between(pd.Timestamp(f.date_from), pd.Timestamp(f.date_to))
    matched = _describe_pairs(pairs[in_period].reset_index(drop=True))

    covered = _covered_spans(la, provider, window_days)
    la_only = _unmatched(la, set(pairs.la_index), covered, f)
    provider_only = _unmatched(provider, set(pairs.provider_index), covered, f)

    only = Filters(f.date_from, f.date_to, f.as_of, compared, f.services)
    rows = []
    for basis, metric in (("provider logs: from the service's receipt (reg 8(1))", "health_advice"),
                          ("LA records: from the LA's request", "health_advice_la_records")):
        overall = rates(con, metric, only).iloc[0] if compared else None
        rows.append((basis, int(overall.numerator) if compared else 0,
                     int(overall.denominator) if compared else 0))
    comparable = pairs[in_period & pairs.provider_counted & pairs.la_counted
                       & ~pairs.provider_excepted & ~pairs.la_excepted]
    for basis, side in (("matched pairs: provider dates", "provider"),
                        ("matched pairs: LA dates", "la")):
        rows.append((basis, int(comparable[f"{side}_met"].sum()), len(comparable)))
    figures = pd.DataFrame(rows, columns=["basis", "numerator", "denominator"])
    figures["pct"] = [pct(n, d) for n, d in zip(figures.numerator, figures.denominator, strict=True)]
    figures["small"] = figures.denominator < SMALL_DENOMINATOR
    return AdviceReconciliation(matched, la_only, provider_only, figures, compared, window_days)


def _pair_advice(la: pd.DataFrame, provider: pd.DataFrame, window_days: int) -> pd.DataFrame:
    """Closest-first one-to-one pairing of LA and provider rows (same LA, case and service,
    requested dates within the window)."""
    left = la.add_prefix("la_").assign(la_index=la.index)
    right = provider.add_prefix("provider_").assign(provider_index=provider.index)
    candidates = left.merge(right, left_on=["la_local_authority", "la_case_id", "la_service"],
                            right_on=["provider_local_authority", "provider_case_id",
                                      "provider_service"])
    gap = (candidates.provider_requested_date - candidates.la_requested_date).dt.days
    candidates = candidates.assign(requested_days_apart=gap, distance=gap.abs())
    candidates = candidates[candidates.distance <= window_days].sort_values(
        ["distance", "requested_days_apart", "la_local_authority", "la_advice_id",
         "provider_advice_id"], kind="stable")
    used_la: set[int] = set()
    used_provider: set[int] = set()
    keep = []
    for pos, a, b in zip(range(len(candidates)), candidates.la_index, candidates.provider_index,
                         strict=True):
        if a not in used_la and b not in used_provider:
            used_la.add(a)
            used_provider.add(b)
            keep.append(pos)
    return candidates.iloc[keep].sort_values(
        ["provider_anchor", "la_local_authority", "provider_advice_id"]).reset_index(drop=True)


def _describe_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    def day(value: Any) -> str:
        return "" if pd.isna(value) else f"{value:%d/%m/%Y}"

    returned_gap = (pairs.la_returned_date - pairs.provider_returned_date).dt.days
    notes = []
    for row, back in zip(pairs.itertuples(index=False), returned_gap, strict=True):
        said = []
        if row.requested_days_apart:
            said.append(f"requested: LA {day(row.la_requested_date)}, service received "
                        f"{day(row.provider_requested_date)} ({row.requested_days_apart:+d} days)")
        has_la, has_provider = not pd.isna(row.la_returned_date), not pd.isna(row.provider_returned_date)
        if has_provider and not has_la:
            said.append(f"returned {day(row.provider_returned_date)} in the provider's log, "
                        "not received in the LA's record")
        elif has_la and not has_provider:
            said.append(f"received {day(row.la_returned_date)} in the LA's record, "
                        "not returned in the provider's log")
        elif has_la and back:
            said.append(f"returned: provider {day(row.provider_returned_date)}, LA received "
                        f"{day(row.la_returned_date)} ({int(back):+d} days)")
        notes.append("; ".join(said))
    out = pd.DataFrame({
        "local_authority": pairs.la_local_authority, "case_id": pairs.la_case_id,
        "service": pairs.la_service, "provider": pairs.provider_provider,
        "la_advice_id": pairs.la_advice_id, "provider_advice_id": pairs.provider_advice_id,
        "la_requested_date": pairs.la_requested_date,
        "provider_requested_date": pairs.provider_requested_date,
        "requested_days_apart": pairs.requested_days_apart.astype(int),
        "la_returned_date": pairs.la_returned_date,
        "provider_returned_date": pairs.provider_returned_date,
        "returned_days_apart": returned_gap.astype("Int64"),
        "la_days_to_return": pairs.la_days_to_return.astype("Int64"),
        "provider_days_to_return": pairs.provider_days_to_return.astype("Int64"),
        "la_within_6_weeks": pairs.la_met.where(pairs.la_counted),
        "provider_within_6_weeks": pairs.provider_met.where(pairs.provider_counted),
        "disagreement": notes,
    })
    out["clocks_differ"] = (pairs.la_counted & pairs.provider_counted
                            & (pairs.la_met != pairs.provider_met)).to_numpy()
    return out


def _covered_spans(la: pd.DataFrame, provider: pd.DataFrame, window_days: int
                   ) -> dict[str, tuple[Any, Any]]:
    """Per LA, the requested dates both sides cover: from the later first date to the earlier
    last date, widened by the matching window."""
    spans = {}
    window = pd.Timedelta(days=window_days)
    for name in set(la.local_authority) & set(provider.local_authority):
        a = la.requested_date[la.local_authority == name]
        b = provider.requested_date[provider.local_authority == name]
        spans[name] = (max(a.min(), b.min()) - window, min(a.max(), b.max()) + window)
    return spans


def _unmatched(side: pd.DataFrame, paired: set[int], covered: dict[str, tuple[Any, Any]],
               f: Filters) -> pd.DataFrame:
    first = side.local_authority.map(lambda la: covered[la][0])
    last = side.local_authority.map(lambda la: covered[la][1])
    keep = (~side.index.isin(list(paired)) & side.requested_date.between(first, last)
            & side.anchor.between(pd.Timestamp(f.date_from), pd.Timestamp(f.date_to)))
    out = side[keep].sort_values(["requested_date", "local_authority", "advice_id"], kind="stable")
    return out[["advice_id", "case_id", "local_authority", "service", "provider", "stage",
                "requested_date", "returned_date", "due_date", "days_to_return"]
               ].reset_index(drop=True)
