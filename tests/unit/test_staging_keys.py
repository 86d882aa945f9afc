"""Staging rules out repeated keys from one key column only when no value of it is there twice:
text arrives as dictionaries whose values may repeat under different codes, and a missing key
never matches in SQL, so neither may be taken for a column of distinct values."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from pipelines.staging import _distinct


def coded(codes: list[int | None], values: list[str | None]) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), pa.array(values))


@pytest.mark.parametrize(("column", "distinct"), [
    (pa.chunked_array([pa.array(["HA-1", "HA-2", "HA-3"])]), True),
    (pa.chunked_array([pa.array(["HA-1", "HA-2", "HA-1"])]), False),
    (pa.chunked_array([coded([0, 2, 1], ["HA-1", "HA-2", "HA-3"])]), True),
    (pa.chunked_array([coded([0, 1, 0], ["HA-1", "HA-2"])]), False),  # one code twice
    (pa.chunked_array([coded([0, 1], ["HA-1", "HA-1"])]), False),  # one value, two codes
    (pa.chunked_array([coded([0, None], ["HA-1"])]), False),  # a missing key
    (pa.chunked_array([pa.array(["HA-1", None])]), False),
    (pa.chunked_array([coded([0], ["HA-1"]), coded([0], ["HA-2"])]), True),  # two sheets
    (pa.chunked_array([coded([0], ["HA-1"]), coded([0], ["HA-1"])]), False),
    (pa.chunked_array([pa.array([dt.date(2025, 4, 1), dt.date(2025, 4, 2)])]), True),
    (pa.chunked_array([pa.array([dt.date(2025, 4, 1), dt.date(2025, 4, 1)])]), False),
    (pa.chunked_array([], pa.string()), False),
])
def test_a_key_column_is_distinct_only_when_no_value_repeats(column, distinct):
    assert _distinct(column) is distinct
