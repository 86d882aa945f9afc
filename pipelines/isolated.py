"""Load a file in a child process with a memory and a time limit, so that whatever the file does
to a reader (ask for 512 GB, spin for an hour, crash a library), the app and every other session
keep running, and the failure is reported and audited as a clear error naming the file.

Both audit entries are written for every load: "load started" inside the child's transaction,
before it commits (a load whose entry cannot be written is not committed), and "load" with the
outcome in the parent, also when the child died.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import duckdb

from pipelines import audit, config, file_names, published
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
    with Loader(limits) as loader:
        return loader.load(db, path, actor, kind, as_of, extract_date, given, la)


class Loader:
    """Loads files one after another as `load_file` does, in one child process while each load
    leaves it running: a command or an upload of many files starts Python and its libraries
    (about 0.7 s) once, not once a file. A file whose load kills the child or outlives its time
    limit is reported as `load_file` reports it, and the next file gets a new child. A file that
    ran out of memory in a child that had loaded others first is loaded again in a new child,
    so what an earlier file left behind in memory never fails a later one."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or config.load_settings().limits
        self._child: subprocess.Popen | None = None

    def __enter__(self) -> Loader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the child: it reads the end of its jobs and exits."""
        child, self._child = self._child, None
        if child is None:
            return
        with contextlib.suppress(OSError):
            child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        child.stdout.close()

    def load(self, db: Path, path: Path, actor: str, kind: str | None = None,
             as_of: dt.date | None = None, extract_date: dt.date | None = None,
             given: dict[str, str] | None = None, la: str | None = None) -> FileResult:
        """`load_file` in this loader's child."""
        if published.is_snapshot(db):  # said before the file is read or a key made beside it
            return FileResult(file=path.name, status="failed", error=f"{path.name}: not loaded: "
                              + published.REFUSED.format(path=db))
        if refused := file_names.refusal(path.name):  # audited, by the name as it may be kept
            outcome = FileResult(file=file_names.shown(path.name), status="failed", error=refused)
            audit.record_load(db, actor, outcome)
            return outcome
        job = (db, path, actor, kind, as_of, extract_date, given, la, self.limits)
        fresh = self._child is None
        kind_of, outcome = self._run(job, path)
        if kind_of in ("memory", "died") and not fresh:  # again, alone in a new child
            if self._child is not None:
                self._end_child()
            kind_of, outcome = self._run(job, path)
        if kind_of == "busy":
            raise DatabaseBusy(outcome)
        audit.record_load(db, actor, outcome)
        return outcome

    def _run(self, job: tuple, path: Path) -> tuple[str, FileResult | str]:
        """The job's answer from the child, started if need be: ("result" | "memory" | "died",
        the FileResult) or ("busy", the message). A child that died or ran out of time is
        ended."""
        if self._child is None:
            self._child = _start_child()
        child = self._child
        try:
            _send(child.stdin, pickle.dumps(job))
            answer = _receive(child.stdout.fileno(), time.monotonic() + self.limits.child_seconds)
        except TimeoutError:
            self._end_child()
            return "result", FileResult(
                file=path.name, status="failed",
                error=f"{path.name}: reading it took longer than {self.limits.child_seconds:,} s "
                      "([limits] child_seconds); it was stopped and nothing was loaded")
        except (EOFError, OSError):  # it died (its pipe closed): how, its exit status says
            return "died", _died(path, self._end_child(), self.limits)
        return pickle.loads(answer)  # written by our own child, never by the file

    def _end_child(self) -> int | None:
        """Kill the child (if still running) and return how it ended."""
        child, self._child = self._child, None
        assert child is not None
        with contextlib.suppress(OSError):
            child.kill()
        child.wait()
        for pipe in (child.stdin, child.stdout):
            with contextlib.suppress(OSError):
                pipe.close()
        return child.returncode


def _start_child() -> subprocess.Popen:
    """A new interpreter (never a fork of the app's threads) that reads jobs from its standard
    input and answers each on its standard output."""
    # The memory limit is on address space: glibc reserves an arena of 64 MB or more per thread,
    # so DuckDB's threads could reach the limit without using the memory; two arenas keep the
    # limit a measure of what the load uses (unless the environment sets its own).
    env = {"MALLOC_ARENA_MAX": "2", **os.environ, PARENT: str(os.getpid()),
           "PYTHONPATH": os.pathsep.join(
               [str(config.ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.Popen([sys.executable, "-m", "pipelines.isolated"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env)


_LENGTH = struct.Struct(">Q")  # each message: its length, then its pickle


def _send(pipe: IO[bytes], message: bytes) -> None:
    pipe.write(_LENGTH.pack(len(message)) + message)
    pipe.flush()


def _receive(fd: int, deadline: float) -> bytes:
    """One message from `fd`, by `deadline` (TimeoutError) or EOFError if the pipe closes."""
    def exactly(n: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < n:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError
            chunk = os.read(fd, min(n - len(chunks), 1 << 20))
            if not chunk:
                raise EOFError
            chunks += chunk
        return bytes(chunks)
    return exactly(_LENGTH.unpack(exactly(_LENGTH.size))[0])


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
    # The processor time limit counts this file's time only: the child may have loaded others.
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(used.ru_utime + used.ru_stime) + 1 + limits.child_seconds
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    resource.setrlimit(resource.RLIMIT_CPU, (
        soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))

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
        return "memory", FileResult(
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
    """The child's side: jobs from stdin until it ends, each answer on the real stdout (anything
    a library prints goes to stderr instead)."""
    _die_with_parent()
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    jobs = sys.stdin.buffer
    while head := jobs.read(_LENGTH.size):
        job = pickle.loads(jobs.read(_LENGTH.unpack(head)[0]))
        _send(answer, pickle.dumps(_child(*job)))
    answer.close()


if __name__ == "__main__":
    _serve()
