"""The positions on an as-of date count the cases as they stood on that day: a request refused,
withdrawn or ended without a plan only after the as-of date was still open on it (a board pack
for a past quarter, or the Overview's position a period ago, must not lose its oldest cases to
decisions made later)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipelines import metrics
from pipelines.db import reader
from tests.conftest import write_csv

HEADER = ["Case ID", "Local Authority", "Request Date", "Decision Date", "Decision",
          "Assessment Outcome Date", "Assessment Outcome", "Final Plan Date"]
AS_OF = dt.date(2026, 3, 31)
ROWS = [
    # Refused on 15/04/2026: on 31/03/2026 it had waited 211 days for a decision.
    ["Q1", "Northshire", "01/09/2025", "15/04/2026", "N", "", "", ""],
    # Assessed; the decision not to issue a plan came on 20/04/2026: on 31/03/2026 an open
    # assessment 211 days after the request.
    ["Q2", "Northshire", "01/09/2025", "10/10/2025", "Y", "20/04/2026", "N", ""],
    # Withdrawn on 01/05/2026: on 31/03/2026 undecided after 89 days.
    ["Q3", "Northshire", "01/01/2026", "01/05/2026", "W", "", "", ""],
    # Refused on 01/10/2025, before the as-of date: closed.
    ["Q4", "Northshire", "01/09/2025", "01/10/2025", "N", "", "", ""],
    # Decided not to issue on 01/03/2026, before the as-of date: closed.
    ["Q5", "Northshire", "01/09/2025", "01/10/2025", "Y", "01/03/2026", "N", ""],
    # Refused with no date recorded: taken as closed (when is not known).
    ["Q6", "Northshire", "01/09/2025", "", "N", "", "", ""],
]


@pytest.fixture
def later_export(db: Path, load, tmp_path: Path) -> Path:
    result = load(write_csv(tmp_path / "ehcp.csv", [HEADER, *ROWS]), as_of=dt.date(2026, 6, 1))
    assert result.status == "loaded" and result.rejected == 0, result.rejects
    return db


def test_a_case_closed_after_the_as_of_date_was_open_on_it(later_export: Path) -> None:
    f = metrics.Filters(dt.date(2026, 1, 1), AS_OF, AS_OF)
    with reader(later_export) as con:
        h = metrics.headline(con, f)
        past_20 = metrics.open_past_20_weeks(con, f)
        undecided = metrics.decisions_outstanding_past_6_weeks(con, f)
        still_open = metrics.open_cases_at_risk(con, f)
    assert sorted(past_20.case_id) == ["Q2"]
    assert sorted(undecided.case_id) == ["Q1", "Q3"]
    assert (h["ehcp_open_past_20_weeks"], h["ehcp_decisions_outstanding_past_6_weeks"]) == (1, 2)
    assert sorted(still_open.case_id) == ["Q1", "Q2", "Q3"]


def test_after_the_decisions_the_cases_are_closed(later_export: Path) -> None:
    day = dt.date(2026, 5, 31)
    with reader(later_export) as con:
        h = metrics.headline(con, metrics.Filters(dt.date(2026, 1, 1), day, day))
        still_open = metrics.open_cases_at_risk(con, metrics.Filters(day, day, day))
    assert (h["ehcp_open_past_20_weeks"], h["ehcp_decisions_outstanding_past_6_weeks"]) == (0, 0)
    assert still_open.empty
