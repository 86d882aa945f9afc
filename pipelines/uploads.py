"""Check a file uploaded through the app before the pipeline reads it: its size, and that its
content (not its name) is an xlsx workbook or CSV text. The readers then bound the workbook's
decompression (`pipelines.readers`) as they do for the command line.
"""

from __future__ import annotations

import io
import zipfile

_SNIFF = 65536
_TEXT_CONTROLS = {9, 10, 13, 12}  # tab, newlines, form feed
# Formats whose first bytes are printable enough to pass for text: refused by their signature.
_NOT_TEXT = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf",
             b"Rar!", b"{\\rtf", b"<?xml", b"<html", b"<!DOCTYPE")


class UploadRefused(ValueError):
    """The upload is not loaded; the message names the file and says why."""


def kind_by_content(data: bytes) -> str | None:
    """'xlsx', 'csv', or None for anything else (PDF, image, legacy .xls, other zip, binary)."""
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        return "xlsx" if "xl/workbook.xml" in names or "xl/workbook.bin" in names else None
    head = data[:_SNIFF]
    # A NUL anywhere (not only in the bytes sniffed) means binary content, never CSV text.
    if not head.strip() or b"\x00" in data or head.lstrip().lower().startswith(
            tuple(sig.lower() for sig in _NOT_TEXT)):
        return None
    controls = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROLS)
    return "csv" if controls <= len(head) // 1000 else None


def check_upload(name: str, data: bytes, max_mb: int) -> str:
    """The file's kind by content; raises UploadRefused if too large or not xlsx/CSV."""
    if len(data) > max_mb * 1024 * 1024:
        raise UploadRefused(f"{name}: {len(data) / 1024**2:,.1f} MB is over the {max_mb} MB limit "
                            "for uploads; load it with `python -m pipelines ingest` instead, or "
                            "ask an admin to raise [uploads] max_mb in settings.toml.")
    kind = kind_by_content(data)
    if kind is None:
        what = ("a legacy .xls or password-protected workbook" if data.startswith(b"\xd0\xcf\x11\xe0")
                else "a PDF" if data.startswith(b"%PDF") else "not a spreadsheet export")
        raise UploadRefused(f"{name}: the content is {what}. Only Excel workbooks (.xlsx) and "
                            "CSV text are accepted; save the export as .xlsx or .csv and load that.")
    return kind
