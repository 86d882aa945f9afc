"""The audit log: appended, chained by hashes, and any later edit is found."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from pipelines import audit


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(audit.AUDIT_ENV, raising=False)
    return tmp_path / "send.duckdb"


def _lines(db: Path) -> list[str]:
    return audit.audit_file(db).read_text().splitlines()


def test_entries_are_appended_in_order_and_chained(db: Path) -> None:
    audit.record(db, "jo (dco, password)", "load", file="a.csv", loaded=3)
    audit.record(db, "jo (dco, password)", "export", what="overdue advice", file="o.csv")
    entries = audit.entries(db)
    assert [(e["actor"], e["action"]) for e in entries] == [
        ("jo (dco, password)", "load"), ("jo (dco, password)", "export")]
    assert entries[0]["prev"] == audit.GENESIS and entries[1]["prev"] == entries[0]["hash"]
    assert audit.verify(db) == []
    assert audit.audit_file(db).name == "send.duckdb.audit.jsonl"


@pytest.mark.parametrize(("tamper", "found"), [
    (lambda lines: [lines[0].replace("a.csv", "b.csv"), *lines[1:]], "line 1: its content"),
    (lambda lines: [lines[0], lines[2]], "line 2: does not follow"),
    (lambda lines: [lines[1], lines[0], lines[2]], "does not follow"),
    (lambda lines: [lines[0], "garbage", *lines[1:]], "line 2: not a JSON entry"),
])
def test_an_edited_removed_or_reordered_line_is_found(db: Path, tamper, found: str) -> None:
    for name in ("a.csv", "b.csv", "c.csv"):
        audit.record(db, "jo", "load", file=name)
    path = audit.audit_file(db)
    path.write_text("\n".join(tamper(_lines(db))) + "\n")
    assert any(found in p for p in audit.verify(db)), audit.verify(db)


def test_rewriting_an_entry_with_a_fresh_hash_still_breaks_the_chain(db: Path) -> None:
    for name in ("a.csv", "b.csv"):
        audit.record(db, "jo", "load", file=name)
    lines = _lines(db)
    first = json.loads(lines[0])
    first["actor"] = "someone else"
    first["hash"] = audit._digest(first)
    audit.audit_file(db).write_text("\n".join([json.dumps(first), lines[1]]) + "\n")
    assert audit.verify(db) == ["line 2: does not follow the line before it (a line was "
                                "removed, inserted or reordered)"]


def test_concurrent_writers_keep_the_chain(db: Path) -> None:
    def write(who: str) -> None:
        for i in range(25):
            audit.record(db, who, "export", n=i)
    threads = [threading.Thread(target=write, args=(f"user{t}",)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(audit.entries(db)) == 100 and audit.verify(db) == []


def test_the_log_is_readable_only_by_its_owner(db: Path) -> None:
    audit.record(db, "jo", "sign in")
    assert audit.audit_file(db).stat().st_mode & 0o077 == 0


def test_no_log_yet_is_an_intact_empty_log(db: Path) -> None:
    assert audit.entries(db) == [] and audit.verify(db) == []


def test_a_long_entry_neither_breaks_the_chain_nor_grows_unbounded(db: Path) -> None:
    audit.record(db, "jo", "load", file="a.csv", error="x" * 70_000)
    audit.record(db, "jo", "load", file="b.csv")
    assert audit.verify(db) == []
    first = audit.entries(db)[0]
    assert first["detail"]["error"].endswith("... (68,000 characters cut)")
    assert len(_lines(db)[0]) < audit.MAX_ENTRY


def test_the_last_entry_is_read_exactly_however_long(db: Path, monkeypatch) -> None:
    monkeypatch.setattr(audit, "_BLOCK", 16)  # lines far longer than a block
    for name in ("a.csv", "b.csv", "c.csv"):
        audit.record(db, "jo", "load", file=name)
    assert audit.verify(db) == []


@pytest.mark.parametrize("bad", [b"5\n", b"[1, 2]\n", b"\xff\xfe not text\n", b'{"detail": 3}\n'])
def test_a_malformed_line_is_reported_and_appends_go_on(db: Path, bad: bytes) -> None:
    audit.record(db, "jo", "sign in")
    with audit.audit_file(db).open("ab") as fh:
        fh.write(bad)
    audit.record(db, "jo", "sign in")  # does not raise
    assert [e["action"] for e in audit.entries(db)] == ["sign in", "damaged", "sign in"]
    assert audit.verify(db)[0] == "line 2: not a JSON entry"


def test_without_the_key_a_rewritten_log_does_not_pass(db: Path, monkeypatch) -> None:
    audit.record(db, "jo", "load", file="a.csv")
    line = json.loads(_lines(db)[0])
    line["detail"]["file"] = "forged.csv"
    monkeypatch.setenv(audit.KEY_ENV, "the attacker's own key")
    line["hash"] = audit._digest(line)
    monkeypatch.undo()
    monkeypatch.delenv(audit.AUDIT_ENV, raising=False)
    audit.audit_file(db).write_text(json.dumps(line) + "\n")
    assert audit.verify(db) == ["line 1: its content was changed after it was written"]


def test_a_log_that_cannot_be_written_raises_audit_error(db: Path, tmp_path: Path,
                                                         monkeypatch) -> None:
    monkeypatch.setenv(audit.AUDIT_ENV, str(tmp_path / "not-a-folder" / "audit.jsonl"))
    (tmp_path / "not-a-folder").write_text("a file where the folder should be")
    with pytest.raises(audit.AuditError, match="cannot be written"):
        audit.record(db, "jo", "sign in")


def test_a_key_that_cannot_be_made_is_an_audit_error(db: Path, tmp_path: Path,
                                                     monkeypatch) -> None:
    monkeypatch.delenv(audit.KEY_ENV, raising=False)
    (tmp_path / "blocked").write_text("a file where the key's folder should be")
    monkeypatch.setenv(audit.KEY_FILE_ENV, str(tmp_path / "blocked" / "audit.key"))
    with pytest.raises(audit.AuditError, match="SEND_AUDIT_KEY"):
        audit.record(db, "jo", "sign in")


def test_a_load_entry_counts_rows_kept_out_though_not_rejected(db: Path) -> None:
    from pipelines.load import FileResult
    result = FileResult(file="tracker.xlsx", status="loaded", load_id=4, kinds=["tribunals"],
                        rows_read=9, loaded=5, rejected=1, superseded=3)
    audit.record_load(db, "jo (dco, password)", result)
    detail = audit.entries(db)[-1]["detail"]
    assert (detail["loaded"], detail["rejected"], detail["superseded"]) == (5, 1, 3)
    assert "stale" not in detail  # none: not said
