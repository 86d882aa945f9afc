"""Read one big worksheet as two halves, on two cores at once: calamine lets go of the
interpreter while it parses a sheet, so two workbooks in memory, each holding half of the
sheet's rows (split at a row tag, every other part as it was), parse side by side. Their rows,
joined, are the rows calamine reads from the whole sheet, cell for cell.

The sheet's XML is already in memory then, inflated by the extent check (`limits.sheet_extent`)
that must pass before any reader sizes a grid for the sheet.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import python_calamine as calamine

SPLIT_MIN_BYTES = 16 * 1024**2  # sheet XML below this reads faster in one piece
SPLIT_MAX_BYTES = 300 * 1024**2  # above this, the copies would cost too much memory
_OPEN, _CLOSE = b"<sheetData>", b"</sheetData>"
_NUMBERED_ROW = re.compile(rb'<row\s[^>]*?\br="\d+"[^>]*>')
_EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData/></worksheet>")


def worth_splitting(zf: zipfile.ZipFile, part: str) -> bool:
    """Whether to read the sheet at `part` in halves: big enough to gain, small enough to copy,
    and a second core free to parse the other half (else the split costs more than it saves)."""
    return SPLIT_MIN_BYTES <= zf.getinfo(part).file_size <= SPLIT_MAX_BYTES and second_core_free()


def second_core_free() -> bool:
    """Two cores or more, and the last minute's load average leaves one of them idle."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) >= 2 and os.getloadavg()[0] <= (cores or 1) - 1


Pieces = tuple[memoryview, ...]  # a sheet's XML as slices of the whole, joined when written


def halves(xml: bytes) -> tuple[Pieces, Pieces] | None:
    """The sheet's XML as two sheets, the first with the rows before a numbered row tag near
    the middle, the second with that row and those after it (both keep everything around the
    rows); None when the XML is not laid out so that this is plainly safe (a prefixed or
    repeated sheetData, no numbered row tag to split at). Slices, not copies."""
    start, end = xml.find(_OPEN), xml.rfind(_CLOSE)
    if start < 0 or end < start or xml.find(_OPEN, start + 1) >= 0 or xml.find(_CLOSE) != end:
        return None
    body = start + len(_OPEN)
    found = _NUMBERED_ROW.search(xml, (body + end) // 2, end)
    if found is None or xml[found.start() - 1:found.start()] != b">":
        return None
    whole, at = memoryview(xml), found.start()
    return (whole[:at], whole[end:]), (whole[:body], whole[at:])


def workbook_with(zf: zipfile.ZipFile, parts: dict[str, str], part: str, xml: Pieces,
                  contents: dict[str, bytes]) -> io.BytesIO:
    """The workbook with `xml` as the sheet at `part`, every other worksheet emptied (it is not
    read from this copy) and every other part as `contents` holds it; stored, not compressed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for info in zf.infolist():
            if info.filename == part:
                with copy.open(info.filename, "w", force_zip64=True) as sheet:
                    for piece in xml:
                        sheet.write(piece)
            else:
                copy.writestr(info.filename, contents.get(info.filename, _EMPTY_SHEET))
    out.seek(0)
    return out


def other_parts(zf: zipfile.ZipFile, parts: dict[str, str]) -> dict[str, bytes]:
    """Every part but the worksheets, inflated once for both halves."""
    sheets = set(parts.values())
    return {info.filename: zf.read(info) for info in zf.infolist() if info.filename not in sheets}


def rows_in_halves(zf: zipfile.ZipFile, parts: dict[str, str], name: str, chunks: list[bytes]
                   ) -> list[list[Any]] | None:
    """The sheet's rows, as `CalamineSheet.to_python(skip_empty_area=False)` gives them for the
    whole sheet, read as two halves at once, from its XML in `chunks` (emptied: the XML is let
    go once calamine has its copies, before the rows are made); None when the XML does not split
    (see `halves`). Calamine's errors are raised as they come."""
    xml = b"".join(chunks)
    chunks.clear()
    split = halves(xml)
    if split is None:
        return None
    part, contents = parts[name], other_parts(zf, parts)
    # Each half's workbook in a box of its own, which `_parsed` empties
    boxes = [[workbook_with(zf, parts, part, half, contents)] for half in split]
    del split, xml, contents  # the copies hold all of it now
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(_parsed, boxes, [name, name])
    return joined(first, second)


def _parsed(box: list[io.BytesIO], name: str) -> calamine.CalamineSheet:
    """One half's sheet; the half's bytes go once calamine has copied them, before it parses."""
    book = calamine.CalamineWorkbook.from_filelike(box.pop())
    return book.get_sheet_by_name(name)


def joined(first: calamine.CalamineSheet, second: calamine.CalamineSheet) -> list[list[Any]]:
    """The two halves' rows as one sheet's: from A1, every row as wide as the wider half, empty
    cells as calamine gives them ('')."""
    rows = first.to_python(skip_empty_area=False) if first.start is not None else []
    if second.start is None:
        return rows
    (top, left), (_, right) = second.start, second.end
    width = max(len(rows[0]) if rows else 0, right + 1)
    if rows and len(rows[0]) < width:
        pad = [""] * (width - len(rows[0]))
        rows = [row + pad for row in rows]
    rows += [[""] * width for _ in range(top - len(rows))]
    lower = second.to_python(skip_empty_area=True)
    if left or right + 1 < width:
        before, after = [""] * left, [""] * (width - right - 1)
        lower = [before + row + after for row in lower]
    rows += lower
    return rows
