"""Load a file in a child process with a memory and a time limit, so that whatever the file does
to a reader (ask for 512 GB, spin for an hour, crash a library), the app and every other session
keep running, and the failure is reported and audited as a clear error naming the file.

Both audit entries are written for every load: "load started" inside the child's transaction,
before it commits (a load whose entry cannot be written is not committed), and "load" with the
outcome in the parent, also when the child died.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import pickle
import resource
import signal
import subprocess
import sys
from pathlib import Path

import duckdb

from pipelines import audit, config, published
from pipelines.db import DatabaseBusy
from pipelines.limits import Limits
from pipelines.load import FileResult, ingest_file

PARENT = "SEND_LOAD_PARENT"  # the loading process's id, told to its child
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


def load_file(db: Path, path: Path, actor: str, kind: str | None = None,
              as_of: dt.date | None = None, extract_date: dt.date | None = None,
              given: dict[str, str] | None = None, la: str | None = None,
              limits: Limits | None = None) -> FileResult:
    """Load one file in a child process within `limits` (default: settings.toml's) and audit
    it. `kind`, `as_of`, `extract_date`, `given` and `la` are `load.ingest_file`'s. Never raises
    for a bad file; raises DatabaseBusy if another process holds the database."""
    if published.is_snapshot(db):  # said before the file is read or a key made beside it
        return FileResult(file=path.name, status="failed", error=f"{path.name}: not loaded: "
                          + published.REFUSED.format(path=db))
    limits = limits or config.load_settings().limits
    job = (db, path, actor, kind, as_of, extract_date, given, la, limits)
    outcome = _run_child(job, path, limits)
    if isinstance(outcome, DatabaseBusy):
        raise outcome
    audit.record_load(db, actor, outcome)
    return outcome


def _run_child(job: tuple, path: Path, limits: Limits) -> FileResult | DatabaseBusy:
    """A new interpreter (never a fork of the app's threads) reads the job from its standard
    input and answers on its standard output."""
    # The memory limit is on address space: glibc reserves an arena of 64 MB or more per thread,
    # so DuckDB's threads could reach the limit without using the memory; two arenas keep the
    # limit a measure of what the load uses (unless the environment sets its own).
    env = {"MALLOC_ARENA_MAX": "2", **os.environ, PARENT: str(os.getpid()),
           "PYTHONPATH": os.pathsep.join(
               [str(config.ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    child = subprocess.Popen([sys.executable, "-m", "pipelines.isolated"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, env=env)
    try:
        answer, _ = child.communicate(pickle.dumps(job), timeout=limits.child_seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        return FileResult(file=path.name, status="failed",
                          error=f"{path.name}: reading it took longer than "
                          f"{limits.child_seconds:,} s ([limits] child_seconds); it was stopped "
                          "and nothing was loaded")
    if child.returncode != 0 or not answer:
        return _died(path, child.returncode, limits)
    kind, value = pickle.loads(answer)  # written by our own child, never by the file
    return DatabaseBusy(value) if kind == "busy" else value


def _died(path: Path, exitcode: int | None, limits: Limits) -> FileResult:
    how = (f"signal {signal.Signals(-exitcode).name}" if exitcode and exitcode < 0
           and -exitcode in signal.Signals._value2member_map_ else f"exit code {exitcode}")
    return FileResult(file=path.name, status="failed",
                      error=f"{path.name}: reading it stopped the loading process ({how}), most "
                      f"likely by needing more than {limits.child_memory_mb:,} MB of memory "
                      "([limits] child_memory_mb); nothing was loaded")


def _child(db: Path, path: Path, actor: str, kind: str | None, as_of: dt.date | None,
           extract_date: dt.date | None, given: dict[str, str] | None, la: str | None,
           limits: Limits) -> tuple[str, object]:
    memory = limits.child_memory_mb * 1024**2
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.child_seconds, limits.child_seconds + 5))

    def started(con: duckdb.DuckDBPyConnection, result: FileResult) -> None:
        entry = audit.record(db, actor, "load started", file=result.file, load_id=result.load_id,
                             rows_read=result.rows_read, loaded=result.loaded,
                             rejected=result.rejected)
        audit.store_head(con, entry)

    try:
        return "result", ingest_file(db, path, kind=kind, as_of=as_of,
                                     extract_date=extract_date, given=given, la=la,
                                     before_commit=started, limits=limits)
    except DatabaseBusy as exc:
        return "busy", str(exc)
    except MemoryError:
        return "result", FileResult(
            file=path.name, status="failed",
            error=f"{path.name}: reading it needed more than {limits.child_memory_mb:,} MB of "
            "memory ([limits] child_memory_mb); nothing was loaded")
    except Exception as exc:  # reported as the load's failure, never lost
        return "result", FileResult(file=path.name, status="failed",
                                    error=f"{path.name}: not loaded: unexpected {type(exc).__name__}")


def _die_with_parent() -> None:
    """A load whose command is killed (Ctrl-C twice, SIGKILL, the app's process stopped) stops
    too, rolled back, rather than loading on unseen and holding the database meanwhile: on
    Linux the kernel kills the child when its parent dies."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.environ.get(PARENT) not in (None, str(os.getppid())):
        os._exit(1)  # the parent died before the line above took effect


def _serve() -> None:
    """The child's side: the job from stdin, the answer on the real stdout (anything a library
    prints goes to stderr instead)."""
    _die_with_parent()
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    job = pickle.loads(sys.stdin.buffer.read())
    answer.write(pickle.dumps(_child(*job)))
    answer.close()


if __name__ == "__main__":
    _serve()
