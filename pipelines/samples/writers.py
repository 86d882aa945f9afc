"""Writing the exports: date formats, workbooks and CSV files, made byte-identical run to run
(fixed workbook properties and zip entry times, canonical XML).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import canonicalize

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from pipelines.samples.model import EXCEL_EPOCH, FIXED_STAMP, MONTHS

# --- formats --------------------------------------------------------------------------------


def dmy(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def long_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"  # no locale: "1 Apr 2025" everywhere


def excel_serial(d: date) -> int:
    return (d - EXCEL_EPOCH).days


def spaced_nhs(nhs: str | None) -> str:
    return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" if nhs else ""


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.properties.creator = "pipelines.samples"
    wb.properties.created = wb.properties.modified = FIXED_STAMP
    return wb


def append_row(ws: Worksheet, values: Sequence[object], text_format_ints: bool = False) -> None:
    """Append a row, showing dates as UK dates (openpyxl's default would be ISO)."""
    cells = []
    for value in values:
        cell = Cell(ws, value=value)
        if text_format_ints and isinstance(value, int):
            cell.number_format = "@"  # a number in a cell formatted as text, as pasted
        elif isinstance(value, datetime):
            cell.number_format = "dd/mm/yyyy hh:mm"
        elif isinstance(value, date):
            cell.number_format = "dd/mm/yyyy"
        cells.append(cell)
    ws.append(cells)


def blank_row(ws: Worksheet) -> None:
    ws.append([])  # no cells are written: readers see a gap in the row numbers


XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _stable_xml(data: bytes) -> bytes:
    """One spelling of an XML part whichever serializer openpyxl used: it writes through lxml
    when lxml is installed and through the standard library otherwise, and the two place
    namespace declarations and spaces differently. Canonical XML (C14N 2.0) is the same for
    both."""
    return XML_DECLARATION + canonicalize(data.decode("utf-8")).encode("utf-8")


def _stable_zip(data: bytes) -> bytes:
    """Rewrite an xlsx with fixed entry times (zipfile stamps entries with the wall clock) and
    canonical XML parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, FIXED_STAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            body = src.read(item.filename)
            if item.filename.endswith((".xml", ".rels")):
                body = _stable_xml(body)
            dst.writestr(info, body)
    return out.getvalue()


def save_workbook(wb: Workbook, path: Path) -> None:
    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save() would stamp "modified" with the current time.
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    path.write_bytes(_stable_zip(buffer.getvalue()))


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]],
               encoding: str, newline: str, delimiter: str = ",") -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator=newline, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
