"""A hand-kept tracker with a tab per month, each the tracker as it stood that month: a case on
several tabs is that month's version, not a conflict. The latest month's version loads; earlier
months' differing versions are superseded (counted, kept in history); a key written two ways on
one tab is still a conflict, and tabs not named by months keep the conflict rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pipelines import cli
from pipelines.db import upgrade
from pipelines.rollback import rollback
from tests.conftest import AS_OF, TRIBUNAL_HEADER, write_xlsx


def appeal(ref: str, hearing: str = "", outcome: str = "Pending", response: str = "") -> list:
    return [ref, "C" + ref, "Northshire", "01/04/2025", "Refusal to assess", "Yes", hearing,
            outcome, "No", "", response]


# T1 gains a hearing date in May, its outcome in June; T2 is on April's tab only; T3 is on May's
# and June's tabs the same.
TABS = {
    "April 2025": [TRIBUNAL_HEADER, appeal("T1"), appeal("T2")],
    "May 25": [TRIBUNAL_HEADER, appeal("T1", "20/05/2025"), appeal("T3")],
    "Jun-2025": [TRIBUNAL_HEADER, appeal("T1", "20/05/2025", "Withdrawn"), appeal("T3")],
}


def tracker(path: Path, tabs: dict[str, list[list]]) -> Path:
    return write_xlsx(path, tabs)


def test_the_latest_months_version_loads_and_earlier_ones_are_superseded(
        tmp_path: Path, load, db: Path) -> None:
    result = load(tracker(tmp_path / "tribunal tracker.xlsx", TABS))
    assert result.status == "loaded", result.error
    assert (result.rows_read, result.loaded, result.superseded, result.duplicates,
            result.rejected) == (6, 3, 2, 1, 0)
    assert result.reconciles()
    per_sheet = {s["sheet"]: (s["loaded"], s["superseded"], s["duplicates"]) for s in result.sheets}
    assert per_sheet == {"April 2025": (1, 1, 0), "May 25": (0, 1, 1), "Jun-2025": (2, 0, 0)}
    with duckdb.connect(str(db), read_only=True) as con:
        live = con.execute("SELECT appeal_id, outcome, source_sheet FROM tribunals "
                           "ORDER BY 1").fetchall()
        history = con.execute("SELECT appeal_id, source_sheet, hearing_date, history_note, "
                              "superseded_by_load FROM tribunals_history ORDER BY 2").fetchall()
        logged = con.execute("SELECT superseded FROM loads").fetchall()
        sheets = con.execute("SELECT sheet, superseded FROM load_sheets ORDER BY 1").fetchall()
    assert [(a, o, s) for a, o, s in live] == [("T1", "Withdrawn", "Jun-2025"),
                                               ("T2", "Pending", "April 2025"),
                                               ("T3", "Pending", "Jun-2025")]
    # Of this load, superseded by none (a rollback drops them, as it drops stale versions).
    assert history == [("T1", "April 2025", None, "superseded", None),
                       ("T1", "May 25", dt.date(2025, 5, 20), "superseded", None)]
    assert logged == [(2,)]
    assert sheets == [("April 2025", 1), ("Jun-2025", 0), ("May 25", 1)]


def test_tabs_named_by_the_tracker_and_its_month_are_ordered_by_month(
        tmp_path: Path, load, db: Path) -> None:
    named = {f"Tribunal tracker {name}": rows for name, rows in TABS.items()}
    result = load(tracker(tmp_path / "tracker.xlsx", named))
    assert (result.loaded, result.superseded, result.duplicates, result.rejected) == (3, 2, 1, 0)
    assert result.extract_date == dt.date(2025, 6, 30)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT outcome, source_sheet FROM tribunals WHERE appeal_id = 'T1'"
                           ).fetchall() == [("Withdrawn", "Tribunal tracker Jun-2025")]


def test_the_tabs_order_is_the_months_not_the_workbooks(tmp_path: Path, load, db: Path) -> None:
    newest_first = dict(reversed(list(TABS.items())))
    result = load(tracker(tmp_path / "tracker.xlsx", newest_first))
    assert (result.loaded, result.superseded, result.rejected) == (3, 2, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT outcome FROM tribunals WHERE appeal_id = 'T1'").fetchall() == [
            ("Withdrawn",)]


def test_the_latest_tab_bounds_the_extract_date(tmp_path: Path, load) -> None:
    tabs = {"2025-07": [TRIBUNAL_HEADER, appeal("T1", "20/05/2025")],
            "Sept 2025": [TRIBUNAL_HEADER, appeal("T1", "20/05/2025", "Withdrawn")]}
    result = load(tracker(tmp_path / "tracker.xlsx", tabs))
    assert result.extract_date == dt.date(2025, 9, 30)
    assert "Sept 2025" in result.extract_basis
    # A tab for the month still running stands at the as-of date, not the month's end.
    result = load(tracker(tmp_path / "tracker2.xlsx", {**tabs, "Mar 26": tabs["Sept 2025"]}),
                  as_of=dt.date(2026, 3, 16))
    assert result.extract_date == dt.date(2026, 3, 16)


def test_a_key_twice_on_one_tab_is_still_a_conflict(tmp_path: Path, load) -> None:
    tabs = {"April 2025": [TRIBUNAL_HEADER, appeal("T1"), appeal("T9")],
            "May 2025": [TRIBUNAL_HEADER, appeal("T1", "20/05/2025"), appeal("T1", "21/05/2025"),
                         appeal("T9", "20/05/2025")]}
    result = load(tracker(tmp_path / "tracker.xlsx", tabs))
    assert result.reconciles()
    assert (result.loaded, result.superseded, result.rejected) == (1, 1, 3)
    conflicts = sorted((r.sheet, r.row) for r in result.rejects if r.rule == "conflict")
    assert conflicts == [("April 2025", 2), ("May 2025", 2), ("May 2025", 3)]


@pytest.mark.parametrize("names", [
    ("One", "Two"),  # not months
    ("April 2025", "Apr-25"),  # one month twice: no order
    ("April 2025", "Cases"),  # one tab not a month
])
def test_tabs_not_ordered_by_month_keep_the_conflict_rule(tmp_path: Path, load,
                                                          names: tuple[str, str]) -> None:
    tabs = {names[0]: [TRIBUNAL_HEADER, appeal("T1")],
            names[1]: [TRIBUNAL_HEADER, appeal("T1", "20/05/2025")]}
    result = load(tracker(tmp_path / "tracker.xlsx", tabs))
    assert (result.loaded, result.superseded, result.rejected) == (0, 0, 2)
    assert {r.rule for r in result.rejects} == {"conflict"}


def test_month_tabs_without_a_year_are_told_to_name_it(tmp_path: Path, load) -> None:
    """"Nov", "Dec": months, but of which years? Not put in order (a tracker may span a new
    year), the conflict says how to make them versions: name each with its year."""
    tabs = {"Nov": [TRIBUNAL_HEADER, appeal("T1")],
            "Dec": [TRIBUNAL_HEADER, appeal("T1", "20/05/2025")]}
    result = load(tracker(tmp_path / "tracker.xlsx", tabs))
    assert (result.loaded, result.rejected) == (0, 2)
    assert all("named by months without a year: name each with its year" in r.reason
               for r in result.rejects)


def test_next_months_tracker_keeps_one_copy_of_each_version(tmp_path: Path, load,
                                                            db: Path) -> None:
    load(tracker(tmp_path / "tracker june.xlsx", TABS))
    july = {**TABS, "2025-07": [TRIBUNAL_HEADER, appeal("T1", "20/05/2025", "Withdrawn"),
                                appeal("T3", "01/07/2025")]}
    result = load(tracker(tmp_path / "tracker july.xlsx", july))
    assert result.status == "loaded" and result.reconciles()
    with duckdb.connect(str(db), read_only=True) as con:
        history = con.execute("SELECT appeal_id, source_sheet, history_note FROM tribunals_history "
                              "ORDER BY 1, 2").fetchall()
        assert con.execute("SELECT hearing_date FROM tribunals WHERE appeal_id = 'T3'"
                           ).fetchall() == [(dt.date(2025, 7, 1),)]
    # T1's April and May versions once each; T3's June version (May's too, the same) replaced
    # by July's.
    assert history == [("T1", "April 2025", "superseded"), ("T1", "May 25", "superseded"),
                       ("T3", "Jun-2025", "replaced")]


def test_the_cli_and_loads_show_the_superseded_count(tmp_path: Path, db: Path, capsys) -> None:
    path = tracker(tmp_path / "tracker.xlsx", TABS)
    assert cli.main(["ingest", "--db", str(db), "--as-of", str(AS_OF), str(path)]) == 0
    out = capsys.readouterr().out
    assert "3 loaded" in out and "2 superseded" in out
    assert cli.main(["loads", "--db", str(db)]) == 0
    assert "superseded" in capsys.readouterr().out


def test_an_earlier_database_gains_the_superseded_counts(tmp_path: Path, load, db: Path) -> None:
    load(tracker(tmp_path / "first.xlsx", {"Cases": [TRIBUNAL_HEADER, appeal("T8")]}))
    with duckdb.connect(str(db)) as con:  # as a database made before the count existed
        con.execute("ALTER TABLE loads DROP COLUMN superseded")
        con.execute("ALTER TABLE load_sheets DROP COLUMN superseded")
    assert upgrade(db) is True
    result = load(tracker(tmp_path / "tracker.xlsx", TABS))
    assert result.status == "loaded" and result.superseded == 2
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT superseded FROM loads ORDER BY load_id").fetchall() == [
            (None,), (2,)]


def test_a_rollback_takes_the_superseded_versions_with_it(tmp_path: Path, load, db: Path) -> None:
    result = load(tracker(tmp_path / "tracker.xlsx", TABS))
    rollback(db, result.load_id)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM tribunals").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM tribunals_history").fetchone() == (0,)
