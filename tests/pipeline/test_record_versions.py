"""An older export loaded after a newer one undoes no correction: its differing rows are stale,
kept in history and out of the live table, and no figure changes."""

import datetime as dt

import duckdb

from pipelines import metrics
from pipelines.rollback import rollback
from tests.conftest import ADVICE_HEADER, AS_OF, write_csv

SLT = "Speech and Language Therapy"


def _row(advice_id, returned):
    return [advice_id, "C" + advice_id, "Northshire", SLT, "05/01/2026", returned,
            "Northshire Community Trust", "", "", "New"]


OCTOBER = [ADVICE_HEADER, _row("A1", ""), _row("A2", ""), _row("A3", "01/02/2026")]
# November's export: A1 returned in time (a correction), A2 still open, A4 new.
NOVEMBER = [ADVICE_HEADER, _row("A1", "10/02/2026"), _row("A2", ""), _row("A3", "01/02/2026"),
            _row("A4", "")]


def _figures(db):
    f = metrics.Filters(dt.date(2026, 1, 1), AS_OF, AS_OF)
    with duckdb.connect(str(db), read_only=True) as con:
        return (metrics.rates(con, "health_advice", f).iloc[0].to_dict(),
                len(metrics.overdue_advice(con, f)))


def test_an_older_export_loaded_after_a_newer_one_changes_no_figure(tmp_path, db, load):
    november = load(write_csv(tmp_path / "advice_2026-11-30.csv", NOVEMBER))
    assert november.extract_basis == "file name"
    before = _figures(db)
    october = load(write_csv(tmp_path / "advice_2026-10-31.csv", OCTOBER))
    assert (october.stale, october.updated, october.inserted, october.unchanged) == (1, 0, 0, 2)
    assert october.reconciles() and october.loaded == 2
    assert _figures(db) == before
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT advice_id, history_note, superseded_by_load FROM "
                           "health_advice_history").fetchall() == [("A1", "stale", None)]
        assert con.execute("SELECT stale, extract_date FROM loads WHERE load_id = ?",
                           [october.load_id]).fetchone() == (1, dt.date(2026, 10, 31))
    # Undoing the older load takes its stale versions with it and changes nothing live.
    rollback(db, october.load_id)
    assert _figures(db) == before
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM health_advice_history").fetchone()[0] == 0


def test_a_newer_export_still_replaces_an_older_one(tmp_path, db, load):
    load(write_csv(tmp_path / "advice_2026-10-31.csv", OCTOBER))
    november = load(write_csv(tmp_path / "advice_2026-11-30.csv", NOVEMBER))
    assert (november.updated, november.inserted, november.stale) == (1, 1, 0)


def test_a_record_seen_unchanged_in_a_newer_export_stands_as_of_that_export(tmp_path, db, load):
    """October holds A1 open; December the same; November (loaded last) returned: November is
    older than December's confirmation, so A1 stays as December has it."""
    load(write_csv(tmp_path / "advice_2026-10-31.csv", OCTOBER))
    december = load(write_csv(tmp_path / "advice_2026-12-01.csv", [*OCTOBER, _row("A5", "")]),
                    as_of=dt.date(2026, 12, 1))
    assert (december.unchanged, december.inserted) == (3, 1)
    november = load(write_csv(tmp_path / "advice_2026-11-30.csv", NOVEMBER))
    assert november.stale == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT returned_date FROM health_advice WHERE advice_id = 'A1'"
                           ).fetchone() == (None,)


def test_a_title_row_gives_the_extract_date(tmp_path, db, load):
    result = load(write_csv(tmp_path / "advice.csv", [["Health advice log as at 30/11/2025"], *OCTOBER]))
    assert (result.extract_date, result.extract_basis) == (
        dt.date(2025, 11, 30), "title row 'as at 30/11/2025'")
