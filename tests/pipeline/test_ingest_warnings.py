"""`ingest` prints each file's summary on stdout and every warning on stderr, whichever check
made it (a blank LA filled, rows outside the area, a row rule); `--json` prints JSON alone on
stdout. The summary's "loaded with a warning" counts the rows, each once. Every export is built
here by hand, as an LA's case system writes it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from pipelines import cli
from tests.conftest import AS_OF

HEADER = "Case Ref,Local Authority,EHCNA Request Date,Decision to Assess,Primary Need"


def _export(path: Path, las: list[str]) -> Path:
    lines = [HEADER] + [f"LD-{n:04d},{la},0{n}/04/2025,Yes,ASD" for n, la in enumerate(las, 1)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return path


def _ingest(db: Path, path: Path, capsys, *extra: str) -> tuple[str, str]:
    assert cli.main(["ingest", "--db", str(db), "--as-of", str(AS_OF), *extra, str(path)]) == 0
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_every_warning_goes_to_stderr_and_the_summary_to_stdout(tmp_path, db, capsys):
    # Leeds lies outside the area (settings.toml): its blank cell is filled with Leeds, and
    # both rows are Leeds's; two warnings of two kinds, on one stream.
    path = _export(tmp_path / "leeds.csv", ["Leeds", "", "Leeds"])
    out, err = _ingest(db, path, capsys, "--la", "Leeds")
    assert "warning" not in out.replace("loaded with a warning", "")
    assert out.startswith("leeds.csv: 3 rows read -> 3 loaded")
    said = err.splitlines()
    assert any(line.startswith("warning: leeds.csv: 1 row with a blank local authority filled "
                               "with Leeds") for line in said), err
    assert any(line.startswith("warning: leeds.csv: 3 rows for Leeds, outside the area")
               for line in said), err
    assert all(line.startswith("warning") for line in said), err


def test_rows_whose_blank_la_was_filled_count_as_loaded_with_a_warning(tmp_path, db, capsys):
    path = _export(tmp_path / "riverside.csv", ["", "Riverside", "  ", ""])
    out, _ = _ingest(db, path, capsys, "--la", "Riverside")
    assert "4 loaded" in out and ", 3 loaded with a warning [" in out
    with duckdb.connect(str(db), read_only=True) as con:
        kept = con.execute("SELECT row_number, rule FROM row_warnings ORDER BY 1").fetchall()
    assert kept == [(2, "la_given_filled"), (4, "la_given_filled"), (5, "la_given_filled")]


def test_a_row_with_two_warnings_counts_once(tmp_path, db, capsys):
    # Row 2's LA is filled and its case reference is an NHS number (kept as a pseudonym).
    path = _export(tmp_path / "two.csv", ["", "Riverside"])
    path.write_text(path.read_text().replace("LD-0001", "9434765919"))
    out, err = _ingest(db, path, capsys, "--la", "Riverside")
    assert ", 1 loaded with a warning [" in out, out + err
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM row_warnings").fetchall() == [(2,)]


def test_json_is_alone_on_stdout_and_counts_the_rows(tmp_path, db, capsys):
    path = _export(tmp_path / "leeds.csv", ["Leeds", ""])
    out, _ = _ingest(db, path, capsys, "--la", "Leeds", "--json")
    [summary] = json.loads(out)
    assert summary["loaded_with_a_warning"] == 1


def test_two_headers_naming_one_column_are_told_which_is_read(tmp_path, load):
    """A provider's log with the LA's send date and the service's receipt date, and two return
    dates: the first of each is read, and the load says which, and which is left out, rather
    than a 6-week clock quietly started from the wrong one."""
    path = tmp_path / "advice.csv"
    path.write_text("Advice Ref,Case Reference,Local Authority,Service,Date Advice Requested,"
                    "Date Request Received,Date Advice Returned,Date Submitted,Provider\n"
                    "A1,NSH-1,Northshire,SALT,01/04/2025,15/04/2025,20/05/2025,,NCH\n",
                    encoding="utf-8")
    result = load(path)
    assert result.status == "loaded"
    told = [w for w in result.read_warnings if "could also be" in w]
    assert told == [
        "advice.csv: 'Date Request Received' (column F) could also be requested_date, which is "
        "read from 'Date Advice Requested' (column E): that one is used and the other left out; "
        "if the other is meant, rename the header of the one used and load the file again",
        "advice.csv: 'Date Submitted' (column H) could also be returned_date, which is read from "
        "'Date Advice Returned' (column G): that one is used and the other left out; if the "
        "other is meant, rename the header of the one used and load the file again"]


def test_dates_written_month_first_warn_that_the_columns_other_dates_are_misread(tmp_path, load):
    """04/30/2025 reads only month first; 04/02/2025 beside it reads either way and was read as
    4 February. The row that cannot be read is rejected, and the load warns about the others."""
    path = tmp_path / "us.csv"
    path.write_text("Advice ID,Case ID,Local Authority,Service,Requested Date,Returned Date,"
                    "Provider\nA1,C1,Northshire,SALT,04/30/2025,05/20/2025,T\n"
                    "A2,C2,Northshire,OT,04/02/2025,05/06/2025,T\n", encoding="utf-8")
    result = load(path)
    assert (result.loaded, result.rejected) == (1, 1)
    (told,) = [w for w in result.read_warnings if "month first" in w]
    assert told.startswith("us.csv: 2 date(s) read only month first, the first '04/30/2025' "
                           "(row 2, column E): if a column is written month first")


def test_a_csvs_rows_are_named_by_row_alone(tmp_path, db, capsys):
    """A CSV's one sheet is the file: its queried rows are "row 2", not "x.csv row 2"."""
    path = tmp_path / "requests.csv"
    path.write_bytes(b"\r\n".join([HEADER.encode() + b",", b"LD-1,Northshire,01/04/2025,Yes,ASD,x",
                                   b"LD-2,Northshire,02/04/2025,Yes,ASD,y"]) + b"\r\n")
    _, err = _ingest(db, path, capsys)
    [line] = [x for x in err.splitlines() if "cells_past_the_header" in x]
    assert line.startswith("warning: requests.csv: cells_past_the_header, 2 row(s), first row 2, "
                           "row 3: column F holds a value"), line
