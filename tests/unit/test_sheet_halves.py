"""A big sheet read as two halves at once gives calamine's rows for the whole sheet, cell for
cell: blank rows and columns either side of the split, halves of different widths, every kind of
cell; and a sheet whose XML does not plainly split is read whole."""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine as calamine
import xlsxwriter

from pipelines import sheet_halves
from pipelines.limits import sheet_parts
from pipelines.readers import read_file
from tests.hostile import workbook as hostile_workbook


def _whole(path: Path, name: str) -> list[list[Any]]:
    book = calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _halves(path: Path, name: str) -> list[list[Any]] | None:
    with zipfile.ZipFile(path) as zf:
        parts = sheet_parts(zf)
        return sheet_halves.rows_in_halves(zf, parts, name, [zf.read(parts[name])])


def _random_sheet(rng: random.Random) -> list[list[Any]]:
    """Rows of text, numbers, numbers as text, dates, booleans and blanks, with blank rows
    and rows narrower or wider than the rest, so the split falls anywhere among them."""
    kinds = [lambda: f"C{rng.randint(1, 999)}", lambda: rng.randint(0, 40),
             lambda: rng.random() * 100, lambda: str(rng.randint(1, 9)),
             lambda: dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 400)),
             lambda: rng.random() < 0.5, lambda: None, lambda: " padded "]
    rows: list[list[Any]] = []
    for _ in range(rng.randint(2, 60)):
        if rng.random() < 0.15:
            rows.append([])
            continue
        lead = [None] * rng.choice([0, 0, 0, 1, 3])
        rows.append(lead + [rng.choice(kinds)() for _ in range(rng.randint(1, 9))])
    return rows


def _xlsxwriter_book(path: Path, sheets: dict[str, list[list[Any]]], inline: bool = True) -> Path:
    """Inline strings (constant-memory mode, as the bench writes), else shared strings."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": inline})
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, dates)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def _openpyxl_book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _shared_strings_book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    return _xlsxwriter_book(path, sheets, inline=False)


@pytest.mark.parametrize("writer", [_xlsxwriter_book, _shared_strings_book, _openpyxl_book])
def test_random_sheets_read_in_halves_as_calamine_reads_them_whole(tmp_path: Path,
                                                                   writer: Any) -> None:
    rng = random.Random(20261203)
    for trial in range(25):
        sheets = {"Log": _random_sheet(rng), "Other": _random_sheet(rng)}
        path = writer(tmp_path / f"random_{trial}.xlsx", sheets)
        for name in sheets:
            rows = _halves(path, name)
            if rows is not None:  # a sheet of one row has nothing to split at
                assert rows == _whole(path, name), (trial, name)


def test_a_lower_half_that_starts_to_the_right_and_is_wider(tmp_path: Path) -> None:
    top = [["Case ID", "Service"]] + [[f"C{n}", "SALT"] for n in range(20)]
    lower = [[None, None, None, f"C{n}", 1.5, dt.date(2025, 5, n + 1)] for n in range(20)]
    path = _xlsxwriter_book(tmp_path / "wide.xlsx", {"S": top + [[], []] + lower})
    rows = _halves(path, "S")
    assert rows is not None
    assert rows == _whole(path, "S")
    assert len(rows) == 43 and {len(row) for row in rows} == {6}


def test_a_sheet_whose_rows_carry_no_numbers_is_read_whole(tmp_path: Path) -> None:
    path = hostile_workbook(tmp_path / "plain.xlsx", {f"A{n}": f"x{n}" for n in range(1, 30)})
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    assert sheet_halves.halves(xml) is not None
    for n in range(1, 30):
        xml = xml.replace(b'<row r="%d">' % n, b"<row>")
    assert sheet_halves.halves(xml) is None
    assert sheet_halves.halves(xml.replace(b"sheetData", b"x:sheetData")) is None


def test_read_file_splits_a_big_sheet_and_reads_the_same_rows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [["Case ID", "Request Date", "Decision"]] + [
        [f"C{n}", dt.date(2025, 4, 1) + dt.timedelta(days=n % 90), n % 3 == 0]
        for n in range(2_000)]
    path = _xlsxwriter_book(tmp_path / "big.xlsx", {"Requests": rows, "Small": rows[:3]})
    split: list[str] = []
    real = sheet_halves.rows_in_halves

    def counted(zf: zipfile.ZipFile, parts: dict[str, str], name: str, chunks: list[bytes]
                ) -> Any:
        found = real(zf, parts, name, chunks)
        if found is not None:
            split.append(name)
        return found

    monkeypatch.setattr(sheet_halves, "rows_in_halves", counted)
    monkeypatch.setattr(sheet_halves, "SPLIT_MIN_BYTES", 10_000)
    monkeypatch.setattr(sheet_halves, "second_core_free", lambda: True)
    sheets = {sheet.name: sheet.rows for sheet in read_file(path)}
    assert split == ["Requests"]
    assert sheets == {"Requests": _whole(path, "Requests"), "Small": _whole(path, "Small")}
    monkeypatch.setattr(sheet_halves, "second_core_free", lambda: False)  # a busy machine
    assert {sheet.name: sheet.rows for sheet in read_file(path)} == sheets
    assert split == ["Requests"]
