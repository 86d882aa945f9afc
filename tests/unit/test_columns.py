"""Validation works on columns, once per distinct value: the distinct values must be exactly the
ones Python tells apart, and blank must mean what str.strip() means."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from pipelines.readers import Cells, is_blank, rows_to_columns


def column(values: list) -> Cells:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return Cells(array, len(values))


def test_true_and_one_are_different_values():
    cells = column([True, 1, 1.0, False, 0, "1", None, dt.date(2025, 4, 1),
                    dt.datetime(2025, 4, 1)])
    codes, values = cells.distinct
    back = [values[c] for c in codes]
    assert [(type(v), v) for v in back] == [
        (bool, True), (int, 1), (float, 1.0), (bool, False), (int, 0), (str, "1"), (type(None), None),
        (dt.date, dt.date(2025, 4, 1)), (dt.datetime, dt.datetime(2025, 4, 1))]


@pytest.mark.parametrize("text", ["", " ", "\t", "\xa0", "\u3000", "\x1c", " x ", "x", "\u200b"])
def test_blank_text_in_arrow_is_blank_to_python(text):
    arrow = Cells(pa.array([text, "A1"]), 2)
    objects = column([text, "A1"])
    assert arrow.blank.tolist() == objects.blank.tolist() == [is_blank(text), False]


def test_short_rows_are_padded_with_blank_cells():
    cols = rows_to_columns([["A1", "C1", "x"], ["A2"], []])
    assert len(cols) == 3
    assert [c.at(1) for c in cols] == ["A2", None, None]
    assert [c.blank.tolist() for c in cols] == [[False, False, True], [False, True, True],
                                                 [False, True, True]]
