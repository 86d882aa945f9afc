"""What the rates hide, shown beside them: the positions on the as-of date (open past 20 weeks,
undecided past 6 weeks) equal a count written here in plain Python, on a hand-made export and
on the sample database; every rate in the headline says whether its denominator is small; and
the rates on the DfE's basis (by calendar year) count what the DfE counts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pytest

from pipelines import metrics
from pipelines.db import reader
from tests.conftest import write_csv

HEADER = ["Case ID", "Local Authority", "Request Date", "Decision Date", "Decision",
          "Assessment Outcome", "Draft Plan Date", "Final Plan Date", "Exception"]
AS_OF = dt.date(2026, 3, 31)
ROWS = [
    ["P1", "Northshire", "01/10/2025", "05/11/2025", "Y", "", "", "", ""],  # 181 days: past 20
    ["P2", "Northshire", "01/11/2025", "10/12/2025", "Y", "Y", "01/03/2026", "", ""],  # 150 days, draft
    ["P3", "Northshire", "01/12/2025", "05/01/2026", "Y", "", "", "", ""],  # 120 days: not yet
    ["P4", "Northshire", "10/11/2025", "15/12/2025", "Y", "", "", "", ""],  # 141 days: past 20
    ["P5", "Northshire", "11/11/2025", "15/12/2025", "Y", "", "", "", ""],  # 140 days: not past
    ["P6", "Northshire", "01/10/2025", "01/11/2025", "N", "", "", "", ""],  # not to assess
    ["P7", "Northshire", "01/10/2025", "", "W", "", "", "", ""],  # withdrawn
    ["P8", "Northshire", "01/10/2025", "10/11/2025", "Y", "N", "", "", ""],  # decided not to issue
    ["P9", "Northshire", "01/10/2025", "01/11/2025", "Y", "", "", "01/03/2026", ""],  # plan issued
    ["P10", "Northshire", "01/10/2025", "01/11/2025", "Y", "", "", "", "School closure"],  # past 20
    ["P11", "Riverside", "16/02/2026", "", "", "", "", "", ""],  # 43 days undecided: outstanding
    ["P12", "Riverside", "17/02/2026", "", "", "", "", "", ""],  # 42 days: not yet
    ["P13", "Riverside", "01/06/2025", "", "A", "", "", "", ""],  # 303 days undecided: outstanding
    ["P14", "Riverside", "01/01/2026", "15/04/2026", "Y", "", "", "", ""],  # decided after as-of: outstanding
    ["P15", "Riverside", "01/09/2025", "01/10/2025", "Y", "", "", "20/04/2026", ""],  # plan later: past 20
]


def _date(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def counted_by_hand(cases: Iterable[tuple], as_of: dt.date) -> tuple[int, int]:
    """(open past 20 weeks, undecided past 6 weeks), counted without the metric code: `cases` are
    (request, decision date, decision, assessment outcome, draft, final) with dates as dates and
    the decision and outcome in the database's words."""
    past_20 = undecided = 0
    for request, decided_on, decision, outcome, draft, final in cases:
        if request > as_of or (final is not None and final <= as_of):
            continue
        if decision in ("not assess", "withdrawn", "historical") or outcome in (
                "plan not issued", "withdrawn", "historical"):
            continue
        days = (as_of - request).days
        decided = (decided_on is not None and decided_on <= as_of) or (
            draft is not None and draft <= as_of)
        past_20 += decided and days > 140
        undecided += (not decided) and days > 42
    return past_20, undecided


@pytest.fixture
def export_db(db: Path, load, tmp_path: Path) -> Path:
    # Loaded as exported later, so P14's decision and P15's plan are in it; counted as of AS_OF.
    result = load(write_csv(tmp_path / "ehcp.csv", [HEADER, *ROWS]), as_of=dt.date(2026, 5, 1))
    assert result.status == "loaded" and result.rejected == 0, result.rejects
    return db


def test_positions_on_a_hand_made_export(export_db: Path) -> None:
    words = {"Y": "assess", "N": "not assess", "W": "withdrawn", "A": "not yet decided", "": None}
    by_hand = counted_by_hand(
        ((_date(r[2]), _date(r[3]), words[r[4]], {"Y": "plan to be issued", "N": "plan not issued",
                                                   "": None}[r[5]], _date(r[6]), _date(r[7]))
         for r in ROWS), AS_OF)
    assert by_hand == (5, 3)  # P1 P2 P4 P10 P15; P11 P13 P14
    f = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), AS_OF)
    with reader(export_db) as con:
        h = metrics.headline(con, f)
        past_20 = metrics.open_past_20_weeks(con, f)
        undecided = metrics.decisions_outstanding_past_6_weeks(con, f)
    assert (h["ehcp_open_past_20_weeks"], h["ehcp_decisions_outstanding_past_6_weeks"]) == by_hand
    assert sorted(past_20.case_id) == ["P1", "P10", "P15", "P2", "P4"]
    assert sorted(undecided.case_id) == ["P11", "P13", "P14"]


def test_positions_do_not_depend_on_the_period(export_db: Path) -> None:
    with reader(export_db) as con:
        counts = {(h["ehcp_open_past_20_weeks"], h["ehcp_decisions_outstanding_past_6_weeks"])
                  for h in (metrics.headline(con, metrics.Filters(start, end, AS_OF))
                            for start, end in ((dt.date(2020, 1, 1), dt.date(2020, 1, 31)),
                                               (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
                                               (dt.date(2025, 4, 1), dt.date(2026, 3, 31))))}
        riverside = metrics.headline(con, metrics.Filters(dt.date(2026, 3, 1), AS_OF, AS_OF,
                                                          ("Riverside",)))
    assert counts == {(5, 3)}
    assert (riverside["ehcp_open_past_20_weeks"],
            riverside["ehcp_decisions_outstanding_past_6_weeks"]) == (1, 3)


@pytest.mark.parametrize("la", [None, "Riverside"])
def test_positions_on_the_sample_database(sample_db: Path, sample_as_of: dt.date, la: str | None
                                          ) -> None:
    f = metrics.Filters(dt.date(sample_as_of.year, 4, 1), sample_as_of, sample_as_of,
                        (la,) if la else ())
    with reader(sample_db) as con:
        rows = con.execute(
            "SELECT request_date, decision_date, decision, assessment_outcome, draft_plan_date, "
            "final_plan_date FROM ehcp WHERE ? IS NULL OR local_authority = ?", [la, la]).fetchall()
        h = metrics.headline(con, f)
    by_hand = counted_by_hand(rows, sample_as_of)
    assert by_hand[0] > 0 and by_hand[1] > 0  # the sample holds both
    assert (h["ehcp_open_past_20_weeks"], h["ehcp_decisions_outstanding_past_6_weeks"]) == by_hand


def test_every_rate_says_whether_its_denominator_is_small(export_db: Path) -> None:
    f = metrics.Filters(dt.date(2025, 4, 1), dt.date(2025, 12, 31), AS_OF)
    with reader(export_db) as con:
        h = metrics.headline(con, f)
    rates = [k for k in h if "_pct" in k and not k.endswith(metrics.SMALL_SUFFIX)]
    assert "ehcp_decided_within_6_weeks_by_request_year_pct" in rates
    for key in rates:
        denominator = h[key.replace("_pct", "_denominator", 1)]
        assert h[f"{key}_small_denominator"] is (denominator < metrics.SMALL_DENOMINATOR), key
    # 2025 requests decided by the as-of date: P1-P6, P8-P10, P13 undecided, P14 is 2026; P15.
    assert h["ehcp_decided_within_6_weeks_by_request_year_denominator"] == 10
    assert h["ehcp_decided_within_6_weeks_by_request_year_pct_small_denominator"] is False
    assert h["tribunal_health_responses_within_5_weeks_pct_small_denominator"] is True  # none


def test_small_flag_at_the_boundary() -> None:
    flags = metrics.small_denominators({"x_pct": 50.0, "x_denominator": 4,
                                        "y_pct_incl_exceptions": 40.0,
                                        "y_denominator_incl_exceptions": 5})
    assert flags == {"x_pct_small_denominator": True,
                     "y_pct_incl_exceptions_small_denominator": False}


def test_decisions_by_year_of_request_as_the_dfe_counts(export_db: Path) -> None:
    # Requests received in 2025 and decided by 31/03/2026, with the days to the decision:
    # P1 35, P2 39, P3 35, P4 35, P5 34, P6 31, P8 40, P9 31, P10 31, P15 30: all within 42.
    # A period ending in 2025 puts the figure on 2025, whatever its start.
    f = metrics.Filters(dt.date(2025, 11, 1), dt.date(2025, 11, 30), AS_OF)
    with reader(export_db) as con:
        h = metrics.headline(con, f)
        later = metrics.headline(con, dataclasses.replace(f, date_from=dt.date(2026, 1, 1),
                                                          date_to=dt.date(2026, 3, 31)))
    assert h["dfe_basis_year"] == 2025
    assert (h["ehcp_decided_within_6_weeks_by_request_year_numerator"],
            h["ehcp_decided_within_6_weeks_by_request_year_denominator"]) == (10, 10)
    # 2026: P14's decision comes after the as-of date, so nothing is counted yet.
    assert later["dfe_basis_year"] == 2026
    assert later["ehcp_decided_within_6_weeks_by_request_year_denominator"] == 0
    assert later["ehcp_decided_within_6_weeks_by_request_year_pct"] is None


def test_review_decisions_sent_by_year_as_the_dfe_counts(sample_db: Path, sample_as_of: dt.date
                                                         ) -> None:
    year = sample_as_of.year - 1
    f = metrics.Filters(dt.date(year, 1, 1), dt.date(year, 12, 31), sample_as_of)
    with reader(sample_db) as con:
        rows = con.execute("SELECT meeting_date, decision_date FROM annual_reviews").fetchall()
        h = metrics.headline(con, f)
    sent = [(decided - met).days for met, decided in rows
            if met is not None and decided is not None and met <= sample_as_of
            and decided <= sample_as_of and decided.year == year]
    assert sent
    assert h["annual_review_decisions_sent_within_4_weeks_denominator"] == len(sent)
    assert h["annual_review_decisions_sent_within_4_weeks_numerator"] == sum(d <= 28 for d in sent)
