"""Write tables for people to open: xlsx or csv, safe against spreadsheet formula injection.

A cell that begins with = + - @ or a control character would run as a formula in Excel; such text
is prefixed with a single quote so it stays text.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made inert with a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per table (sheet names cut to Excel's 31 characters)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe_frame(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def write_table(frame: pd.DataFrame, path: Path, sheet: str = "Data") -> None:
    if path.suffix.lower() == ".csv":
        path.write_bytes(csv_bytes(frame))
    else:
        path.write_bytes(xlsx_bytes({sheet: frame}))
