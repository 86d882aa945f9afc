"""The one aggregator: any base query into rates overall, by period or by a column, each with
its numerator and denominator, with and without lawful exceptions."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from pipelines.metrics.catalogue import BASES
from pipelines.metrics.core import SMALL_DENOMINATOR, Filters, pct, query

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


def overall(con: duckdb.DuckDBPyConnection, metric: str, f: Filters) -> dict[str, Any]:
    return rates(con, metric, f).iloc[0].to_dict()
