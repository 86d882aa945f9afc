"""`--la NAME` (the /data page's "Local authority") says whose file it is. A file with no LA column
takes it for every row; a file whose LA column is blank on some rows (a case system leaves it
empty where the team is the LA's own) takes it for those rows, said once per file; a row naming
another LA contradicts it and is rejected, saying why. Every file is built here by hand."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines import cli
from tests.conftest import AS_OF

HEADER = "Case Ref,Local Authority,EHCNA Request Date,Decision to Assess,Primary Need"


def _export(path: Path, las: list[str]) -> Path:
    lines = [HEADER] + [f"RV-{n:04d},{la},0{n}/04/2025,Yes,ASD" for n, la in enumerate(las, 1)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return path


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_la_given_fills_the_blank_cells_of_the_files_own_la_column(load, tmp_path, db):
    path = _export(tmp_path / "riverside_requests.csv",
                   ["Riverside", "", "Riverside City Council", "  ", "", "Northshire"])

    result = load(path, la="Riverside")

    assert (result.status, result.rows_read, result.loaded, result.rejected) == ("loaded", 6, 5, 1)
    assert result.reconciles()
    assert _rows(db, "SELECT case_id, local_authority FROM ehcp ORDER BY 1") == [
        (f"RV-{n:04d}", "Riverside") for n in range(1, 6)]
    filled = [w for w in result.read_warnings if "filled" in w]
    assert len(filled) == 1, result.read_warnings
    assert filled[0].startswith("riverside_requests.csv: ") and "3 rows" in filled[0]
    assert "Riverside" in filled[0] and "--la" in filled[0]
    [reject] = result.rejects
    assert (reject.row, reject.column, reject.value) == (7, "B", "Northshire")
    assert "Riverside" in reject.reason and "--la" in reject.reason


def test_without_la_given_a_blank_la_is_still_a_missing_field(load, tmp_path, db):
    result = load(_export(tmp_path / "requests.csv", ["Riverside", ""]))
    assert (result.loaded, result.rejected) == (1, 1)
    assert result.rejects[0].reason == "local_authority: missing required field"
    assert not [w for w in result.read_warnings if "filled" in w]


def test_an_la_column_filled_in_full_takes_no_warning(load, tmp_path, db):
    result = load(_export(tmp_path / "requests.csv", ["Riverside", "Riverside"]),
                  la="Riverside")
    assert (result.loaded, result.rejected, result.read_warnings) == (2, 0, [])


def test_the_cli_says_how_many_cells_la_filled(tmp_path, db, capsys):
    path = _export(tmp_path / "requests.csv", ["", "Riverside"])
    assert cli.main(["ingest", "--db", str(db), "--as-of", str(AS_OF), "--la", "Riverside",
                     str(path)]) == 0
    assert "warning: requests.csv: 1 row" in capsys.readouterr().err
    assert _rows(db, "SELECT count(*) FROM ehcp WHERE local_authority = 'Riverside'") == [(2,)]
