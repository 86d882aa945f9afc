"""The statutory clocks at their edges, worked by hand: day 42 is within 6 weeks and day 43 is not
(decisions whether to assess, health advice), day 35 and 36 for the Tribunal's health
recommendations, a February 29th inside the clock, a due date on the as-of date itself (not yet
late) and the day before it (late), a return dated after the as-of date (not yet returned), and
the date that places each item in a financial year, a calendar year and a quarter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipelines import metrics
from pipelines.db import reader
from tests.conftest import ADVICE_HEADER, EHCP_HEADER, TRIBUNAL_HEADER, write_csv

AS_OF = dt.date(2026, 3, 31)
YEAR = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), AS_OF)  # FY 2025-26
YEARS = metrics.Filters(dt.date(2023, 4, 1), dt.date(2026, 3, 31), AS_OF)

DECISIONS = [
    ["D1", "Northshire", "01/02/2025", "15/03/2025", "Y", "", "", "", ""],  # 42 days: within
    ["D2", "Northshire", "01/02/2025", "16/03/2025", "Y", "", "", "", ""],  # 43 days: late
    ["D3", "Northshire", "19/01/2024", "01/03/2024", "N", "", "", "", ""],  # 42 with 29/02: within
    ["D4", "Northshire", "18/01/2024", "01/03/2024", "Y", "", "", "", ""],  # 43 with 29/02: late
    ["D5", "Northshire", "20/02/2025", "31/03/2025", "Y", "", "", "", ""],  # 39: last day of FY
    ["D6", "Northshire", "20/02/2025", "01/04/2025", "Y", "", "", "", ""],  # 40: first day of FY
]
ADVICE = [
    ["A1", "C1", "Northshire", "SALT", "17/02/2026", "", "", "", "", ""],  # due 31/03/2026: today
    ["A2", "C2", "Northshire", "SALT", "16/02/2026", "", "", "", "", ""],  # due 30/03/2026: late
    ["A3", "C3", "Northshire", "OT", "18/02/2025", "01/04/2025", "", "", "", ""],  # 42, due 01/04
    ["A4", "C4", "Northshire", "OT", "17/02/2025", "31/03/2025", "", "", "", ""],  # 42, due 31/03
    ["A5", "C5", "Northshire", "OT", "19/01/2024", "01/03/2024", "", "", "", ""],  # 42 over 29/02
    ["A6", "C6", "Northshire", "OT", "01/01/2026", "20/04/2026", "", "", "", ""],  # after as-of
]
TRIBUNALS = [
    ["T1", "", "Northshire", "01/06/2025", "", "Y", "", "", "Y", "01/09/2025", "06/10/2025"],  # 35
    ["T2", "", "Northshire", "01/06/2025", "", "Y", "", "", "Y", "01/09/2025", "07/10/2025"],  # 36
    ["T3", "", "Northshire", "01/12/2025", "", "Y", "", "", "Y", "24/02/2026", ""],  # due today
    ["T4", "", "Northshire", "01/12/2025", "", "Y", "", "", "Y", "23/02/2026", ""],  # due yesterday
]


@pytest.fixture
def edges_db(db: Path, load, tmp_path: Path) -> Path:
    # Exported after the as-of date, so A6's return (20/04/2026) is in the file.
    for name, header, rows in (("ehcp.csv", EHCP_HEADER, DECISIONS),
                               ("advice.csv", ADVICE_HEADER, ADVICE),
                               ("tribunals.csv", TRIBUNAL_HEADER, TRIBUNALS)):
        result = load(write_csv(tmp_path / name, [header, *rows]), as_of=dt.date(2026, 6, 1))
        assert result.status == "loaded" and result.rejected == 0, result.rejects
    return db


def _counts(frame) -> dict[str, tuple[int, int]]:
    return {g: (int(n), int(d)) for g, n, d in
            zip(frame["group"], frame["numerator"], frame["denominator"], strict=True)}


def test_decisions_at_day_42_and_43_and_by_the_decision_s_year(edges_db: Path) -> None:
    with reader(edges_db) as con:
        fy = metrics.rates(con, "ehcp_decisions", YEARS, "financial_year")
        cy = metrics.rates(con, "ehcp_decisions", YEARS, "calendar_year")
        quarters = metrics.rates(con, "ehcp_decisions", YEARS, "quarter")
    # FY 2023-24: D3 in time, D4 late. FY 2024-25: D1 D5 in time, D2 late. FY 2025-26: D6.
    assert _counts(fy) == {"2023-24": (1, 2), "2024-25": (2, 3), "2025-26": (1, 1)}
    # Calendar 2024 (from April 2023 on): D3 D4; 2025: D1 D2 D5 D6.
    assert _counts(cy) == {"2024": (1, 2), "2025": (3, 4)}
    assert _counts(quarters) == {"2024 Q1": (1, 2), "2025 Q1": (2, 3), "2025 Q2": (1, 1)}


def test_health_advice_at_its_edges(edges_db: Path) -> None:
    with reader(edges_db) as con:
        year = metrics.rates(con, "health_advice", YEAR).iloc[0]
        fy = metrics.rates(con, "health_advice", YEARS, "financial_year")
        overdue = metrics.overdue_advice(con, YEAR)
    # Due in FY 2025-26: A1 (due on the as-of date: not yet counted), A2 (late), A3 (42 days,
    # due 01/04/2025: in time), A6 (returned after the as-of date: open and late on it).
    assert (year["items"], year["numerator"], year["denominator"]) == (4, 1, 3)
    assert _counts(fy) == {"2023-24": (1, 1), "2024-25": (1, 1), "2025-26": (1, 3)}
    assert dict(zip(overdue.advice_id, overdue.days_overdue, strict=True)) == {"A6": 47, "A2": 1}


def test_tribunal_responses_at_day_35_and_36(edges_db: Path) -> None:
    with reader(edges_db) as con:
        row = metrics.rates(con, "tribunal_responses", YEAR).iloc[0]
        listed = metrics.tribunal_responses(con, YEAR).set_index("appeal_id")["status"].to_dict()
    assert (row["items"], row["numerator"], row["denominator"]) == (4, 1, 3)
    assert listed == {"T1": "responded in time", "T2": "responded late",
                      "T3": "awaiting response", "T4": "overdue"}
