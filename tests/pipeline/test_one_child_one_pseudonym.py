"""One child, one pseudonym: the database records its key's fingerprint, a load under another
key is refused, no key is made beside a database with pseudonyms, and rekey says what it does.
Plus the small things: rollback asks first, users add without a terminal, owner-only files."""

from __future__ import annotations

import contextlib
import io
import stat
from pathlib import Path

import pytest

from pipelines import audit, pseudonym
from pipelines.cli import main
from pipelines.db import one_writer, reader
from pipelines.load import ingest_file
from tests.conftest import ADVICE_HEADER, AS_OF, write_csv


def _advice(tmp_path: Path, name: str, case: str) -> Path:
    return write_csv(tmp_path / name, [
        ADVICE_HEADER, [f"A{case}", f"C{case}", "Northshire", "SALT", "01/04/2025", "", "", "",
                        "", ""]])


@pytest.mark.parametrize("build", [False, True], ids=["one load", "a build's load"])
def test_a_load_under_another_key_is_refused(db: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch, build: bool) -> None:
    """Refused before the file is read, or (a build's load, which looks nothing up before it
    writes) when the writer claims the key: rolled back, and said the same way."""
    assert ingest_file(db, _advice(tmp_path, "a.csv", "1"), as_of=AS_OF).status == "loaded"
    first = pseudonym.fingerprint(b"test-key-not-secret")
    assert pseudonym.recorded_fingerprint(db) == first
    monkeypatch.setenv(pseudonym.KEY_ENV, "another key altogether")
    with one_writer(db) if build else contextlib.nullcontext():
        result = ingest_file(db, _advice(tmp_path, "b.csv", "2"), as_of=AS_OF)
    assert result.status == "failed"
    assert result.error.startswith(f"b.csv: not loaded: the pseudonym key (fingerprint "
                                   f"{pseudonym.fingerprint(b'another key altogether')}) is not "
                                   f"the one this database's pseudonyms were made with "
                                   f"(fingerprint {first})")
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == 1


def test_no_key_is_made_beside_a_database_with_pseudonyms(db: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pseudonym.KEY_ENV)
    assert ingest_file(db, _advice(tmp_path, "a.csv", "1"), as_of=AS_OF).status == "loaded"
    key_file = pseudonym.key_file_for(db)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key_file.unlink()  # lost, or the database copied without it
    result = ingest_file(db, _advice(tmp_path, "b.csv", "2"), as_of=AS_OF)
    assert result.status == "failed" and "no key file at" in result.error
    assert "a new one would give every child a second pseudonym" in result.error
    assert not key_file.exists()


def test_rekey_refuses_while_pseudonyms_are_held_and_rotates_otherwise(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.delenv(pseudonym.KEY_ENV)
    monkeypatch.delenv(audit.AUDIT_ENV, raising=False)
    fresh = tmp_path / "fresh" / "send.duckdb"
    old = pseudonym.load_key(fresh)
    assert main(["rekey", "--db", str(fresh)]) == 0
    assert "Would make a new key" in capsys.readouterr().out
    assert pseudonym.load_key(fresh) == old  # nothing changed without --yes
    assert main(["rekey", "--yes", "--db", str(fresh)]) == 0
    assert pseudonym.load_key(fresh) != old
    assert len(list(fresh.parent.glob("send.duckdb.key.retired-*"))) == 1
    assert ingest_file(db, _advice(tmp_path, "a.csv", "1"), as_of=AS_OF).status == "loaded"
    capsys.readouterr()
    assert main(["rekey", "--yes", "--db", str(db)]) == 1
    assert "cannot be re-made under a new key without the source files" in capsys.readouterr().err


def test_rollback_shows_what_it_would_remove_and_needs_yes(db: Path, tmp_path: Path,
                                                           capsys) -> None:
    assert ingest_file(db, _advice(tmp_path, "a.csv", "1"), as_of=AS_OF).status == "loaded"
    assert main(["rollback", "1", "--db", str(db)]) == 0
    assert "removes the 1 records it added" in capsys.readouterr().out
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM health_advice").fetchone()[0] == 1
    assert main(["rollback", "1", "--yes", "--db", str(db)]) == 0
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM health_advice").fetchone()[0] == 0


def test_users_add_without_a_terminal_says_to_use_password_stdin(
        db: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["users", "add", "jo", "--role", "dco", "--db", str(db)]) == 1
    assert "--password-stdin" in capsys.readouterr().err


def test_database_users_file_and_log_are_owner_only(db: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(audit.AUDIT_ENV, raising=False)
    monkeypatch.delenv("SEND_USERS_FILE", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret\n"))
    assert main(["users", "add", "jo", "--role", "admin", "--password-stdin",
                 "--db", str(db)]) == 0
    assert ingest_file(db, _advice(tmp_path, "a.csv", "1"), as_of=AS_OF).status == "loaded"
    for path in (db, tmp_path / "users.json", audit.audit_file(db)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
