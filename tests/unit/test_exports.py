import io

import openpyxl
import pandas as pd
import pytest

from pipelines.exports import csv_bytes, neutralise, xlsx_bytes


@pytest.mark.parametrize("value", ["=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Leeds", "1-2", 5, None, ""])
def test_ordinary_values_untouched(value):
    assert neutralise(value) == value


def test_xlsx_and_csv_carry_no_formula():
    frame = pd.DataFrame({"a": ["=HYPERLINK(\"http://x\")", "ok"], "n": [1, 2]})
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"T": frame}))).active
    assert ws["A2"].data_type == "s" and ws["A2"].value.startswith("'=")
    assert b"'=HYPERLINK" in csv_bytes(frame)
