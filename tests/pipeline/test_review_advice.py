"""Health advice for an annual review is not under reg 8's six weeks: the headline counts advice
for assessments and re-assessments (and of no recorded stage), and advice for a review is its own
measure, due 2 weeks before the review meeting. Each figure worked by hand on the rows below."""

import datetime as dt

import pytest

from pipelines import metrics
from pipelines.db import reader
from tests.conftest import write_csv

REVIEWS = [
    ["Case ID", "LA", "Review Due Date", "Meeting Date"],
    ["C1", "Northshire", "30/06/2025", "20/06/2025"],  # advice due 06/06/2025
    ["C2", "Northshire", "31/07/2025", "15/07/2025"],  # advice due 01/07/2025
    ["C3", "Northshire", "15/04/2026", ""],  # not yet held: due date stands in, advice due 01/04
    ["C4", "Northshire", "01/09/2025", ""],  # not held, due passed: advice due 18/08/2025
]
ADVICE = [
    ["Advice ID", "Case ID", "LA", "Service", "Requested Date", "Returned Date", "Provider", "Stage"],
    ["A1", "C1", "Northshire", "SALT", "01/05/2025", "05/06/2025", "Trust", "Annual review"],  # met
    ["A2", "C2", "Northshire", "OT", "01/06/2025", "10/07/2025", "Trust", "Annual review"],  # late
    ["A3", "C3", "Northshire", "OT", "01/03/2026", "", "Trust", "Annual review"],  # not yet due
    ["A4", "C4", "Northshire", "SALT", "01/07/2025", "", "Trust", "Annual review"],  # late, open
    ["A5", "C9", "Northshire", "SALT", "01/07/2025", "", "Trust", "Annual review"],  # no review
    ["A6", "C1", "Northshire", "SALT", "01/05/2025", "05/06/2025", "Trust", "New"],  # 35 days: met
    # 55 days: late at six weeks, but in time for C2's meeting (due 01/07/2025)
    ["A7", "C2", "Northshire", "Physio", "01/05/2025", "25/06/2025", "Trust", "Annual review"],
    ["A8", "C5", "Northshire", "OT", "01/05/2025", "30/06/2025", "Trust", ""],  # 60 days: late
    # C2's first review after it is 226 days on: too far to be the one it is for
    ["A9", "C2", "Northshire", "OT", "01/12/2024", "", "Trust", "Annual review"],
    ["A10", "C6", "Northshire", "OT", "01/01/2026", "", "Trust", "Re-assessment"],  # overdue
]
PERIOD = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31))


@pytest.fixture
def advice_db(db, load, tmp_path):
    for name, rows in (("reviews.csv", REVIEWS), ("advice.csv", ADVICE)):
        result = load(write_csv(tmp_path / name, rows))
        assert result.status == "loaded" and result.rejected == 0, result.rejects
    return db


@pytest.mark.parametrize("metric, numerator, denominator, items", [
    ("health_advice", 1, 3, 3),  # A6 of A6 A8 A10: no advice for a review
    ("review_advice", 2, 4, 4),  # A1 A7 of A1 A2 A4 A7 (A3 due after the period, A5 A9 no due)
])
def test_review_advice_is_measured_apart(advice_db, metric, numerator, denominator, items):
    with reader(advice_db) as con:
        row = metrics.rates(con, metric, PERIOD).iloc[0]
    assert (row.numerator, row.denominator, row["items"]) == (numerator, denominator, items)


def test_each_review_advice_is_due_2_weeks_before_its_meeting(advice_db):
    with reader(advice_db) as con:
        base = con.execute(f"SELECT advice_id, due_date, counted, met FROM "
                           f"({metrics.review_advice_base(PERIOD)}) ORDER BY advice_id",
                           {"as_of": PERIOD.as_of}).fetchall()
    assert base == [
        ("A1", dt.date(2025, 6, 6), True, True),
        ("A2", dt.date(2025, 7, 1), True, False),
        ("A3", dt.date(2026, 4, 1), False, False),
        ("A4", dt.date(2025, 8, 18), True, False),
        ("A5", None, False, False),
        ("A7", dt.date(2025, 7, 1), True, True),
        ("A9", None, False, False),
    ]


def test_overdue_advice_lists_advice_for_assessments_only(advice_db):
    with reader(advice_db) as con:
        overdue = metrics.overdue_advice(con, PERIOD)
    # A4, A5 and A9 are open 42 days after their request, but for reviews: not under reg 8.
    assert overdue.advice_id.tolist() == ["A10"]
