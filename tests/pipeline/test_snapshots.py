"""Readers read a snapshot of the database that every writer publishes as it commits, so that no
reader waits for a load: owner-only, replaced atomically, kept readable by a reader that has the
previous one open, and published for a database that has none, or changed around the pipeline."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from pipelines import snapshot
from pipelines.db import DatabaseBusy, connect_writer, one_writer, reader, transaction, writing
from pipelines.load import FileResult, ingest_file
from pipelines.queries import Session
from tests.conftest import ADVICE_HEADER, write_csv

ROOT = Path(__file__).resolve().parents[2]


def _advice(folder: Path, name: str, count: int, first: int = 0) -> Path:
    return write_csv(folder / name, [ADVICE_HEADER] + [
        [f"A{i}", f"C{i}", "Northshire", "SALT", "01/04/2025", "", "", "", "", ""]
        for i in range(first, first + count)])


def _count(db: Path) -> int:
    with reader(db, wait_seconds=0) as con:
        return con.execute("SELECT count(*) FROM health_advice").fetchall()[0][0]


def _files(db: Path) -> list[str]:
    return sorted(p.name for p in snapshot.folder(db).iterdir())


def _read_from(con: duckdb.DuckDBPyConnection) -> Path:
    return Path(con.execute("SELECT path FROM duckdb_databases() WHERE NOT internal"
                            ).fetchall()[0][0])


def test_a_load_publishes_an_owner_only_snapshot_that_readers_read(
        load: Callable[..., FileResult], db: Path, tmp_path: Path) -> None:
    assert load(_advice(tmp_path, "a.csv", 3)).status == "loaded"
    newest = snapshot.newest(db)
    assert newest is not None and snapshot.is_current(db, newest)
    assert _files(db) == ["1.duckdb", snapshot.POINTER]
    assert stat.S_IMODE(snapshot.folder(db).stat().st_mode) == 0o700
    for path in snapshot.folder(db).iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    with reader(db) as con:
        assert _read_from(con) == newest.path
        assert con.execute("SELECT count(*) FROM health_advice").fetchall() == [(3,)]


def test_each_commit_replaces_the_snapshot_and_a_reader_of_the_old_one_reads_on(
        load: Callable[..., FileResult], db: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    load(_advice(tmp_path, "a.csv", 3))
    with reader(db) as before:
        assert load(_advice(tmp_path, "b.csv", 2, first=3)).inserted == 2
        # The first stays for the grace, for a run that chose it and has not opened it yet.
        assert _files(db) == ["1.duckdb", "2.duckdb", snapshot.POINTER]
        assert _count(db) == 5
        monkeypatch.setattr(snapshot, "GRACE_SECONDS", 0.0)  # as if a minute had passed
        assert _count(db) == 5
        assert _files(db) == ["2.duckdb", snapshot.POINTER]  # a reader removed it after it
        # ... but not from under the reader that has it open, mid-run.
        assert before.execute("SELECT count(*) FROM health_advice").fetchall() == [(3,)]
    assert load(_advice(tmp_path, "c.csv", 1, first=5)).inserted == 1
    assert _files(db) == ["3.duckdb", snapshot.POINTER]  # a writer removes it at once too


def test_a_write_that_changes_nothing_or_fails_publishes_nothing(
        load: Callable[..., FileResult], db: Path, tmp_path: Path) -> None:
    load(_advice(tmp_path, "a.csv", 3))
    first = snapshot.newest(db)
    assert load(_advice(tmp_path, "a.csv", 3)).status == "unchanged"
    with pytest.raises(RuntimeError), writing(db) as con, transaction(con):
        con.execute("DELETE FROM health_advice")
        raise RuntimeError("the save fails: rolled back")
    assert snapshot.newest(db) == first
    assert _count(db) == 3


def test_a_database_without_a_snapshot_gets_one_when_first_read(
        sample_db: Path, tmp_path: Path) -> None:
    db = Path(shutil.copy(sample_db, tmp_path / "copied.duckdb"))  # as an earlier version made it
    assert not snapshot.folder(db).exists()
    with duckdb.connect(str(sample_db), read_only=True) as con:
        held = con.execute("SELECT count(*) FROM ehcp").fetchall()
    with reader(db, wait_seconds=0) as con:
        assert con.execute("SELECT count(*) FROM ehcp").fetchall() == held
    assert _files(db) == ["1.duckdb", snapshot.POINTER]


def test_a_change_made_around_the_pipeline_is_published_before_the_next_read(
        load: Callable[..., FileResult], db: Path, tmp_path: Path) -> None:
    load(_advice(tmp_path, "a.csv", 3))
    with duckdb.connect(str(db)) as con:  # e.g. a writer of an earlier version
        con.execute("DELETE FROM health_advice WHERE advice_id = 'A0'")
    assert _count(db) == 2
    assert _files(db) == ["1.duckdb", "2.duckdb", snapshot.POINTER]


def test_no_database_no_snapshot(load: Callable[..., FileResult], db: Path,
                                 tmp_path: Path) -> None:
    with pytest.raises(duckdb.IOException, match="no database"):
        _count(db)
    assert not snapshot.folder(db).exists()
    load(_advice(tmp_path, "a.csv", 3))
    db.unlink()  # removed: its snapshot is never read in its place
    with pytest.raises(duckdb.IOException, match="no database"):
        _count(db)


HOLDER = textwrap.dedent("""
    import sys
    import duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("DELETE FROM health_advice WHERE advice_id = 'A0'")
    print("holding", flush=True)
    sys.stdin.readline()  # holds the database until told
    con.close()
""")


def test_a_reader_never_waits_for_a_writer_in_another_process(
        load: Callable[..., FileResult], db: Path, tmp_path: Path) -> None:
    load(_advice(tmp_path, "a.csv", 3))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], cwd=ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == "holding\n"
        with pytest.raises(DatabaseBusy):  # the database itself is held
            connect_writer(db, wait_seconds=0)
        # Not allowed to wait at all, a reader reads the last snapshot.
        assert _count(db) == 3
        assert _files(db) == ["1.duckdb", snapshot.POINTER]
    finally:
        holder.communicate("done\n", timeout=60)
    assert holder.returncode == 0
    assert _count(db) == 2  # it let go without publishing: the next read publishes


def test_snapshots_and_pointer_are_private_whatever_the_umask(
        load: Callable[..., FileResult], db: Path, tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        load(_advice(tmp_path, "a.csv", 3))
        load(_advice(tmp_path, "b.csv", 3, first=3))
    finally:
        os.umask(old)
    for path in [snapshot.folder(db), *snapshot.folder(db).iterdir()]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_a_load_whose_copy_fails_is_still_loaded_and_readers_catch_up(
        load: Callable[..., FileResult], db: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    load(_advice(tmp_path, "a.csv", 3))

    def disk_full(db: Path, tmp: Path) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(snapshot, "_private_copy", disk_full)
        assert load(_advice(tmp_path, "b.csv", 2, first=3)).status == "loaded"
        assert _count(db) == 3  # the previous snapshot meanwhile
    assert _files(db) == ["1.duckdb", snapshot.POINTER]
    assert _count(db) == 5  # the copy succeeds at the next read


def test_a_session_keeps_its_snapshot_and_reads_on_if_it_is_replaced_before_it_opens(
        load: Callable[..., FileResult], db: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def advice(con: duckdb.DuckDBPyConnection) -> int:
        return con.execute("SELECT count(*) FROM health_advice").fetchall()[0][0]

    load(_advice(tmp_path, "a.csv", 3))
    with Session(db, wait_seconds=0) as opened:
        assert opened.run(advice) == 3
        first = opened.source()
        load(_advice(tmp_path, "b.csv", 2, first=3))
        assert opened.source() == first and opened.run(advice) == 3  # one snapshot per run
    chosen = Session(db, wait_seconds=0)
    pinned = chosen.source()  # chosen, not yet opened: what a run's cached figures are keyed to
    load(_advice(tmp_path, "c.csv", 1, first=5))
    assert pinned.path.exists() and pinned != snapshot.newest(db)  # replaced, kept for the grace
    assert chosen.run(advice) == 5 and chosen.source() == pinned  # what its key says
    chosen.close()

    late = Session(db, wait_seconds=0)
    gone = late.source()
    monkeypatch.setattr(snapshot, "GRACE_SECONDS", 0.0)  # it opens after the grace
    load(_advice(tmp_path, "d.csv", 1, first=6))
    assert not gone.path.exists()
    # Its snapshot was removed: it reads the newest, and says so.
    assert late.run(advice) == 7 and late.source() == snapshot.newest(db) != gone
    late.close()
    with Session(db) as later:
        assert later.source() not in (first, pinned, gone) and later.run(advice) == 7


def test_writes_inside_one_writer_share_its_connection_and_are_published_once(tmp_path,
                                                                             monkeypatch):
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "test-key-not-secret")
    db = tmp_path / "send.duckdb"
    with one_writer(db):
        assert ingest_file(db, _advice(tmp_path, "a.csv", 3)).loaded == 3
        assert snapshot.newest(db) is None  # not after each load: once, as the block ends
        assert ingest_file(db, _advice(tmp_path, "b.csv", 2, first=3)).loaded == 2
        with writing(db) as first, writing(db) as second:
            assert first is second
        # A file loaded before is still recognised, under the writer (nothing is read before).
        assert ingest_file(db, tmp_path / "b.csv").status == "unchanged"
        with one_writer(db):  # within the block: part of it, published with it
            assert ingest_file(db, _advice(tmp_path, "c.csv", 1, first=5)).loaded == 1
        assert snapshot.newest(db) is None
    assert snapshot.is_current(db, snapshot.newest(db))
    assert _count(db) == 6
    assert len(list(snapshot.folder(db).glob("*.duckdb"))) == 1
