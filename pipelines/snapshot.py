"""Read-only snapshots of the database, so that no reader waits for a load and no load for a reader.

DuckDB lets one process write a database file or many read it, never both at once. So a writer
writes the working database and, once it has committed, publishes a copy of it here; readers (the
app's page runs, the command line's read commands) open the newest copy read-only. A snapshot holds
the same pseudonymised case records as the database: owner-only, like it, and removed with it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import time
from pathlib import Path

import duckdb

POINTER = "newest.json"  # which snapshot is the newest, and the database's state it copies
# A replaced snapshot stays this long, so that a page run that chose it just before (its cached
# figures are keyed to it) still opens it rather than newer data than its key says.
GRACE_SECONDS = 60.0
Stamp = list[list[int] | None]  # the database's and its write-ahead log's file identities


@dataclasses.dataclass(frozen=True)
class Snapshot:
    path: Path
    published: int  # nanoseconds since the epoch: with the path, names this version of the data
    source: Stamp  # the database's files as they were when it was copied


def folder(db: Path) -> Path:
    """`<database>.snapshots/` beside the database."""
    return db.with_name(db.name + ".snapshots")


def stamp(db: Path) -> Stamp:
    """Identity, size, modification and change time of the database file and of its write-ahead
    log: any write to either changes it, and restoring an older copy of the file changes its
    change time."""
    stamps: Stamp = []
    for path in (db, db.with_name(db.name + ".wal")):
        try:
            stat = path.stat()
        except FileNotFoundError:
            stamps.append(None)
            continue
        stamps.append([stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns])
    return stamps


def newest(db: Path) -> Snapshot | None:
    """The snapshot readers should open, if there is one (it may be older than the database:
    see `is_current`)."""
    try:
        pointer = json.loads((folder(db) / POINTER).read_text(encoding="utf-8"))
        found = Snapshot(folder(db) / pointer["snapshot"], int(pointer["published"]),
                         pointer["source"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none yet, or a pointer that is not ours: a new one is published
    return found if found.path.exists() else None


def is_current(db: Path, snapshot: Snapshot) -> bool:
    """The database has not changed since `snapshot` was copied from it."""
    return snapshot.source == stamp(db)


def publish(con: duckdb.DuckDBPyConnection, db: Path) -> Snapshot:
    """Copy the database as `con`, its one writer, has committed it into a new snapshot and make
    that the newest, atomically: a reader finds the previous one or this one, whole. Nothing is
    copied when the newest already holds this state. Call it before letting go of the database,
    so that no other writer changes the file while it is copied."""
    con.execute("CHECKPOINT")  # everything committed is now in the file itself, none in the log
    current = newest(db)
    if current is not None and is_current(db, current):
        return current
    where = folder(db)
    where.mkdir(mode=0o700, exist_ok=True)
    source = stamp(db)
    number = 1 + max((_number(p) for p in where.glob("*.duckdb")), default=0)
    final = where / f"{number}.duckdb"
    tmp = final.with_name(final.name + ".tmp")
    _private_copy(db, tmp)
    os.replace(tmp, final)
    published = Snapshot(final, time.time_ns(), source)
    _write_pointer(where, published)
    _fsync(where)
    _remove_all_but(where, final)
    return published


def _number(path: Path) -> int:
    return int(path.stem) if path.stem.isdigit() else 0


def _private_copy(db: Path, tmp: Path) -> None:
    """Copy the file into `tmp`, made owner-only before a byte is written, and flush it to disk
    (so a crash cannot leave a newest snapshot that is half there)."""
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()  # left by a publisher that was killed
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        shutil.copyfile(db, tmp)  # into the existing file: its mode stays 0600
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        tmp.unlink()  # e.g. the disk is full: a part copy would only hold the space
        raise


def _write_pointer(where: Path, snapshot: Snapshot) -> None:
    text = json.dumps({"snapshot": snapshot.path.name, "published": snapshot.published,
                       "source": snapshot.source})
    tmp = where / f".{POINTER}.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, where / POINTER)


def _fsync(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_all_but(where: Path, keep: Path, leftovers: bool = True) -> None:
    """Remove every older snapshot replaced more than `GRACE_SECONDS` ago and, with `leftovers`
    (a publisher, which holds the writer's lock), any copy a killed publisher left. A reader that
    has one open keeps reading it: the file lives on until it is closed. Where the system refuses
    to remove an open file, it is removed by a later call."""
    now = time.time()
    numbered = sorted((p for p in where.glob("*.duckdb") if p.stem.isdigit()), key=_number)
    replaced_at = {}  # a snapshot was replaced when the next one was written
    for replaced, newer in zip(numbered, numbered[1:], strict=False):
        with contextlib.suppress(OSError):
            replaced_at[replaced] = newer.stat().st_mtime
    candidates = [p for p in numbered if _number(p) < _number(keep)]
    if leftovers:
        candidates += [*where.glob("*.duckdb.*"), *where.glob(f".{POINTER}.*")]
    for path in candidates:
        if now - replaced_at.get(path, 0.0) >= GRACE_SECONDS:
            with contextlib.suppress(OSError):
                path.unlink()


def remove_replaced(db: Path, current: Snapshot) -> None:
    """Remove the snapshots older than `current`, the newest, replaced more than
    `GRACE_SECONDS` ago: a reader calls it too, so a rolled-back load's rows do not outlive the
    grace in an older copy when nothing is written. A reader leaves alone what a publisher may
    be writing (a copy not yet renamed, a snapshot newer than the pointer it read)."""
    _remove_all_but(folder(db), current.path, leftovers=False)
