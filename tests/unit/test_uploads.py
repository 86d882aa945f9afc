"""Uploads are accepted by content, not by name, and within a size limit."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from pipelines.uploads import UploadRefused, check_upload, kind_by_content


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Case ID", "Local Authority"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(name, "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "kind"), [
    (b"Case ID,Local Authority\r\nC1,Riverside\r\n", "csv"),
    ("Café;Borough\n".encode("cp1252"), "csv"),
    (b"\xef\xbb\xbfCase ID\tLA\n", "csv"),
    (b"\xff\xfe" + "Case ID\tLA\r\nC1\tLeeds\r\n".encode("utf-16-le"), "csv"),  # Unicode Text
    (b"\xfe\xff" + "Case ID\tLA\n".encode("utf-16-be"), "csv"),
    (b"\xff\xfe" + "<Message><Header/></Message>".encode("utf-16-le"), None),  # not SEN2's
    (b"\xff\xfe" + b"\x00\xd8", None),  # a lone surrogate: not UTF-16 text after all
    (_xlsx(), "xlsx"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", None),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, None),
    (_zip("word/document.xml"), None),
    (b"PK\x03\x04 truncated", None),
    (bytes(range(256)) * 10, None),
    (b"   \n  ", None),
    (b'<?xml version="1.0"?>\n<Message><Header/></Message>', "xml"),
    (b"\xef\xbb\xbf\r\n<Message><Header/></Message>", "xml"),  # a SEN2 return without <?xml
    (b"<html><body>report</body></html>", None),
])
def test_kind_is_decided_by_content(data: bytes, kind: str | None) -> None:
    assert kind_by_content(data) == kind


def test_a_workbook_named_csv_is_still_a_workbook() -> None:
    assert check_upload("export.csv", _xlsx(), max_mb=1) == "xlsx"


def test_a_pdf_named_xlsx_is_refused_with_the_file_name() -> None:
    with pytest.raises(UploadRefused, match=r"^report\.xlsx: the content is a PDF"):
        check_upload("report.xlsx", b"%PDF-1.4 ...", max_mb=1)


@pytest.mark.parametrize("name", ["advice.xlsx", "advice.XLSM"])
def test_text_named_as_a_workbook_is_not_an_excel_workbook(name: str) -> None:
    with pytest.raises(UploadRefused, match=rf"^{name}: this is not an Excel workbook"):
        check_upload(name, b"Case ID,Local Authority\r\nC1,Riverside\r\n", max_mb=1)
    assert check_upload("advice.csv", b"Case ID,Local Authority\r\n", max_mb=1) == "csv"


def test_a_file_over_the_limit_is_refused() -> None:
    with pytest.raises(UploadRefused, match="over the 1 MB limit"):
        check_upload("big.csv", b"a,b\n" * 300_000, max_mb=1)
    assert check_upload("ok.csv", b"a,b\n" * 200_000, max_mb=1) == "csv"
