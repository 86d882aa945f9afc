"""The default as-of date (every page, `metrics`, `board-pack`) is the latest extract of the loads
that hold rows: a file that loaded none (a header alone, every row rejected) is dated the day it
was loaded, and must not move every default figure to that day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pipelines import cli, status

HEADER = "Case Ref,Local Authority,EHCNA Request Date,Decision Date,Decision,Primary Need"


def _ingest(db: Path, path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert cli.main(["ingest", str(path), "--db", str(db)]) == 0
    return capsys.readouterr().out


def _default_as_of(db: Path) -> dt.date | None:
    with duckdb.connect(str(db), read_only=True) as con:
        return status.default_as_of(con)


@pytest.mark.parametrize("body", [[], ["BAD-1,Northshire,not a date,,,ASD"]],
                         ids=["a header alone", "every row rejected"])
def test_a_load_of_no_rows_leaves_the_default_as_of(db, tmp_path, capsys, body):
    january = tmp_path / "requests_2026-01-31.csv"
    january.write_text("\n".join([HEADER, "E-1,Northshire,05/01/2026,20/01/2026,Yes,ASD"]) + "\n")
    _ingest(db, january, capsys)
    assert _default_as_of(db) == dt.date(2026, 1, 31)

    nothing = tmp_path / "requests.csv"  # no date in its name, none in its rows: dated today
    nothing.write_text("\n".join([HEADER, *body]) + "\n")
    out = _ingest(db, nothing, capsys)
    assert "0 loaded" in out
    assert _default_as_of(db) == dt.date(2026, 1, 31)
    assert cli.main(["metrics", "--db", str(db)]) == 0
    assert "as of 31/01/2026" in capsys.readouterr().out
