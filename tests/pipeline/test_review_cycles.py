"""An annual review is one per plan and review cycle: an LA correcting a review's due date
updates that review (one record, the rate right), while next year's review is a record of its
own; a database made before the cycle existed upgrades with each review's cycle its due date."""

import datetime as dt
from pathlib import Path

import duckdb

from pipelines import metrics
from pipelines.db import ensure_schema, reader, schema_is_current, upgrade
from pipelines.review_cycles import SAME_REVIEW_DAYS
from pipelines.rollback import rollback
from tests.conftest import AS_OF, write_csv

HEADER = ["Case ID", "LA", "Review Due Date", "Meeting Date"]
ROWS = [
    ["C1", "Northshire", "15/05/2025", "15/05/2025"],  # held on its due date
    ["C2", "Northshire", "01/07/2025", "20/06/2025"],  # held early
    ["C3", "Northshire", "01/06/2025", "10/06/2025"],  # held 9 days late, as first recorded
    ["C4", "Northshire", "01/09/2025", ""],  # not held, due date passed
]
PERIOD = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), AS_OF)


def _held(db: Path) -> tuple[int, int, float]:
    with reader(db) as con:
        row = metrics.rates(con, "annual_reviews_held", PERIOD).iloc[0]
    return row.numerator, row.denominator, row.pct


def _reviews(db: Path, case: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT review_due_date, review_cycle FROM annual_reviews "
                           "WHERE case_id = ? ORDER BY review_due_date", [case]).fetchall()


def test_a_corrected_due_date_leaves_one_review_and_the_rate_right(db, load, tmp_path):
    assert load(write_csv(tmp_path / "oct.csv", [HEADER, *ROWS]),
                extract_date=dt.date(2025, 10, 1)).loaded == 4
    assert _held(db) == (2, 4, 50.0)  # C1, C2 of C1-C4
    # The LA corrects C3's due date: the review was due on 15/06, so it was held on time.
    corrected = load(write_csv(tmp_path / "nov.csv", [HEADER, ["C3", "Northshire", "15/06/2025",
                                                               "10/06/2025"]]),
                     extract_date=dt.date(2025, 11, 1))
    assert (corrected.inserted, corrected.updated) == (0, 1)
    assert _reviews(db, "C3") == [(dt.date(2025, 6, 15), dt.date(2025, 6, 1))]
    # C1, C2, C3 of C1-C4; were the correction a second review, 3 of 5 (60%).
    assert _held(db) == (3, 4, 75.0)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT review_due_date, history_note FROM annual_reviews_history"
                           ).fetchall() == [(dt.date(2025, 6, 1), "replaced")]


def test_corrections_follow_the_review_not_its_first_due_date(db, load, tmp_path):
    row = ["C1", "Northshire", "01/03/2025", ""]
    load(write_csv(tmp_path / "a.csv", [HEADER, row]), extract_date=dt.date(2025, 1, 1))
    for month, due in ((2, "15/04/2025"), (3, "01/06/2025")):  # 45 days, then 47 days on
        load(write_csv(tmp_path / f"{month}.csv", [HEADER, ["C1", "Northshire", due, ""]]),
             extract_date=dt.date(2025, month, 1))
    assert _reviews(db, "C1") == [(dt.date(2025, 6, 1), dt.date(2025, 3, 1))]


def test_next_years_review_is_a_review_of_its_own(db, load, tmp_path):
    load(write_csv(tmp_path / "a.csv", [HEADER, ROWS[0]]), extract_date=dt.date(2025, 6, 1))
    later = ["C1", "Northshire", "10/05/2026", ""]
    result = load(write_csv(tmp_path / "b.csv", [HEADER, later]), extract_date=AS_OF)
    assert (result.inserted, result.updated) == (1, 0)
    assert _reviews(db, "C1") == [(dt.date(2025, 5, 15), dt.date(2025, 5, 15)),
                                  (dt.date(2026, 5, 10), dt.date(2026, 5, 10))]


def test_the_window_is_eight_weeks(db, load, tmp_path):
    assert SAME_REVIEW_DAYS == 56
    load(write_csv(tmp_path / "a.csv", [HEADER, ["C1", "Northshire", "01/01/2025", ""]]),
         extract_date=dt.date(2024, 12, 1))
    # 56 days on: the same review; 57 days after that: another (an under-five's next review).
    for name, due in (("b", "26/02/2025"), ("c", "24/04/2025")):
        load(write_csv(tmp_path / f"{name}.csv", [HEADER, ["C1", "Northshire", due, ""]]),
             extract_date=dt.date(2025, 1, 1))
    assert _reviews(db, "C1") == [(dt.date(2025, 2, 26), dt.date(2025, 1, 1)),
                                  (dt.date(2025, 4, 24), dt.date(2025, 4, 24))]


def test_two_versions_of_one_review_in_one_file_are_a_conflict(load, tmp_path):
    rows = [HEADER, ["C1", "Northshire", "01/06/2025", ""], ["C1", "Northshire", "20/06/2025", ""]]
    result = load(write_csv(tmp_path / "two.csv", rows))
    assert (result.loaded, result.rejected) == (0, 2) and result.reconciles()
    assert {r.rule for r in result.rejects} == {"conflict"}
    assert "within 8 weeks of each other are one review" in result.rejects[0].reason


def test_rolling_back_a_correction_restores_the_due_date_first_recorded(db, load, tmp_path):
    load(write_csv(tmp_path / "oct.csv", [HEADER, ROWS[2]]), extract_date=dt.date(2025, 10, 1))
    corrected = load(write_csv(tmp_path / "nov.csv", [HEADER, ["C3", "Northshire", "15/06/2025",
                                                               "10/06/2025"]]),
                     extract_date=dt.date(2025, 11, 1))
    assert rollback(db, corrected.load_id).restored == 1
    assert _reviews(db, "C3") == [(dt.date(2025, 6, 1), dt.date(2025, 6, 1))]


def test_a_database_keyed_by_due_date_upgrades(tmp_path):
    path = tmp_path / "earlier.duckdb"
    con = duckdb.connect(str(path))
    ensure_schema(con)
    for table in ("annual_reviews", "annual_reviews_history"):
        con.execute(f"ALTER TABLE {table} DROP COLUMN review_cycle")
    con.execute("INSERT INTO annual_reviews (case_id, local_authority, review_due_date) "
                "VALUES ('C1', 'Northshire', DATE '2025-05-15')")
    assert not schema_is_current(con)
    con.close()
    assert upgrade(path) is True
    with reader(path) as con:
        assert con.execute("SELECT case_id, review_due_date, review_cycle FROM annual_reviews"
                           ).fetchall() == [("C1", dt.date(2025, 5, 15), dt.date(2025, 5, 15))]
