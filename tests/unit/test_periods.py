"""The one period engine: the SQL a query groups by (each period's first day) agrees with the
periods made in Python for every day, and the board pack's quarter is read from the spellings a
person types, with no label ever parsed back from a query."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from pipelines.periods import (
    ALL_GRAINS,
    labels,
    parse_quarter,
    period_of,
    shorts,
    start_sql,
    with_periods,
)

DAYS = [dt.date(2023, 12, 25) + dt.timedelta(days=n) for n in range(0, 900, 3)]


@pytest.mark.parametrize("grain", ALL_GRAINS)
def test_sql_groups_each_day_by_the_first_day_of_its_period(grain: str) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (anchor DATE)")
    con.executemany("INSERT INTO t VALUES (?)", [(d,) for d in DAYS])
    got = con.execute(f"SELECT anchor, {start_sql(grain)} FROM t ORDER BY anchor").fetchall()
    assert [start for _, start in got] == [period_of(grain, day).start for day in DAYS]


def test_labels_and_axis_labels_come_from_first_days() -> None:
    starts = [dt.date(2025, 10, 1), dt.date(2026, 1, 1)]
    assert labels("month", starts) == ["2025-10", "2026-01"]
    assert shorts("month", starts) == ["Oct 2025", "Jan 2026"]
    assert labels("quarter", starts) == ["2025 Q4", "2026 Q1"]
    assert labels("financial_year", starts) == ["2025-26", "2025-26"]
    assert labels("academic_year", starts) == ["2025/26", "2025/26"]
    assert labels("term", starts) == ["Autumn 2025", "Spring 2026"]


def test_an_unknown_grain_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown period grain 'week'"):
        start_sql("week")


@pytest.mark.parametrize(("text", "name"), [
    ("2025Q4", "Q3 2025/26"), ("FY2025-26Q3", "Q3 2025/26"), ("2026 Q1", "Q4 2025/26"),
    ("FY2026/27 Q1", "Q1 2026/27"),
])
def test_a_quarter_typed_either_way_is_named_the_nhs_way(text: str, name: str) -> None:
    assert parse_quarter(text).on("financial").name == name


def test_periods_with_nothing_in_them_are_shown_as_gaps_not_joined_over() -> None:
    frame = pd.DataFrame({
        "group": ["2025-26", "2027-28"], "numerator": [3, 4], "denominator": [4, 8],
        "pct": [75.0, 50.0], "small": [True, False],
        "start": pd.to_datetime(["2025-04-01", "2027-04-01"])})
    out = with_periods(frame, "financial_year")
    assert list(out["period"]) == ["2025-26", "2026-27", "2027-28"]
    gap = out.iloc[1]
    assert (gap["group"], gap["numerator"], gap["denominator"], gap["small"]) == (
        "2026-27", 0, 0, True)
    assert pd.isna(gap["pct"]) and out["pct"].dtype == float
    assert list(out["numerator"]) == [3, 0, 4]  # the rows either side as they were, in order
    months = with_periods(frame.assign(start=pd.to_datetime(["2025-11-01", "2026-02-01"]),
                                       group=["2025-11", "2026-02"]), "month")
    assert list(months["period"]) == ["Nov 2025", "Dec 2025", "Jan 2026", "Feb 2026"]
    assert with_periods(frame.iloc[:1], "month")["period"].tolist() == ["Apr 2025"]
