"""Health service waiting lists from providers' monthly returns."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from pipelines.metrics.core import (
    AUTISM_ASSESSMENT_WEEKS,
    Filters,
    add_pcts,
    as_ints,
    grouping,
    la_in,
    query,
    sql_in,
)
from pipelines.periods import labels

# ---- health service waiting times ------------------------------------------------------------

WAITING_GROUPS = {"service": "service", "provider": "provider", "local_authority": "local_authority"}


def _waiting_rows(f: Filters) -> str:
    """Monthly snapshots known by the as-of date (a month's return describes its last day, so it
    counts only once that day has passed), within the LA and service filters. A row for a whole
    area (no local authority, stored as '') is left out when LAs are chosen."""
    return f"""
    SELECT * FROM waiting_times
    WHERE last_day(month) <= $as_of
        AND {la_in(f.las)} AND {sql_in('service', f.services)}
    """


# Counts summed as given: a sum that takes in a count suppressed at source is withheld (NULL),
# never a total that reads the unknown part as 0; `<count>_suppressed` says how many.
_WITHHELD = ("waiting_total", "referrals_received")


def _waiting_shares(out: pd.DataFrame) -> pd.DataFrame:
    counts = ["waiting_total_given", "waiting_total_suppressed", "over_18_weeks",
              "total_reporting_18", "over_18_weeks_suppressed", "over_52_weeks",
              "total_reporting_52", "over_52_weeks_suppressed", "referrals_received_suppressed"]
    out = as_ints(out, counts)
    for col in _WITHHELD:  # no figure returned at all reads 0, as before; one suppressed, NULL
        out[col] = out[col].where(out[f"{col}_suppressed"] > 0, out[col].fillna(0)).astype("Int64")
    return add_pcts(out, {"over_18_weeks_pct": ("over_18_weeks", "total_reporting_18"),
                       "over_52_weeks_pct": ("over_52_weeks", "total_reporting_52")})


def _share_sums(weeks: str) -> str:
    """A share's parts over the returns that give both the count over `weeks` and the total,
    and how many returns it leaves out because one of the two was suppressed at source."""
    part, whole = f"waiting_over_{weeks}_weeks", "waiting_total"
    return f"""
    sum({part}) FILTER (WHERE {whole} IS NOT NULL) AS over_{weeks}_weeks,
    sum({whole}) FILTER (WHERE {part} IS NOT NULL) AS total_reporting_{weeks},
    count(*) FILTER (WHERE {part}_symbol IS NOT NULL
                     OR ({whole}_symbol IS NOT NULL AND {part} IS NOT NULL))
        AS over_{weeks}_weeks_suppressed"""


_WAITING_SUMS = f"""
    CASE WHEN count(waiting_total_symbol) = 0 THEN sum(waiting_total) END AS waiting_total,
    sum(waiting_total) AS waiting_total_given,
    count(waiting_total_symbol) AS waiting_total_suppressed,{_share_sums("18")},{_share_sums("52")},
    CASE WHEN count(referrals_received_symbol) = 0 THEN sum(referrals_received) END
        AS referrals_received,
    count(referrals_received_symbol) AS referrals_received_suppressed"""


def waiting_times_trend(con: duckdb.DuckDBPyConnection, f: Filters, by: str | None = "service"
                        ) -> pd.DataFrame:
    """Children waiting, month by month (snapshot months from the month of `date_from` to
    `date_to`, labelled '2025-04', with the month's first day as `start`), summed over providers
    and LAs within each group: the total
    waiting, those waiting over 18 and over 52 weeks and their shares of the total (%; over the
    rows that report that count: `total_reporting_18`, `total_reporting_52`), and referrals
    received in the month. A return's subtotals (no LA, the sum of its LA rows) are passed
    over as it loads (`subtotals`), so summing does not count their children twice.
    A count a provider suppressed at source ("<5", "*") is unknown, never 0: a total or
    referrals figure that would take one in is withheld (NULL; `waiting_total_given` sums the
    figures given), a share leaves out the returns missing a part, and `<count>_suppressed`
    counts the returns concerned. `by`: 'service' (default), 'provider', 'local_authority' or
    None."""
    group = grouping(by, WAITING_GROUPS)
    out = query(con, f"""
        WITH rows AS ({_waiting_rows(f)})
        SELECT CAST(month AS DATE) AS start, {group} AS "group", {_WAITING_SUMS}
        FROM rows
        WHERE month BETWEEN date_trunc('month', $date_from) AND $date_to
        GROUP BY ALL ORDER BY 1, 2
    """, f)
    out.insert(0, "month", labels("month", out["start"]))
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
        SELECT service, {split}CAST(month AS DATE) AS start, {_WAITING_SUMS},
            max(median_weeks_waiting) AS median_weeks_waiting_worst,
            CASE WHEN service = 'Autism Assessment' THEN {AUTISM_ASSESSMENT_WEEKS} END AS nice_weeks
        FROM rows JOIN latest USING (service, month)
        GROUP BY ALL ORDER BY ALL
    """, f)
    out.insert(1 + bool(by), "month", labels("month", out["start"]))
    out = _waiting_shares(out)
    out["median_over_nice"] = [bool(m > n) if not (pd.isna(m) or pd.isna(n)) else None
                               for m, n in zip(out.median_weeks_waiting_worst, out.nice_weeks,
                                               strict=True)]
    return out


def waiting_latest(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(current, whole): each service's current position (`waiting_times_current`), and the whole
    waiting list at the latest month any service reported on or before the as-of date, as
    `waiting_times_trend` (by=None) sums it for that month: one row, none without returns."""
    current = waiting_times_current(con, f)
    if current.empty:
        return current, current.iloc[0:0]
    first = dt.date.fromisoformat(f"{current['month'].max()}-01")
    one_month = dataclasses.replace(f, date_from=first, date_to=min(f.as_of, first))
    return current, waiting_times_trend(con, one_month, None)


def waiting_headline(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, Any]:
    """The whole waiting list at its latest month (`waiting_latest`) for the headline set: the
    children waiting (None when a return suppressed a service's total: `waiting_total_given`
    sums the totals given), and the shares over 18 and 52 weeks with their parts, each with the
    number of returns whose figure was suppressed at source."""
    _, whole = waiting_latest(con, f)
    row = whole.iloc[0] if len(whole) else None

    def count(col: str) -> int | None:
        return None if row is None or pd.isna(row[col]) else int(row[col])

    out: dict[str, Any] = {
        "waiting_list_month": None if row is None else str(row["month"]),
        "waiting_total": count("waiting_total"),
        "waiting_total_given": count("waiting_total_given") or 0,
        "waiting_total_suppressed": count("waiting_total_suppressed") or 0,
    }
    for weeks in ("18", "52"):
        pct = None if row is None else row[f"over_{weeks}_weeks_pct"]
        out |= {
            f"waiting_over_{weeks}_weeks_pct": None if pct is None or pd.isna(pct) else float(pct),
            f"waiting_over_{weeks}_weeks_numerator": count(f"over_{weeks}_weeks") or 0,
            f"waiting_over_{weeks}_weeks_denominator": count(f"total_reporting_{weeks}") or 0,
            f"waiting_over_{weeks}_weeks_suppressed": count(f"over_{weeks}_weeks_suppressed") or 0,
        }
    return out
