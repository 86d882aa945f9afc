"""Loads in a child process: a file that exhausts memory stops only its own process, and the
failure is a clear, audited error naming the file; a good file loads with both audit entries."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines import audit
from pipelines.cli import main
from pipelines.db import reader
from pipelines.isolated import load_file
from pipelines.limits import Limits
from tests.conftest import ADVICE_HEADER, AS_OF, write_csv
from tests.hostile import workbook


def test_a_file_that_asks_for_512_gb_fails_alone_and_is_audited(db: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "bomb.xlsx", {"A1": "Case ID", "XFD1048576": "x"})
    # Limits raised so the extent check lets it through: the child's memory limit stops it.
    lax = Limits(max_columns=20_000, max_cells=10**13, child_memory_mb=1_024)
    result = load_file(db, path, "tester (command line)", as_of=AS_OF, limits=lax)
    assert result.status == "failed"
    assert result.error.startswith("bomb.xlsx: reading it stopped the loading process")
    assert "1,024 MB of memory" in result.error
    [entry] = audit.entries(db)
    assert (entry["action"], entry["detail"]["file"], entry["detail"]["status"]) == (
        "load", "bomb.xlsx", "failed")


def test_a_good_file_loads_in_the_child_with_started_and_final_entries(db: Path,
                                                                       tmp_path: Path) -> None:
    path = write_csv(tmp_path / "advice.csv", [
        ADVICE_HEADER, ["A1", "C1", "Northshire", "SALT", "01/04/2025", "", "", "", "", ""]])
    result = load_file(db, path, "tester (command line)", as_of=AS_OF)
    assert (result.status, result.loaded, result.load_id) == ("loaded", 1, 1)
    assert [(e["action"], e["detail"]["load_id"]) for e in audit.entries(db)] == [
        ("load started", 1), ("load", 1)]


def test_the_extent_check_names_the_file_through_the_child(db: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "tiny.xlsx", {"A1": "Case ID", "XFD1048576": "x"})
    result = load_file(db, path, "tester (command line)", as_of=AS_OF)
    assert result.error == ("tiny.xlsx: sheet 'Data' is too large to read: it reaches 16,384 "
                            "columns (the limit is 1,000, [limits] max_columns)")


def test_a_load_past_its_time_limit_is_stopped_and_audited(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "advice.csv", [
        ADVICE_HEADER, ["A1", "C1", "Northshire", "SALT", "01/04/2025", "", "", "", "", ""]])
    result = load_file(db, path, "tester (command line)", as_of=AS_OF,
                       limits=Limits(child_seconds=0))  # no load finishes in no time
    assert result.status == "failed"
    assert result.error == ("advice.csv: reading it took longer than 0 s ([limits] "
                            "child_seconds); it was stopped and nothing was loaded")
    assert [e["detail"]["status"] for e in audit.entries(db) if e["action"] == "load"] == [
        "failed"]
    assert load_file(db, path, "tester", as_of=AS_OF).status == "loaded"  # nothing was left half-done


def test_the_command_line_load_passes_every_option_to_the_child_and_reports_reading_apart(
        db: Path, tmp_path: Path, capsys) -> None:
    # No Provider column: --source and --provider fill it; --extract-date dates the export.
    header = [c for c in ADVICE_HEADER if c != "Provider"]
    row = ["A1", "C1", "North\x07shire", "SALT", "01/04/2025", "", "", "", ""]
    path = write_csv(tmp_path / "advice.csv", [header, row])
    args = ["ingest", str(path), "--db", str(db), "--as-of", "2026-03-31",
            "--extract-date", "2026-02-01", "--source", "provider", "--provider", "Northshire Trust"]
    assert main([*args, "--json"]) == 0
    [summary] = json.loads(capsys.readouterr().out)
    assert (summary["status"], summary["loaded"]) == ("loaded", 1)
    assert (summary["extract_date"], summary["extract_basis"]) == ("2026-02-01",
                                                                   "given (--extract-date)")
    assert summary["read_warnings"] == ["advice.csv: 1 control character(s) removed (line 2): "
                                        "they cannot be shown or exported"]
    assert summary["warnings"] == 0  # the row rules' warnings are counted apart
    with reader(db) as con:
        assert con.execute("SELECT provider FROM health_advice").fetchall() == [("Northshire Trust",)]
    again = write_csv(tmp_path / "again.csv", [header, ["A2", *row[1:]]])
    assert main([*args[:1], str(again), *args[2:]]) == 0
    assert ("warning: again.csv: 1 control character(s) removed (line 2)"
            in capsys.readouterr().err)
