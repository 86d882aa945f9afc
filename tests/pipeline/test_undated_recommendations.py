"""A Tribunal health recommendation recorded as made with no date it was sent cannot be timed:
the row loads, is left out of the 5-week rate, and is queried by name of row and column, as is
a date beside a recommendation recorded as not made."""

from __future__ import annotations

import datetime as dt

from pipelines import metrics
from pipelines.db import reader
from tests.conftest import write_csv

AS_OF = dt.date(2025, 11, 30)
HEADER = ["Tribunal Ref", "Local Authority", "Date Registered", "Health Aspects", "Hearing Date",
          "Outcome", "Health Recommendation", "Date Recommendation Sent", "ICB Response Date"]
ROWS = [
    ["M1", "Northshire", "10/01/2025", "Y", "01/06/2025", "Upheld", "Y", "", ""],  # no date
    ["M2", "Northshire", "10/01/2025", "Y", "01/06/2025", "Upheld", "Y", "", "20/07/2025"],
    ["M3", "Northshire", "10/01/2025", "Y", "01/06/2025", "Upheld", "N", "", "20/07/2025"],
    ["M4", "Northshire", "10/01/2025", "Y", "01/06/2025", "Upheld", "Y", "02/06/2025",
     "01/07/2025"],  # 29 days: in time
    ["M5", "Northshire", "10/01/2025", "Y", "01/06/2025", "Upheld", "N", "", ""],  # none made
]


def test_an_undated_recommendation_loads_queried_and_out_of_the_rate(load, db, tmp_path):
    result = load(write_csv(tmp_path / "tribunals.csv", [HEADER, *ROWS]), as_of=AS_OF)
    assert (result.loaded, result.rejected, result.reconciles()) == (5, 0, True)
    assert [(w.row, w.column, w.header, w.rule) for w in result.warnings] == [
        (2, "H", "Date Recommendation Sent", "undated_yes"),
        (3, "H", "Date Recommendation Sent", "undated_yes"),
        (4, "G", "Health Recommendation", "dated_no")]
    assert result.summary()["loaded_with_a_warning"] == 3
    assert "left out of the 5-week rate" in result.warnings[0].reason
    with reader(db) as con:
        assert con.execute("SELECT row_number, column_letter, rule FROM row_warnings "
                           "ORDER BY 1").fetchall() == [(2, "H", "undated_yes"),
                                                        (3, "H", "undated_yes"),
                                                        (4, "G", "dated_no")]
        rate = metrics.overall(con, "tribunal_responses", metrics.Filters(
            dt.date(2025, 4, 1), dt.date(2026, 3, 31), AS_OF))
    # Only M4 has a due date: M1 and M2 are left out until theirs is filled, M3 and M5 made none.
    assert (rate["numerator"], rate["denominator"]) == (1, 1)


def test_the_date_filled_in_clears_the_query_and_counts_the_recommendation(load, db, tmp_path):
    load(write_csv(tmp_path / "tribunals_2025-10.csv", [HEADER, *ROWS]), as_of=AS_OF)
    dated = [[*row[:7], "02/06/2025", row[8]] if row[0] in ("M1", "M2") else row for row in ROWS]
    result = load(write_csv(tmp_path / "tribunals_2025-11.csv", [HEADER, *dated]), as_of=AS_OF)
    assert [w.rule for w in result.warnings] == ["dated_no"]
    with reader(db) as con:
        rate = metrics.overall(con, "tribunal_responses", metrics.Filters(
            dt.date(2025, 4, 1), dt.date(2026, 3, 31), AS_OF))
    # M1 unanswered and overdue, M2 answered on day 48: late; M4 in time.
    assert (rate["numerator"], rate["denominator"]) == (1, 3)
