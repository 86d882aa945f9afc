"""Read one big worksheet in parts on two cores, while its XML is still being checked.

The extent check (`limits.sheet_extent`) inflates and scans a sheet's XML before any reader may
size a grid for it. As it goes, the XML is cut at row tags into parts; each part, once every
byte of it has passed the check, becomes a workbook of its own (that part's rows, every other
part of the file as it was) which calamine parses on a worker thread (it lets go of the
interpreter while it parses); between chunks, the checking thread makes each parsed part's
cells and columns. Joined, the parts' rows are the rows calamine reads from the whole sheet,
cell for cell; a sheet whose XML is not laid out so that this is plainly so is read whole.
"""

from __future__ import annotations

import io
import os
import re
import threading
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import python_calamine as calamine

from pipelines.limits import Extent, Limits, TooLarge, check_extent

SPLIT_MIN_BYTES = 8 * 1024**2  # sheet XML below this reads faster in one piece
PART_MIN_BYTES, PART_MAX_BYTES = 4 * 1024**2, 32 * 1024**2
PARTS = 8  # parts a sheet is cut into, within the sizes above
IN_FLIGHT = 3  # parts handed to calamine and not yet parsed: bounds the copies held at once
_OPEN, _CLOSE, _NAME = b"<sheetData>", b"</sheetData>", b"sheetData"
_END = _CLOSE + b"</worksheet>"  # calamine stops reading a sheet at </sheetData>
_NUMBERED_ROW = re.compile(rb'<row\s[^>]*?\br="\d+"[^>]*>')
_SHARED_STRINGS = "xl/sharedStrings.xml"
_EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData/></worksheet>")

Column = pa.Array | np.ndarray  # a column's cells: Arrow text when every one is text
_DONE: Future[Any] = Future()  # in place of a part's future once its cells are made


def worth_splitting(zf: zipfile.ZipFile, part: str) -> bool:
    """Whether the sheet at `part` is big enough that reading it in parts gains, and a second
    core is free to parse parts while this one checks and makes cells. On a busy machine the
    threads wait for one another (for the interpreter, and for the cores): slower than one."""
    return zf.getinfo(part).file_size >= SPLIT_MIN_BYTES and second_core_free()


def second_core_free() -> bool:
    """Two cores or more, and the last minute's load average no higher than the cores. The
    average counts this process, and a bench's own runs just before it, so an idle machine
    can show 1 or more; on two cores shared with other work (load average 2.6 and above),
    parts gained nothing and whole loads took 5-15% longer (docs/performance.md)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) >= 2 and os.getloadavg()[0] <= (cores or 1)


@dataclass
class Part:
    """One part's cells: rows as calamine gives them, from (top, left) to (bottom, right); the
    first part's from A1. `columns` are the rows' columns."""

    top: int
    left: int
    bottom: int
    right: int
    rows: list[list[Any]]
    columns: list[Column]


@dataclass
class SplitSheet:
    """A sheet read in parts: its rows from A1, as `to_python(skip_empty_area=False)` gives
    them, and the same cells as columns, one array per column over every row."""

    rows: list[list[Any]]
    columns: list[Column]


class SheetSplitter:
    """Called with each chunk of a sheet's XML as the extent check scans it (`on_chunk` of
    `limits.sheet_extent`); `finish` once the whole sheet has passed the check, or `abandon`."""

    def __init__(self, zf: zipfile.ZipFile, parts: dict[str, str], name: str,
                 limits: Limits) -> None:
        self.zf, self.parts, self.name, self.limits = zf, parts, name, limits
        size = zf.getinfo(parts[name]).file_size
        strings = (zf.getinfo(_SHARED_STRINGS).file_size
                   if _SHARED_STRINGS in zf.namelist() else 0)
        # Every part's workbook has the shared strings parsed again: parts stay well above them.
        self.part_bytes = max(min(max(size // PARTS, PART_MIN_BYTES), PART_MAX_BYTES),
                              4 * strings)
        self._contents = other_parts(zf, parts)  # before the check streams the sheet's XML
        self._head: bytes | None = None  # the XML up to and including <sheetData>
        self._start = bytearray()  # the XML before its <sheetData> is found
        self._held: list[memoryview] = []  # checked XML not yet in a part, as the chunks' slices
        self._held_bytes = 0
        self._names = 0  # times the XML so far names sheetData (twice in a sheet that splits)
        self._tail = b""  # the end of the XML so far, in case a name spans two chunks
        self._unchecked = b""  # the newest chunk: a reference at its end may be cut off
        self._splittable = True
        self._futures: list[Future[calamine.CalamineSheet]] = []
        self._read: list[Part] = []  # the parts whose cells are made, in order
        self._slots = threading.Semaphore(IN_FLIGHT)
        self._pool = ThreadPoolExecutor(2, thread_name_prefix="sheet-part")

    def on_chunk(self, chunk: bytes, actual: Extent) -> None:
        """The chunk before this one has now been scanned whole: cut parts from it once the
        sheet so far is within the limits (else nothing more is handed on, and the check
        refuses the sheet as it would have)."""
        ready, self._unchecked = self._unchecked, chunk
        if not self._splittable:
            return
        try:
            check_extent(actual, self.limits, "reaches")
        except TooLarge:
            self._splittable = False
            return
        self._cut_parts(ready)
        # Cells of parts calamine has parsed are made here, between chunks: Python work on
        # the worker threads would wait for the interpreter while this thread holds it.
        while len(self._read) < len(self._futures) and self._futures[len(self._read)].done():
            try:
                self._made(self._futures[len(self._read)].result())
            except Exception:  # noqa: BLE001 - calamine's error: the whole sheet is read, and says
                self.abandon()
                return

    def finish(self) -> SplitSheet | None:
        """The sheet's cells, once every chunk has passed the check; None to read it whole."""
        try:
            if not self._splittable:
                return None
            self._cut_parts(self._unchecked)
            self._unchecked = b""
            rest = b"".join(self._held)
            self._held = []
            # One <sheetData> (the head's) and one </sheetData> (in the last part), so that no
            # part holds rows that the whole sheet's reading would not reach.
            if self._head is None or self._names != 2 or rest.count(_CLOSE) != 1:
                return None
            self._submit([rest], None)
            del rest
            while len(self._read) < len(self._futures):
                self._made(self._futures[len(self._read)].result())
        except Exception:  # noqa: BLE001 - calamine's errors: the whole sheet is read, and says
            return None
        finally:
            self.abandon()
        return joined(self._read)

    def abandon(self) -> None:
        """Hand nothing more to calamine (parts already being parsed finish on their own)."""
        self._splittable = False
        self._held, self._start = [], bytearray()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _cut_parts(self, ready: bytes) -> None:
        self._names += (self._tail + ready).count(_NAME)
        self._tail = ready[-(len(_NAME) - 1):]
        if self._head is None:
            self._start += ready
            at = self._start.find(_OPEN)
            if at < 0:
                if len(self._start) > self.part_bytes:  # no plain <sheetData> to split after
                    self.abandon()
                return
            self._head = bytes(self._start[:at + len(_OPEN)])
            ready, self._start = bytes(self._start[at + len(_OPEN):]), bytearray()
        self._held.append(memoryview(ready))
        self._held_bytes += len(ready)
        # Once the XML has named sheetData again (its end, normally in the last chunk), the
        # rest is one part, so that no part but the last can hold the sheet's end.
        while self._splittable and self._names < 2 and self._held_bytes > self.part_bytes:
            cut = self._cut()
            if cut is None:
                return
            j, at = cut
            body = [*self._held[:j], self._held[j][:at]]
            self._held = [self._held[j][at:], *self._held[j + 1:]]
            self._held_bytes -= sum(map(len, body))
            self._submit(body, _END)

    def _cut(self) -> tuple[int, int] | None:
        """Where the next part ends (a held piece, an offset in it): at a numbered row tag past
        `part_bytes` whose previous byte ends a tag; None until the XML held has one."""
        skip = self.part_bytes
        for j, piece in enumerate(self._held):
            if skip >= len(piece):
                skip -= len(piece)
                continue
            data = piece.obj
            offset = len(data) - len(piece)  # a piece is a chunk's tail or the whole chunk
            found = _NUMBERED_ROW.search(data, offset + skip)
            while found is not None:
                at = found.start() - offset
                before = piece[at - 1] if at else (self._held[j - 1][-1] if j else None)
                if before == ord(">"):
                    return j, at
                found = _NUMBERED_ROW.search(data, found.end())
            skip = 0
        return None

    def _submit(self, body: list[memoryview] | list[bytes], end: bytes | None) -> None:
        assert self._head is not None
        pieces = [self._head, *body] if end is None else [self._head, *body, end]
        self._slots.acquire()
        future = self._pool.submit(self._parsed, pieces)
        future.add_done_callback(lambda _: self._slots.release())
        self._futures.append(future)

    def _parsed(self, pieces: list[Any]) -> calamine.CalamineSheet:
        """One part's sheet, parsed on a worker thread: its workbook is made (the pieces, then
        the workbook, let go once copied) and read by calamine."""
        part = workbook_with(self.zf, self.parts, self.parts[self.name], pieces, self._contents)
        pieces.clear()
        book = calamine.CalamineWorkbook.from_filelike(part)
        del part
        return book.get_sheet_by_name(self.name)

    def _made(self, sheet: calamine.CalamineSheet) -> None:
        """The next part's cells. The first part's rows start at A1, as the whole sheet's do;
        the others' at their first cell."""
        self._read.append(_cells(sheet, first=not self._read))
        self._futures[len(self._read) - 1] = _DONE


def workbook_with(zf: zipfile.ZipFile, parts: dict[str, str], part: str,
                  xml: list[Any], contents: dict[str, bytes]) -> io.BytesIO:
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
    """Every part but the worksheets, inflated once for every part's workbook."""
    sheets = set(parts.values())
    return {info.filename: zf.read(info) for info in zf.infolist() if info.filename not in sheets}


def _cells(sheet: calamine.CalamineSheet, first: bool) -> Part:
    if sheet.start is None:
        return Part(0, 0, -1, -1, [], [])
    (top, left), (bottom, right) = sheet.start, sheet.end
    rows = sheet.to_python(skip_empty_area=not first)
    if first:
        top, left = 0, 0
    return Part(top, left, bottom, right, rows, part_columns(rows))


def part_columns(rows: list[list[Any]]) -> list[Column]:
    """A part's rows (all as wide) as columns: Arrow text where every cell is text."""
    width = len(rows[0]) if rows else 0
    grid = np.empty((len(rows), width), dtype=object)
    if rows and width:
        grid[:] = rows
    return [_text_or_cells(grid[:, c]) for c in range(width)]


def _text_or_cells(cells: np.ndarray) -> Column:
    if not len(cells) or type(cells[0]) is not str:
        return cells
    try:
        return pa.array(cells, type=pa.string())
    except (TypeError, pa.ArrowException):  # a number, a date or a boolean among the text
        return cells


def joined(read: list[Part]) -> SplitSheet | None:
    """The parts' cells as one sheet's: from A1, every row as wide as the widest part, empty
    cells as calamine gives them (''); None when a part's rows do not all lie below the rows
    of the parts before it (rows out of order in the XML: the whole sheet is read instead)."""
    held = [p for p in read if p.rows]
    width = max((p.right + 1 for p in held), default=0)
    rows: list[list[Any]] = []
    pieces: list[list[Column]] = [[] for _ in range(width)]
    for part in held:
        if part.top < len(rows):
            return None
        gap = part.top - len(rows)
        if gap:
            rows += [[""] * width for _ in range(gap)]
            for column in pieces:
                column.append(_blanks(gap))
        before, after = part.left, width - (part.left + len(part.columns))
        if before or after:
            rows += [[""] * before + row + [""] * after for row in part.rows]
        else:
            rows += part.rows
        n = len(part.rows)
        for c in range(width):
            inside = part.left <= c < part.left + len(part.columns)
            pieces[c].append(part.columns[c - part.left] if inside else _blanks(n))
    return SplitSheet(rows, [_concatenated(column) for column in pieces])


def _blanks(n: int) -> Column:
    return pa.repeat("", n)


def _concatenated(pieces: list[Column]) -> Column:
    if all(isinstance(p, pa.Array) for p in pieces):
        return pieces[0] if len(pieces) == 1 else pa.concat_arrays(pieces)
    return np.concatenate([p.to_numpy(zero_copy_only=False) if isinstance(p, pa.Array) else p
                           for p in pieces])
