"""Files uploaded through the app: each is checked before the pipeline reads it (its size, and
that its content, not its name, is an xlsx workbook, CSV text or XML (a SEN2 return); a file
named .xlsx must hold a workbook), then loaded, or imported as a DfE release, exactly as the
command line does (a load in a child process with a memory and time limit, `pipelines.isolated`),
and recorded in the audit log. The readers bound a workbook's decompression (`pipelines.readers`)
as they do for the command line.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from pipelines import audit, benchmarks, config, file_names
from pipelines.db import DatabaseBusy
from pipelines.isolated import Loader
from pipelines.load import FileResult
from pipelines.readers import utf16_as_utf8

__all__ = ["FileResult", "UploadRefused", "check_upload", "import_benchmarks", "kind_by_content",
           "load_uploads"]

_SNIFF = 65536
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")  # names that promise a workbook
_TEXT_CONTROLS = {9, 10, 13, 12}  # tab, newlines, form feed
# Formats whose first bytes are printable enough to pass for text: refused by their signature.
_NOT_TEXT = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf",
             b"Rar!", b"{\\rtf", b"<html", b"<!DOCTYPE")


class UploadRefused(ValueError):
    """The upload is not loaded; the message names the file and says why."""


def kind_by_content(data: bytes) -> str | None:
    """'xlsx', 'csv', 'xml' (the pipeline accepts a SEN2 return and refuses other XML), or None
    for anything else (PDF, image, HTML, legacy .xls, other zip, binary)."""
    utf8 = utf16_as_utf8(data)
    if utf8 is not None:  # Excel's "Unicode Text": CSV text the readers accept (no SEN2 XML)
        return "csv" if kind_by_content(utf8) == "csv" else None
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
    if controls > len(head) // 1000:
        return None
    return "xml" if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else "csv"


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
                            "CSV text (or a SEN2 return's XML) are accepted; save the export as .xlsx or "
                            ".csv and load that.")
    if kind != "xlsx" and Path(name).suffix.lower() in WORKBOOK_SUFFIXES:
        # Read as CSV it would fail with "no recognisable header row", which hides the cause.
        raise UploadRefused(f"{name}: this is not an Excel workbook: the name ends "
                            f"{Path(name).suffix} but the content is {kind.upper()} text (a file "
                            "renamed, or saved as text). Open it in Excel and save it as .xlsx, "
                            "or, if it is a CSV export, give it a .csv name.")
    return kind


def load_uploads(db: Path, files: list[tuple[str, bytes]], kind: str | None = None,
                 as_of: dt.date | None = None, actor: str = "unknown", la: str | None = None,
                 given: dict[str, str] | None = None) -> list[FileResult]:
    """Run the command line's pipeline on uploaded files (name, content), each written to a
    private temporary file that keeps its name (the load log and rejects cite it). A file over
    the size limit or whose content is not xlsx/CSV is refused unread. Each file's fate goes to
    the audit log under `actor`. `la` and `given` (e.g. `source`, `provider`) fill columns a file
    lacks, and `la` a blank LA cell, as `ingest --la`, `--source` and `--provider` do."""
    results = []
    limit = config.load_settings().upload_max_mb
    with tempfile.TemporaryDirectory(prefix="send-upload-") as folder, Loader() as loader:
        for name, content in files:
            path = Path(folder) / (Path(name).name or "upload")
            try:
                if refused := file_names.refusal(path.name):  # its name is never kept
                    raise UploadRefused(refused)
                check_upload(path.name, content, limit)
                path.write_bytes(content)
                # In a child process with a memory and time limit (one for the files, while
                # each load leaves it running), audited there and here.
                results.append(loader.load(db, path, actor, kind=kind, as_of=as_of, la=la,
                                           given=given))
                continue
            except (DatabaseBusy, UploadRefused) as exc:
                result = FileResult(file=file_names.shown(path.name), status="failed",
                                    error=str(exc))
            except Exception as exc:  # recorded as failed, then raised: never a silent loss
                audit.record_load(db, actor, FileResult(file=file_names.shown(path.name),
                                  status="failed", error=f"unexpected {type(exc).__name__}"))
                raise
            results.append(result)
            audit.record_load(db, actor, result)
    return results


def import_benchmarks(db: Path, files: list[tuple[str, bytes]], actor: str) -> dict[str, Any]:
    """Import uploaded DfE release files (a zip, or the CSVs themselves) as the command line
    does; each is written to a private temporary folder under its own name first. Each imported
    file goes to the audit log under `actor`."""
    with tempfile.TemporaryDirectory(prefix="send-benchmarks-") as folder:
        for name, content in files:
            (Path(folder) / (Path(name).name or "upload")).write_bytes(content)
        # One file (a zip, or one CSV) is imported as itself; several CSVs as their folder.
        single = Path(folder) / (Path(files[0][0]).name or "upload")
        result = benchmarks.import_release(db, single if len(files) == 1 else Path(folder))
    for file in result["files"]:
        audit.record(db, actor, "load", what="DfE benchmarks", file=file["file"],
                     dataset=file["dataset"], rows=file["rows"])
    return result
