"""The pseudonym key is used, never kept: not in any table, the audit log, an export, or what the
command line prints. Nor is any NHS number of the loaded exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import audit
from pipelines.cli import main
from pipelines.db import reader

KEY = "k3y-that-must-never-be-written-anywhere-0123456789"
# The Eastmoor EHC export carries NHS numbers and dates of birth.
SOURCE = Path(__file__).resolve().parents[2] / "data_samples" / "ehcp_eastmoor_2026-11.xlsx"


def _text_columns(db: Path) -> list[tuple[str, str]]:
    with reader(db) as con:
        return con.execute("SELECT table_name, column_name FROM information_schema.columns "
                           "WHERE data_type = 'VARCHAR' AND table_schema = 'main'").fetchall()


def _tables_holding(db: Path, needle: str) -> list[str]:
    found = []
    with reader(db) as con:
        for table, column in _text_columns(db):
            hits = con.execute(f'SELECT count(*) FROM "{table}" WHERE contains("{column}", ?)',
                               [needle]).fetchall()[0][0]
            if hits:
                found.append(f"{table}.{column}")
    return found


@pytest.mark.skipif(not SOURCE.exists(), reason="the bundled samples are not present")
def test_the_key_and_nhs_numbers_are_nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    monkeypatch.setenv("SEND_PSEUDONYM_KEY", KEY)
    monkeypatch.delenv("SEND_AUDIT_LOG", raising=False)
    db = tmp_path / "send.duckdb"
    assert main(["ingest", str(SOURCE), "--db", str(db), "--as-of", "2026-11-16"]) == 0
    out = tmp_path / "rejects.csv"
    assert main(["rejects", "--db", str(db), "--out", str(out)]) == 0
    assert main(["status", "--db", str(db), "--json"]) == 0
    printed = capsys.readouterr()
    # The search finds what is stored (so that finding nothing below means something).
    assert "ehcp.local_authority" in _tables_holding(db, "Eastmoor")
    assert _tables_holding(db, KEY) == []
    written = [out.read_text(), audit.audit_file(db).read_text(), printed.out, printed.err]
    assert not [t for t in written if KEY in t]
    assert not (tmp_path / "send.duckdb.key").exists()  # the key came from the environment

    sheet = openpyxl.load_workbook(SOURCE, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and any(
        str(c).strip().lower() == "nhs number" for c in r if c))
    column = [str(c).strip().lower() for c in rows[header]].index("nhs number")
    numbers = [str(r[column]).replace(" ", "") for r in rows[header + 1:] if r and r[column]]
    assert len(numbers) > 10
    for number in numbers[:25]:
        assert _tables_holding(db, number) == [], number
        assert not [t for t in written if number in t.replace(" ", "")]
