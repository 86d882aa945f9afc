"""Read a spreadsheet export into raw sheets: every cell as the file holds it, positions kept.

The file type is decided by content, not by name. Workbooks are read with calamine (several
times faster than openpyxl); CSV bytes are decoded as UTF-8 (with or without BOM), else
Windows-1252. Nothing here interprets a cell: that is validation's job.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine as calamine

MAX_CELL_CHARS = 32_767  # Excel's own limit; a longer CSV field is not a spreadsheet cell
MAX_XLSX_UNCOMPRESSED = 2 * 1024**3  # refuse zip bombs before calamine inflates them
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OLE = "EncryptionInfo".encode("utf-16-le")


class FileError(Exception):
    """A file that cannot be loaded at all. The message names the file and the problem."""


@dataclass
class RawSheet:
    name: str  # sheet name; for CSV the file name
    rows: list[list[Any]]  # rows[i] is Excel row i+1; cells are str, float, int, bool, date(time)
    hidden: bool = False


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how Excel names a column."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_file(path: Path) -> list[RawSheet]:
    """All sheets of a workbook, or the one table of a CSV file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileError(f"{path.name}: cannot be opened ({exc.strerror or exc})") from exc
    if not data.strip():
        raise FileError(f"{path.name}: the file is empty")
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_OLE in data:
            raise FileError(f"{path.name}: the workbook is password-protected; save an "
                            "unprotected copy and load that")
        return _read_workbook(path, data)
    if data.startswith(b"PK\x03\x04"):
        _check_zip(path, data)
        return _read_workbook(path, data)
    return [_read_csv(path, data)]


def _check_zip(path: Path, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            total = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileError(f"{path.name}: corrupt or truncated workbook ({exc})") from exc
    if not any(n.startswith("xl/") for n in names) and "content.xml" not in names:
        raise FileError(f"{path.name}: a zip file but not a spreadsheet (.xlsx or .ods)")
    if total > MAX_XLSX_UNCOMPRESSED:
        raise FileError(f"{path.name}: the workbook would expand to {total / 1024**3:.1f} GB; "
                        "refusing to open it")


def _read_workbook(path: Path, data: bytes) -> list[RawSheet]:
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            hidden = meta.visible != calamine.SheetVisibleEnum.Visible
            sheets.append(RawSheet(meta.name, rows, hidden))
    except calamine.PasswordError as exc:
        raise FileError(f"{path.name}: the workbook is password-protected") from exc
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise FileError(f"{path.name}: corrupt or unreadable workbook ({exc})") from exc
    if not sheets:
        raise FileError(f"{path.name}: the workbook has no worksheets")
    return sheets


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 (BOM or not), else Windows-1252, the two encodings English case systems export."""
    if b"\x00" in data[:65536]:
        raise FileError(f"{path.name}: not a spreadsheet or CSV file (binary content)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte, so nothing is lost.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _read_csv(path: Path, data: bytes) -> RawSheet:
    text = decode_text(path, data)
    # The commonest candidate in the first lines wins; csv.Sniffer guesses badly when title
    # rows sit above the header.
    sample = text[:20_000]
    delimiter = max(",;\t|", key=sample.count)
    try:
        rows: list[list[Any]] = list(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        )
    except csv.Error as exc:
        raise FileError(f"{path.name}: malformed CSV ({exc})") from exc
    for number, row in enumerate(rows, start=1):
        for cell in row:
            if len(cell) > MAX_CELL_CHARS:
                raise FileError(f"{path.name}: row {number} has a cell of {len(cell):,} "
                                f"characters (a spreadsheet cell holds at most {MAX_CELL_CHARS:,})")
    return RawSheet(path.name, rows)
