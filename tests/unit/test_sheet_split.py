"""A big sheet read in parts, while its XML is checked, gives calamine's rows for the whole
sheet, cell for cell, and the same cells as columns: blank rows and columns either side of a
cut, parts of different widths, every kind of cell, chunks of the XML cut anywhere; and a sheet
whose XML does not plainly split is read whole."""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from pathlib import Path
from typing import Any

import pytest
import python_calamine as calamine
import xlsxwriter

from pipelines import limits, sheet_split
from pipelines.limits import Limits, sheet_extent, sheet_parts
from pipelines.readers import read_file, rows_to_columns
from tests.conftest import write_xlsx
from tests.hostile import workbook as hostile_workbook


def _whole(path: Path, name: str) -> list[list[Any]]:
    book = calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(name).to_python(skip_empty_area=False)


PARTS_READ: list[int] = []  # how many parts the last `_split` handed to calamine


def _split(path: Path, name: str, part_bytes: int = 300) -> sheet_split.SplitSheet | None:
    """The sheet read in parts of about `part_bytes` of XML, as `read_file` reads a big one."""
    with zipfile.ZipFile(path) as zf:
        parts = sheet_parts(zf)
        splitter = sheet_split.SheetSplitter(zf, parts, name, Limits())
        splitter.part_bytes = part_bytes
        sheet_extent(zf, parts[name], Limits(), splitter.on_chunk)
        found = splitter.finish()
        PARTS_READ[:] = [len(splitter._futures)]
        return found


def _halves(path: Path, name: str) -> list[list[Any]] | None:
    """The rows read in parts, checked against the columns read with them."""
    split = _split(path, name)
    if split is None:
        return None
    _assert_columns_hold_the_rows(split)
    return split.rows


def _assert_columns_hold_the_rows(split: sheet_split.SplitSheet) -> None:
    expected = rows_to_columns(split.rows)
    assert len(split.columns) == len(expected)
    for got, want in zip(split.columns, expected, strict=True):
        cells = got.to_pylist() if not hasattr(got, "dtype") else list(got)
        assert cells == list(want.values)
        assert [type(c) for c in cells] == [type(c) for c in want.values]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of the XML far smaller than a sheet, so parts are cut as it streams."""
    monkeypatch.setattr(limits, "_CHUNK", 997)


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
    return write_xlsx(path, sheets)  # openpyxl's layout: shared strings, no inline ones


def _shared_strings_book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    return _xlsxwriter_book(path, sheets, inline=False)


@pytest.mark.parametrize("writer", [_xlsxwriter_book, _shared_strings_book, _openpyxl_book])
def test_random_sheets_read_in_parts_as_calamine_reads_them_whole(tmp_path: Path,
                                                                  writer: Any) -> None:
    rng = random.Random(20261203)
    for trial in range(25):
        sheets = {"Log": _random_sheet(rng), "Other": _random_sheet(rng)}
        path = writer(tmp_path / f"random_{trial}.xlsx", sheets)
        for name in sheets:
            rows = _halves(path, name)
            if rows is not None:  # a sheet of one row has nothing to split at
                assert rows == _whole(path, name), (trial, name)


def test_a_lower_part_that_starts_to_the_right_and_is_wider(tmp_path: Path) -> None:
    top = [["Case ID", "Service"]] + [[f"C{n}", "SALT"] for n in range(20)]
    lower = [[None, None, None, f"C{n}", 1.5, dt.date(2025, 5, n + 1)] for n in range(20)]
    path = _xlsxwriter_book(tmp_path / "wide.xlsx", {"S": top + [[], []] + lower})
    rows = _halves(path, "S")
    assert rows is not None
    assert rows == _whole(path, "S")
    assert len(rows) == 43 and {len(row) for row in rows} == {6}
    for part_bytes in (100, 1_000, 3_000):  # cut before, among and after the blank rows
        split = _split(path, "S", part_bytes)
        assert split is not None and split.rows == rows


def _rewritten(path: Path, out: Path, change: Any) -> Path:
    with zipfile.ZipFile(path) as zf, zipfile.ZipFile(out, "w") as copy:
        for info in zf.infolist():
            data = zf.read(info)
            copy.writestr(info, change(data) if info.filename.endswith("sheet1.xml") else data)
    return out


def test_a_sheet_whose_rows_carry_no_numbers_is_read_whole(tmp_path: Path) -> None:
    path = hostile_workbook(tmp_path / "plain.xlsx", {f"A{n}": f"x{n}" for n in range(1, 30)})
    assert _split(path, "Data") is not None and PARTS_READ[0] > 1

    def unnumbered(xml: bytes) -> bytes:
        for n in range(1, 30):
            xml = xml.replace(b'<row r="%d">' % n, b"<row>")
        return xml

    unnumbered_path = _rewritten(path, tmp_path / "unnumbered.xlsx", unnumbered)
    split = _split(unnumbered_path, "Data")  # in one piece: nowhere plainly safe to cut
    assert split is not None and PARTS_READ == [1]
    assert split.rows == _whole(unnumbered_path, "Data")
    prefixed = _rewritten(path, tmp_path / "prefixed.xlsx",
                          lambda xml: xml.replace(b"sheetData", b"x:sheetData"))
    assert _split(prefixed, "Data") is None


def test_rows_out_of_order_or_past_the_sheets_end_are_read_whole(tmp_path: Path) -> None:
    """calamine places a cell by its reference: a row written after a later one, or a second
    sheetData, would land elsewhere in parts than in the whole sheet, so neither is split."""
    cells = {f"A{n}": f"x{n}" for n in range(1, 40)}
    path = hostile_workbook(tmp_path / "plain.xlsx", cells)

    def late_row(xml: bytes) -> bytes:
        row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x2</t></is></c></row>'
        return xml.replace(row, b"").replace(b"</sheetData>", row + b"</sheetData>")

    out_of_order = _rewritten(path, tmp_path / "late.xlsx", late_row)
    assert _split(out_of_order, "Data", 100) is None
    twice = _rewritten(path, tmp_path / "twice.xlsx",
                       lambda xml: xml.replace(b"</sheetData>", b"</sheetData><sheetData>"
                                               b'<row r="50"><c r="A50" t="inlineStr"><is><t>y'
                                               b"</t></is></c></row></sheetData>"))
    assert _split(twice, "Data", 100) is None
    assert next(iter(read_file(out_of_order))).rows == _whole(out_of_order, "Data")


def test_read_file_splits_a_big_sheet_and_reads_the_same_rows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [["Case ID", "Request Date", "Decision"]] + [
        [f"C{n}", dt.date(2025, 4, 1) + dt.timedelta(days=n % 90), n % 3 == 0]
        for n in range(2_000)]
    path = _xlsxwriter_book(tmp_path / "big.xlsx", {"Requests": rows, "Small": rows[:3]})
    split: list[str] = []
    real = sheet_split.SheetSplitter.finish

    def counted(self: sheet_split.SheetSplitter) -> Any:
        found = real(self)
        if found is not None:
            split.append(self.name)
        return found

    monkeypatch.setattr(sheet_split.SheetSplitter, "finish", counted)
    monkeypatch.setattr(sheet_split, "SPLIT_MIN_BYTES", 10_000)
    monkeypatch.setattr(sheet_split, "PART_MIN_BYTES", 20_000)
    monkeypatch.setattr(sheet_split, "second_core_free", lambda: True)
    sheets = list(read_file(path))
    assert split == ["Requests"]
    assert {s.name: s.rows for s in sheets} == {"Requests": _whole(path, "Requests"),
                                               "Small": _whole(path, "Small")}
    columns, n = sheets[0].body(1)
    expected = rows_to_columns(_whole(path, "Requests")[1:])
    assert n == 2_000 and len(columns) == len(expected) == 3
    for got, want in zip(columns, expected, strict=True):
        assert [got.at(i) for i in range(n)] == list(want.values)
    assert sheets[0].body(2_001) == ([], 0)
    monkeypatch.setattr(sheet_split, "second_core_free", lambda: False)  # a busy machine
    assert {s.name: s.rows for s in read_file(path)} == {s.name: s.rows for s in sheets}
    assert split == ["Requests"]
