"""Every metric, defined once, as SQL over DuckDB. The app, the CLI, exports and tests call these.

Each timeliness metric is a *base* query yielding one row per item with its anchor date (the date
that places it in a period), whether it counts yet (`counted`), whether it met the standard
(`met`) and whether a lawful exception applies (`excepted`). One aggregator turns any base into
rates overall, by period or by a dimension. Definitions follow shared/DOMAIN.md; days are calendar
days and "within N weeks" means end - start <= 7*N.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pandas as pd

ADVICE_DAYS = 42  # reg 8(1): health advice within 6 weeks of the service receiving the request
PLAN_DAYS = 140  # reg 13(2): final plan within 20 weeks of the request
DECISION_DAYS = 42  # reg 5: decision whether to assess within 6 weeks
RESPONSE_DAYS = 35  # SI 2017/1306: written response to a health recommendation within 5 weeks
SMALL_DENOMINATOR = 5  # a rate over fewer cases than this is flagged


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

def advice_base(f: Filters) -> str:
    """Health advice requests, each with its due date and whether it was returned in time as of
    the as-of date. A request open after its due date is late; one open and not yet due is not
    counted. A return dated after the as-of date is treated as not yet returned."""
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
    WHERE requested_date <= $as_of AND {_in('local_authority', f.las)} AND {_in('service', f.services)}
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


BASES = {
    "health_advice": advice_base,
    "ehcp_plans": plan_base,
    "ehcp_decisions": decision_base,
    "tribunal_responses": response_base,
    "tribunal_appeals": appeal_base,
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

def overdue_advice(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Open health advice requests past their due date as of the as-of date, most overdue first.
    Not bound to the period: an overdue request is overdue whenever it was asked for."""
    return query(con, f"""
        WITH base AS ({advice_base(f)})
        SELECT advice_id, case_id, local_authority, service, coalesce(provider, '') AS provider,
            requested_date, due_date, CAST($as_of - due_date AS INTEGER) AS days_overdue,
            coalesce(exception, exception_recorded) AS exception, stage
        FROM base
        WHERE NOT returned AND due_date < $as_of
        ORDER BY days_overdue DESC, local_authority, advice_id
    """, f)


def open_cases_at_risk(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Open EHC needs assessments (no final plan, not refused, withdrawn or ended without a plan),
    the stage each is in, the days elapsed since the request and the days left of the 20 weeks."""
    return query(con, f"""
        SELECT case_id, local_authority, request_date,
            CASE WHEN draft_plan_date IS NOT NULL AND draft_plan_date <= $as_of THEN 'draft plan issued'
                 WHEN decision_date IS NOT NULL AND decision_date <= $as_of THEN 'assessment under way'
                 ELSE 'awaiting decision to assess' END AS stage,
            CAST($as_of - request_date AS INTEGER) AS days_elapsed,
            CAST(request_date + {PLAN_DAYS} - $as_of AS INTEGER) AS days_left,
            request_date + {PLAN_DAYS} AS due_date,
            coalesce(exception, exception_recorded) AS exception
        FROM ehcp
        WHERE request_date <= $as_of
            AND (final_plan_date IS NULL OR final_plan_date > $as_of)
            AND coalesce(decision, '') NOT IN ('not assess', 'withdrawn', 'historical')
            AND coalesce(assessment_outcome, '') NOT IN ('plan not issued', 'withdrawn', 'historical')
            AND {_in('local_authority', f.las)}
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
    overdue = len(overdue_advice(con, f))
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
