"""Validation works on columns, once per distinct value: the distinct values must be exactly the
ones Python tells apart, and blank must mean what str.strip() means."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.clean_values import clean_dates, clean_nhs_numbers, clean_text
from pipelines.dates import DateError, parse_date
from pipelines.pseudonym import nhs_number_is_valid
from pipelines.readers import Cells, is_blank, rows_to_columns
from pipelines.validate import _id, _nhs_number, _text


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


TEXT = st.text(alphabet=st.sampled_from(["a", "Z", "1", " ", "\t", "-", "é", "\xa0", "ß"]),
               max_size=8)


@given(values=st.lists(TEXT, max_size=30))
def test_text_already_clean_is_what_the_parsers_make_of_it(values):
    array = pa.array(values, type=pa.string())
    for parser, upper in ((_text, False), (_id, True)):
        clean, kept = clean_text(array, upper)
        assert kept == [parser(v) for v, c in zip(values, clean, strict=True) if c]


@given(numbers=st.lists(st.text(alphabet="0123456789 -", min_size=9, max_size=11), max_size=30))
def test_nhs_numbers_already_clean_are_the_valid_ones(numbers):
    numbers += ["9434765919", "9434765918", "1111111111", "9434765910"]
    clean, kept = clean_nhs_numbers(pa.array(numbers, type=pa.string()))
    expected = []
    for number, fast in zip(numbers, clean, strict=True):
        slow_ok = len(number) == 10 and number.isdigit() and nhs_number_is_valid(number)
        assert fast == slow_ok
        if fast:
            expected.append(_nhs_number(number))
    assert kept == expected


DATE_TEXT = st.one_of(
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(
        lambda d: d.strftime(f"%d/%m/{d.year:04d}")),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(lambda d: f"{d.year:04d}-{d:%m-%d}"),
    st.from_regex(r"\A[0-9]{2}/[0-9]{2}/[0-9]{4}\Z"), st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
    st.text(alphabet="0123456789/- .:T", max_size=12))


@given(texts=st.lists(DATE_TEXT, max_size=40))
def test_dates_already_clean_are_what_parse_date_makes_of_them(texts):
    texts += ["31/02/2024", "29/02/2024", "29/02/2100", "31/12/1949", "01/01/1950", "31/12/2100",
              "01/01/2101", "2025-04-01", "00/01/2025", "01/13/2025", "1/4/2025", " 01/04/2025"]
    clean, kept = clean_dates(pa.array(texts, type=pa.string()))
    expected = []
    for text, fast in zip(texts, clean, strict=True):
        try:
            slow = parse_date(text)
        except DateError:
            slow = None
        if fast:  # never accepts what the parser refuses, nor reads a date differently
            assert slow is not None
            expected.append(slow)
        elif slow is not None and re.fullmatch("[0-9]{2}/[0-9]{2}/[0-9]{4}", text):
            pytest.fail(f"a plain dd/mm/yyyy date left to the parser: {text!r}")
    assert kept == expected
    assert all(type(d) is dt.date for d in kept)


def test_a_column_of_text_is_found_distinct_by_arrow_and_maps_back_exactly():
    values = ["A1", "b", "A1", None, " ", "", "b"]
    cells = column(values)
    codes, distinct = cells.distinct
    assert cells.dictionary is not None
    assert [distinct[c] for c in codes] == values
    mixed = column(["A1", 3.0, "A1"])
    codes, distinct = mixed.distinct
    assert mixed.dictionary is None and [distinct[c] for c in codes] == ["A1", 3.0, "A1"]


@pytest.mark.parametrize("values", [
    [1.5, 2.0, 1.5, 0.0],
    [3, 2**70, 3],  # beyond 64 bits: found distinct as Python objects
    [dt.date(2025, 4, 1), dt.date(2024, 4, 1), dt.date(2025, 4, 1)],
    [dt.datetime(2025, 4, 1, 14, 30, 1, 5), dt.datetime(2025, 4, 1), dt.datetime(2025, 4, 1)],
    ["", dt.datetime(2025, 4, 1), "", 2.0, None, False],
])
def test_cells_of_one_kind_come_back_as_the_same_python_objects(values):
    codes, distinct = column(values).distinct
    assert [(type(distinct[c]), distinct[c]) for c in codes] == [(type(v), v) for v in values]
    found = [u for u in distinct if u is not None]
    assert len(found) == len({(type(u), u) for u in found})  # each value found once


def test_an_empty_number_cell_is_none():
    codes, distinct = column([1.5, float("nan")]).distinct
    assert [distinct[c] for c in codes] == [1.5, None]
