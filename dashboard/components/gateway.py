"""The dashboard's one door to the data. A page reads with `read(query, *args)`: a query function
from `pipelines` (`metrics`, `queries`, `status`, ...) called with this script run's read-only
connection to the newest snapshot of the database, and cached until a writer publishes another.
A change goes through `write(change, *args)`: a pipelines function that opens and closes its own
connection. No SQL here.
"""

from __future__ import annotations

import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import streamlit as st

from pipelines import config, queries

BUSY_WAIT_SECONDS = 3.0  # then tell the user the data are being updated
Version = tuple[Any, ...]
P = ParamSpec("P")
T = TypeVar("T")
_RUN = threading.local()  # the session of reads of the script run on this thread, if any


def db_file() -> Path:
    return config.db_path()


def data_version() -> Version:
    """The snapshot this script run reads (outside a run: the newest), and the settings read
    with it. Every commit publishes a new snapshot, so results cached before a load (one from
    the command line too) are not used after it, and the first run after it shows the new data;
    figures counted under other settings (a process that read settings.toml again) are not
    used either."""
    session = getattr(_RUN, "session", None)
    source = (session or queries.Session(db_file(), BUSY_WAIT_SECONDS)).source()
    return (str(source.path), source.published, config.load_settings().fingerprint)


@contextmanager
def run_connection() -> Iterator[None]:
    """Let the reads of one script run share a read-only connection to one snapshot, closed when
    the run ends. Outside a run, each read is a run of its own (a download being built, a test)."""
    _RUN.session = queries.Session(db_file(), BUSY_WAIT_SECONDS)
    try:
        yield
    finally:
        release()
        _RUN.session = None


def release() -> None:
    """Close this run's connection and let its snapshot go: the next read takes the newest."""
    session = getattr(_RUN, "session", None)
    if session is not None:
        session.close()


def _run(query: Callable[..., T], args: tuple[Any, ...]) -> T:
    return _RUN.session.run(query, *args)


def _qualified_name(function: types.FunctionType) -> str:
    return f"{function.__module__}.{function.__qualname__}"


class _Moved(Exception):
    """The run's snapshot was gone when its first query opened it, so it read the newest."""


@st.cache_data(show_spinner=False, max_entries=4096,
               hash_funcs={types.FunctionType: _qualified_name})
def _cached(query: Callable[..., T], args: tuple[Any, ...], version: Version) -> T:
    result = _run(query, args)
    if data_version() != version:
        raise _Moved  # never cached under a version whose data it does not hold
    return result


def read(query: Callable[Concatenate[Any, P], T], *args: P.args) -> T:
    """`query(connection, *args)`, cached until a writer publishes a new snapshot. Every figure a
    page shows comes through here; each call gets its own copy of the cached result."""
    if getattr(_RUN, "session", None) is None:
        with run_connection():
            return _read(query, args)
    return _read(query, args)


def _read(query: Callable[..., T], args: tuple[Any, ...]) -> T:
    try:
        return _cached(query, args, data_version())
    except _Moved:
        return _cached(query, args, data_version())  # now the version it opened


def clear_caches() -> None:
    st.cache_data.clear()


def write(change: Callable[Concatenate[Path, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`change(database, *args, **kwargs)`: a pipelines function that writes through its own
    connection (an upload, a tracker save, a benchmark import) and publishes a new snapshot.
    This run's reads move to it after, and every cached read is dropped, so the page shows the
    change at once."""
    try:
        return change(db_file(), *args, **kwargs)
    finally:
        release()
        clear_caches()

