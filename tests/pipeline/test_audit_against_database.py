"""The database keeps the audit chain's head and the loads: a log cut short, deleted, or
missing a load's entries is found by `audit --verify`; failed commands are audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import audit
from pipelines.cli import main
from pipelines.isolated import load_file
from pipelines.load import ingest_file
from tests.conftest import ADVICE_HEADER, AS_OF, write_csv


@pytest.fixture
def loaded(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(audit.AUDIT_ENV, raising=False)
    path = write_csv(tmp_path / "advice.csv", [
        ADVICE_HEADER, ["A1", "C1", "Northshire", "SALT", "01/04/2025", "", "", "", "", ""]])
    assert load_file(db, path, "jo (command line)", as_of=AS_OF).status == "loaded"
    assert audit.verify(db) == []
    return db


def test_a_log_cut_short_before_the_recorded_head_is_found(loaded: Path) -> None:
    log = audit.audit_file(loaded)
    log.write_bytes(b"")
    [problem] = audit.verify(loaded)
    assert problem.startswith("the log no longer holds the entry the database recorded last")
    assert audit.loads_without_entries(loaded) == [
        "load 1 (advice.csv) is in the database but has no entry in the log"]


def test_a_deleted_log_is_found(loaded: Path, capsys) -> None:
    audit.audit_file(loaded).unlink()
    assert main(["audit", "--verify", "--db", str(loaded)]) == 1
    assert "the log is missing the entry the database recorded last" in capsys.readouterr().err


def test_a_load_without_entries_is_reported(loaded: Path, tmp_path: Path) -> None:
    other = write_csv(tmp_path / "more.csv", [
        ADVICE_HEADER, ["A2", "C2", "Northshire", "SALT", "01/05/2025", "", "", "", "", ""]])
    assert ingest_file(loaded, other, as_of=AS_OF).status == "loaded"  # not audited
    assert audit.verify(loaded) == []
    assert audit.loads_without_entries(loaded) == [
        "load 2 (more.csv) is in the database but has no entry in the log"]


def test_a_load_whose_started_entry_cannot_be_written_is_not_committed(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ro").write_text("a file where the log's folder should be")
    monkeypatch.setenv(audit.AUDIT_ENV, str(tmp_path / "ro" / "audit.jsonl"))
    path = write_csv(tmp_path / "advice.csv", [
        ADVICE_HEADER, ["A1", "C1", "Northshire", "SALT", "01/04/2025", "", "", "", "", ""]])
    with pytest.raises(audit.AuditError):
        load_file(db, path, "jo (command line)", as_of=AS_OF)
    monkeypatch.delenv(audit.AUDIT_ENV)
    assert ingest_file(db, path, as_of=AS_OF).status == "loaded"  # not "unchanged": rolled back


def test_a_failed_command_is_audited(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(audit.AUDIT_ENV, raising=False)
    assert main(["users", "remove", "nobody", "--db", str(db)]) == 1
    [entry] = audit.entries(db)
    assert (entry["action"], entry["detail"]) == (
        "command failed", {"command": "users remove", "exit_code": 1})
