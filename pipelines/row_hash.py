"""A record's row hash: the fingerprint of its stored values that tells an unchanged repeat from
an update. Made in `validate` as records are built, and again here from a table of records
whose values the load changed (a reference read in its stored spelling, `reference_spelling`).
The hashes of stored records must never change (`tests/pipeline/test_row_hash_stability.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.core.util.hashing import combine_hash_arrays

from pipelines.schemas import Schema

_NULLABLE = {"BOOLEAN": "boolean", "DOUBLE": "Float64", "INTEGER": "Int64"}


def value_hashes(typed: Any, missing: np.ndarray | None = None) -> np.ndarray:
    """pandas' hash of each value, as `hash_pandas_object` gives it: for text, the hash of the
    string, and for a missing value the largest uint64 (pandas factorizes text to find the
    missing ones; the distinct values need no factorizing). `missing`: which values are None,
    when Arrow knows already (looking at each of a million ids costs more than hashing them)."""
    if not isinstance(typed, np.ndarray):
        return pd.util.hash_array(typed, categorize=True)
    if missing is None:
        missing = pd.isna(typed)
    if not missing.any():
        return pd.util.hash_array(typed, categorize=False)
    hashed = pd.util.hash_array(np.where(missing, "", typed), categorize=False)
    hashed[missing] = np.iinfo(np.uint64).max
    return hashed


def typed(values: Sequence[Any], sql_type: str) -> Any:
    """Values with the pandas type each stored column has always been hashed as: the row hashes
    of stored records depend on it (see `row_hashes`)."""
    if sql_type == "DATE":
        return pd.Series(np.asarray(values, dtype="datetime64[D]").astype("datetime64[s]")).array
    if sql_type in _NULLABLE:
        return pd.array(values, dtype=_NULLABLE[sql_type])
    return np.asarray(values, dtype=object)


def row_hashes(hashes: list[np.ndarray], n: int, symbol_hashes: Sequence[np.ndarray] = (),
               marked: np.ndarray | None = None) -> pa.Array:
    """A fingerprint of a record's values, to tell an unchanged repeat from an update: pandas'
    hash of the record's stored columns (`hash_pandas_object` of them, without the index),
    combined from each column's hashes as pandas combines them. It is vectorised and keyed by a
    fixed default, so it is the same in every process; the columns have fixed types (see
    `typed`), so equal values hash equally. Written as 16 lower-case hex digits, as every
    earlier load wrote it. The symbols of counts printed as one (`marked` rows) are hashed too;
    a row without any hashes as it did before the symbol columns existed."""
    if not n:
        return pa.array([], type=pa.string())
    combined = combine_hash_arrays(iter(hashes), len(hashes))
    if marked is not None and marked.any():
        every = [*hashes, *symbol_hashes]
        combined = np.where(marked, combine_hash_arrays(iter(every), len(every)), combined)
    # The hex digits of every hash end to end are the text column's buffer as they stand: each
    # value 16 bytes from the one before (copying them into an array of values cost more).
    digits = combined.astype(">u8").tobytes().hex().encode("ascii")
    offsets = np.arange(0, 16 * n + 1, 16, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets),
                                                  pa.py_buffer(digits)])


def of_records(schema: Schema, records: pa.Table) -> pa.Array:
    """The row hash of each record of `records` (a table with the dataset's stored columns), as
    `validate` makes it: for the few records whose values the load changed."""
    symbols = {f"{c.name}_symbol" for c in schema.columns if c.suppressible}
    hashes, symbol_hashes = [], []
    marked = np.zeros(len(records), dtype=bool)  # rows with a count printed as a symbol
    for name, sql_type in schema.stored_columns:
        (symbol_hashes if name in symbols else hashes).append(
            value_hashes(typed(_values(records[name], sql_type), sql_type)))
        if name in symbols:
            marked |= records[name].is_valid().to_numpy(zero_copy_only=False)
    return row_hashes(hashes, len(records), symbol_hashes, marked)


def _values(column: pa.ChunkedArray, sql_type: str) -> Any:
    """A column's values as `typed` takes them, without a Python object per value where numpy
    holds them (a whole export's references may be read again)."""
    if sql_type == "DATE":
        return column.cast(pa.timestamp("s")).to_numpy()
    if sql_type in _NULLABLE:
        return column.to_pandas()  # numbers with NaN, or booleans with None, where missing
    return column.cast(pa.string()).to_numpy()
