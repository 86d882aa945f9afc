"""A CSV's rows found in its bytes: the same rows a CSV reader finds, or none at all."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.csv_lines import row_bounds, row_hashes, rows_bytes


def rows_of(data: bytes, bounds: np.ndarray) -> list[list[str]]:
    """Each row found, read alone by the csv module."""
    out = []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        parsed = list(csv.reader(io.StringIO(data[a:b].decode(), newline="")))
        assert len(parsed) <= 1, data[a:b]
        out.append(parsed[0] if parsed else [])
    return out


def read(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


CELLS = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\t£é;')), max_size=6)


@given(rows=st.lists(st.lists(CELLS, min_size=2, max_size=4), max_size=6),
       ending=st.sampled_from(["\n", "\r\n"]), last_line_end=st.booleans())
def test_rows_a_csv_writer_wrote_are_the_rows_a_reader_reads(rows, ending, last_line_end):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending).writerows(rows)
    text = buffer.getvalue()
    if not last_line_end and text.endswith(ending):
        text = text[:-len(ending)]
    data = text.encode()
    bounds = row_bounds(data, 0, ",")
    if bounds is None:  # only where a cell holds a lone carriage return
        assert "\r" in text.replace("\r\n", "")
        return
    assert rows_of(data, bounds) == read(data)
    assert bounds[-1] == len(data)


def test_rows_start_where_the_body_does():
    data = b'title\nA,B\n1,"x\ny"\n2,"say ""hi"""\n3,z'
    begin = data.index(b"1,")
    bounds = row_bounds(data, begin, ",")
    assert rows_of(data, bounds) == [["1", "x\ny"], ["2", 'say "hi"'], ["3", "z"]]
    assert rows_bytes(data, bounds, np.array([0, 2])) == b'1,"x\ny"\n3,z\n'


@pytest.mark.parametrize("data", [
    b'1,ab"c\n2,d\n',  # a quote inside a cell that is not quoted
    b'1,"ab"c\n2,d\n',  # text after a cell's closing quote
    b'1,"ab\n2,d\n',  # a quote left open
    b"1,a\r2,b\n",  # a lone carriage return ends a row for a reader
    b"1,a\n2,b\r",
])
def test_rows_that_cannot_be_told_from_the_bytes_are_not_guessed(data):
    assert row_bounds(data, 0, ",") is None


def test_a_quote_opens_a_cell_after_the_delimiter_in_use():
    assert row_bounds(b'1;"a;\nb"\n2;c\n', 0, ";").tolist() == [0, 9, 13]
    assert row_bounds(b'1,"a\nb"\n', 0, ";") is None  # after a comma, not a cell's start


def test_a_blank_line_is_a_row():
    data = b"1,a\n\n2,b\n"
    assert rows_of(data, row_bounds(data, 0, ",")) == [["1", "a"], [], ["2", "b"]]


def test_equal_rows_hash_equal_and_others_apart():
    data = b"1,a\n2,b\n1,a\n1,a \n"
    hashes = row_hashes(data, row_bounds(data, 0, ","))
    assert hashes[0] == hashes[2] and len(set(hashes.tolist())) == 3
