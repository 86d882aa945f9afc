"""Reporting periods: labels match the groups pipelines.metrics.rates() returns, and shifting a
span back keeps month ends as month ends."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines import metrics
from pipelines.db import reader
from pipelines.periods import parse, period_of, periods_between, shift_months


@pytest.mark.parametrize(("grain", "day", "label", "start", "end"), [
    ("month", dt.date(2026, 2, 14), "2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ("quarter", dt.date(2026, 5, 1), "2026 Q2", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    ("financial_year", dt.date(2026, 3, 31), "2025-26", dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
    ("financial_year", dt.date(2026, 4, 1), "2026-27", dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
    ("financial_year", dt.date(1999, 6, 1), "1999-00", dt.date(1999, 4, 1), dt.date(2000, 3, 31)),
    ("calendar_year", dt.date(2024, 7, 7), "2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ("academic_year", dt.date(2025, 8, 31), "2024/25", dt.date(2024, 9, 1), dt.date(2025, 8, 31)),
    ("academic_year", dt.date(2025, 9, 1), "2025/26", dt.date(2025, 9, 1), dt.date(2026, 8, 31)),
    ("term", dt.date(2026, 2, 28), "Spring 2026", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    ("term", dt.date(2026, 8, 31), "Summer 2026", dt.date(2026, 4, 1), dt.date(2026, 8, 31)),
    ("term", dt.date(2026, 9, 1), "Autumn 2026", dt.date(2026, 9, 1), dt.date(2026, 12, 31)),
])
def test_period_of_a_day(grain: str, day: dt.date, label: str, start: dt.date, end: dt.date
                         ) -> None:
    period = period_of(grain, day)
    assert (period.label, period.start, period.end) == (label, start, end)
    assert parse(grain, label) == period


@pytest.mark.parametrize(("grain", "label"), [
    ("month", "2026-13"), ("quarter", "2026 Q5"), ("financial_year", "2025-27"),
    ("calendar_year", "26"), ("month", ""), ("academic_year", "2025/27"), ("term", "Winter 2026"),
])
def test_labels_of_no_period(grain: str, label: str) -> None:
    assert parse(grain, label) is None


@pytest.mark.parametrize(("day", "months", "expected"), [
    (dt.date(2026, 10, 31), -1, dt.date(2026, 9, 30)),
    (dt.date(2026, 11, 16), -12, dt.date(2025, 11, 16)),
    (dt.date(2024, 2, 29), -12, dt.date(2023, 2, 28)),
    (dt.date(2026, 3, 30), -1, dt.date(2026, 2, 28)),
    (dt.date(2026, 1, 15), 1, dt.date(2026, 2, 15)),
])
def test_shift_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert shift_months(day, months) == expected


def test_periods_between_cover_the_span() -> None:
    labels = [p.label for p in periods_between("quarter", dt.date(2025, 11, 3), dt.date(2026, 4, 1))]
    assert labels == ["2025 Q4", "2026 Q1", "2026 Q2"]


@pytest.mark.parametrize("grain", ["month", "quarter", "financial_year", "calendar_year"])
def test_labels_match_the_metric_groups(sample_db: object, fy_filters: metrics.Filters,
                                        grain: str) -> None:
    with reader(sample_db) as con:  # type: ignore[arg-type]
        groups = metrics.rates(con, "ehcp_plans", fy_filters, grain)["group"].astype(str)
    expected = {p.label for p in periods_between(grain, fy_filters.date_from, fy_filters.date_to)}
    assert set(groups) <= expected and groups.tolist()
