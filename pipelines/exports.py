"""Write tables for people to open: xlsx or csv, safe against spreadsheet formula injection.

A cell that begins with = + - @ or a control character would run as a formula in Excel; such text
is prefixed with a single quote so it stays text. Control characters an xlsx cannot hold (C0 but
tab, newline and carriage return) are shown as U+FFFD, so no stored value can make an export fail.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
# What XML 1.0 (so xlsx) cannot hold: C0 controls but tab, LF, CR; and U+FFFE/U+FFFF.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
REPLACEMENT = "\ufffd"


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made inert with a leading quote; then
    any character a workbook cannot hold replaced by U+FFFD."""
    if isinstance(value, str):
        if value.startswith(_FORMULA_START):
            value = "'" + value
        return _UNWRITABLE.sub(REPLACEMENT, value)
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [neutralise(c) for c in out.columns]
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            out.isetitem(i, column.map(neutralise))
    return out


def sheet_title(name: str) -> str:
    """A name Excel accepts for a sheet: no [ ] : * ? / \\ or control characters, 1-31 long."""
    title = _UNWRITABLE.sub("", _SHEET_NAME_FORBIDDEN.sub("_", name)).strip("'")[:31]
    return title or "Sheet"


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per table (sheet names cut to Excel's 31 characters)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe_frame(frame).to_excel(writer, sheet_name=sheet_title(name), index=False)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def write_table(frame: pd.DataFrame, path: Path, sheet: str = "Data") -> None:
    if path.suffix.lower() == ".csv":
        path.write_bytes(csv_bytes(frame))
    else:
        path.write_bytes(xlsx_bytes({sheet: frame}))
