"""One in-memory DuckDB database the process shares for working over Arrow data in passing
(hashing a file's rows), rather than one opened per use: opening one costs ~12 ms, more than
hashing a small sheet."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

_SHARED: duckdb.DuckDBPyConnection | None = None
_LOCK = threading.Lock()


@contextmanager
def scratch() -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of the shared in-memory database for the block: its own connection to it, so
    what one caller registers no other sees, and threads may each hold one."""
    global _SHARED
    with _LOCK:
        if _SHARED is None:
            _SHARED = duckdb.connect()
        con = _SHARED.cursor()
    try:
        yield con
    finally:
        con.close()
