"""The characters a cell may hold and still be blank are exactly those Python's str.strip()
removes (readers._WHITESPACE is written out, not found at import)."""

import sys

import pyarrow as pa

from pipelines import readers


def test_the_whitespace_listed_is_every_character_python_strips() -> None:
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    assert every == readers._WHITESPACE


def test_a_cell_of_any_whitespace_is_blank_and_one_with_text_is_not() -> None:
    cells = pa.array([readers._WHITESPACE, "\u3000a\u00a0", "", None, "\u200b"])
    # U+200B (zero width space) is not whitespace to Python, so that cell is not blank.
    assert readers._blank_strings(cells).tolist() == [True, False, True, True, False]
