"""One dataset from trackers that each hold some of its columns: a column a file has no header
for keeps what an earlier file stored, a column it has but leaves blank is a blank, and the
load's counts, re-loads, rollbacks and the rows recognised as loaded all agree with that."""

from __future__ import annotations

import datetime as dt

import duckdb

from pipelines import metrics
from pipelines.db import reader
from pipelines.rollback import rollback
from tests.conftest import write_csv

AS_OF = dt.date(2025, 11, 30)
YEAR = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), AS_OF)
ICB = ["Tribunal Ref", "Local Authority", "Date Registered", "Health Aspects", "Hearing Date",
       "Outcome", "Health Recommendation", "Date Recommendation Sent", "ICB Response Date"]
ICB_ROWS = [["J1", "Northshire", "10/01/2025", "Y", "01/06/2025", "Upheld", "Y", "02/06/2025",
             "01/07/2025"],
            ["J2", "Northshire", "11/01/2025", "Y", "01/06/2025", "Upheld", "Y", "02/06/2025", ""]]
LA = ["Appeal Ref", "LA", "Date Lodged", "Type of Appeal", "Hearing Date", "Outcome"]
LA_ROWS = [["J1", "Northshire", "10/01/2025", "Contents", "01/06/2025", "Upheld"],
           ["J2", "Northshire", "11/01/2025", "Contents", "01/06/2025", "Upheld in part"],
           ["J3", "Northshire", "12/01/2025", "Refusal to assess", "01/07/2025", "Conceded"]]
HEALTH_COLUMNS = ("health_aspects, health_recommendation, recommendation_date, response_date")


def rows(db, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def live(db) -> list[tuple]:
    return rows(db, "SELECT * EXCLUDE (loaded_at) FROM tribunals ORDER BY ALL")


def responses(db) -> tuple[float | None, int, int]:
    with reader(db) as con:
        h = metrics.headline(con, YEAR)
    key = "tribunal_health_responses_within_5_weeks"
    return h[f"{key}_pct"], h[f"{key}_numerator"], h[f"{key}_denominator"]


def test_an_la_tracker_keeps_the_icb_s_health_columns(load, db, tmp_path):
    icb = load(write_csv(tmp_path / "icb_2025-10.csv", [ICB, *ICB_ROWS]), as_of=AS_OF)
    assert icb.inserted == 2 and responses(db) == (50.0, 1, 2)
    health = rows(db, f"SELECT appeal_id, {HEALTH_COLUMNS} FROM tribunals ORDER BY 1")

    la = load(write_csv(tmp_path / "la_2025-11.csv", [LA, *LA_ROWS]), as_of=AS_OF)
    # J1 gains its appeal type, J2 its type and a new outcome: updated; J3 is new.
    assert (la.inserted, la.updated, la.unchanged, la.rejected) == (1, 2, 0, 0)
    assert la.reconciles()
    assert rows(db, f"SELECT appeal_id, {HEALTH_COLUMNS} FROM tribunals "
                    "WHERE appeal_id <> 'J3' ORDER BY 1") == health
    assert rows(db, "SELECT appeal_id, appeal_type, outcome FROM tribunals ORDER BY 1") == [
        ("J1", "Contents", "Upheld"), ("J2", "Contents", "Partially upheld"),
        ("J3", "Refusal to assess", "Conceded")]
    assert responses(db) == (50.0, 1, 2)


def test_a_blank_in_a_column_the_file_has_is_a_correction(load, db, tmp_path):
    load(write_csv(tmp_path / "icb_2025-10.csv", [ICB, *ICB_ROWS]), as_of=AS_OF)
    corrected = [ICB, [*ICB_ROWS[0][:8], ""]]  # J1's response date taken out
    result = load(write_csv(tmp_path / "icb_2025-11.csv", corrected), as_of=AS_OF)
    assert (result.updated, result.unchanged) == (1, 0)
    assert rows(db, "SELECT response_date FROM tribunals WHERE appeal_id = 'J1'") == [(None,)]


def test_a_file_whose_columns_equal_the_record_is_unchanged(load, db, tmp_path):
    load(write_csv(tmp_path / "icb_2025-10.csv", [ICB, *ICB_ROWS]), as_of=AS_OF)
    load(write_csv(tmp_path / "la_2025-11.csv", [LA, *LA_ROWS]), as_of=AS_OF)
    before = live(db)
    # The same cells in another order (another file): nothing either file carries changed.
    again = load(write_csv(tmp_path / "la_2025-11b.csv", [LA, *LA_ROWS[::-1]]), as_of=AS_OF)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    icb = load(write_csv(tmp_path / "icb_2025-11.csv", [ICB, ICB_ROWS[0]]), as_of=AS_OF)
    assert (icb.inserted, icb.updated, icb.unchanged) == (0, 0, 1)
    assert [r[:-1] for r in live(db)] == [r[:-1] for r in before]  # but the extract date
    assert rows(db, "SELECT count(*) FROM tribunals_history") == [(2,)]


def test_the_row_hash_is_that_of_the_record_stored(load, db, tmp_path):
    """A record kept in part from an earlier file hashes as a file carrying all of it would."""
    load(write_csv(tmp_path / "icb_2025-10.csv", [ICB, *ICB_ROWS]), as_of=AS_OF)
    load(write_csv(tmp_path / "la_2025-11.csv", [LA, *LA_ROWS]), as_of=AS_OF)
    whole = [[*ICB, "Type of Appeal"], [*ICB_ROWS[0], "Contents"]]
    result = load(write_csv(tmp_path / "whole_2025-11.csv", whole), as_of=AS_OF)
    assert (result.updated, result.unchanged) == (0, 1)


def test_rolling_back_the_la_tracker_brings_back_the_icb_version(load, db, tmp_path):
    load(write_csv(tmp_path / "icb_2025-10.csv", [ICB, *ICB_ROWS]), as_of=AS_OF)
    before = live(db)
    path = write_csv(tmp_path / "la_2025-11.csv", [LA, *LA_ROWS])
    la = load(path, as_of=AS_OF)
    assert load(path, as_of=AS_OF).status == "unchanged"
    result = rollback(db, la.load_id)
    assert (result.removed, result.restored) == (1, 2)
    assert live(db) == before
    assert rows(db, "SELECT count(*) FROM tribunals_history") == [(0,)]
    # Loaded again, every row validated afresh, it does what it did the first time.
    assert load(path, as_of=AS_OF).updated == 2
    assert responses(db) == (50.0, 1, 2)


def test_rows_recognised_as_loaded_keep_what_another_tracker_holds(load, db, tmp_path):
    """Next month's LA tracker, its rows known from the last: still unchanged, nothing blanked,
    and a row the ICB changed in between is validated and keeps the ICB's new date."""
    load(write_csv(tmp_path / "icb_2025-10.csv", [ICB, *ICB_ROWS]), as_of=AS_OF)
    load(write_csv(tmp_path / "la_2025-10.csv", [LA, *LA_ROWS]), as_of=AS_OF)
    answered = [*ICB_ROWS[1][:5], "Upheld in part", *ICB_ROWS[1][6:8], "30/06/2025"]
    load(write_csv(tmp_path / "icb_2025-11.csv", [ICB, ICB_ROWS[0], answered]), as_of=AS_OF)
    result = load(write_csv(tmp_path / "la_2025-11.csv", [LA, *LA_ROWS, LA_ROWS[0]]),
                  as_of=AS_OF)
    assert (result.inserted, result.updated, result.unchanged, result.duplicates) == (0, 0, 3, 1)
    assert rows(db, "SELECT appeal_id, response_date, appeal_type FROM tribunals "
                    "WHERE appeal_id <> 'J3' ORDER BY 1") == [
        ("J1", dt.date(2025, 7, 1), "Contents"), ("J2", dt.date(2025, 6, 30), "Contents")]
    assert responses(db) == (100.0, 2, 2)


def test_an_la_review_tracker_keeps_health_s_part_of_the_review(load, db, tmp_path):
    health = [["Case ID", "LA", "Review Due", "ReviewMeeting", "Health Invited", "Health Attended",
               "Health Report Received", "Decision Sent"],
              ["Q1", "Riverside", "01/05/2025", "01/05/2025", "Y", "Y", "Y", "20/05/2025"]]
    la = [["Case ID", "LA", "Review Due", "ReviewMeeting", "Decision Sent", "ReviewOutcome"],
          ["Q1", "Riverside", "01/05/2025", "01/05/2025", "20/05/2025", "M"]]
    load(write_csv(tmp_path / "reviews_health_2025-06.csv", health), as_of=AS_OF)
    result = load(write_csv(tmp_path / "reviews_la_2025-07.csv", la), as_of=AS_OF)
    assert (result.inserted, result.updated) == (0, 1)
    assert rows(db, "SELECT health_invited, health_attended, health_advice_submitted, decision "
                    "FROM annual_reviews") == [(True, True, True, "maintain")]
    la[0][0] = "Case Ref"  # another file, carrying the same columns
    again = load(write_csv(tmp_path / "reviews_la_2025-08.csv", la), as_of=AS_OF)
    assert (again.updated, again.unchanged) == (0, 1)
