"""Control characters and stray bytes: removed or marked with a warning naming the line, never
stored; a NUL is binary content wherever it sits; exports never fail on a stored value."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipelines import audit
from pipelines.cli import main
from pipelines.db import connect_writer
from pipelines.exports import xlsx_bytes
from pipelines.inspection_pack import workbook_bytes
from pipelines.readers import FileError, read_file
from pipelines.uploads import kind_by_content
from tests.conftest import ADVICE_HEADER, write_csv
from tests.hostile import workbook

ROW = ["A1", "C1", "Northshire", "SALT", "01/04/2025", "", "Provider", "", "", ""]


def _advice_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    return write_csv(path, [ADVICE_HEADER, *rows], encoding=encoding)


def test_a_control_character_is_removed_with_a_warning_naming_its_line(load, db: Path,
                                                                        tmp_path: Path) -> None:
    rows = [[f"A{n}", f"C{n}", *ROW[2:]] for n in range(1, 5)]
    rows[2][6] = "St Mary\x07s \x1bClinic"
    result = load(_advice_csv(tmp_path / "advice.csv", rows))
    assert (result.status, result.loaded) == ("loaded", 4)
    assert result.read_warnings == ["advice.csv: 2 control character(s) removed (line 4): they "
                               "cannot be shown or exported"]
    [sheet] = read_file(tmp_path / "advice.csv")
    assert sheet.rows[3][6] == "St Marys Clinic"


def test_a_nul_past_the_first_64_kb_is_binary_content(tmp_path: Path) -> None:
    rows = [[f"A{n}", f"C{n}", *ROW[2:]] for n in range(1, 2000)]
    path = _advice_csv(tmp_path / "advice.csv", rows)
    data = path.read_bytes()
    assert len(data) > 70_000
    at = data.index(b"\r\n", 70_000) + 2
    path.write_bytes(data[:at] + b"A\x00,x" + data[at:])
    assert kind_by_content(path.read_bytes()) is None
    line = data[:at].count(b"\n") + 1
    with pytest.raises(FileError, match=f"binary content: a NUL byte on line {line:,}"):
        list(read_file(path))


def test_control_escapes_in_a_workbook_are_removed_with_a_warning(tmp_path: Path) -> None:
    path = workbook(tmp_path / "w.xlsx", {"A1": "Case ID", "A2": "a_x0001_b", "A3": "c&#2;d"})
    [sheet] = read_file(path)
    assert [row[0] for row in sheet.rows] == ["Case ID", "ab", "cd"]
    assert sheet.warnings == ["w.xlsx: sheet 'Data': 2 control character(s) removed (row 2, 3): "
                              "they cannot be shown or exported"]


def test_one_windows_1252_byte_in_a_utf8_file_stays_utf8(load, tmp_path: Path) -> None:
    rows = [[f"A{n}", f"C{n}", *ROW[2:]] for n in range(1, 6)]
    rows[0][6] = "Café Ōtautahi"  # UTF-8 evidence
    rows[3][6] = "St Mary’s"
    path = _advice_csv(tmp_path / "mixed.csv", rows)
    data = path.read_bytes().replace("’".encode(), "’".encode("cp1252"))
    path.write_bytes(data)
    [sheet] = read_file(path)
    assert sheet.rows[1][6] == "Café Ōtautahi"  # no mojibake
    assert sheet.rows[4][6] == "St Mary\ufffds"
    assert sheet.warnings == ["mixed.csv: 1 byte(s) that are not UTF-8 in a UTF-8 file, shown as "
                              "\ufffd (line 5): check those rows in the source"]
    result = load(path)
    assert result.status == "loaded" and result.read_warnings == sheet.warnings


def test_a_windows_1252_file_is_still_read_as_windows_1252(tmp_path: Path) -> None:
    rows = [[f"A{n}", f"C{n}", *ROW[2:]] for n in range(1, 3)]
    rows[0][6] = "St Mary’s Café"
    path = _advice_csv(tmp_path / "cp.csv", rows, encoding="cp1252")
    [sheet] = read_file(path)
    assert sheet.rows[1][6] == "St Mary’s Café" and sheet.warnings == []


def test_exports_never_fail_on_a_stored_value() -> None:
    frame = pd.DataFrame({"note\x01": ["a\x00b", "=1+1", "ok\x1f", "tab\tkept"], "n": [1, 2, 3, 4]})
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"Re[j]ects: 1/2": frame})))
    assert book.sheetnames == ["Re_j_ects_ 1_2"]
    assert [[c.value for c in row] for row in book.active.iter_rows()] == [
        ["note\ufffd", "n"], ["a\ufffdb", 1], ["'=1+1", 2], ["ok\ufffd", 3], ["tab\tkept", 4]]


def test_a_failed_rejects_export_is_audited_and_said_in_words(db: Path, tmp_path: Path,
                                                              monkeypatch, capsys) -> None:
    monkeypatch.delenv("SEND_AUDIT_LOG", raising=False)
    connect_writer(db).close()  # a database with nothing rejected
    out = tmp_path / "no such folder" / "rejects.xlsx"
    assert main(["rejects", "--db", str(db), "--out", str(out)]) == 1
    assert capsys.readouterr().err.startswith(
        f"error: the rejected rows could not be written to {out} (")
    export, command = audit.entries(db)
    assert (export["action"], export["detail"]["error"]) == ("export failed", "FileNotFoundError")
    assert (command["action"], command["detail"]["command"]) == ("command failed", "rejects")


def test_the_evidence_pack_workbook_never_fails_on_a_stored_value() -> None:
    frame = pd.DataFrame({"Reference": ["R1\x02", "R2"], "Note": ["=cmd|x", "ok\x00"]})
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes({"Open cases: 1/2 [x]": frame})))
    assert book.sheetnames == ["Open cases_ 1_2 _x_"]
    assert [[c.value for c in row] for row in book.active.iter_rows()] == [
        ["Reference", "Note"], ["R1\ufffd", "'=cmd|x"], ["R2", "ok\ufffd"]]
