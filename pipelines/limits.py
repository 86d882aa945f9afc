"""How big a sheet or CSV may be before it is read: found from the file's own bytes, so that a
file claiming (or holding) a cell at XFD1048576 is refused before any reader sizes a grid for it.

A workbook's sheet XML is streamed out of the zip in chunks and scanned for its declared
dimension, its row numbers and its column letters; a CSV's lines are measured with numpy.
The limits are `[limits]` in settings.toml, chosen well above real exports.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import numpy as np

_CHUNK = 1 << 22
_OVERLAP = 64  # longer than any reference or row tag, so none is cut between two chunks
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]*)(\d*)(?::([A-Z]+)(\d+))?"')
_ROW_NUMBER = re.compile(rb'row\s[^>]*?\br="(\d+)"')
# Any `r="` then letters: a cell's reference, whatever its prefix or attribute order (the plain
# pattern is three times faster than one anchored on a space).
_COLUMN = re.compile(rb'r="([A-Z]+)')
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
    with zf.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            if _has_escape(data):
                return True
            tail = data[-_OVERLAP:]
    return False


def _has_escape(data: bytes) -> bool:
    return any(pattern.search(data) for pattern in _ESCAPES)


def sheet_extent(zf: zipfile.ZipFile, part: str, limits: Limits
                 ) -> tuple[Extent, Extent, bool]:
    """(declared, actual) extent of one sheet's XML, streamed: the declared one from its
    <dimension>, the actual one from the highest row number and column letters in it; and
    whether it holds character escapes (see `escapes_controls`).
    Raises TooLarge (without a file name) if the XML is bigger than max_sheet_mb."""
    declared, actual = Extent(), Extent()
    escapes = False
    cap = limits.max_sheet_mb * 1024**2
    if zf.getinfo(part).file_size > cap:
        raise TooLarge(f"its XML is {zf.getinfo(part).file_size / 1024**2:,.0f} MB uncompressed "
                       f"(the limit is {limits.max_sheet_mb:,} MB, [limits] max_sheet_mb)")
    read = 0
    tail = b""
    letters: set[bytes] = set()
    with zf.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > cap:  # the zip's directory understated the size
                raise TooLarge(f"its XML is over {limits.max_sheet_mb:,} MB uncompressed "
                               "([limits] max_sheet_mb)")
            data = tail + chunk
            if not tail and (found := _DIMENSION.search(data)):
                end_col, end_row = (found[3], found[4]) if found[3] else (found[1], found[2])
                declared = Extent(int(end_row or 0), column_number(end_col.decode()))
            rows = max(map(int, _ROW_NUMBER.findall(data)), default=0)
            # A cell whose reference has more digits than any row tag here lies beyond its row.
            deeper = re.compile(rb'\sr="[A-Z]+(\d{%d,})"' % (len(str(rows)) + 1))
            rows = max([rows, *map(int, deeper.findall(data))])
            actual.rows = max(actual.rows, rows)
            letters.update(_COLUMN.findall(data))
            escapes = escapes or _has_escape(data)
            tail = data[-_OVERLAP:]
    actual.columns = max(map(column_number, map(bytes.decode, letters)), default=0)
    return declared, actual, escapes


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
    ends = np.flatnonzero((array == 10) | (array == 13))
    bounds = np.concatenate(([-1], ends, [len(array)]))
    lengths = np.diff(bounds) - 1
    longest = int(lengths.argmax()) if len(lengths) else 0
    if len(lengths) and lengths[longest] > limits.max_line_kb * 1024:
        raise TooLarge(f"line {_line_number(array, bounds[longest] + 1):,} is "
                       f"{lengths[longest] / 1024:,.0f} KB long (the limit is "
                       f"{limits.max_line_kb:,} KB, [limits] max_line_kb)")
    at = np.flatnonzero(array == delimiter[0])
    per_line = np.searchsorted(at, bounds[1:]) - np.searchsorted(at, bounds[:-1] + 1)
    widest = int(per_line.argmax()) if len(per_line) else 0
    if len(per_line) and per_line[widest] + 1 > limits.max_columns:
        raise TooLarge(f"line {_line_number(array, bounds[widest] + 1):,} has "
                       f"{per_line[widest] + 1:,} columns (the limit is {limits.max_columns:,}, "
                       "[limits] max_columns)")


def _line_number(array: np.ndarray, start: int) -> int:
    """The 1-based line a byte offset is on, counting \\r\\n as one line end."""
    head = array[:start]
    return int((head == 10).sum() + ((head == 13).sum() - _crlf(head))) + 1


def _crlf(head: np.ndarray) -> int:
    return int(((head[:-1] == 13) & (head[1:] == 10)).sum()) if len(head) > 1 else 0
