"""The one aggregator: any base query into rates overall, by period or by a column, each with
its numerator and denominator, with and without lawful exceptions."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from pipelines.metrics.catalogue import BASES
from pipelines.metrics.core import SMALL_DENOMINATOR, Filters, pct, query
from pipelines.periods import ALL_GRAINS, labels, start_sql


def rates(con: duckdb.DuckDBPyConnection, metric: str, f: Filters, by: str | None = None
          ) -> pd.DataFrame:
    """Numerator, denominator and percentage of a metric over the period, optionally grouped by
    a period grain (month, quarter, financial_year, calendar_year) or a column (service, ...).
    By a period grain, `group` is the period's label ('2025-04', '2025 Q2', '2025-26', '2025')
    and `start` its first day.

    `numerator`/`denominator` exclude items with a lawful exception (the headline);
    `numerator_incl`/`denominator_incl` include them. `items` counts every item anchored in the
    period, counted yet or not.
    """
    base = BASES[metric](f)
    grain = by in ALL_GRAINS
    group = start_sql(by) if grain else by or "'all'"
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
    if grain:  # grouped by each period's first day; the label is made from it
        out = out.rename(columns={"group": "start"})
        out.insert(0, "group", labels(by, out["start"]))
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
