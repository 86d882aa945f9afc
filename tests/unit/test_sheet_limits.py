"""A sheet or CSV beyond the limits is refused before it is read, naming file, sheet and limit."""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import pytest

from pipelines import limits
from pipelines.limits import Limits
from pipelines.readers import FileError, read_file
from tests.hostile import workbook


def test_one_cell_at_xfd1048576_is_refused_before_calamine_sizes_a_grid(tmp_path: Path) -> None:
    path = workbook(tmp_path / "tiny.xlsx", {"A1": "Case ID", "XFD1048576": "x"})
    assert path.stat().st_size < 2048
    with pytest.raises(FileError) as caught:
        list(read_file(path))
    assert str(caught.value) == ("tiny.xlsx: sheet 'Data' is too large to read: it reaches "
                                 "16,384 columns (the limit is 1,000, [limits] max_columns)")


def test_a_declared_dimension_beyond_the_limits_reads_by_its_cells(tmp_path: Path) -> None:
    """Excel's <dimension> counts every formatted cell; calamine sizes its grid by the cells
    that hold something, so a dimension of the whole sheet costs nothing (measured: no memory)."""
    path = workbook(tmp_path / "claims.xlsx", {"A1": "Case ID", "B2": "x"}, sheet="Cases",
                    dimension="A1:XFD1048576")
    [sheet] = read_file(path, Limits(max_cells=1_000_000))
    assert sheet.rows == [["Case ID", ""], ["", "x"]]


def test_formatting_typed_far_from_the_table_is_not_a_cell(tmp_path: Path) -> None:
    """A fill or border far to the right or below (`<c r="WQJ2" s="1"/>`) reads as nothing, so
    the sheet loads; a value there is still refused before calamine sizes a grid for it."""
    path = workbook(tmp_path / "styled.xlsx", {"A1": "Case ID", "A2": "C1"})
    _replace_part(path, b'<c r="A2"', b'<c r="WQJ2" s="1"/><c r="B9" s="1"></c><c r="A2"')
    _replace_part(path, b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="2"/></row>'
                                         b"</sheetData>")
    [sheet] = read_file(path)
    assert sheet.rows == [["Case ID"], ["C1"]]
    _replace_part(path, b'<c r="WQJ2" s="1"/>', b'<c r="WQJ2" t="inlineStr"><is><t>x</t></is></c>')
    with pytest.raises(FileError, match="reaches 16,000 columns"):
        list(read_file(path))


def test_a_cell_below_its_row_tag_counts_by_its_own_reference(tmp_path: Path) -> None:
    # The row tag says 1; the cell's reference says row 2,000,000: the reference is what a
    # reader places it by.
    path = workbook(tmp_path / "liar.xlsx", {"A1": "Case ID", "B1": "x"})
    _replace_part(path, b'<c r="B1"', b'<c r="B2000000"')
    with pytest.raises(FileError, match="reaches 2,000,000 rows"):
        list(read_file(path))


def test_sheets_within_the_limits_read_as_before(tmp_path: Path) -> None:
    path = workbook(tmp_path / "fine.xlsx", {"A1": "Case ID", "B1": "Service", "A2": "C1",
                                             "B2": "SALT"}, dimension="A1:B2")
    [sheet] = read_file(path, Limits(max_rows=2, max_columns=2, max_cells=4))
    assert sheet.rows == [["Case ID", "Service"], ["C1", "SALT"]]


def test_sheet_xml_bigger_than_the_limit_is_refused(tmp_path: Path) -> None:
    cells = {f"A{n}": "x" * 200 for n in range(1, 6000)}
    path = workbook(tmp_path / "big.xlsx", cells)
    with pytest.raises(FileError, match=r"big.xlsx: sheet 'Data' .* MB uncompressed"):
        list(read_file(path, Limits(max_sheet_mb=1)))


@pytest.mark.parametrize(("body", "found"), [
    (b"a,b\n" + b"x" * 3000 + b"\n", "line 2 is 3 KB long (the limit is 2 KB"),
    (b"a,b\r\n1,2\r\n" + b"," * 1500 + b"\r\n", "line 3 has 1,501 columns (the limit is 1,000"),
    # the widest line named, between longer lines of fewer separators, as many as allowed
    (b"a,b\r" + b"," * 999 + b"\n" + b"x" * 1800 + b"\n" + b"," * 1000 + b"\r\n"
     + b"x;" * 900 + b"\n", "line 4 has 1,001 columns (the limit is 1,000"),
])
@pytest.mark.parametrize("chunk", [3, 1 << 22])  # line ends found a chunk at a time
def test_csv_line_length_and_width_are_bounded(tmp_path: Path, body: bytes, found: str,
                                               chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "_CHUNK", chunk)
    path = tmp_path / "wide.csv"
    path.write_bytes(body)
    with pytest.raises(FileError, match="wide.csv: too large to read: " + re.escape(found)):
        list(read_file(path, Limits(max_line_kb=2)))


def _replace_part(path: Path, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_a_reference_in_single_quotes_counts_too(tmp_path: Path) -> None:
    path = workbook(tmp_path / "quoted.xlsx", {"A1": "Case ID", "B1": "x"})
    _replace_part(path, b'<c r="B1"', b"<c r='XFD1'")
    with pytest.raises(FileError, match="reaches 16,384 columns"):
        list(read_file(path))


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def test_references_found_with_numpy_match_the_regular_expression() -> None:
    # Long runs, leading zeros, single quotes, attributes that end in r, cut-off references.
    rng = random.Random(20261202)
    for _ in range(3_000):
        parts = []
        for _ in range(rng.randint(0, 30)):
            pick = rng.random()
            if pick < 0.4:
                parts.append(f'<c r="{_column(rng.randint(1, 800))}{rng.randint(1, 2_000_000)}"/>')
            elif pick < 0.6:
                parts.append(f'<row r="{rng.randint(1, 99_999_999)}">')
            elif pick < 0.7:
                parts.append(f"<c r='{_column(rng.randint(1, 20_000))}{rng.randint(0, 9)}'/>")
            elif pick < 0.8:
                parts.append(f'<c r="A0{rng.randint(0, 999)}"/>')
            elif pick < 0.9:
                parts.append(f'<pageMargins header="{rng.random():.2f}"/> r="x" r="')
            else:
                parts.append(f'r="{_column(rng.randint(1, 10**9))}{rng.randint(0, 10**12)}"')
        data = "".join(parts).encode()
        data = data[:rng.randint(0, len(data))] if rng.random() < 0.3 else data
        assert limits.references(data) == limits._references_by_pattern(data), data


def test_a_reference_cut_between_two_chunks_is_read_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cells = {f"{_column(1 + n % 30)}{n}": "x" for n in range(1, 400)} | {"AB123456": "far"}
    path = workbook(tmp_path / "chunks.xlsx", cells)
    with zipfile.ZipFile(path) as zf:
        whole = limits.sheet_extent(zf, "xl/worksheets/sheet1.xml", Limits())
        monkeypatch.setattr(limits, "_CHUNK", 37)
        chunked = limits.sheet_extent(zf, "xl/worksheets/sheet1.xml", Limits())
    assert whole == chunked
    assert (whole[0].rows, whole[0].columns) == (123_456, 30)


@pytest.mark.parametrize("damage", ["sheet", "version"])
def test_a_damaged_workbook_is_a_clear_error(tmp_path: Path, damage: str) -> None:
    # Found by the fuzz test: a corrupt deflate stream in a sheet, a zip of an unknown version.
    path = workbook(tmp_path / "damaged.xlsx", {f"A{n}": f"cell {n}" for n in range(1, 400)})
    data = bytearray(path.read_bytes())
    if damage == "sheet":
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("xl/worksheets/sheet1.xml")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        data[start:start + 8] = b"\xff" * 8
    else:
        end = data.rindex(b"PK\x01\x02")  # the last central directory entry's versions
        data[end + 4:end + 8] = bytes([64, 0, 64, 0])
    path.write_bytes(bytes(data))
    with pytest.raises(FileError, match="damaged.xlsx: .*(corrupt|unreadable)"):
        list(read_file(path))
