"""A workbook reads cell for cell as calamine reads it, through the extent check and into the
columns validation sees, whichever writer made it (shared strings or inline strings), and loads
with every row accounted for: merged title rows, dates as Excel serials and as text, blank and
total rows, several sheets, numbers stored as text, booleans."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
import python_calamine as calamine
import xlsxwriter

from pipelines.readers import read_file
from tests.conftest import ADVICE_HEADER

D = dt.date
LOG = [
    ["Northshire Community Trust: health advice requests"],  # merged over the table's width
    [],
    ADVICE_HEADER,
    ["A1", "C1", "Northshire", "SALT", D(2025, 4, 1), D(2025, 5, 1), "Trust", None, 3, "New"],
    ["A2", "C2", "Northshire", "OT", "02/04/2025", "2025-05-02", "Trust", "", "4", "New"],
    [],
    ["A3", "C3", "Northshire", "Physio", 45750, None, "Trust", None, 2.5, "Annual review"],
    ["A4", "C4", "Northshire", "SALT", D(2025, 4, 4), D(2025, 3, 1), "Trust", True, None, "New"],
    ["A5", "C5", "Northshire", "SALT", "31/02/2025", None, "Trust", False, "x", "New"],
    ["Total", None, None, None, None, None, None, None, 9],
]
LATER = [
    ADVICE_HEADER,
    ["B1", "C9", "Riverside", "CAMHS", dt.datetime(2025, 6, 1, 9, 30), None, "Trust", None, 1,
     "Reassessment"],
    ["B2", "C8", "Riverside", "CAMHS", " 01/06/2025 ", None, "Trust", "No", "1", "Reassessment"],
]


def _openpyxl_book(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in (("Log", LOG), ("Later", LATER)):
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book["Log"].merge_cells("A1:J1")
    book.save(path)
    return path


def _xlsxwriter_book(path: Path) -> Path:
    """Inline strings, as the bench's writer makes them (constant-memory mode)."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in (("Log", LOG), ("Later", LATER)):
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, dates)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


@pytest.fixture(params=["openpyxl", "xlsxwriter"])
def workbook(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    make = _openpyxl_book if request.param == "openpyxl" else _xlsxwriter_book
    return make(tmp_path / f"log_{request.param}.xlsx")


def _calamine_cells(path: Path) -> dict[str, list[list[Any]]]:
    book = calamine.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names}


def test_read_file_gives_calamines_cells_sheet_by_sheet(workbook: Path) -> None:
    expected = _calamine_cells(workbook)
    sheets = list(read_file(workbook))
    assert [s.name for s in sheets] == ["Log", "Later"]
    for sheet in sheets:
        assert sheet.rows == expected[sheet.name]
        assert not sheet.warnings and not sheet.hidden


def test_the_columns_hold_the_cells_of_the_rows_below_the_header(workbook: Path) -> None:
    expected = _calamine_cells(workbook)["Log"]
    sheet = next(iter(read_file(workbook)))
    columns, n = sheet.body(3)
    assert n == len(expected) - 3
    for c, cells in enumerate(columns):
        for i in range(n):
            row = expected[3 + i]
            assert cells.at(i) == (row[c] if c < len(row) else None)
            assert type(cells.at(i)) is type(row[c] if c < len(row) else None)


def test_the_workbook_loads_with_every_row_accounted_for(load, workbook: Path, db: Path) -> None:
    result = load(workbook)
    assert result.reconciles()
    assert [s["sheet"] for s in result.sheets] == ["Log", "Later"]
    assert (result.rows_read, result.loaded, result.blank, result.notes, result.rejected) == (
        9, 5, 1, 1, 2)
    # Excel rows and column letters; the booleans in the exception column cost no row
    assert [(r.sheet, r.row, r.column, r.rule) for r in result.rejects] == [
        ("Log", 8, "F", "end_before_start"), ("Log", 9, "E", "impossible_date"),
        ("Log", 9, "I", "invalid_number")]
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT advice_id, source_sheet, source_row, requested_date, "
                             "returned_date, quality_score, stage FROM health_advice "
                             "ORDER BY 1").fetchall()
    assert stored == [
        ("A1", "Log", 4, D(2025, 4, 1), D(2025, 5, 1), 3.0, "new assessment"),
        ("A2", "Log", 5, D(2025, 4, 2), D(2025, 5, 2), 4.0, "new assessment"),
        ("A3", "Log", 7, D(2025, 4, 3), None, 2.5, "annual review"),
        ("B1", "Later", 2, D(2025, 6, 1), None, 1.0, "reassessment"),
        ("B2", "Later", 3, D(2025, 6, 1), None, 1.0, "reassessment"),
    ]


def _errors_book(path: Path, writer: str) -> Path:
    """Cells holding Excel's errors: a failed lookup in Returned Date, a broken reference as
    the Provider, a division by zero as the Quality Score (calamine reads each as '')."""
    rows = [["A1", "C1", "Northshire", "SALT", D(2025, 4, 1), "#N/A", "Trust", None, 3, "New"],
            ["A2", "C2", "Northshire", "OT", D(2025, 4, 2), None, "#REF!", None, 4, "New"],
            ["A3", "C3", "Northshire", "OT", D(2025, 4, 3), None, "Trust", None, "#DIV/0!", "New"]]
    if writer == "openpyxl":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Log"
        sheet.append(ADVICE_HEADER)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("#"):
                    cell.data_type = "e"
        book.save(path)
        return path
    book = xlsxwriter.Workbook(str(path))  # a formula whose cached result is the error
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet("Log")
    sheet.write_row(0, 0, ADVICE_HEADER)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, dates)
            elif isinstance(value, str) and value.startswith("#"):
                sheet.write_formula(r, c, "=VLOOKUP(1,Z:Z,2,0)", None, value)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return path


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
def test_an_excel_error_in_a_cell_is_read_as_the_error_not_as_blank(load, db: Path,
                                                                     tmp_path: Path,
                                                                     writer: str) -> None:
    # Read as blank, the #N/A would make a returned request look open and overdue.
    result = load(_errors_book(tmp_path / f"errors_{writer}.xlsx", writer))
    assert (result.rows_read, result.loaded, result.rejected) == (3, 1, 2)
    assert [(r.row, r.column, r.value, r.rule) for r in result.rejects] == [
        (2, "F", "#N/A", "invalid_date"), (4, "I", "#DIV/0!", "invalid_number")]
    assert result.read_warnings == [
        f"errors_{writer}.xlsx: sheet 'Log': 3 cell(s) hold an Excel error (#N/A, #REF!, ...), "
        "read as written, not as blank (F2, G3, I4): check the formulas in the source"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT advice_id, provider FROM health_advice").fetchall() == [
            ("A2", "#REF!")]


def test_a_formula_never_calculated_is_not_read_as_blank(load, db: Path, tmp_path: Path) -> None:
    """openpyxl (and other programs) write a formula with no saved value, which calamine reads
    as blank: a return date `=E2+30` would make the request look open and overdue. Such a cell
    reads as #NOT CALCULATED, refused where a value is parsed, and the sheet names its cells;
    a formula Excel saved as "" (t="str") is blank indeed, and a saved value is read."""
    path = tmp_path / "formulas.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Log"
    sheet.append(ADVICE_HEADER)
    sheet.append(["A1", "C1", "Northshire", "SALT", D(2025, 4, 1), "=E2+30", "Trust", None, 3, "New"])
    sheet.append(["A2", "C2", "Northshire", "OT", D(2025, 4, 2), None, "Trust", None, "=1+2", "New"])
    sheet.append(["A3", "C3", "Northshire", "OT", D(2025, 4, 3), None, "Trust", None, 4, "New"])
    book.save(path)
    result = load(path)
    assert (result.rows_read, result.loaded, result.rejected) == (3, 1, 2)
    assert [(r.row, r.column, r.value) for r in result.rejects] == [
        (2, "F", "#NOT CALCULATED"), (3, "I", "#NOT CALCULATED")]
    [warning] = result.read_warnings
    assert "2 cell(s) hold a formula whose value was never saved" in warning
    assert "(F2, I3)" in warning and "open it in Excel, save it" in warning


def test_a_formula_saved_with_its_value_or_as_empty_text_reads_as_saved() -> None:
    from pipelines.limits import _uncached

    saved = (b'<c r="F2" s="1"><f>E2+30</f><v>45778</v></c>'
             b'<c r="G2" t="str"><f>IF(A2="","","x")</f><v></v></c>'
             b'<c r="H2"><f t="shared" si="0"/><v>3</v></c>')
    assert list(_uncached(saved)) == []
    never = (b'<c r="F2" s="1"><f>E2+30</f><v></v></c><c r="G2"><f>1+2</f></c>'
             b'<x:c r="H2"><x:f t="shared" si="0"/><x:v/></x:c>')
    assert list(_uncached(never)) == [b'r="F2" s="1"', b'r="G2"', b'r="H2"']
