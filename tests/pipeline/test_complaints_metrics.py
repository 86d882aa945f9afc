"""Complaints and ombudsman cases from file to metric: response on or before its due date, open
past due is late, counts by period and stage; worked by hand."""

import datetime as dt

import pytest

from pipelines import metrics
from pipelines.db import reader
from tests.conftest import write_csv

HEADER = ["Complaint Ref", "Local Authority", "Date Received", "Health Aspect", "Stage",
          "Response Due", "Date Responded", "Outcome"]
ROWS = [
    ["K1", "Northshire", "01/04/2025", "Y", "Stage 1", "29/04/2025", "29/04/2025", "Upheld"],  # on the day
    ["K2", "Northshire", "10/05/2025", "Y", "Stage 2", "21/06/2025", "23/06/2025", "Partially upheld"],
    ["K3", "Riverside", "01/02/2026", "N", "LGSCO", "01/03/2026", "", ""],  # open past due: late
    ["K4", "Riverside", "20/03/2026", "Y", "Stage 1", "17/04/2026", "", ""],  # not yet due
    ["K5", "Eastmoor", "01/03/2025", "Y", "Local Government and Social Care Ombudsman", "29/03/2025",
     "20/03/2025", "Upheld: maladministration and injustice"],  # due before the period
    ["K6", "Eastmoor", "01/06/2025", "Y", "PHSO", "", "01/07/2025", "Not upheld"],  # no due date
]
PERIOD = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31))


@pytest.fixture
def complaints_db(db, load, tmp_path):
    result = load(write_csv(tmp_path / "complaints.csv", [HEADER, *ROWS]))
    assert result.kinds == ["complaints"]
    assert result.status == "loaded" and result.rejected == 0, result.rejects
    return db


def test_response_timeliness(complaints_db):
    with reader(complaints_db) as con:
        row = metrics.rates(con, "complaint_responses", PERIOD).iloc[0]
    assert (row.numerator, row.denominator, row.pct) == (1, 3, 33.3)  # K1 of K1 K2 K3


def test_counts_by_stage_and_health_aspect(complaints_db):
    with reader(complaints_db) as con:
        received = metrics.rates(con, "complaints_received", PERIOD).iloc[0]
        by_stage = metrics.rates(con, "complaints_received", PERIOD, by="stage")
        by_outcome = metrics.rates(con, "complaints_received", PERIOD, by="outcome")
    assert (received["items"], received.numerator) == (5, 4)  # K1-K4, K6; all but K3 health
    assert dict(zip(by_stage.group, by_stage["items"], strict=True)) == {
        "LGSCO": 1, "PHSO": 1, "stage 1": 2, "stage 2": 1}
    assert "partly upheld" in set(by_outcome.group)


def test_open_complaints_most_overdue_first(complaints_db):
    with reader(complaints_db) as con:
        open_ = metrics.open_complaints(con, PERIOD)
    assert list(open_.complaint_ref) == ["K3", "K4"]
    assert list(open_.days_overdue) == [30, -17]
    assert list(open_.status) == ["overdue", "open"]


def test_reload_changes_nothing(complaints_db, load, tmp_path):
    assert load(tmp_path / "complaints.csv").status == "unchanged"


def test_a_semicolon_separated_log(load, tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("\r\n".join(";".join(r) for r in [HEADER, *ROWS]) + "\r\n", encoding="utf-8")
    result = load(path)
    assert (result.kinds, result.loaded, result.rejected) == (["complaints"], len(ROWS), 0)


@pytest.mark.parametrize("change, header, rule, reason", [
    ({6: "25/03/2025"}, "Date Responded", "end_before_start",
     "response before the complaint was received"),
    ({5: "25/03/2025"}, "Response Due", "end_before_start",
     "response due before the complaint was received"),
    ({6: "01/04/2026"}, "Date Responded", "future_date", "after the load's as-of date"),
    ({0: ""}, "Complaint Ref", "missing_required", "complaint_ref: missing required field"),
])
def test_row_rules(load, tmp_path, change, header, rule, reason):
    row = list(ROWS[0])
    for index, value in change.items():
        row[index] = value
    result = load(write_csv(tmp_path / "bad.csv", [HEADER, row]))
    assert result.rejected == 1 and result.reconciles()
    (reject,) = result.rejects
    assert (reject.rule, reject.header) == (rule, header)
    assert reason in reject.reason


def test_a_stage_or_outcome_as_written_keeps_no_personal_data_nor_an_excel_error(db, load, tmp_path):
    """Written as the council writes it, a stage or outcome is free text: what would identify a
    person is removed from it, as from an appeal's outcome, and an Excel error is no category."""
    rows = [["K1", "Northshire", "01/04/2025", "Y", "Stage 1 (parent: 07700 900123)", "29/04/2025",
             "", "Upheld - Mrs Jones given apology"],
            ["K2", "Northshire", "02/04/2025", "Y", "#N/A", "29/04/2025", "", ""],
            ["K3", "Northshire", "03/04/2025", "Y", "Stage 1", "29/04/2025", "", "#DIV/0!"]]
    result = load(write_csv(tmp_path / "complaints.csv", [HEADER, *rows]))
    assert (result.loaded, result.rejected) == (1, 2)
    assert sorted((r.row, r.header) for r in result.rejects) == [(3, "Stage"), (4, "Outcome")]
    assert all("is an Excel error" in r.reason for r in result.rejects)
    with reader(db) as con:
        [(stage, outcome)] = con.execute("SELECT stage, outcome FROM complaints").fetchall()
    assert "07700" not in stage and "Jones" not in outcome
    assert {w.rule for w in result.warnings} == {"personal_data_removed"}
