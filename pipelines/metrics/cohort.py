"""The area's children with EHC plans (Annex A List 1) and on SEN support (List 2): how many have a
plan on the as-of date, and whose plan has gone more than 12 months without an annual review,
overall and by age band, sex, ethnic group, primary need and phase (inspectors ask whether some
groups are reviewed less)."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from pipelines.metrics.core import Filters, add_pcts, as_ints, grouping, la_in, pct, query
from pipelines.vocab import ETHNIC_GROUPS


def review_period_end(start: str) -> str:
    """SQL for the last day of the 12 months starting with the date `start` (CFA 2014 s44: a
    plan is reviewed "in the period of 12 months starting with" its making, then with its last
    review): the day before the anniversary, 28 February for a start on 29 February. A plan
    not reviewed by then is overdue from the anniversary itself."""
    day = f"CAST({start} AS DATE)"
    return (f"CASE WHEN month({day}) = 2 AND day({day}) = 29 THEN {day} + INTERVAL 12 MONTH "
            f"ELSE {day} + INTERVAL 12 MONTH - INTERVAL 1 DAY END::DATE")


# Age bands as the DfE's SEN2 statistics give them. Only the year of birth is kept, so age is
# the age reached in the as-of date's calendar year.
AGE_BANDS = ((0, 4, "under 5"), (5, 10, "5 to 10"), (11, 15, "11 to 15"), (16, 19, "16 to 19"),
             (20, 25, "20 to 25"))
_AGE = "year($as_of) - birth_year"
_AGE_BAND = ("CASE " + " ".join(f"WHEN {_AGE} BETWEEN {lo} AND {hi} THEN '{label}'"
                                for lo, hi, label in AGE_BANDS)
             + " WHEN birth_year IS NOT NULL THEN 'over 25' END")
_ETHNIC_GROUP = ("CASE ethnicity " + " ".join(f"WHEN '{code}' THEN '{group}'"
                                              for code, group in ETHNIC_GROUPS.items()) + " END")
COHORT_GROUPS = {"age_band": _AGE_BAND, "sex": "sex", "ethnicity": _ETHNIC_GROUP,
                 "primary_need": "primary_need", "phase": "phase",
                 "local_authority": "local_authority"}


def plan_cohort_base(f: Filters) -> str:
    """One row per child with an EHC plan on the as-of date (on List 1, the plan first issued on
    or before it; a plan without an issue date counts, as the list says it is in place), with
    the date its 12 months run from (the last review, else the plan's first issue), the days
    since, and whether those 12 months had ended by the as-of date (`overdue`, from the
    anniversary on; NULL when neither date is known).

    A last review dated after the as-of date had not happened on it, and the list does not say
    which review came before: the clock's start is not known (NULL), and `overdue` is FALSE only
    if the plan's first 12 months still ran on the as-of date (its first review not yet due),
    else NULL."""
    return f"""
    WITH clocked AS (
        SELECT *, CASE WHEN last_reviewed_date IS NULL OR last_reviewed_date <= $as_of
                       THEN coalesce(last_reviewed_date, plan_issued_date) END AS review_clock_from
        FROM cohort
        WHERE support = 'EHC plan' AND (plan_issued_date IS NULL OR plan_issued_date <= $as_of)
            AND {la_in(f.las)})
    SELECT *, CAST($as_of - review_clock_from AS INTEGER) AS days_since_review,
        CASE WHEN review_clock_from IS NOT NULL
                 THEN $as_of > {review_period_end("review_clock_from")}
             WHEN $as_of <= {review_period_end("plan_issued_date")} THEN FALSE
        END AS overdue
    FROM clocked
    """


def cohort_reviews(con: duckdb.DuckDBPyConnection, f: Filters, by: str | None = None
                   ) -> pd.DataFrame:
    """Children with a plan on the as-of date (`with_plan`), of them those whose review clock is
    known (`measurable`) and those whose 12 months had ended (`not_reviewed_in_12_months`), and
    its share of the measurable (%), overall or by one of `COHORT_GROUPS`."""
    group = grouping(by, COHORT_GROUPS)
    out = query(con, f"""
        WITH base AS ({plan_cohort_base(f)})
        SELECT coalesce(CAST({group} AS VARCHAR), 'Not recorded') AS "group",
            count(*) AS with_plan,
            count(overdue) AS measurable,
            count(*) FILTER (WHERE overdue) AS not_reviewed_in_12_months
        FROM base GROUP BY ALL ORDER BY 1
    """, f)
    if by is None and out.empty:
        out = pd.DataFrame([{"group": "all", "with_plan": 0, "measurable": 0,
                             "not_reviewed_in_12_months": 0}])
    if by == "age_band":  # youngest first, not in the order of the labels' letters
        order = [label for _, _, label in AGE_BANDS] + ["over 25", "Not recorded"]
        out = out.sort_values("group", key=lambda g: g.map(order.index)).reset_index(drop=True)
    out = as_ints(out, ["with_plan", "measurable", "not_reviewed_in_12_months"])
    return add_pcts(out, {"not_reviewed_pct": ("not_reviewed_in_12_months", "measurable")})


def cohort_headline(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, Any]:
    """The cohort's headline figures, with the numerator and denominator beside the rate."""
    row = cohort_reviews(con, f).iloc[0]
    support = query(con, f"""
        SELECT count(*) FROM cohort
        WHERE support = 'SEN support' AND {la_in(f.las)}""", f).iloc[0, 0]
    overdue, measurable = int(row["not_reviewed_in_12_months"]), int(row["measurable"])
    return {
        "cohort_with_plan": int(row["with_plan"]),
        "plans_not_reviewed_in_12_months": overdue,
        "plans_not_reviewed_in_12_months_pct": pct(overdue, measurable),
        "plans_not_reviewed_in_12_months_denominator": measurable,
        "cohort_sen_support": int(support),
    }
