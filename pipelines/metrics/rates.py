"""The one aggregator: any base query into rates overall, by period or by a column, each with
its numerator and denominator, with and without lawful exceptions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics.catalogue import BASES
from pipelines.metrics.core import SMALL_DENOMINATOR, Filters, pct, query, remembered
from pipelines.periods import ALL_GRAINS, labels, period_of

COUNT_COLUMNS = ("denominator", "numerator", "denominator_incl", "numerator_incl", "items")
COUNTS = """
        CAST(count_if(counted AND NOT excepted) AS BIGINT) AS denominator,
        CAST(count_if(counted AND NOT excepted AND met) AS BIGINT) AS numerator,
        CAST(count_if(counted) AS BIGINT) AS denominator_incl,
        CAST(count_if(counted AND met) AS BIGINT) AS numerator_incl,
        count(*) AS items"""


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
    if by is None or grain:  # sums of the base's counts by day, which a page's reads share
        out = _sum_days(daily_counts(con, metric, f), f, by)
    elif by in BREAKDOWNS.get(metric, ()):
        out = breakdowns(con, metric, f)[by].copy()  # the session's copy stays as it was
    else:
        out = query(con, f"""
        WITH base AS ({base})
        SELECT {by} AS "group", {COUNTS}
        FROM base
        WHERE anchor BETWEEN $date_from AND $date_to
        GROUP BY ALL ORDER BY 1
        """, f)
    if grain:  # grouped by each period's first day; the label is made from it
        out = out.rename(columns={"group": "start"})
        out.insert(0, "group", labels(by, out["start"]))
    if by is None and out.empty:
        out = pd.DataFrame([{"group": "all", "denominator": 0, "numerator": 0,
                             "denominator_incl": 0, "numerator_incl": 0, "items": 0}])
    for col in COUNT_COLUMNS:
        out[col] = out[col].astype(int)
    out["pct"] = [pct(n, d) for n, d in zip(out.numerator, out.denominator, strict=True)]
    out["pct_incl"] = [pct(n, d) for n, d in zip(out.numerator_incl, out.denominator_incl,
                                                   strict=True)]
    out["small"] = out.denominator < SMALL_DENOMINATOR
    return out


# The columns a page breaks a metric down by side by side (the health advice page's tabs):
# asked for one, `rates` counts them all in one pass over the base, which the session keeps.
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "health_advice": ("service", "provider", "local_authority")}


def breakdowns(con: duckdb.DuckDBPyConnection, metric: str, f: Filters
               ) -> dict[str, pd.DataFrame]:
    """The counts `rates` makes by each of the metric's BREAKDOWNS columns over the period, as
    {column: frame with `group` and the counts, ordered by group}, from one query (GROUPING
    SETS). Remembered for the session."""
    columns = BREAKDOWNS[metric]

    def work_out() -> dict[str, pd.DataFrame]:
        listed = ", ".join(columns)
        sets = ", ".join(f"({c})" for c in columns)
        frame = query(con, f"""
        WITH base AS ({BASES[metric](f)})
        SELECT GROUPING({listed}) AS grouping_id, {listed}, {COUNTS}
        FROM base
        WHERE anchor BETWEEN $date_from AND $date_to
        GROUP BY GROUPING SETS ({sets})
        ORDER BY grouping_id, {listed}
        """, f)
        out = {}
        for i, column in enumerate(columns):  # GROUPING() has a bit set for each column left out
            mine = (1 << len(columns)) - 1 - (1 << (len(columns) - 1 - i))
            part = frame[frame["grouping_id"] == mine]
            out[column] = part[[column, *COUNT_COLUMNS]].rename(
                columns={column: "group"}).reset_index(drop=True)
        return out

    return remembered(("breakdowns", id(con), metric, f), work_out)


def daily_counts(con: duckdb.DuckDBPyConnection, metric: str, f: Filters) -> pd.DataFrame:
    """The counts `rates` makes, for each day items of the base are anchored on (every period,
    as of `f.as_of`, for `f`'s areas and services): a few thousand rows from which any period
    and grain is summed. Remembered for the session, so a page asking for a metric over several
    periods and grains scans its base once. A base never depends on the period asked for."""
    def work_out() -> pd.DataFrame:
        return query(con, f"""
        WITH base AS ({BASES[metric](f)})
        SELECT anchor AS day, {COUNTS}
        FROM base WHERE anchor IS NOT NULL
        GROUP BY ALL
        """, f)

    return remembered(("daily_counts", id(con), metric, f.as_of, f.las, f.services), work_out)


def _sum_days(days: pd.DataFrame, f: Filters, by: str | None) -> pd.DataFrame:
    """The days' counts in the period, summed overall (`by` None, no row if none) or by the
    first day of each period of a grain, in order. Every grain's periods begin on a month's
    first day, so each month present is placed by `period_of`."""
    day = days["day"].to_numpy()
    kept = (day >= np.datetime64(f.date_from)) & (day <= np.datetime64(f.date_to))
    counts = days[list(COUNT_COLUMNS)].to_numpy()[kept]
    if by is None:
        rows = [["all", *counts.sum(axis=0).tolist()]] if len(counts) else []
        return pd.DataFrame(rows, columns=["group", *COUNT_COLUMNS])
    months, in_month = np.unique(day[kept].astype("datetime64[M]"), return_inverse=True)
    firsts = np.array([np.datetime64(period_of(by, month.astype(dt.date)).start, "us")
                       for month in months], dtype="datetime64[us]")
    starts, in_period = np.unique(firsts, return_inverse=True)
    sums = np.zeros((len(starts), len(COUNT_COLUMNS)), dtype=np.int64)
    np.add.at(sums, in_period[in_month], counts)
    out = pd.DataFrame(sums, columns=list(COUNT_COLUMNS))
    out.insert(0, "group", pd.Series(starts, dtype="datetime64[us]"))
    return out


def overall(con: duckdb.DuckDBPyConnection, metric: str, f: Filters) -> dict[str, Any]:
    return rates(con, metric, f).iloc[0].to_dict()
