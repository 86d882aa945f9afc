"""Personal health budgets and complaints or Ombudsman cases with a health aspect."""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.metrics.core import (
    Filters,
    add_pcts,
    as_ints,
    calendar_sql,
    empty_overall,
    grouping,
    la_in,
    query,
    with_period_labels,
)

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
    group = grouping(by, PHB_GROUPS)
    out = query(con, f"""
        SELECT {group} AS "group", count(*) AS active,
            count(*) FILTER (WHERE coalesce(continuing_care, FALSE)) AS continuing_care
        FROM phb
        WHERE start_date <= $as_of AND (end_date IS NULL OR end_date >= $as_of)
            AND {la_in(f.las)}
        GROUP BY ALL ORDER BY 1
    """, f)
    out = as_ints(empty_overall(out, by, {"active": 0, "continuing_care": 0}),
                ["active", "continuing_care"])
    return add_pcts(out, {"continuing_care_pct": ("continuing_care", "active")})


def phb_trend(con: duckdb.DuckDBPyConnection, f: Filters, grain: str = "month") -> pd.DataFrame:
    """Per period of `grain` from `date_from` to `date_to`: budgets started, budgets ended (on or
    before the as-of date), and budgets active on the period's last day (or the as-of date, if
    earlier), with those of continuing care."""
    cal = calendar_sql(f, grain)
    columns = ["period", "start", "started", "ended", "active_at_end",
               "continuing_care_active_at_end"]
    if cal is None:
        return pd.DataFrame(columns=columns)
    out = query(con, f"""
        WITH budgets AS (
            SELECT * FROM phb WHERE start_date <= $as_of AND {la_in(f.las)}
        )
        SELECT period_start,
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
        GROUP BY period_start ORDER BY period_start
    """, f)
    return with_period_labels(as_ints(out, columns[2:]), grain)


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
            AND {la_in(f.las)}
        ORDER BY days_overdue DESC NULLS LAST, local_authority, complaint_ref
    """, f)


