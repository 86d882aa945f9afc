"""Finding and reading published files (DfE, MoJ, NHS England) in a folder, a zip or alone.

Files are recognised by what they hold, never by their names, so a release renamed by a download
or a zip whose member names have spaces loads the same. Published area totals only: no personal data.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pipelines.readers import FileError, decode_text, read_file

MAX_MEMBER_BYTES = 512 * 1024**2  # the release's largest CSV is a few MB; refuse zip bombs
MAX_DEPTH = 2  # an unzipped release nests its files in data/

# The symbols the DfE, MoJ and NHS England print in place of a figure, and what each means. A cell
# holding one is stored as a status beside an empty value: never as blank, never as zero.
SYMBOLS = {
    "c": "suppressed (confidential)",
    "low": "rounds to zero",
    "x": "not available",
    ":": "not available",
    "z": "not applicable",
    "u": "low reliability",
    "..": "not available",
    "~": "suppressed",
    "*": "suppressed",
    "-": "nil",
    "na": "not available",
    "n/a": "not applicable",
}
_ALIASES = {"–": "-", "—": "-", "--": "-"}
_NUMBER = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
_FOOTNOTE = re.compile(r"(?<=[A-Za-z)])\d+(,\d+)*$")  # "Appeals registered4", "Total4,9"


def symbol_of(cell: str) -> str | None:
    """The published symbol a cell holds ("[c]" and "C" are "c"), or None if it holds none."""
    text = cell.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1].strip()
    text = _ALIASES.get(text, text)
    return text if text in SYMBOLS else None


def parse_cell(cell: str) -> tuple[float | None, str | None]:
    """(value, status) of a published cell: a number and no status, or no value and its symbol;
    an empty cell is (None, None). Thousands separators and a trailing % are dropped."""
    text = cell.strip()
    if not text:
        return None, None
    symbol = symbol_of(text)
    if symbol:
        return None, symbol
    if text.endswith("%"):
        text = text[:-1].strip()
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"'{cell.strip()}' is not a number")
    return float(text.replace(",", "")), None


def parse_number(cell: str) -> float | None:
    """A published figure as a number: None for a symbol or blank ("1,071" -> 1071, "1.30%" -> 1.3)."""
    return parse_cell(cell)[0]


def strip_footnote(label: str) -> str:
    """A name or header without its footnote markers: "Cumberland8" -> "Cumberland"."""
    return _FOOTNOTE.sub("", label.strip()).strip()


@dataclass
class SourceFile:
    name: str  # shown in messages: the file name, or zip name/member
    base: str  # the file's own name, stored as source_file
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @cached_property
    def sheets(self) -> dict[str, list[list[Any]]]:
        """A workbook's sheets (`workbook_sheets`), read once however often they are asked for:
        recognising the file, then parsing it, reads the same sheets."""
        return workbook_sheets(self)

    @cached_property
    def is_workbook(self) -> bool:
        """An xlsx: itself a zip, with xl/workbook.xml at its top (a release zip holding a
        workbook is not one)."""
        if self.data[:4] != b"PK\x03\x04":
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
                return "xl/workbook.xml" in zf.namelist()
        except (zipfile.BadZipFile, OSError):
            return False


@dataclass
class Parsed:
    """One file's rows for one table, with the table's column names."""

    source: SourceFile
    dataset: str
    columns: list[str]
    rows: list[tuple] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def column(self, name: str) -> list[Any]:
        at = self.columns.index(name)
        return [r[at] for r in self.rows]

    def summary(self) -> dict[str, Any]:
        period = "year" if "year" in self.columns else "month"
        area = next(c for c in ("area_name", "la_name", "org_name") if c in self.columns)
        return {"file": self.source.name, "dataset": self.dataset,
                "sha256": self.source.sha256, "rows": len(self.rows),
                "years": sorted(set(self.column(period))), "areas": len(set(self.column(area))),
                "measures": sorted(set(self.column("measure"))) if "measure" in self.columns
                else [], "warnings": self.warnings}


def csv_rows(source: SourceFile, ragged: bool = False) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each row. In a tidy file a row whose width differs from the
    header's means a truncated or damaged file; a `ragged` table's rows may differ."""
    if not source.data.strip():
        raise FileError(f"{source.name}: the file is empty")
    text = decode_text(Path(source.name), source.data)
    reader_ = csv.reader(io.StringIO(text, newline=""), strict=True)
    width = None
    try:
        for cells in reader_:
            if not cells:
                continue
            width = width or len(cells)
            if not ragged and len(cells) != width:
                raise FileError(f"{source.name}: line {reader_.line_num} has {len(cells)} fields "
                                f"where the header has {width} (truncated or damaged file)")
            yield reader_.line_num, cells
    except csv.Error as exc:
        raise FileError(f"{source.name}: malformed CSV near line {reader_.line_num} ({exc})") from exc


def head_rows(source: SourceFile, count: int = 15) -> list[list[str]]:
    """The first rows of a CSV, for recognising it; [] for anything that is not CSV text."""
    if source.is_workbook or b"\x00" in source.data[:4096]:
        return []
    try:
        text = decode_text(Path(source.name), source.data[:65536])
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except (FileError, csv.Error):
        return []
    return [r for r in rows if any(c.strip() for c in r)][:count]


def cell_value(source: SourceFile, line: int, column: str, cell: str) -> tuple[float | None, str | None]:
    """parse_cell, with the file, line and column named when the cell is not a figure."""
    try:
        return parse_cell(cell)
    except ValueError as exc:
        raise FileError(f"{source.name}: line {line}, column {column}: {exc}") from None


def is_long(header: list[str]) -> bool:
    """A tidy file in long form, as the DfE's inclusion dashboard publishes: one row per
    indicator, its figure in a `value` column."""
    names = {h.strip().lower() for h in header}
    return {"indicator", "value", "time_period", "geographic_level"} <= names


def widen(source: SourceFile) -> SourceFile:
    """A long-form tidy file as the wide one it stands for: one column per indicator, the other
    columns as the key; the same name, so messages and the import log name the file given.
    A key with an indicator twice is an error; an indicator absent for a key is blank."""
    rows = csv_rows(source)
    first = next(rows, None)
    header = [h.strip() for h in first[1]] if first else []
    lower = [h.lower() for h in header]
    at_indicator, at_value = lower.index("indicator"), lower.index("value")
    keys = [i for i in range(len(header)) if i not in (at_indicator, at_value)]
    table: dict[tuple[str, ...], dict[str, str]] = {}
    for line, cells in rows:
        key = tuple(cells[i].strip() for i in keys)
        indicator = cells[at_indicator].strip()
        held = table.setdefault(key, {})
        if indicator in held:
            raise FileError(f"{source.name}: line {line}: a second '{indicator}' for the same "
                            "area, period and breakdown")
        held[indicator] = cells[at_value]
    indicators = list(dict.fromkeys(i for held in table.values() for i in held))
    wide = [[header[i] for i in keys] + indicators]
    wide += [list(key) + [held.get(i, "") for i in indicators] for key, held in table.items()]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(wide)
    return SourceFile(source.name, source.base, buffer.getvalue().encode("utf-8"))


def workbook_sheets(source: SourceFile) -> dict[str, list[list[Any]]]:
    """{sheet name: its rows from A1} of a workbook, read by the loads' own reader: a sheet
    beyond the limits, a damaged or protected workbook, is refused before a grid is sized."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "workbook.xlsx"
        path.write_bytes(source.data)
        try:
            return {sheet.name: sheet.rows for sheet in read_file(path)}
        except FileError as exc:
            raise FileError(str(exc).replace(path.name, source.name)) from None


def sheets_as_csv(source: SourceFile) -> list[SourceFile]:
    """A workbook's sheets, each as the CSV it was most likely saved from: a DfE table opened in
    Excel and saved as .xlsx holds the same cells, its figures made numbers (97747.0 is written
    back as 97747, as the DfE writes it). Read by the loads' own reader, with its limits and
    checks; an empty sheet is left out. Named "file.xlsx, sheet 'name'"."""
    found = []
    for name, rows in source.sheets.items():
        if not any(_cell_text(c) for row in rows for c in row):
            continue
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(
            [_cell_text(c) for c in row] for row in rows)
        found.append(SourceFile(f"{source.name}, sheet '{name}'", source.base,
                                buffer.getvalue().encode("utf-8")))
    return found


def _cell_text(cell: Any) -> str:
    """A workbook cell as a CSV would hold it."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, dt.datetime) and cell == dt.datetime.combine(cell.date(), dt.time()):
        return cell.date().isoformat()
    if isinstance(cell, (dt.date, dt.datetime)):
        return cell.isoformat()
    return str(cell).strip()


# --- gathering the files -------------------------------------------------------------------

def gather(source: Path) -> list[tuple[int, SourceFile]]:
    """(depth, file) for every file in a folder (two levels down), a zip, or the one file given."""
    if not source.exists():
        raise FileError(f"{source}: no such file or folder")
    if source.is_dir():
        return [(depth, _read_file(path)) for depth, path in _walk(source)]
    data = _read_file(source)
    if zipfile.is_zipfile(source) and not data.is_workbook:
        return _from_zip(source)
    if source.suffix.lower() == ".zip" and not data.is_workbook:
        raise FileError(f"{source.name}: not a readable zip file")
    return [(0, data)]


def _walk(folder: Path) -> list[tuple[int, Path]]:
    found = []
    for root, dirs, files in os.walk(folder):
        depth = len(Path(root).relative_to(folder).parts)
        if depth >= MAX_DEPTH:
            dirs.clear()
        found += [(depth, Path(root) / name) for name in sorted(files)]
    return found


def _from_zip(path: Path) -> list[tuple[int, SourceFile]]:
    found = []
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                label = f"{path.name}/{info.filename}"
                if info.file_size > MAX_MEMBER_BYTES:
                    raise FileError(f"{label}: would expand to {info.file_size / 1024**2:,.0f} MB; "
                                    "refusing to open it")
                try:
                    data = zf.read(info)
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    raise FileError(f"{label}: cannot be read from the zip ({exc})") from exc
                found.append((info.filename.count("/"),
                              SourceFile(label, Path(info.filename).name, data)))
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileError(f"{path.name}: not a readable zip file ({exc})") from exc
    return found


def _read_file(path: Path) -> SourceFile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileError(f"{path.name}: cannot be opened ({exc.strerror or exc})") from exc
    return SourceFile(path.name, path.name, data)
