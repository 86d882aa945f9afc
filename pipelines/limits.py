"""How big a sheet or CSV may be before it is read: found from the file's own bytes, so that a
file claiming (or holding) a cell at XFD1048576 is refused before any reader sizes a grid for it.

A workbook's sheet XML is streamed out of the zip in chunks and scanned for the row numbers and
column letters of the cells that hold something (not its <dimension>, which counts formatted
empty cells and sizes no grid); a CSV's lines are measured with numpy.
The limits are `[limits]` in settings.toml, chosen well above real exports.
"""

from __future__ import annotations

import csv
import html
import re
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import PurePosixPath

import numpy as np

_CHUNK = 1 << 22
_OVERLAP = 64  # longer than any reference or row tag, so none is cut between two chunks
_SHEET = re.compile(rb'<(?:\w+:)?sheet\s[^>]*?/?>')
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')
_ESCAPES = (re.compile(rb"_x00[01][0-9A-Fa-f]_"), re.compile(rb"&#"))  # apart: each is a fast scan
_RELATIONSHIP = re.compile(rb'<(?:\w+:)?Relationship\s[^>]*?/?>')


class TooLarge(ValueError):
    """A sheet or file beyond a limit; the message names the file, the sheet and the limit."""


@dataclass(frozen=True)
class Limits:
    max_rows: int = 1_048_576  # Excel's own
    max_columns: int = 1_000
    max_cells: int = 30_000_000  # rows x columns of the sheet's grid, from A1
    max_sheet_mb: int = 1_024  # a sheet's XML, uncompressed
    max_line_kb: int = 512  # one CSV line
    child_memory_mb: int = 6_144  # address space of the process that reads and loads a file
    child_seconds: int = 1_800

    @classmethod
    def from_settings(cls, raw: dict[str, object]) -> Limits:
        known = cls.__dataclass_fields__
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise ValueError(f"settings.toml [limits]: unknown setting(s) {', '.join(unknown)}")
        return cls(**{k: int(v) for k, v in raw.items()})  # type: ignore[call-overload]


def column_number(letters: str) -> int:
    """A -> 1, Z -> 26, AA -> 27, XFD -> 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


@dataclass
class Extent:
    rows: int = 0
    columns: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def _attributes(tag: bytes) -> dict[str, str]:
    return {k.decode().split(":")[-1]: html.unescape(v.decode("utf-8", "replace"))
            for k, v in _ATTRIBUTE.findall(tag)}


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: its part's path in the zip}, from the workbook and its relationships."""
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    small = 16 * 1024**2  # these two parts are a few KB: a bigger one is not read
    if any(zf.getinfo(n).file_size > small for n in ("xl/workbook.xml",
                                                      "xl/_rels/workbook.xml.rels")):
        return {}
    targets = {}
    for tag in _RELATIONSHIP.findall(zf.read("xl/_rels/workbook.xml.rels")):
        attrs = _attributes(tag)
        target = attrs.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[attrs.get("Id", "")] = str(PurePosixPath(part))
    parts = {}
    for tag in _SHEET.findall(zf.read("xl/workbook.xml")):
        attrs = _attributes(tag)
        if attrs.get("id") in targets and "name" in attrs:
            parts[attrs["name"]] = targets[attrs["id"]]
    return parts


def escapes_controls(zf: zipfile.ZipFile, part: str) -> bool:
    """Whether a part (streamed) holds an escape that a reader turns into a character, such as
    _x0001_ or &#1;: only then are a sheet's cells looked at one by one for control characters."""
    if part not in zf.namelist():
        return False
    tail = b""
    for chunk in _chunks(zf, part):
        data = tail + chunk
        if _has_escape(data):
            return True
        tail = data[-_OVERLAP:]
    return False


def _chunks(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """A part's bytes, a chunk at a time: a worker thread inflates the next chunk (zlib lets go
    of the interpreter while it does) while the caller scans this one."""
    with zf.open(part) as stream, ThreadPoolExecutor(1) as worker:
        pending = worker.submit(stream.read, _CHUNK)
        while chunk := pending.result():
            pending = worker.submit(stream.read, _CHUNK)
            yield chunk


def _has_escape(data: bytes) -> bool:
    return any(pattern.search(data) for pattern in _ESCAPES)


def sheet_extent(zf: zipfile.ZipFile, part: str, limits: Limits,
                 on_chunk: Callable[[bytes, Extent], None] | None = None
                 ) -> tuple[Extent, bool, bool]:
    """The extent of one sheet's XML, streamed: the highest row and column any `r` attribute
    names (a row's number, a cell's reference: a reader places a cell by its reference), of the
    cells that hold something where formatting alone would pass a limit; whether it holds
    character escapes (see `escapes_controls`); and whether a cell holds an Excel error or a
    formula never calculated (see `error_cells`). `on_chunk` is given each chunk of the XML
    once it is scanned, with the extent found so far (a reader may start on what has passed).
    Raises TooLarge (without a file name) if the XML is bigger than max_sheet_mb."""
    actual = Extent()
    escapes = errors = False
    cap = limits.max_sheet_mb * 1024**2
    if zf.getinfo(part).file_size > cap:
        raise TooLarge(f"its XML is {zf.getinfo(part).file_size / 1024**2:,.0f} MB uncompressed "
                       f"(the limit is {limits.max_sheet_mb:,} MB, [limits] max_sheet_mb)")
    read = 0
    tail = b""
    for chunk in _chunks(zf, part):
        read += len(chunk)
        if read > cap:  # the zip's directory understated the size
            raise TooLarge(f"its XML is over {limits.max_sheet_mb:,} MB uncompressed "
                           "([limits] max_sheet_mb)")
        data = tail + chunk
        rows, columns = references(data)
        if _passes(Extent(max(actual.rows, rows), max(actual.columns, columns)), limits):
            rows, columns = references(_without_empty_cells(data))  # formatting reads as nothing
        actual.rows = max(actual.rows, rows)
        actual.columns = max(actual.columns, columns)
        escapes = escapes or _has_escape(data)
        errors = (errors or b't="e"' in data or b"t='e'" in data
                  or (b"<f" in data and any(_uncached(data))))
        tail = data[-_OVERLAP:]
        if on_chunk is not None:
            on_chunk(chunk, actual)
    return actual, escapes, errors


# A cell whose type is an error, and the value cached after it (after any formula).
_ERROR_CELL = re.compile(rb"""<(?:\w+:)?c\s[^>]*?\bt=["']e["'][^>]*>""")
_ERROR_VALUE = re.compile(
    rb"""(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)?<(?:\w+:)?v>([^<]*)<""")
_CELL_REFERENCE = re.compile(rb"""\br=["']([A-Z]{1,3})([0-9]{1,7})["']""")
# A formula whose value was never saved (`<v></v>` or none): a workbook a program wrote (openpyxl)
# and no one opened in Excel, which calamine reads as blank. A formula giving "" has t="str".
_UNCACHED_CELL = re.compile(
    rb"""<(?:\w+:)?c\s([^>]*)>(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)"""
    rb"""(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?</(?:\w+:)?c>""")
NOT_CALCULATED = "#NOT CALCULATED"  # what such a cell is read as: never a blank


def _uncached(data: bytes) -> Iterator[bytes]:
    """The attributes of each cell in `data` whose formula has no saved value."""
    return (m[1] for m in _UNCACHED_CELL.finditer(data)
            if b't="str"' not in m[1] and b"t='str'" not in m[1])
_ERROR_OVERLAP = 1 << 16  # longer than any cell with its formula (Excel's formula limit: 8,192)


def error_cells(zf: zipfile.ZipFile, part: str) -> dict[tuple[int, int], str]:
    """{(row, column), 1-based: the error} for each cell of a sheet's XML holding an Excel
    error (#N/A, #REF!, #DIV/0! ...) or a formula with no saved value (`NOT_CALCULATED`), which
    calamine reads as an empty string. Streamed; read only for a sheet whose extent check
    found one."""
    found: dict[tuple[int, int], str] = {}
    tail = b""
    for chunk in _chunks(zf, part):
        data = tail + chunk
        for attributes in _uncached(data):
            if ref := _CELL_REFERENCE.search(attributes):
                found[int(ref[2]), column_number(ref[1].decode())] = NOT_CALCULATED
        for cell in _ERROR_CELL.finditer(data):
            ref = _CELL_REFERENCE.search(cell.group())
            value = _ERROR_VALUE.match(data, cell.end())
            if ref and value:
                found[int(ref[2]), column_number(ref[1].decode())] = value[1].decode(
                    "ascii", "replace")
        tail = data[-_ERROR_OVERLAP:]
    return found


_LETTERS, _DIGITS = 4, 8  # the widths looked at: one more than a column (XFD) or row needs
_REFERENCE = re.compile(rb"""r=["']([A-Z]*)([0-9]*)""")


def references(data: bytes) -> tuple[int, int]:
    """The highest row and column named by any `r="..."` (or `r='...'`) in `data`: letters then
    digits (a cell's reference) or digits alone (a row's number). Found with numpy, a byte at a
    time across every reference at once, so that a big sheet's millions of references make no
    Python object each; a reference longer than any within the limits, or with a leading zero,
    sends the chunk to the regular expression. A reference cut off at the end of `data` counts
    as far as it goes (the next chunk, which repeats the last bytes, holds it whole)."""
    array = np.frombuffer(data, dtype=np.uint8)
    if len(array) < 3:
        return 0, 0
    equals = np.flatnonzero(array[1:-1] == ord("=")) + 1
    starts = equals[(array[equals - 1] == ord("r"))
                    & ((array[equals + 1] == ord('"')) | (array[equals + 1] == ord("'")))] + 2
    if not len(starts):
        return 0, 0
    padded = np.frombuffer(data + bytes(_LETTERS + _DIGITS), dtype=np.uint8)
    letters, letter_run = _run(padded, starts, _LETTERS, ord("A"), ord("Z"))
    digits, digit_run = _run(padded, starts + letter_run, _DIGITS, ord("0"), ord("9"))
    if (letter_run.max() == _LETTERS or digit_run.max() == _DIGITS
            or ((digit_run > 1) & (digits[0] == ord("0"))).any()):
        return _references_by_pattern(data)
    return (_highest(digits, digit_run, 10, ord("0")),
            _highest(letters, letter_run, 26, ord("A") - 1))


def _run(array: np.ndarray, starts: np.ndarray, width: int, low: int, high: int
         ) -> tuple[list[np.ndarray], np.ndarray]:
    """The `width` bytes from each start (one array per offset), and how many of them, from
    the first, lie in low..high."""
    window = [array[starts + k] for k in range(width)]
    run = np.zeros(len(starts), dtype=np.int64)
    for byte in reversed(window):
        run = ((byte >= low) & (byte <= high)) * (run + 1)
    return window, run


def _highest(window: list[np.ndarray], run: np.ndarray, base: int, zero: int) -> int:
    """The highest number written in `base` by the first `run` bytes from each start: one of
    the longest, as no run has a leading zero."""
    width = int(run.max())
    if not width:
        return 0
    longest = run == width
    number = np.zeros(int(longest.sum()), dtype=np.int64)
    for byte in window[:width]:
        number = number * base + (byte[longest].astype(np.int64) - zero)
    return int(number.max())


def _references_by_pattern(data: bytes) -> tuple[int, int]:
    rows, columns = 0, 0
    for letters, digits in _REFERENCE.findall(data):
        columns = max(columns, column_number(letters.decode()))
        rows = max(rows, int(digits or 0))
    return rows, columns


# A cell with nothing in it (`<c r="WQJ2" s="1"/>`, `<c ...></c>`: a fill or a border typed far
# from the table), and a row of nothing else: calamine makes no cell of them, so they size no grid.
_EMPTY_CELL = rb"""<(?:\w+:)?c\s[^>]*?(?:/>|>\s*</(?:\w+:)?c>)"""
_EMPTY = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>(?:\s*" + _EMPTY_CELL + rb")*\s*</(?:\w+:)?row>)|"
                    + _EMPTY_CELL)


def _without_empty_cells(data: bytes) -> bytes:
    return _EMPTY.sub(b"", data)


def _passes(extent: Extent, limits: Limits) -> bool:
    try:
        check_extent(extent, limits, "reaches")
    except TooLarge:
        return True
    return False


def check_extent(extent: Extent, limits: Limits, what: str) -> None:
    """Raise TooLarge if `extent` (described as `what`, e.g. 'declares') passes a limit."""
    if extent.rows > limits.max_rows:
        raise TooLarge(f"it {what} {extent.rows:,} rows (the limit is {limits.max_rows:,}, "
                       "[limits] max_rows)")
    if extent.columns > limits.max_columns:
        raise TooLarge(f"it {what} {extent.columns:,} columns (the limit is "
                       f"{limits.max_columns:,}, [limits] max_columns)")
    if extent.cells > limits.max_cells:
        raise TooLarge(f"it {what} {extent.rows:,} rows by {extent.columns:,} columns, "
                       f"{extent.cells:,} cells (the limit is {limits.max_cells:,}, "
                       "[limits] max_cells)")


def check_csv(data: bytes, delimiter: bytes, limits: Limits) -> None:
    """Raise TooLarge (naming the line) for a line longer than max_line_kb, or with more
    separators than max_columns allows. A separator inside quotes counts too: no real export
    has a thousand of them on one line."""
    array = np.frombuffer(data, dtype=np.uint8)
    ends = _line_ends(array)
    bounds = np.concatenate(([-1], ends, [len(array)]))
    lengths = np.diff(bounds) - 1
    longest = int(lengths.argmax()) if len(lengths) else 0
    if len(lengths) and lengths[longest] > limits.max_line_kb * 1024:
        raise TooLarge(f"line {_line_number(array, bounds[longest] + 1):,} is "
                       f"{lengths[longest] / 1024:,.0f} KB long (the limit is "
                       f"{limits.max_line_kb:,} KB, [limits] max_line_kb)")
    if not len(lengths) or lengths.max() < limits.max_columns:
        return  # a line has fewer separators than bytes: none can pass the limit
    # Separators before each line's end less those before its start, found by bisecting their
    # positions (a running count over every byte would be a 64-bit array eight times the file).
    separators = np.flatnonzero(array == delimiter[0])
    per_line = (np.searchsorted(separators, bounds[1:])
                - np.searchsorted(separators, bounds[:-1] + 1))
    widest = int(per_line.argmax()) if len(per_line) else 0
    if len(per_line) and per_line[widest] + 1 > limits.max_columns:
        raise TooLarge(f"line {_line_number(array, bounds[widest] + 1):,} has "
                       f"{per_line[widest] + 1:,} columns (the limit is {limits.max_columns:,}, "
                       "[limits] max_columns)")


def _line_ends(array: np.ndarray) -> np.ndarray:
    """Where each CR and LF is, found a few MB at a time: masks of the whole file at once cost
    several times more (a national export is hundreds of MB, each mask as many bytes again)."""
    parts = [np.zeros(0, dtype=np.intp)]
    for start in range(0, len(array), _CHUNK):
        chunk = array[start:start + _CHUNK]
        parts.append(np.flatnonzero((chunk == 10) | (chunk == 13)) + start)
    return np.concatenate(parts)


def _line_number(array: np.ndarray, start: int) -> int:
    """The 1-based line a byte offset is on, counting \\r\\n as one line end."""
    head = array[:start]
    return int((head == 10).sum() + ((head == 13).sum() - _crlf(head))) + 1


def _crlf(head: np.ndarray) -> int:
    return int(((head[:-1] == 13) & (head[1:] == 10)).sum()) if len(head) > 1 else 0


def csv_error(file_name: str, line: int, exc: Exception, max_cell: int) -> str:
    """What the csv module's refusal of a file is told as, with the line it stopped at: a cell
    past its field limit is a cell too long for a spreadsheet, said so."""
    if "field larger than field limit" in str(exc):
        return (f"{file_name}: line {line:,} has a cell of more than {csv.field_size_limit():,} "
                f"characters (a spreadsheet cell holds at most {max_cell:,})")
    return f"{file_name}: malformed CSV near line {line:,} ({exc})"
