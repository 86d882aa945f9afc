"""A file's name is kept wherever its rows go (the load history, each record's source, the audit
log): a name holding an NHS number or a date of birth is refused before the file is read, from
the command line and from an upload, and said and audited only with that data removed."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines import audit
from pipelines.cli import main
from pipelines.file_names import refusal, shown
from pipelines.uploads import load_uploads
from tests.conftest import TRIBUNAL_HEADER

NHS = "9434765919"  # passes the check digit
NAME = f"tribunal_appeal_DOB_06.03.2015_NHS_{NHS}.csv"
ROW = ["T-1", "C-1", "Northshire", "10/01/2025", "Refusal to assess", "Y", "", "", "Y"]


def _file(folder: Path, name: str = NAME) -> Path:
    path = folder / name
    path.write_text(",".join(TRIBUNAL_HEADER[:len(ROW)]) + "\n" + ",".join(ROW) + "\n")
    return path


def _nowhere(db: Path, *secrets: str) -> None:
    text = "\n".join(str(e) for e in audit.entries(db))
    for secret in secrets:
        assert secret not in text
    if db.exists():
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM loads").fetchall() == [(0,)]


def test_the_command_line_refuses_it_unread(tmp_path, db, capsys):
    assert main(["ingest", str(_file(tmp_path)), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "the file's name holds an NHS number" in err and "rename the file" in err
    assert NHS not in err and "06.03.2015" not in err
    _nowhere(db, NHS, "06.03.2015")
    [entry] = audit.entries(db)
    assert entry["detail"]["file"] == ("tribunal_appeal_[date of birth removed]_NHS_"
                                       "[NHS number removed].csv")


def test_an_upload_is_refused_the_same_way(db):
    [result] = load_uploads(db, [(NAME, b"a,b\n1,2\n")], actor="dco")
    assert result.status == "failed" and "rename the file" in result.error
    assert NHS not in result.error + result.file
    _nowhere(db, NHS, "06.03.2015")


@pytest.mark.parametrize("name", ["requests_2024-04-01_2026-11-30.csv", "ehcp_20261130.csv",
                                  "advice 01.04.2024 - 30.11.2026.xlsx", "export 1234567890.csv",
                                  "NCHT_RNU_2026-10_waits.csv", "SALT log Nov 2026 (v2).xlsx",
                                  "CHS_waiting_list_M07_1st_submission.xlsx",  # not a postcode
                                  "export_1764855000.csv",  # a timestamp passing the NHS check
                                  "DCO_report_Mr_Review.csv"])
def test_names_with_dates_and_codes_load(name):
    assert refusal(name) is None and shown(name) == name
