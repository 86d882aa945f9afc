"""A flattened SEN2 return with an LA column follows the rule every export with one follows
(`rules.not_the_la_given`): given the file's LA (`--la`), a request naming another LA is rejected,
named by its row and column where the LA is written; a blank LA cell takes the LA given.
The returns are built here in the SEN2 layout (tests/pipeline/sen2_returns.py)."""

from __future__ import annotations

import duckdb

from pipelines.load import ingest_file
from tests.conftest import AS_OF
from tests.pipeline import sen2_returns as sen2


def _stored(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_flat_request_naming_another_la_is_rejected_at_its_row_and_column(db, tmp_path):
    las = ["Birmingham", "Birmingham", "Leeds", "Birmingham City Council", "", "Birmingham"]
    path = sen2.flat_csv(tmp_path / "flat_la.csv", las=las)

    result = ingest_file(db, path, as_of=AS_OF, la="Birmingham")

    assert (result.status, result.rows_read, result.loaded, result.rejected) == ("loaded", 6, 5, 1)
    assert result.reconciles()
    [reject] = result.rejects
    assert reject.rule == "not_the_la_given"
    # The requests sheet's row 4 (the third request), its "LA" column: U, after 20 SEN2 columns.
    assert (reject.sheet, reject.row, reject.column, reject.header) == ("flat_la.csv", 4, "U", "LA")
    assert "Leeds" in reject.reason and "Birmingham" in reject.reason
    assert _stored(db, "SELECT DISTINCT local_authority FROM ehcp") == [("Birmingham",)]
    assert _stored(db, "SELECT DISTINCT local_authority FROM sen2_requests") == [("Birmingham",)]
    assert _stored(db, "SELECT rule, sheet, row_number, column_letter FROM rejects") == [
        ("not_the_la_given", "flat_la.csv", 4, "U")]
    filled = [w for w in result.read_warnings if "filled" in w]
    assert len(filled) == 1 and "1 row " in filled[0], result.read_warnings


def test_an_la_on_the_persons_sheet_is_named_by_that_sheets_row_and_column(db, tmp_path):
    # The second child (persons row 3) is Leeds's: its one request (requests row 4) is rejected.
    path = sen2.module_workbook(tmp_path / "modules_la.xlsx",
                                person_las=["Birmingham", "Leeds", "Birmingham", "Birmingham"])

    result = ingest_file(db, path, as_of=AS_OF, la="Birmingham")

    assert (result.loaded, result.rejected) == (5, 1)
    [reject] = result.rejects
    assert (reject.rule, reject.sheet, reject.row) == ("not_the_la_given", "requests", 4)
    assert "on sheet 'persons' row 3, column K" in reject.reason
    assert "Leeds" in reject.reason
    assert _stored(db, "SELECT DISTINCT local_authority FROM ehcp") == [("Birmingham",)]


def test_an_unknown_la_spelling_is_rejected_not_taken_for_the_la_given(db, tmp_path):
    las = ["Birmingham", "Brum Council", "Birmingham", "Birmingham", "Birmingham", "Birmingham"]
    result = ingest_file(db, sen2.flat_csv(tmp_path / "flat_la.csv", las=las), as_of=AS_OF,
                         la="Birmingham")
    [reject] = result.rejects
    assert (reject.rule, reject.row, reject.column) == ("invalid_la", 3, "U")
    assert result.loaded == 5


def test_without_la_given_each_request_loads_as_its_own_la(db, tmp_path):
    las = ["Birmingham", "Birmingham", "Leeds", "Birmingham", "Birmingham", "Birmingham"]
    result = ingest_file(db, sen2.flat_csv(tmp_path / "flat_la.csv", las=las), as_of=AS_OF)
    assert (result.loaded, result.rejected) == (6, 0)
    assert _stored(db, "SELECT local_authority, count(*) FROM ehcp GROUP BY 1 ORDER BY 1") == [
        ("Birmingham", 5), ("Leeds", 1)]


def test_without_la_given_a_blank_la_cell_rejects_its_request_only(db, tmp_path):
    # As any export with an LA column: the blank cell is a missing field, the rest load.
    las = ["Birmingham", "", "Birmingham", "Birmingham", "Birmingham", "Birmingham"]
    result = ingest_file(db, sen2.flat_csv(tmp_path / "flat_la.csv", las=las), as_of=AS_OF)
    assert (result.status, result.loaded, result.rejected) == ("loaded", 5, 1)
    assert result.reconciles()
    [reject] = result.rejects
    assert (reject.rule, reject.sheet, reject.row, reject.column) == (
        "missing_required", "flat_la.csv", 3, "U")
    assert reject.reason == "local_authority: missing required field"
    assert _stored(db, "SELECT DISTINCT local_authority FROM sen2_requests") == [("Birmingham",)]


def test_without_an_la_column_or_la_given_the_return_is_still_refused(db, tmp_path):
    result = ingest_file(db, sen2.flat_csv(tmp_path / "flat.csv"), as_of=AS_OF)
    assert result.status == "failed" and "--la NAME" in result.error


def test_a_return_without_an_la_column_takes_la_given_with_no_warning(db, tmp_path):
    # No cell was blank: the whole return is the LA's, as an Annex A list without an LA column.
    result = ingest_file(db, sen2.flat_csv(tmp_path / "flat.csv"), as_of=AS_OF, la="Birmingham")
    assert (result.loaded, result.rejected, result.warnings) == (6, 0, [])
    assert not [w for w in result.read_warnings if "filled" in w]
    assert _stored(db, "SELECT DISTINCT local_authority FROM ehcp") == [("Birmingham",)]
