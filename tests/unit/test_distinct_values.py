"""A column of text is encoded as Arrow encodes it (distinct values in the order they first
appear, and each cell's code), whether or not it is a list in order that skips the hashing."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipelines.readers import _dictionary_encode

IDS = [f"HA-{i:05d}" for i in range(200)]


@pytest.mark.parametrize("values", [
    IDS,  # in order: its own dictionary
    ["", *IDS],  # a blank first still sorts first
    [*IDS[:100], IDS[99], *IDS[100:]],  # one repeat, past the first rows looked at
    [*IDS[:150], IDS[10], *IDS[150:]],  # out of order past the first rows
    list(reversed(IDS)),
    ["Northshire", "Southshire", "Northshire"],
    ["b", "a"],
    ["only"],
    [],
    [*IDS[:5], None, *IDS[5:]],  # a missing value
])
def test_a_column_is_encoded_as_arrow_encodes_it(values):
    array = pa.array(values, pa.string())
    encoded = _dictionary_encode(array)
    expected = array.dictionary_encode()
    assert encoded.dictionary.equals(expected.dictionary)
    assert encoded.indices.equals(expected.indices)


def test_a_slice_of_a_column_in_order_is_encoded_as_its_own_values():
    array = pa.array(IDS, pa.string())[50:120]
    encoded = _dictionary_encode(array)
    assert encoded.dictionary.to_pylist() == IDS[50:120]
    assert encoded.indices.to_pylist() == list(range(70))
