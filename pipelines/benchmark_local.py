"""The area's own figures for a calendar year, to set beside the DfE's published benchmarks.

They come from `pipelines.metrics` over the local records, so they are local data, not DfE
published statistics: definitions match where the records allow and differ where said.
Area totals only: no personal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines import metrics, published
from pipelines.db import one


@dataclass(frozen=True)
class LocalMeasure:
    metric: str  # a key of metrics.BASES
    dataset: str  # the table it reads
    definition: str  # how the local figure is made, and how it differs from the DfE's


LOCAL_MEASURES = {
    "within_20_weeks_pct_excl_exceptions": LocalMeasure(
        "ehcp_plans", "ehcp",
        "New EHC plans whose final plan was issued in the calendar year, issued within 20 weeks "
        "of the request, excluding plans with a 20-week exception: the DfE's definition applied "
        "to the local records."),
    "decided_within_6_weeks_pct": LocalMeasure(
        "ehcp_decisions_by_request_year", "ehcp",
        "Requests received in the calendar year and decided (to assess or not) by the as-of "
        "date, decided within 6 weeks of receipt: the DfE's basis (the year of the request). A "
        "request not yet decided is not counted, so a recent year can still change."),
    "annual_review_decisions_within_4_weeks_pct": LocalMeasure(
        "annual_review_decisions_sent", "annual_reviews",
        "Annual review decisions sent in the calendar year (by the as-of date), sent within 4 "
        "weeks of the review meeting: the DfE's basis (decisions sent, by the year sent). A "
        "decision still outstanding is not counted here; the local headline counts it late."),
}
APPEAL_RATE_NOTE = ("The appeal rate is appeals registered over appealable decisions; the local "
                    "records hold no count of appealable decisions, so no local rate is made.")
COLUMNS = ["measure", "area", "year", "value", "numerator", "denominator", "definition"]


def latest_complete_year(as_of: dt.date) -> int:
    """The last calendar year that had ended by the as-of date."""
    return as_of.year if as_of >= dt.date(as_of.year, 12, 31) else as_of.year - 1


def _calendar_year(la: str, year: int, as_of: dt.date) -> metrics.Filters:
    return metrics.Filters(dt.date(year, 1, 1), dt.date(year, 12, 31), as_of, las=(la,))


def _has_rows(con: duckdb.DuckDBPyConnection, table: str, la: str) -> bool:
    return published.has_table(con, table) and bool(one(
        con, f"SELECT count(*) FROM {table} WHERE local_authority = ?", [la])[0])


def local_figures(con: duckdb.DuckDBPyConnection, la: str, year: int, as_of: dt.date
                  ) -> pd.DataFrame:
    """The LA's own figure for each measure it can be made for, over one calendar year; a
    measure whose records hold nothing for the LA is left out (a rate over no cases has no
    value)."""
    rows = []
    for measure, local in LOCAL_MEASURES.items():
        if not _has_rows(con, local.dataset, la):
            continue
        overall = metrics.rates(con, local.metric, _calendar_year(la, year, as_of)).iloc[0]
        if overall.denominator:
            rows.append([measure, la, year, overall.pct, int(overall.numerator),
                         int(overall.denominator), local.definition])
    return pd.DataFrame(rows, columns=COLUMNS)


def local_appeals(con: duckdb.DuckDBPyConnection, la: str, year: int, as_of: dt.date) -> int | None:
    """SEND Tribunal appeals registered for the LA in the calendar year (local records); None if
    the records hold no appeal for it at all."""
    if not _has_rows(con, "tribunals", la):
        return None
    return int(metrics.rates(con, "tribunal_appeals", _calendar_year(la, year, as_of)).iloc[0]["items"])
