"""A CSV's rows below its first few are read by Arrow, not the csv module: every file must load
exactly as when the csv module read it all (same counts, rejects, rows and Excel row numbers),
and a file Arrow would read differently (ragged rows, an open quote) falls back to the csv module."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipelines.readers as readers
from pipelines.load import ingest_file
from tests.conftest import ADVICE_HEADER, AS_OF, EHCP_HEADER

ROW = ["A{i}", "C{i}", "Northshire", "SALT", "01/04/2025", "", "Trust", "", "3", "New"]


def advice_rows(n: int, start: int = 0) -> list[list[str]]:
    return [[c.format(i=i) for c in ROW] for i in range(start, start + n)]


def as_csv(rows: list[list[str]], delimiter: str = ",", newline: str = "\r\n") -> str:
    def cell(value: str) -> str:
        if any(ch in value for ch in (delimiter, '"', "\r", "\n")):
            return '"' + value.replace('"', '""') + '"'
        return value
    return "".join(delimiter.join(cell(c) for c in row) + newline for row in rows)


def dump(db: Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT * EXCLUDE (load_id, loaded_at) FROM {t} ORDER BY ALL"
                               ).fetchall()
                for t in ("health_advice", "ehcp")} | {
            "rejects": con.execute("SELECT * EXCLUDE (load_id) FROM rejects ORDER BY ALL").fetchall()}


def load_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes) -> tuple:
    """Load the file with Arrow reading below row 6, then with the csv module reading it all."""
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "test-key-not-secret")
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    outcomes = []
    for head_rows, name in ((6, "arrow"), (10**9, "csv")):
        monkeypatch.setattr(readers, "HEAD_ROWS", head_rows)
        db = tmp_path / f"{name}.duckdb"
        result = ingest_file(db, path, as_of=AS_OF)
        outcomes.append((result.summary(), [vars(r) for r in result.rejects],
                         dump(db) if result.status == "loaded" else None))
    return outcomes[0], outcomes[1]


TITLE = [["Northshire Community Trust: health advice requests"], ["Report run 31/03/2026"], []]
CASES = {
    "plain": as_csv([ADVICE_HEADER, *advice_rows(50)]).encode(),
    "bom": b"\xef\xbb\xbf" + as_csv([ADVICE_HEADER, *advice_rows(50)]).encode(),
    "cp1252": as_csv([ADVICE_HEADER, *[r[:6] + ["St Mary’s Café"] + r[7:]
                                       for r in advice_rows(50)]]).encode("cp1252"),
    "semicolons": as_csv([ADVICE_HEADER, *[r[:8] + ["1,5"] + r[9:] for r in advice_rows(50)]],
                         delimiter=";").encode(),
    "quoted newlines and quotes": as_csv([ADVICE_HEADER, *[r[:6] + ['Trust "North"\nsite 2'] + r[7:]
                                                           for r in advice_rows(50)]]).encode(),
    "lone CR line ends": as_csv([ADVICE_HEADER, *advice_rows(50)], newline="\r").encode(),
    "header below title rows": as_csv(
        [*TITLE, ADVICE_HEADER, *advice_rows(50)]).encode(),
    "blank lines, totals and notes": as_csv(
        [ADVICE_HEADER, *advice_rows(20), [""] * 10, *advice_rows(20, 20),
         ["Total", "", "", "", "", "", "", "", "40", ""], []]).encode() + b"\r\nSource: extract\r\n",
    "rejects and duplicates": as_csv(
        [ADVICE_HEADER, *advice_rows(20), *advice_rows(5),
         ["A99", "", "Westshire", "Chiropody", "31/02/2025", "", "", "", "lots", ""]]).encode(),
    "ragged rows (csv module)": as_csv([ADVICE_HEADER, *advice_rows(20)]).encode()
        + b"A98,C98,Northshire\r\nA99,C99,Northshire,OT,01/04/2025,,,,,,extra\r\n",
    "open quote (csv module)": as_csv([ADVICE_HEADER, *advice_rows(20)]).encode()
        + b'A99,"C99,Northshire,OT,01/04/2025\r\nA100,C100\r\n',
    "huge cell below the first rows": as_csv([ADVICE_HEADER, *advice_rows(20)]).encode()
        + b"A99,C99,Northshire,OT,01/04/2025," + b"x" * 40_000 + b"\r\n",
    "a field too big for the csv module": as_csv([ADVICE_HEADER, *advice_rows(20)]).encode()
        + b"A99,C99,Northshire,OT,01/04/2025," + b"x" * 140_000 + b"\r\n",
    "personal data": as_csv(
        [["Case ID", "LA", "Request Date", "NHS Number", "Child Name", "Date of Birth"],
         *[[f"E{i}", "Northshire", "01/04/2025", "943 476 5919" if i % 2 else "",
            "Amir Kowalczyk", "03/07/2012"] for i in range(30)]]).encode(),
    "ehcp with missing columns": as_csv([EHCP_HEADER[:2], *[["E1", "Northshire"]] * 10]).encode(),
}


@pytest.mark.parametrize("name", list(CASES))
def test_arrow_reads_as_the_csv_module_does(tmp_path, monkeypatch, name):
    arrow, csv_module = load_both_ways(tmp_path, monkeypatch, CASES[name])
    assert arrow == csv_module
    summary = arrow[0]
    assert summary["status"] == "failed" or summary["rows_read"] == (
        summary["loaded"] + summary["duplicates"] + summary["rejected"] + summary["blank"]
        + summary["notes"])


def test_the_fast_reader_is_used_for_a_regular_file(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "HEAD_ROWS", 6)
    monkeypatch.setattr(readers, "_csv_rows", lambda *a: pytest.fail("read by the csv module"))
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "k")
    path = tmp_path / "a.csv"
    path.write_bytes(CASES["header below title rows"])
    result = ingest_file(tmp_path / "a.duckdb", path, as_of=AS_OF)
    assert (result.rows_read, result.loaded, result.sheets[0]["header_row"]) == (50, 50, 4)
    with duckdb.connect(str(tmp_path / "a.duckdb"), read_only=True) as con:
        assert con.execute("SELECT min(source_row), max(source_row) FROM health_advice"
                           ).fetchall() == [(5, 54)]


CELL = st.text(alphabet=["a", "1", " ", ",", ";", '"', "\r", "\n", "é", "\t"], max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(CELL, min_size=1, max_size=40).map("".join),
       head=st.integers(1, 4), start=st.integers(1, 3))
def test_any_text_reads_as_the_csv_module_reads_it(tmp_path, monkeypatch, text, head, start):
    monkeypatch.setattr(readers, "HEAD_ROWS", head)
    data = ("Advice ID,Case ID,LA\r\n" * 3 + text).encode()
    path = tmp_path / "t.csv"
    text_all, _ = readers._decode(path, data)
    try:
        expected = readers._csv_rows(path, text_all, readers._delimiter(text_all))[start:]
    except readers.FileError as refused:  # a quote never closed, swallowing lines: refused alike
        with pytest.raises(readers.FileError, match=re.escape(str(refused))):
            readers._read_csv(path, data).body(start)
        return
    columns, n = readers._read_csv(path, data).body(start)
    width = max(len(columns), *map(len, expected), 0)
    got = [[c.at(i) for c in columns] for i in range(n)]
    assert n == len(expected)
    assert [[v or "" for v in row] + [""] * (width - len(row)) for row in got] == [  # blank: ''
        row + [""] * (width - len(row)) for row in expected]


@pytest.mark.parametrize("length, told", [
    (40_000, "has a cell of 40,000 characters (a spreadsheet cell holds at most 32,767)"),
    (140_000, "line 3 has a cell of more than 131,072 characters (a spreadsheet cell holds at "
              "most 32,767)"),
])
def test_a_cell_too_long_for_a_spreadsheet_is_refused_naming_where(tmp_path, load, length, told):
    path = tmp_path / "complaints.csv"
    path.write_text("Complaint ID,Local Authority,Date Received,Notes\n"
                    "C1,Northshire,01/04/2025,ok\n"
                    f'C2,Northshire,01/04/2025,"{"x" * length}"\n', encoding="utf-8")
    result = load(path)
    assert result.status == "failed"
    assert result.error.startswith("complaints.csv: ") and told in result.error, result.error
