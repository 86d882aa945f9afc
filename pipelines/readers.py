"""Read a spreadsheet export into raw sheets: every cell as the file holds it, positions kept.

The file type is decided by content, not by name. Workbooks are read with calamine (several
times faster than openpyxl), one sheet at a time, a big one in parts on two cores while its XML
is still being checked (`sheet_split`); CSV bytes are decoded as UTF-8 (with or without
BOM), else Windows-1252 (UTF-16 with a BOM is made UTF-8 first). A CSV's first rows are read
with the csv module (to find the header); the rest with Arrow's CSV reader, which builds no
Python object per cell, unless the file is irregular (ragged rows, an unclosed quote, huge
cells), when the csv module reads it all as before. Nothing here interprets a cell: that is validation's job.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import python_calamine as calamine

from pipelines import config, sheet_split
from pipelines.csv_quotes import RowShape, SwallowedRows, refuse, runs_on, suspect_columns, suspect_text
from pipelines.headers import SCAN_ROWS
from pipelines.limits import (
    NOT_CALCULATED,
    Extent,
    Limits,
    TooLarge,
    check_csv,
    check_extent,
    csv_error,
    error_cells,
    escapes_controls,
    sheet_extent,
    sheet_parts,
)

MAX_CELL_CHARS = 32_767  # Excel's own limit; a longer CSV field is not a spreadsheet cell
MAX_XLSX_UNCOMPRESSED = 2 * 1024**3  # refuse zip bombs before calamine inflates them
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OLE = "EncryptionInfo".encode("utf-16-le")


class FileError(Exception):
    """A file that cannot be loaded at all. The message names the file and the problem."""


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if value.__class__ is str:
        return not value.strip()
    return value != value  # NaN


class Cells:
    """One column of a sheet's body: a numpy array of cell objects (a workbook, or a CSV read
    row by row) or an Arrow string array (a CSV read whole). Every rule runs once per distinct
    value and is mapped back to the rows with numpy, so no per-cell Python runs here."""

    def __init__(self, values: np.ndarray | pa.Array | None, length: int) -> None:
        self.values = values  # None: a column beyond the end of every row (all cells blank)
        self.length = length
        self._distinct: tuple[np.ndarray, Sequence[Any]] | None = None
        self.dictionary: pa.Array | None = None  # Arrow's distinct values (all but the None)
        self._blank: np.ndarray | None = None

    def at(self, row: int) -> Any:
        if self.values is None:
            return None
        if isinstance(self.values, pa.Array):
            return self.values[row].as_py()
        return self.values[row]

    @property
    def distinct(self) -> tuple[np.ndarray, Sequence[Any]]:
        """(codes, values): the cell in row i is values[codes[i]], as the file holds it."""
        if self._distinct is None:
            if isinstance(self.values, pa.Array):
                encoded = _dictionary_encode(self.values)
            else:
                encoded = text_array(self.values, _TEXT_CODES)
            if encoded is not None:
                self.dictionary = encoded.dictionary
                codes = encoded.indices
                if codes.null_count:  # a workbook's empty cells (Arrow reads a CSV's as text)
                    codes = codes.fill_null(len(self.dictionary))
                self._distinct = (codes.to_numpy(zero_copy_only=False).astype(np.intp),
                                  ArrowValues(self.dictionary))
            else:
                self._distinct = _factorize(self.values, self.length)
        return self._distinct

    @property
    def blank(self) -> np.ndarray:
        if self._blank is None:
            # Text is checked once per distinct value (a column's distinct values are wanted
            # by its parser anyway): the pattern over every row cost more than finding them.
            codes, values = self.distinct
            if self.dictionary is not None:
                self._blank = np.append(_blank_strings(self.dictionary), True)[codes]
            else:
                self._blank = np.fromiter(map(is_blank, values), bool, len(values))[codes]
        return self._blank


def _dictionary_encode(values: pa.Array) -> pa.DictionaryArray:
    """Arrow's dictionary encoding: the distinct values in the order they first appear, and each
    cell's code. Text whose every value sorts after the one above (the ids of an export listed
    in order) is its own dictionary, as encoding would find by hashing every value; a few
    values at the top tell most columns apart from such a list at once."""
    if (pa.types.is_string(values.type) and not values.null_count and len(values) > 1
            and _increasing(values[:_LOOK_FIRST]) and _increasing(values)):
        return pa.DictionaryArray.from_arrays(pa.array(np.arange(len(values), dtype=np.int32)),
                                              values)
    return values.dictionary_encode()


def _increasing(values: pa.Array) -> bool:
    return len(values) < 2 or pc.all(pc.less(values[:-1], values[1:])).as_py()


_LOOK_FIRST = 64


class ArrowValues(Sequence):
    """A column's distinct text values as Arrow holds them, then None (for empty cells): each
    becomes a Python string only when asked for, so a column of a million distinct ids is not
    copied into a million Python objects just to be checked."""

    def __init__(self, dictionary: pa.Array) -> None:
        self.dictionary = dictionary

    def __len__(self) -> int:
        return len(self.dictionary) + 1

    def __getitem__(self, k: int) -> str | None:  # type: ignore[override]
        return None if k == len(self.dictionary) else self.dictionary[int(k)].as_py()


_TEXT = pa.string()
_TEXT_CODES = pa.dictionary(pa.int32(), pa.string())


def text_array(values: np.ndarray | list[Any] | None, as_type: pa.DataType = _TEXT
               ) -> pa.Array | None:
    """Cells that are all text (or None) as Arrow text, which finds distinct values and checks
    them far faster than Python; None when any cell is a number, a date or a boolean. `as_type`
    a dictionary type: the distinct values and each cell's code, found as the cells are read."""
    if values is None or not len(values) or type(values[0]) is not str:
        return None
    try:
        return pa.array(values, type=as_type)
    except (ValueError, TypeError, pa.ArrowException):  # a non-text cell (or unencodable text)
        return None


def _factorize(values: np.ndarray | None, length: int) -> tuple[np.ndarray, list[Any]]:
    if values is None:
        return np.zeros(length, dtype=np.intp), [None]
    # pandas counts True, 1 and 1.0 as one value; parsers do not (True is no number), so a
    # column that mixes booleans with other cells is factorized one kind at a time.
    kinds, kind_values = pd.factorize(_TYPE_OF(values), use_na_sentinel=False)
    if bool in kind_values and len(kind_values) > 1:
        codes = np.empty(len(values), dtype=np.intp)
        uniques: list[Any] = []
        for k in range(len(kind_values)):
            rows = kinds == k
            sub_codes, sub_uniques = _factorize(values[rows], int(rows.sum()))
            codes[rows] = sub_codes + len(uniques)
            uniques += sub_uniques
        return codes, uniques
    codes, found = pd.factorize(values, use_na_sentinel=True)
    codes = codes.astype(np.intp, copy=False)
    codes[codes < 0] = len(found)  # None (and NaN) as a value of its own
    return codes, [*found, None]


_TYPE_OF = np.frompyfunc(type, 1, 1)
_WHITESPACE = "".join(map(chr, [*range(9, 14), *range(28, 33), 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                                 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]))  # what str.strip() removes
_BLANK_TEXT = "^[" + "".join(f"\\x{{{ord(c):x}}}" for c in _WHITESPACE) + "]*$"


def _blank_strings(values: pa.Array) -> np.ndarray:
    blank = pc.match_substring_regex(values, _BLANK_TEXT)
    return blank.fill_null(True).to_numpy(zero_copy_only=False)


def rows_to_columns(rows: list[list[Any]]) -> list[Cells]:
    """A sheet's rows (cell objects, rows of any length) as columns; short rows padded blank."""
    n = len(rows)
    widths = set(map(len, rows))
    width = max(widths, default=0)
    if len(widths) > 1:
        rows = [r + [None] * (width - len(r)) for r in rows]
    grid = np.empty((n, width), dtype=object)
    if n and width:
        grid[:] = rows
    return [Cells(grid[:, c], n) for c in range(width)]


@dataclass
class CsvBytes:
    """A UTF-8 CSV's bytes as Arrow reads them, where each of its first rows starts, and how
    many cells each holds: enough to find the body's rows and read only some (`read_rows`)."""

    data: bytes
    starts: list[int]
    delimiter: str
    widths: list[int]
    name: str = ""  # the file's
    shape: RowShape | None = None  # what a whole row looks like (`csv_quotes`)


@dataclass
class RawSheet:
    name: str  # sheet name; for CSV the file name
    # rows[i] is Excel row i+1; cells are str, float, int, bool, date(time). For a CSV read with
    # Arrow, only the first rows (enough to find the header); `rest` reads the others.
    rows: list[list[Any]]
    hidden: bool = False
    rest: Callable[[int], tuple[list[Cells], int]] | None = None
    warnings: list[str] = field(default_factory=list)  # what was changed while reading
    csv: CsvBytes | None = None  # a UTF-8 CSV read with Arrow: its bytes
    # The rows' cells as columns, one array per column over every row, when the reader made
    # them as it read (a big sheet read in parts); else `body` makes them from the rows.
    columns: list[sheet_split.Column] | None = None

    @property
    def complete(self) -> bool:
        return self.rest is None

    def body(self, start: int) -> tuple[list[Cells], int]:
        """The rows from index `start` to the end, as columns, and how many there are."""
        if self.rest is not None:
            return self.rest(start)
        n = max(len(self.rows) - start, 0)
        if self.columns is not None:
            return ([Cells(c.slice(start) if isinstance(c, pa.Array) else c[start:], n)
                     for c in self.columns] if n else []), n
        return rows_to_columns(self.rows[start:]), n

    def release(self) -> None:
        """Let go of the rows and the file (once the body is read): the columns hold the cells."""
        self.rows = []
        self.rest = None
        self.csv = None
        self.columns = None


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how Excel names a column."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_file(path: Path, limits: Limits | None = None) -> Iterator[RawSheet]:
    """The sheets of a workbook, read one at a time as they are asked for (so a sheet's cells
    can be freed before the next is read), or the one table of a CSV file. A sheet or CSV
    beyond `limits` (default: settings.toml's) is refused before it is read."""
    limits = limits or config.load_settings().limits
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileError(f"{path.name}: cannot be opened ({exc.strerror or exc})") from exc
    if data.startswith(UTF16_BOMS):
        utf8 = utf16_as_utf8(data)
        if utf8 is None:
            raise FileError(f"{path.name}: starts as UTF-16 text (Excel's \"Unicode Text\") but "
                            "is not valid UTF-16; save it again as CSV UTF-8 and load that")
        data = utf8
    if not data or data.isspace():  # as `not data.strip()`, without copying the file
        raise FileError(f"{path.name}: the file is empty")
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_OLE in data:
            raise FileError(f"{path.name}: the workbook is password-protected; save an "
                            "unprotected copy and load that")
        return _read_workbook(path, data, limits)
    if data.startswith(b"PK\x03\x04"):
        _check_zip(path, data)
        return _read_workbook(path, data, limits)
    return iter([_read_csv(path, data, limits)])


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def utf16_as_utf8(data: bytes) -> bytes | None:
    """Text saved as UTF-16 with its byte order mark (Excel's "Unicode Text", tab separated)
    as UTF-8 bytes, which the CSV reader reads as any other; None if the bytes are not that."""
    if not data.startswith(UTF16_BOMS):
        return None
    try:
        return data.decode("utf-16").encode("utf-8")
    except UnicodeError:  # odd length, or a lone surrogate
        return None


def _check_zip(path: Path, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            total = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError) as exc:
        raise FileError(f"{path.name}: corrupt or truncated workbook ({exc})") from exc
    if not any(n.startswith("xl/") for n in names) and "content.xml" not in names:
        raise FileError(f"{path.name}: a zip file but not a spreadsheet (.xlsx or .ods)")
    if total > MAX_XLSX_UNCOMPRESSED:
        raise FileError(f"{path.name}: the workbook would expand to {total / 1024**3:.1f} GB; "
                        "refusing to open it")


def _read_workbook(path: Path, data: bytes, limits: Limits) -> Iterator[RawSheet]:
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        worksheets = [m for m in book.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
    except calamine.PasswordError as exc:
        raise FileError(f"{path.name}: the workbook is password-protected") from exc
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise FileError(f"{path.name}: corrupt or unreadable workbook ({exc})") from exc
    if not worksheets:
        raise FileError(f"{path.name}: the workbook has no worksheets")
    return _sheets(path, data, book, worksheets, limits)


def _sheets(path: Path, data: bytes, book: calamine.CalamineWorkbook, worksheets: list,
            limits: Limits) -> Iterator[RawSheet]:
    zf = zipfile.ZipFile(io.BytesIO(data)) if data.startswith(b"PK") else None
    parts = sheet_parts(zf) if zf is not None else {}
    # Without a zip to look into (a legacy .xls), every cell is checked.
    shared = zf is None or escapes_controls(zf, "xl/sharedStrings.xml")
    for meta in worksheets:
        escapes = zf is None or meta.name not in parts
        errors = False
        split: sheet_split.SplitSheet | None = None
        if not escapes:
            splitter = (sheet_split.SheetSplitter(zf, parts, meta.name, limits)
                        if sheet_split.worth_splitting(zf, parts[meta.name]) else None)
            try:
                escapes, errors = _check_sheet(path, zf, meta.name, parts[meta.name], limits,
                                               splitter.on_chunk if splitter else None)
            except FileError:
                if splitter is not None:
                    splitter.abandon()
                raise
            split = splitter.finish() if splitter is not None else None
            del splitter
        # No local name holds the rows, so the generator lets go of a sheet once it is used.
        sheet = RawSheet(meta.name, split.rows if split else _sheet_rows(path, book, meta.name),
                         meta.visible != calamine.SheetVisibleEnum.Visible,
                         columns=split.columns if split else None)
        del split
        if shared or escapes:
            sheet.warnings = _strip_cell_controls(path, sheet)
            sheet.columns = None  # made again from the rows, as they may have changed
        if errors:
            sheet.warnings += _restore_errors(path, sheet, error_cells(zf, parts[meta.name]))
            sheet.columns = None
        yield sheet


def _restore_errors(path: Path, sheet: RawSheet, errors: dict[tuple[int, int], str]) -> list[str]:
    """Cells holding an Excel error ("#N/A") or a formula never calculated given back as such, not
    the blank calamine reads (a failed lookup of a return date would pass for a request open)."""
    placed: dict[bool, list[str]] = {True: [], False: []}  # by: not calculated?
    for (row, column), error in sorted(errors.items()):
        if row <= len(sheet.rows) and column <= len(got := sheet.rows[row - 1]) and is_blank(got[column - 1]):
            got[column - 1] = error
            placed[error == NOT_CALCULATED].append(f"{column_letter(column - 1)}{row}")
    return [f"{path.name}: sheet '{sheet.name}': {len(cells):,} cell(s) hold {what}, not as "
            f"blank ({', '.join(cells[:20])}{', ...' * (len(cells) > 20)}): {then}"
            for cells, what, then in [
                (placed[False], "an Excel error (#N/A, #REF!, ...), read as written",
                 "check the formulas in the source"),
                (placed[True], f"a formula whose value was never saved, read as {NOT_CALCULATED}",
                 "the workbook was written by a program and not opened in Excel since; open it "
                 "in Excel, save it, and load it again")] if cells]


def _strip_cell_controls(path: Path, sheet: RawSheet) -> list[str]:
    """Control characters removed from a sheet's text cells, with a warning naming the rows."""
    rows: list[int] = []
    count = 0
    for number, row in enumerate(sheet.rows, start=1):
        for c, cell in enumerate(row):
            if cell.__class__ is str and _CONTROL_TEXT.search(cell):
                count += len(_CONTROL_TEXT.findall(cell))
                row[c] = _CONTROL_TEXT.sub("", cell)
                if not rows or rows[-1] != number:
                    rows.append(number)
    if not count:
        return []
    return [_controls_warning(f"{path.name}: sheet '{sheet.name}'", count, rows[:20],
                              len(rows) > 20, "row")]


def _check_sheet(path: Path, zf: zipfile.ZipFile, name: str, part: str, limits: Limits,
                 on_chunk: Callable[[bytes, Extent], None] | None = None
                 ) -> tuple[bool, bool]:
    """Refuse a sheet whose cells reach past a limit, before calamine sizes a
    grid for it (one cell at XFD1048576 would make it ask for 512 GB). Whether its XML holds
    character escapes (which may be control characters), and Excel errors. `on_chunk`: as
    `sheet_extent`'s."""
    try:
        actual, escapes, errors = sheet_extent(zf, part, limits, on_chunk)
        check_extent(actual, limits, "reaches")
        return escapes, errors
    except TooLarge as exc:
        raise FileError(f"{path.name}: sheet '{name}' is too large to read: {exc}") from exc
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, zlib.error,
            NotImplementedError) as exc:
        raise FileError(f"{path.name}: sheet '{name}': corrupt or unreadable workbook "
                        f"({exc})") from exc


def _sheet_rows(path: Path, book: calamine.CalamineWorkbook, name: str) -> list[list[Any]]:
    """Every row of the sheet from A1, read whole by calamine."""
    try:
        return book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise FileError(f"{path.name}: corrupt or unreadable workbook ({exc})") from exc


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 (BOM or not), else Windows-1252, the two encodings English case systems export."""
    return _decode(path, data)[0]


def _decode(path: Path, data: bytes) -> tuple[str, bool]:
    """The text, and whether it was UTF-8 (so the bytes after any BOM can be read as they are)."""
    text, utf8, _ = _decode_with_evidence(path, data)
    return text, utf8


def _decode_with_evidence(path: Path, data: bytes) -> tuple[str, bool, list[str]]:
    """The text, whether its bytes are clean UTF-8, and warnings. The encoding is decided for
    the file with evidence: text with valid multi-byte UTF-8 in it stays UTF-8 even with a
    stray byte or two (each shown as U+FFFD, its line named in a warning); only text with no
    UTF-8 sequence at all is read as Windows-1252."""
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise FileError(f"{path.name}: not a spreadsheet or CSV file (binary content: a NUL "
                        f"byte on line {line:,})")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), True, []
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")
    strays = [m.start() for m in _STRAY.finditer(text)]
    if len(strays) * 20 < len(_MULTIBYTE.findall(text)) or (
            _MULTIBYTE.search(text) and len(strays) <= 3):
        lines = sorted({text.count("\n", 0, at) + 1 for at in strays[:20]})
        warning = (f"{path.name}: {len(strays):,} byte(s) that are not UTF-8 in a UTF-8 file, "
                   f"shown as \ufffd (line {', '.join(f'{n:,}' for n in lines)}"
                   f"{', ...' if len(strays) > 20 else ''}): check those rows in the source")
        return _STRAY.sub("\ufffd", text), False, [warning]
    # cp1252 leaves five bytes undefined; latin-1 maps every byte, so nothing is lost.
    try:
        return data.decode("cp1252"), False, []
    except UnicodeDecodeError:
        return data.decode("latin-1"), False, []


_STRAY = re.compile("[\udc80-\udcff]")
_MULTIBYTE = re.compile("[\u0080-\udc7f\udd00-\U0010ffff]")
# C0 controls but tab, LF and CR: no export, screen or spreadsheet cell can hold them.
_CONTROL_BYTES = bytes([*range(1, 9), 11, 12, *range(14, 32)])
_CONTROL_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def strip_controls(path: Path, data: bytes) -> tuple[bytes, list[str]]:
    """The bytes without C0 control characters (tab and line ends kept), and a warning naming
    the lines they were on. Removed, not refused: a stray control in a free-text note should not
    cost the row, and nothing downstream can show or export one."""
    stripped = data.translate(None, _CONTROL_BYTES)
    if len(stripped) == len(data):
        return data, []
    array = np.frombuffer(data, dtype=np.uint8)
    found = np.flatnonzero(np.isin(array, np.frombuffer(_CONTROL_BYTES, dtype=np.uint8)))
    lines = [int((array[:at] == 10).sum()) + 1 for at in found[:20]]
    return stripped, [_controls_warning(path.name, len(found), list(dict.fromkeys(lines)),
                                        len(found) > 20)]


def _controls_warning(where: str, count: int, lines: list[int], cut: bool,
                      unit: str = "line") -> str:
    more = ", ..." if cut else ""
    return (f"{where}: {count:,} control character(s) removed ({unit} "
            f"{', '.join(f'{n:,}' for n in lines)}{more}): they cannot be shown or exported")


def _read_csv(path: Path, data: bytes, limits: Limits | None = None) -> RawSheet:
    text, utf8, warnings = _decode_with_evidence(path, data)
    data, stripped = strip_controls(path, data)
    if stripped:
        text = _CONTROL_TEXT.sub("", text)
    warnings += stripped
    delimiter = _delimiter(text)
    try:
        check_csv(data, delimiter.encode(), limits or config.load_settings().limits)
    except TooLarge as exc:
        raise FileError(f"{path.name}: too large to read: {exc}") from exc
    head, ends = _csv_head(path, text, delimiter, HEAD_ROWS)
    shape = RowShape.of(head, delimiter)
    if not ends or ends[-1] == len(text):
        # the whole file is in the head: nothing more to read
        return RawSheet(path.name, head, warnings=warnings)
    if utf8:
        # Arrow reads the bytes as they are, from the byte where a row starts; the decoded text
        # is let go (it is made again only if the csv module has to read the file after all).
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        starts = [bom] + [bom + len(text[:end].encode("utf-8")) for end in ends]
        del text

    def whole_text() -> str:
        return _CONTROL_TEXT.sub("", _decode(path, data)[0]) if utf8 else text

    def rest(start: int) -> tuple[list[Cells], int]:
        """Rows from `start` on: Arrow reads from the row above (the header, which sets the
        number of columns); anything Arrow would read differently goes to the csv module."""
        first = max(start - 1, 0)
        columns = None
        if first < len(head):  # else not below the rows read for the header: the csv module
            if utf8:
                source = pa.py_buffer(data)[starts[first]:]
            else:
                source = pa.py_buffer(text[ends[first - 1] if first else 0:].encode("utf-8"))
            columns = _arrow_csv(source, delimiter, len(head[first]), skip_first=start >= 1)
            del source
        if columns and len(columns[0]) and any(runs_on(c[-1].as_py() or "") for c in columns):
            columns = None  # its last row runs over lines: a quote never closed? (`_check_quotes`)
        if columns is not None and suspect_columns(columns, shape):
            _check_quotes(path, whole_text(), shape, suspected=True)
        if columns is None:
            rows = _csv_rows(path, whole_text(), delimiter)[start:]
            return rows_to_columns(rows), len(rows)
        n = len(columns[0]) if columns else 0
        return [Cells(c, n) for c in columns], n

    found = (CsvBytes(data, starts, delimiter, [len(r) for r in head], path.name, shape)
             if utf8 else None)
    return RawSheet(path.name, head, rest=rest, warnings=warnings, csv=found)


def read_rows(csv: CsvBytes, start: int, rows: bytes) -> tuple[list[Cells], int] | None:
    """Some rows of the body below row index `start` (their bytes one after another, each
    ending a line) read as `RawSheet.body(start)` reads them with Arrow; None where Arrow would
    not read them (the whole body is then read as before)."""
    first = start - 1
    header = csv.data[csv.starts[first]:csv.starts[start]]
    columns = _arrow_csv(pa.py_buffer(header + rows), csv.delimiter, csv.widths[first], True)
    if columns is None:
        return None
    if csv.shape is not None and suspect_columns(columns, csv.shape):
        _check_quotes(Path(csv.name), _decode(Path(csv.name), csv.data)[0], csv.shape,
                      suspected=True)
    n = len(columns[0]) if columns else 0
    return [Cells(c, n) for c in columns], n


def _delimiter(text: str) -> str:
    """The commonest candidate in the first lines wins; csv.Sniffer guesses badly when title
    rows sit above the header."""
    return max(",;\t|", key=text[:20_000].count)


HEAD_ROWS = SCAN_ROWS + 2  # rows the csv module reads: the header must lie among them
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _csv_head(path: Path, text: str, delimiter: str, count: int
              ) -> tuple[list[list[Any]], list[int]]:
    """The first `count` rows, read with the csv module, and the text offset each ends at."""
    end = 0

    def lines() -> Iterator[str]:
        nonlocal end
        for match in _LINE.finditer(text):
            if match.start() == match.end():
                return
            end = match.end()
            yield match.group()

    rows: list[list[Any]] = []
    ends: list[int] = []
    try:
        for row in (reader := csv.reader(lines(), delimiter=delimiter, strict=False)):
            rows.append(row)
            ends.append(end)
            if len(rows) >= count:
                break
    except csv.Error as exc:
        raise FileError(csv_error(path.name, reader.line_num, exc, MAX_CELL_CHARS)) from exc
    _check_cells(path, rows)
    shape = RowShape.of(rows, delimiter)
    whole = not ends or ends[-1] == len(text)
    _check_quotes(path, text, shape, rows[-1] if whole and rows else (),
                  suspect_text((c for row in rows for c in row), shape))
    return rows, ends


def _csv_rows(path: Path, text: str, delimiter: str) -> list[list[Any]]:
    """Every row, read with the csv module: the reader for files Arrow would read differently."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        rows: list[list[Any]] = list(reader)
    except csv.Error as exc:
        raise FileError(csv_error(path.name, reader.line_num, exc, MAX_CELL_CHARS)) from exc
    _check_cells(path, rows)
    shape = RowShape.of(rows[:HEAD_ROWS], delimiter)
    # A row takes a line end at least, so a cell holds one only where there are more.
    spans = text.count("\n") + text.count("\r") - text.count("\r\n") > len(rows)
    _check_quotes(path, text, shape, rows[-1] if rows else (),
                  spans and suspect_text((c for row in rows for c in row), shape))
    return rows


def _check_quotes(path: Path, text: str, shape: RowShape, last_row: Sequence[Any] = (),
                  suspected: bool = False) -> None:
    """Refuse a quote that swallows rows (`csv_quotes`): one never closed, which only the last
    row read (`last_row`) can hold, or, when a cell read holds lines with a row's shape
    (`suspected`), one closed lines below. The file is scanned only then."""
    if not suspected and not any(isinstance(c, str) and runs_on(c) for c in last_row):
        return
    try:
        refuse(text, shape, last_row)
    except SwallowedRows as exc:
        raise FileError(f"{path.name}: line {exc.line:,}, column {column_letter(exc.column)}: "
                        f"{exc.problem}") from None
    if suspected:  # read so, though not found field by field: refused all the same
        raise FileError(f"{path.name}: a quoted cell holds lines shaped like the file's rows, so "
                        "those rows would be lost; look for a quote at the start of a cell that "
                        "is not closed where the cell ends, and remove it")


def _check_cells(path: Path, rows: list[list[Any]]) -> None:
    for number, row in enumerate(rows, start=1):
        for cell in row:
            if len(cell) > MAX_CELL_CHARS:
                raise FileError(f"{path.name}: row {number} has a cell of {len(cell):,} "
                                f"characters (a spreadsheet cell holds at most {MAX_CELL_CHARS:,})")


_MAX_BLOCK = 1 << 30


def _arrow_csv(source: pa.Buffer, delimiter: str, width: int, skip_first: bool
               ) -> list[pa.Array] | None:
    """Every cell as text (no Python object per cell), or None when the rows are not all as
    wide as the first, a quote is left open, or a cell is longer than a spreadsheet's: there the
    csv module's reading (and its errors) decide."""
    names = [f"c{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(source),
            # One block (up to 1 GB): the default's 1 MB blocks are parsed on every core but
            # then copied into one array per column, which cost more than it saved.
            read_options=pa_csv.ReadOptions(column_names=names,
                                            block_size=min(source.size + 1, _MAX_BLOCK)),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char='"',
                                              double_quote=True, escape_char=False,
                                              newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if skip_first:
        table = table.slice(1)
    columns = []
    while table.num_columns:  # one column at a time, so a copy and the table never both whole
        column = table.column(0)
        table = table.remove_column(0)
        array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        del column
        # A cell's characters are at most its bytes: only a column with a long cell in bytes
        # is measured in characters.
        if len(array) and (pc.max(pc.binary_length(array)).as_py() or 0) > MAX_CELL_CHARS and (
                pc.max(pc.utf8_length(array)).as_py() or 0) > MAX_CELL_CHARS:
            return None
        columns.append(array)
    return columns
