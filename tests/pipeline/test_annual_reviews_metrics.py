"""Annual reviews from file to metric: held by the due date, decision within 4 weeks (28 days),
amended plan within 12 weeks (84 days), health's part; each worked by hand on the rows below."""

import datetime as dt

import duckdb
import pytest

from pipelines import metrics
from pipelines.db import reader
from tests.conftest import AS_OF, write_csv, write_xlsx

HEADER = ["Case ID", "LA", "Review Due Date", "Meeting Date", "Health Invited", "Health Attended",
          "Health Advice Submitted", "Decision Date", "Decision", "Amended Plan Date"]
ROWS = [
    # held on its due date; decided in 28 days; amended plan in 84 days; health attended
    ["C1", "Northshire", "15/05/2025", "15/05/2025", "Y", "Y", "N", "12/06/2025", "A", "07/08/2025"],
    # held a day late; decided in 29 days; amended plan in 85 days; written health advice
    ["C2", "Northshire", "01/06/2025", "02/06/2025", "Y", "N", "Y", "01/07/2025", "Amend", "26/08/2025"],
    # not held, due date passed: late
    ["C3", "Northshire", "01/07/2025", "", "", "", "", "", "", ""],
    # due after the as-of date (may lie ahead), not held: not counted
    ["C4", "Northshire", "30/04/2026", "", "", "", "", "", "", ""],
    # held early; decision not yet due (due 07/04/2026); no health involvement
    ["C5", "Northshire", "15/03/2026", "10/03/2026", "N", "N", "N", "", "", ""],
    # held; decision due 02/02/2026 and outstanding: late; health invited, nothing recorded
    ["C6", "Northshire", "10/01/2026", "05/01/2026", "Y", "", "", "", "", ""],
    # before the period (due 01/03/2025, decision due 20/03/2025)
    ["C7", "Northshire", "01/03/2025", "20/02/2025", "Y", "Y", "Y", "10/03/2025", "M", ""],
    # held early; decided in 9 days to cease
    ["C8", "Northshire", "20/09/2025", "01/09/2025", "Y", "N", "N", "10/09/2025", "Cease", ""],
    # held 2 days late; decided in 14 days to amend; amended plan due 26/01/2026, not issued: late
    ["C9", "Northshire", "01/11/2025", "03/11/2025", "N", "N", "Y", "17/11/2025", "amend", ""],
]
PERIOD = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31))


@pytest.fixture
def reviews_db(db, load, tmp_path):
    result = load(write_csv(tmp_path / "reviews.csv", [HEADER, *ROWS]))
    assert result.kinds == ["annual_reviews"]
    assert result.status == "loaded" and result.rejected == 0, result.rejects
    return db


@pytest.mark.parametrize("metric, numerator, denominator, pct", [
    ("annual_reviews_held", 4, 7, 57.1),  # C1 C5 C6 C8 of C1 C2 C3 C5 C6 C8 C9
    ("annual_review_decisions", 3, 5, 60.0),  # C1 C8 C9 of C1 C2 C6 C8 C9
    ("annual_review_amended_plans", 1, 3, 33.3),  # C1 of C1 C2 C9
    ("annual_review_health_contribution", 3, 6, 50.0),  # C1 C2 C9 of C1 C2 C5 C6 C8 C9
    ("annual_review_health_invited", 4, 6, 66.7),  # C1 C2 C6 C8
])
def test_rates_worked_by_hand(reviews_db, metric, numerator, denominator, pct):
    with reader(reviews_db) as con:
        row = metrics.rates(con, metric, PERIOD).iloc[0]
    assert (row.numerator, row.denominator, row.pct) == (numerator, denominator, pct)


def test_decisions_are_placed_by_their_due_date(reviews_db):
    with reader(reviews_db) as con:
        by_month = metrics.rates(con, "annual_review_decisions", PERIOD, by="month")
    assert dict(zip(by_month.group, by_month.denominator, strict=True)) == {
        "2025-06": 2, "2025-09": 1, "2025-12": 1, "2026-02": 1}


def test_an_earlier_as_of_does_not_yet_count_an_open_review(reviews_db):
    early = metrics.Filters(PERIOD.date_from, PERIOD.date_to, dt.date(2025, 6, 30))
    with reader(reviews_db) as con:
        held = metrics.rates(con, "annual_reviews_held", early).iloc[0]
        decisions = metrics.rates(con, "annual_review_decisions", early).iloc[0]
    # Due by 30/06: C1 (held), C2 (held late); C3 is not yet due. C2's decision (01/07) is not
    # yet made and its due date (30/06) has not passed.
    assert (held.numerator, held.denominator) == (1, 2)
    assert (decisions.numerator, decisions.denominator) == (1, 1)


def test_codes_and_words_mean_the_same_decision(reviews_db, db):
    with duckdb.connect(str(db), read_only=True) as con:
        decisions = dict(con.execute("SELECT case_id, decision FROM annual_reviews "
                                     "WHERE decision IS NOT NULL").fetchall())
    assert decisions == {"C1": "amend", "C2": "amend", "C7": "maintain", "C8": "cease",
                         "C9": "amend"}


def test_reload_is_idempotent_and_a_later_export_updates(reviews_db, load, tmp_path, db):
    assert load(tmp_path / "reviews.csv").status == "unchanged"
    same = load(write_xlsx(tmp_path / "reviews.xlsx", {"AR": [HEADER, *ROWS]}))
    assert (same.inserted, same.updated, same.unchanged) == (0, 0, len(ROWS))
    decided = ["C6", "Northshire", "10/01/2026", "05/01/2026", "Y", "", "", "20/01/2026", "M", ""]
    # A later export says so (its extract date), else it would be taken as older than the first.
    later = load(write_csv(tmp_path / "later.csv", [HEADER, decided]), extract_date=AS_OF)
    assert (later.inserted, later.updated) == (0, 1)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM annual_reviews_history").fetchone()[0] == 1


@pytest.mark.parametrize("row, header, rule, reason", [
    (["C1", "Northshire", "15/05/2025", "15/05/2025", "", "", "", "14/05/2025", "A", ""],
     "Decision Date", "end_before_start", "decision before meeting"),
    (["C1", "Northshire", "15/05/2025", "15/05/2025", "", "", "", "", "A", "01/05/2025"],
     "Amended Plan Date", "end_before_start", "amended plan before meeting"),
    (["C1", "Northshire", "15/05/2026", "01/04/2026", "", "", "", "", "", ""],
     "Meeting Date", "future_date", "after the load's as-of date"),
    (["C1", "Northshire", "15/05/2025", "15/05/2025", "", "", "", "01/06/2025", "Postponed", ""],
     "Decision", "invalid_review_decision", "unknown review decision 'Postponed'"),
    (["C1", "Northshire", "", "15/05/2025", "", "", "", "", "", ""],
     "Review Due Date", "missing_required", "review_due_date: missing required field"),
])
def test_row_rules(load, tmp_path, row, header, rule, reason):
    result = load(write_csv(tmp_path / "bad.csv", [HEADER, row]))
    assert result.rejected == 1 and result.reconciles()
    (reject,) = result.rejects
    assert (reject.rule, reject.header) == (rule, header)
    assert reason in reject.reason


def test_one_case_reviewed_each_year_is_two_records(load, tmp_path, db):
    rows = [HEADER, ["C1", "Northshire", "15/05/2024", "10/05/2024", "", "", "", "", "", ""],
            ["C1", "Northshire", "10/05/2025", "01/05/2025", "", "", "", "", "", ""]]
    result = load(write_csv(tmp_path / "two.csv", rows))
    assert (result.loaded, result.rejected) == (2, 0)
