"""Health's contribution to EHC plans: new plans issued in the period joined to the health advice
asked for the same case (case id and local authority), so a board and an inspector can see how
often a plan late past 20 weeks also had late health advice, and which services it was.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.metrics.bases import advice_base, plan_base
from pipelines.metrics.core import Filters, add_pcts, query

ALL_SERVICES = "All services"
CONTRIBUTION_COLUMNS = ["group", "plans", "plans_with_advice", "within", "within_advice_on_time",
                        "late", "late_advice_late", "within_advice_on_time_pct",
                        "late_advice_late_pct"]


def health_contribution(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row for all services, then one per service. A plan is a new plan issued in the period
    without a lawful reg 10(4) exception; its health advice is the requests for the same case and
    local authority that count by the as-of date (returned, or past their due date). A plan's
    advice is on time when every such request was returned within 6 weeks, late when any was not
    (for a service's row: that service's requests). Plans with no advice recorded count in
    `plans` only.

    `within`: plans issued within 20 weeks that had advice; `within_advice_on_time`: of them,
    those whose advice was on time. `late`: plans issued after 20 weeks that had advice;
    `late_advice_late`: of them, those whose advice was late."""
    # A plan is one record of `ehcp`, whose key is the LA and case id (the load keeps one record
    # per key), so its row number stands for both: the groupings below are by a number, and the
    # plans' advice is joined once. Advice not yet counted is left out in the aggregate, not
    # before the join: filtered first, DuckDB took the requests for the smaller side and built
    # its hash table on them (1.5 million rows against 450,000 plans over five years).
    sql = f"""
    WITH plans AS (
        SELECT local_authority, case_id, met AS plan_on_time, row_number() OVER () AS plan
        FROM ({plan_base(f)}) WHERE anchor BETWEEN $date_from AND $date_to AND NOT excepted
    ),
    per_service AS (  -- each plan's advice that counts, one row a service
        SELECT p.plan, any_value(p.plan_on_time) AS plan_on_time, a.service,
            bool_and(a.met) FILTER (WHERE a.counted) AS advice_on_time
        FROM ({advice_base(f)}) a JOIN plans p
            ON a.local_authority = p.local_authority AND a.case_id = p.case_id
        GROUP BY p.plan, a.service HAVING count_if(a.counted) > 0
    ),
    per_plan AS (  -- the plans with advice
        SELECT plan, any_value(plan_on_time) AS plan_on_time,
            bool_and(advice_on_time) AS advice_on_time, count(service) AS services
        FROM per_service GROUP BY plan
    ),
    final AS (
        SELECT '{ALL_SERVICES}' AS "group", 0 AS sort, (SELECT count(*) FROM plans) AS plans,
            count(*) FILTER (WHERE services > 0) AS plans_with_advice,
            count(*) FILTER (WHERE services > 0 AND plan_on_time) AS within,
            count(*) FILTER (WHERE services > 0 AND plan_on_time AND advice_on_time)
                AS within_advice_on_time,
            count(*) FILTER (WHERE services > 0 AND NOT plan_on_time) AS late,
            count(*) FILTER (WHERE services > 0 AND NOT plan_on_time AND NOT advice_on_time)
                AS late_advice_late
        FROM per_plan
        UNION ALL
        SELECT service, 1, count(*), count(*),
            count(*) FILTER (WHERE plan_on_time),
            count(*) FILTER (WHERE plan_on_time AND advice_on_time),
            count(*) FILTER (WHERE NOT plan_on_time),
            count(*) FILTER (WHERE NOT plan_on_time AND NOT advice_on_time)
        FROM per_service GROUP BY service
    )
    SELECT * EXCLUDE (sort) FROM final ORDER BY sort, "group"
    """
    out = query(con, sql, f)
    for column in CONTRIBUTION_COLUMNS[1:7]:
        out[column] = out[column].astype(int)
    return add_pcts(out, {"within_advice_on_time_pct": ("within_advice_on_time", "within"),
                          "late_advice_late_pct": ("late_advice_late", "late")})


# The local quality audit scale of health advice (the `quality_score` column), 1 to 4, read
# against the Code of Practice's ask (9.49) for advice that is clear, specific and quantified.
QUALITY_RUBRIC: dict[int, str] = {
    4: "Clear, specific and quantified: needs and outcomes stated, and each provision says what, "
       "who delivers it, how often and for how long.",
    3: "Mostly specific: needs and provision described, but some provision not quantified.",
    2: "General: needs described, provision vague ('would benefit from', 'access to').",
    1: "Not usable as written: no provision specified, or not about the child's special "
       "educational needs.",
}
