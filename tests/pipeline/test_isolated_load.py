"""Loads in a child process: a file that exhausts memory stops only its own process, and the
failure is a clear, audited error naming the file; a good file loads with both audit entries."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines import audit, isolated
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


def _count_children(monkeypatch) -> list[int]:
    """The children a Loader starts, counted (each is started as ever)."""
    started: list[int] = []
    real = isolated._start_child

    def start():
        child = real()
        started.append(child.pid)
        return child

    monkeypatch.setattr(isolated, "_start_child", start)
    return started


def _advice(path: Path, advice_id: str) -> Path:
    return write_csv(path, [ADVICE_HEADER, [advice_id, "C1", "Northshire", "SALT", "01/04/2025",
                                            "", "", "", "", ""]])


def test_files_loaded_together_share_one_child(db: Path, tmp_path: Path, monkeypatch) -> None:
    started = _count_children(monkeypatch)
    files = [_advice(tmp_path / f"advice{i}.csv", f"A{i}") for i in range(3)]
    with isolated.Loader() as loader:
        results = [loader.load(db, path, "tester", as_of=AS_OF) for path in files]
    assert [(r.status, r.load_id) for r in results] == [("loaded", 1), ("loaded", 2), ("loaded", 3)]
    assert len(started) == 1
    assert [e["action"] for e in audit.entries(db)] == ["load started", "load"] * 3


def test_a_file_that_kills_the_shared_child_fails_alone_and_is_tried_alone_first(
        db: Path, tmp_path: Path, monkeypatch) -> None:
    # The bomb kills the child that loaded the first file; it is tried again in a child of its
    # own (an earlier file's leftovers must not be what failed it), then reported; the third
    # file loads in a new child.
    started = _count_children(monkeypatch)
    bomb = workbook(tmp_path / "bomb.xlsx", {"A1": "Case ID", "XFD1048576": "x"})
    lax = Limits(max_columns=20_000, max_cells=10**13, child_memory_mb=1_024)
    with isolated.Loader(lax) as loader:
        results = [loader.load(db, path, "tester", as_of=AS_OF) for path in
                   (_advice(tmp_path / "first.csv", "A1"), bomb, _advice(tmp_path / "last.csv", "A2"))]
    assert [r.status for r in results] == ["loaded", "failed", "loaded"]
    assert results[1].error.startswith("bomb.xlsx: reading it stopped the loading process")
    assert len(started) == 3
    assert [(e["detail"]["file"], e["detail"]["status"]) for e in audit.entries(db)
            if e["action"] == "load"] == [("first.csv", "loaded"), ("bomb.xlsx", "failed"),
                                          ("last.csv", "loaded")]


def test_the_command_line_loads_its_files_in_one_child(db: Path, tmp_path: Path, monkeypatch,
                                                       capsys) -> None:
    started = _count_children(monkeypatch)
    files = [str(_advice(tmp_path / f"advice{i}.csv", f"A{i}")) for i in range(3)]
    assert main(["ingest", *files, "--db", str(db), "--as-of", "2026-03-31"]) == 0
    assert capsys.readouterr().out.count("1 loaded") == 3
    assert len(started) == 1
