"""The lists the DCO acts on: overdue advice, open cases at risk, tribunal responses due."""

from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb
import pandas as pd

from pipelines.metrics.bases import advice_base, response_base
from pipelines.metrics.core import DECISION_DAYS, PLAN_DAYS, Filters, la_in, query

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
    then), from one query. As of a day d, OVERDUE_ADVICE lists a request due before d and not
    returned by d: a request joins the list on the day after it is due and leaves it on the day
    it is returned (if that is later), so the count as of d is the sum of those changes up to
    d, over the base as of the latest day. A request returned by the earliest day, or due on or
    after the latest, is on the list on none of the days: left out."""
    if not days:
        return pd.DataFrame({"as_of": [], "overdue": []})
    latest = dataclasses.replace(f, as_of=max(days))
    first, last = (f"DATE '{day.isoformat()}'" for day in (min(days), max(days)))
    changes = query(con, f"""
        WITH base AS (
            SELECT due_date, returned_date FROM ({advice_base(latest)})
            WHERE due_date < {last} AND (returned_date IS NULL OR returned_date > {first}))
        SELECT due_date + 1 AS day, count(*) AS change FROM base GROUP BY ALL
        UNION ALL
        SELECT greatest(due_date + 1, returned_date), -count(*) FROM base
        WHERE returned_date IS NOT NULL GROUP BY ALL
        """, latest)
    # From each day on, a request is listed (+1) or no longer listed (-1): the count as of a day
    # is the sum of the changes up to it.
    changes = changes.groupby("day")["change"].sum().sort_index()
    running = changes.cumsum()
    at = running.index.searchsorted(pd.to_datetime(pd.Series(days)), side="right")
    overdue = [int(running.iloc[i - 1]) if i else 0 for i in at]
    return pd.DataFrame({"as_of": list(days), "overdue": overdue})


# How long after the request each stage should be over for the 20 weeks to hold (Code of
# Practice timeline: decision by week 6, draft plan by about week 16, final plan by week 20).
STAGE_MILESTONE_DAYS = {
    "awaiting decision to assess": DECISION_DAYS,
    "assessment under way": 112,
    "draft plan issued": PLAN_DAYS,
}
AWAITING_DECISION = "awaiting decision to assess"  # the stage `open_cases_at_risk` gives it


# Ended without a plan by the as-of date: refused, withdrawn or decided not to issue on or before
# it (a decision dated after it had not yet been made; one with no date is taken as made), or a
# historical record.
CLOSED_WITHOUT_PLAN = """
    coalesce(decision IN ('not assess', 'withdrawn') AND coalesce(decision_date <= $as_of, TRUE)
        OR assessment_outcome IN ('plan not issued', 'withdrawn')
            AND coalesce(assessment_outcome_date <= $as_of, TRUE)
        OR decision = 'historical' OR assessment_outcome = 'historical', FALSE)"""


def _open_cases(f: Filters) -> str:
    """`open_cases_at_risk`'s rows, unordered: the one definition the list, the two positions
    and their counts read."""
    milestones = " ".join(f"WHEN '{stage}' THEN {days}" for stage, days in STAGE_MILESTONE_DAYS.items())
    return f"""
        WITH open_cases AS (
            SELECT case_id, local_authority, request_date,
                CASE WHEN draft_plan_date IS NOT NULL AND draft_plan_date <= $as_of THEN 'draft plan issued'
                     WHEN decision_date IS NOT NULL AND decision_date <= $as_of THEN 'assessment under way'
                     ELSE '{AWAITING_DECISION}' END AS stage,
                CAST($as_of - request_date AS INTEGER) AS days_elapsed,
                CAST(request_date + {PLAN_DAYS} - $as_of AS INTEGER) AS days_left,
                request_date + {PLAN_DAYS} AS due_date,
                exception AS lawful_exception, exception_recorded AS reason_recorded
            FROM ehcp
        WHERE request_date <= $as_of
            AND (final_plan_date IS NULL OR final_plan_date > $as_of)
            AND NOT ({CLOSED_WITHOUT_PLAN}) AND {la_in(f.las)}
        )
        SELECT *, CASE stage {milestones} END AS stage_milestone_days,
            days_elapsed > CASE stage {milestones} END AS stage_late
        FROM open_cases
    """


OPEN_CASES_ORDER = "ORDER BY days_left, local_authority, case_id"


def open_cases_at_risk(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Open EHC needs assessments (no final plan, not refused, withdrawn or ended without a plan),
    the stage each is in, the days elapsed since the request, the days left of the 20 weeks, and
    whether the case is still in a stage it should have left by now (`stage_late`)."""
    return query(con, f"{_open_cases(f)} {OPEN_CASES_ORDER}", f)


# ---- positions on the as-of date: what the rates leave out --------------------------------------

# Over `open_cases_at_risk`'s rows: the two positions, as SQL so a count need not fetch the list.
OPEN_PAST_20_WEEKS = f"stage <> '{AWAITING_DECISION}' AND days_elapsed > {PLAN_DAYS}"
DECISION_OUTSTANDING = f"stage = '{AWAITING_DECISION}' AND days_elapsed > {DECISION_DAYS}"


def open_past_20_weeks(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Open cases of `open_cases_at_risk` with a decision to assess (no final plan, no decision
    not to issue, not withdrawn) more than 140 days after the request on the as-of date. A
    plan issued late counts in the 20-week rate; one not yet issued counts here, whatever the
    period."""
    return query(con, f"SELECT * FROM ({_open_cases(f)}) WHERE {OPEN_PAST_20_WEEKS} "
                      f"{OPEN_CASES_ORDER}", f)


def decisions_outstanding_past_6_weeks(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Open cases of `open_cases_at_risk` with no decision whether to assess more than 42 days
    after the request on the as-of date: the requests the 6-week rate (over decisions made)
    cannot see, whatever the period."""
    return query(con, f"SELECT * FROM ({_open_cases(f)}) WHERE {DECISION_OUTSTANDING} "
                      f"{OPEN_CASES_ORDER}", f)


def ehcp_positions(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, int]:
    """The two positions as the headline gives them: how many rows each list has, counted in one
    query."""
    past_20, outstanding = con.execute(
        f"SELECT count(*) FILTER (WHERE {OPEN_PAST_20_WEEKS}), "
        f"count(*) FILTER (WHERE {DECISION_OUTSTANDING}) FROM ({_open_cases(f)})",
        {"as_of": f.as_of}).fetchall()[0]
    return {"ehcp_open_past_20_weeks": int(past_20),
            "ehcp_decisions_outstanding_past_6_weeks": int(outstanding)}


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
