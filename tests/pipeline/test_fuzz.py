"""Hostile and broken files: the only outcomes are a load or a one-line error naming the file,
never a traceback, and after an error the database is exactly as it was."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.load import ingest_file
from tests.conftest import ADVICE_HEADER, AS_OF, write_csv, write_xlsx
from tests.pipeline.test_loads import snapshot

pytestmark = pytest.mark.xdist_group("fuzz")  # one worker: its module fixtures are made once

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ROWS = [ADVICE_HEADER] + [[f"A{i}", f"C{i}", "Northshire", "SALT", "01/04/2025", "", "", "", "", ""]
                          for i in range(20)]


@pytest.fixture
def seeded(db, tmp_path):
    ingest_file(db, write_csv(tmp_path / "seed.csv", ROWS[:3]), as_of=AS_OF)
    return db


@pytest.fixture(scope="module")
def good_xlsx(tmp_path_factory) -> bytes:
    return write_xlsx(tmp_path_factory.mktemp("x") / "good.xlsx", {"Log": ROWS}).read_bytes()


def check_outcome(db, path, before: str) -> None:
    result = ingest_file(db, path, as_of=AS_OF)
    assert result.status in ("loaded", "failed", "unchanged")
    if result.status == "failed":
        assert result.error.startswith(path.name + ": ")
        assert "\n" not in result.error and "Traceback" not in result.error
        assert snapshot(db) == before
    else:
        assert result.reconciles()


@FUZZ
@given(data=st.data())
def test_mutated_workbooks(seeded, tmp_path, good_xlsx, data):
    before = snapshot(seeded)
    raw = bytearray(good_xlsx)
    for _ in range(data.draw(st.integers(1, 20))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    path = tmp_path / "mutated.xlsx"
    path.write_bytes(bytes(raw[:cut]))
    check_outcome(seeded, path, before)


@FUZZ
@given(content=st.binary(max_size=4000))
def test_random_bytes(seeded, tmp_path, content):
    before = snapshot(seeded)
    path = tmp_path / "random.csv"
    path.write_bytes(content)
    check_outcome(seeded, path, before)


@FUZZ
@given(cells=st.lists(st.lists(st.text(max_size=40), min_size=1, max_size=12), max_size=15),
       encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
def test_random_text_under_a_real_header(seeded, tmp_path, cells, encoding):
    before = snapshot(seeded)
    text = "\n".join(",".join(f'"{c.replace(chr(34), "")}"' for c in row) for row in [ADVICE_HEADER, *cells])
    path = tmp_path / "text.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    check_outcome(seeded, path, before)


def test_zip_bomb_refused_before_it_is_inflated(seeded, tmp_path, monkeypatch):
    import pipelines.readers

    monkeypatch.setattr(pipelines.readers, "MAX_XLSX_UNCOMPRESSED", 1024**2)  # 1 MB, for speed
    before = snapshot(seeded)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (2 * 1024**2))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buffer.getvalue())
    result = ingest_file(seeded, path, as_of=AS_OF)
    assert result.status == "failed" and "refusing to open it" in result.error
    assert snapshot(seeded) == before


def test_huge_csv_cell_refused(seeded, tmp_path):
    before = snapshot(seeded)
    path = tmp_path / "huge.csv"
    path.write_text(",".join(ADVICE_HEADER) + "\nA1,C1,Northshire,SALT,01/04/2025," + "x" * 40_000 + "\n")
    result = ingest_file(seeded, path, as_of=AS_OF)
    assert result.status == "failed" and "a spreadsheet cell holds at most" in result.error
    assert snapshot(seeded) == before


def test_formula_cells_never_calculated_are_refused_and_merged_title_cells_are_fine(db, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Health advice log"])
    ws.merge_cells("A1:F1")
    ws.append(ADVICE_HEADER)
    ws.append(["A1", "C1", "Northshire", "SALT", "01/04/2025", "=E3", "", "", "=1+2", ""])
    path = tmp_path / "formulas.xlsx"
    wb.save(path)
    result = ingest_file(db, path, as_of=AS_OF)
    # openpyxl stores no cached result: read as blank, "=E3" would leave the advice looking
    # open; it reads as #NOT CALCULATED, refused where a date is parsed, the cells named.
    assert (result.status, result.loaded, result.rejected) == ("loaded", 0, 1)
    assert [(r.row, r.column, r.value) for r in result.rejects] == [
        (3, "F", "#NOT CALCULATED"), (3, "I", "#NOT CALCULATED")]
    assert "(F3, I3)" in result.read_warnings[0]


def test_a_sheet_reaching_excels_last_row_loads_without_holding_a_million_rows(seeded, tmp_path):
    """A stray value in row 1,048,576 (or formatting that stretches the used range there) makes
    the sheet as tall as Excel allows; the file still loads, quickly, and the empty rows between
    are counted as blank so the figures still reconcile."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Log"
    for row in ROWS[:4]:
        sheet.append(row)
    sheet.cell(row=1_048_576, column=1, value="end of report")
    path = tmp_path / "tall.xlsx"
    book.save(path)
    result = ingest_file(seeded, path, as_of=AS_OF)
    assert result.status == "loaded", result.error
    assert (result.loaded, result.notes, result.rejected) == (3, 1, 0)
    assert result.rows_read == 1_048_575 == result.loaded + result.notes + result.blank
    assert result.reconciles()
