"""Where each row of a CSV's body begins, found in its bytes without parsing a cell, and a hash
of each row's bytes: next month's export is recognised row by row before it is parsed, and only
the rows not loaded before are read (`known_rows`).

A line end ends a row unless it lies inside quotes, which an even count of quotes before it
rules out. That holds only for quotes as a CSV writer puts them (around a whole cell, doubled
inside one); a quote anywhere else, or a carriage return that is not part of a line end, and the
rows are not found here: the file is read in full, as before.
"""

from __future__ import annotations

import contextlib

import duckdb
import numpy as np
import pyarrow as pa

from pipelines.scratch import scratch

_QUOTE, _LF, _CR = 34, 10, 13
_CHUNK = 8 << 20  # bytes searched at a time: a mask of a national export at once would be
# hundreds of MB


def _where(array: np.ndarray, byte: int, other: int | None = None) -> np.ndarray:
    """The positions of `byte` (or `other`) in `array`, a few MB at a time."""
    parts = [np.zeros(0, dtype=np.int64)]
    for start in range(0, len(array), _CHUNK):
        chunk = array[start:start + _CHUNK]
        found = chunk == byte
        if other is not None:
            found |= chunk == other
        parts.append(np.flatnonzero(found) + start)
    return np.concatenate(parts)


def row_bounds(data: bytes, begin: int, delimiter: str) -> np.ndarray | None:
    """The byte offset where each row from `begin` (the start of a row) begins, then the end of
    the data: row i is data[bounds[i]:bounds[i + 1]], its line end included. None when the rows
    cannot be told from the bytes alone (see the module's docstring)."""
    body = np.frombuffer(data, dtype=np.uint8)[begin:]
    size = len(body)
    if data.find(b"\r", begin) >= 0:
        returns = _where(body, _CR)
        # A lone carriage return ends a row for a CSV reader, not for this count.
        if returns[-1] == size - 1 or (body[returns + 1] != _LF).any():
            return None
    found = _where(body, _LF, _QUOTE)
    quoting = body[found] == _QUOTE
    quotes = found[quoting]
    if not _quoted_as_written(body, quotes, ord(delimiter)):
        return None
    # Outside quotes (an even count before it), a line end ends a row.
    ends = found[~quoting & (np.cumsum(quoting) % 2 == 0)]
    starts = np.concatenate(([0], ends + 1))
    if starts[-1] == size:  # the last row's line end: no row after it
        starts = starts[:-1]
    return np.append(starts, size).astype(np.int64) + begin


def _quoted_as_written(body: np.ndarray, quotes: np.ndarray, delimiter: int) -> bool:
    """Every quote opens a cell (at a row's or a cell's start), closes one (before a delimiter,
    a line end or the end), or is one of a doubled pair inside a cell: then quotes pair up, and
    a line end is inside a cell exactly when an odd count of quotes lies before it."""
    if not len(quotes):
        return True
    if len(quotes) % 2:
        return False
    opening, closing = quotes[0::2], quotes[1::2]
    before = body[np.maximum(opening - 1, 0)]
    doubled_before = np.zeros(len(opening), dtype=bool)  # "" inside a cell: closes, reopens
    doubled_before[1:] = closing[:-1] == opening[1:] - 1
    opens = (opening == 0) | (before == delimiter) | (before == _LF) | doubled_before
    last = len(body) - 1
    after = body[np.minimum(closing + 1, last)]
    doubled_after = np.zeros(len(closing), dtype=bool)
    doubled_after[:-1] = opening[1:] == closing[:-1] + 1
    closes = ((closing == last) | (after == delimiter) | (after == _LF) | (after == _CR)
              | doubled_after)
    return bool(opens.all() and closes.all())


def row_hashes(data: bytes, bounds: np.ndarray,
               con: duckdb.DuckDBPyConnection | None = None) -> np.ndarray:
    """A 64-bit hash of each row's bytes (its line end included), by DuckDB (on `con` if given:
    opening one costs more than the hashing) over Arrow binary values that are views of `data`:
    no row is copied."""
    rows = pa.Array.from_buffers(pa.large_binary(), len(bounds) - 1,
                                 [None, pa.py_buffer(bounds), pa.py_buffer(data)])
    # A cursor: the caller's connection may hold a result not fetched to its end.
    with contextlib.closing(con.cursor()) if con is not None else scratch() as cursor:
        cursor.register("csv_rows", pa.table({"row": rows}))
        hashed = cursor.execute("SELECT hash(row) FROM csv_rows").fetchnumpy()
        cursor.unregister("csv_rows")
    return next(iter(hashed.values())).astype(np.uint64, copy=False)


def rows_bytes(data: bytes, bounds: np.ndarray, positions: np.ndarray) -> bytes:
    """The bytes of the rows at `positions` (in order), one after another, each with its line
    end; the last row of the data may have none, and is given one."""
    view = memoryview(data)
    out = b"".join(view[bounds[p]:bounds[p + 1]] for p in positions.tolist())
    return out if out.endswith(b"\n") else out + b"\n"
