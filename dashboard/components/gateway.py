"""The dashboard's one door to the data. A page reads with `read(query, *args)`: a query function
from `pipelines` (`metrics`, `queries`, `status`, ...) called with this script run's read-only
connection and cached until a writer touches the database. A change goes through `write(change,
*args)`: a pipelines function that opens and closes its own connection. No SQL here.
"""

from __future__ import annotations

import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import streamlit as st

from pipelines import config, published, queries

BUSY_WAIT_SECONDS = 3.0  # then tell the user the data are being updated
Version = tuple[Any, ...]
P = ParamSpec("P")
T = TypeVar("T")
_RUN = threading.local()  # the session of reads of the script run on this thread, if any


def db_file() -> Path:
    return config.db_path()


def data_version() -> Version:
    """Changes whenever a writer touches the database (the file or its write-ahead log), so cached
    results are dropped after any load, including one from the command line. A published
    snapshot (a folder): changes when a new publish replaces its manifest."""
    db = db_file()
    if published.is_snapshot(db):
        return (str(db), *published.version(db))
    stamps: list[Any] = [str(db)]
    for path in (db, db.with_name(db.name + ".wal")):
        try:
            stat = path.stat()
            stamps += [stat.st_mtime_ns, stat.st_size]
        except FileNotFoundError:
            stamps += [0, 0]
    return tuple(stamps)


@contextmanager
def run_connection() -> Iterator[None]:
    """Let the reads of one script run share a read-only connection, closed when the run ends,
    so the app holds no connection between runs and a command-line load takes the file then.
    Outside a run (a download being built, a test) every read opens and closes its own."""
    _RUN.session = queries.Session(db_file(), BUSY_WAIT_SECONDS)
    try:
        yield
    finally:
        release()
        _RUN.session = None


def release() -> None:
    """Close this run's connection (the next read opens another): before this process writes,
    since DuckDB refuses a writer beside a reader of the same file in one process."""
    session = getattr(_RUN, "session", None)
    if session is not None:
        session.close()


def _run(query: Callable[..., T], args: tuple[Any, ...]) -> T:
    session = getattr(_RUN, "session", None)
    if session is not None:
        return session.run(query, *args)
    with queries.Session(db_file(), BUSY_WAIT_SECONDS) as own:
        return own.run(query, *args)


def _qualified_name(function: types.FunctionType) -> str:
    return f"{function.__module__}.{function.__qualname__}"


@st.cache_data(show_spinner=False, max_entries=4096,
               hash_funcs={types.FunctionType: _qualified_name})
def _cached(query: Callable[..., T], args: tuple[Any, ...], version: Version) -> T:
    return _run(query, args)


def read(query: Callable[Concatenate[Any, P], T], *args: P.args) -> T:
    """`query(connection, *args)`, cached until a writer touches the database. Every figure a
    page shows comes through here; each call gets its own copy of the cached result."""
    return _cached(query, args, data_version())


def clear_caches() -> None:
    st.cache_data.clear()


def write(change: Callable[Concatenate[Path, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`change(database, *args, **kwargs)`: a pipelines function that writes through its own
    connection (an upload, a tracker save, a benchmark import). This run's read connection is
    let go first, and every cached read is dropped after, so the page shows the change at once."""
    release()
    try:
        return change(db_file(), *args, **kwargs)
    finally:
        clear_caches()

