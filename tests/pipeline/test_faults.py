"""Faults: a load killed mid-way leaves the database consistent and the next run completes;
two loads at once do not corrupt anything (the second waits for the first)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ADVICE_HEADER, write_csv

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def big_csv(path, rows: int, prefix: str):
    return write_csv(path, [ADVICE_HEADER] + [
        [f"{prefix}{i}", f"C{i}", "Northshire", "SALT", "01/04/2025", "01/05/2025", "Trust", "", "3", "New"]
        for i in range(rows)])


def ingest(db, *files):
    env = {**os.environ, "SEND_PSEUDONYM_KEY": "fault-test"}
    return subprocess.Popen([sys.executable, "-m", "pipelines", "ingest", "--db", str(db),
                             "--as-of", "2026-03-31", *map(str, files)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _connect_when_free(db) -> duckdb.DuckDBPyConnection:
    """A read-only connection once no process holds the file: a killed load's child may take a
    moment to die after its command (under a loaded CI machine, more than one)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return duckdb.connect(str(db), read_only=True)
        except duckdb.IOException as exc:
            if "lock" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def consistent(db) -> int:
    """The rows held agree with the load log; returns how many rows are held. A process killed
    while creating the file may leave it with no tables at all, never with some of them."""
    with _connect_when_free(db) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if not tables:
            return 0
        assert {"loads", "health_advice", "rejects", "meta"} <= tables
        held = con.execute("SELECT count(*) FROM health_advice").fetchone()[0]
        logged = con.execute("SELECT coalesce(sum(inserted), 0) FROM loads").fetchone()[0]
        orphans = con.execute("SELECT count(*) FROM health_advice WHERE load_id NOT IN "
                              "(SELECT load_id FROM loads)").fetchone()[0]
    assert held == logged and orphans == 0
    return held


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_a_load_killed_mid_way_leaves_the_database_consistent(tmp_path, delay):
    db = tmp_path / "kill.duckdb"
    path = big_csv(tmp_path / "big.csv", 60_000, "K")
    proc = ingest(db, path)
    time.sleep(delay)
    kill_command(proc)
    if db.exists():
        assert consistent(db) in (0, 60_000)
    again = ingest(db, path)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert consistent(db) == 60_000


def _alive(pid: int) -> bool:
    """Any thread of the process still running (its first thread turns zombie before DuckDB's
    threads have exited and let the file's lock go)."""
    states = []
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            states.append(stat.read_text().rpartition(")")[2].split()[0])
        except OSError:
            continue  # that thread has just gone
    return any(state != "Z" for state in states)


def _children(pid: int) -> list[int]:
    listing = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in listing.read_text().split()] if listing.exists() else []


def kill_command(proc: subprocess.Popen) -> list[int]:
    """SIGKILL a load's command, as a user might; return its loading children once they have
    died with it (the kernel kills them when their parent dies; it takes a moment)."""
    children = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while any(map(_alive, children)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(map(_alive, children)), "the loading child outlived the command"
    return children


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_killing_the_command_stops_its_loading_child_and_frees_the_database(tmp_path):
    db = tmp_path / "orphan.duckdb"
    proc = ingest(db, big_csv(tmp_path / "big.csv", 300_000, "O"))  # seconds to load
    deadline = time.monotonic() + 60
    while not _children(proc.pid) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert kill_command(proc), "the load's child never started"
    # Killed as it started, long before it could commit: nothing loaded, and the file is free.
    assert not db.exists() or consistent(db) == 0
    duckdb.connect(str(db)).close()


def test_two_loads_at_once_both_complete(tmp_path):
    db = tmp_path / "two.duckdb"
    first = ingest(db, big_csv(tmp_path / "one.csv", 30_000, "P"))
    second = ingest(db, big_csv(tmp_path / "two.csv", 30_000, "Q"))
    for proc in (first, second):
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    assert consistent(db) == 60_000
