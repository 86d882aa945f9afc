"""What the DCO types: blank cells, and the NHS number check every editor shares."""

import math

import pandas as pd
import pytest

from pipelines.free_text import is_blank, nhs_number_in


@pytest.mark.parametrize("value", [None, "", "   ", float("nan"), pd.NaT, pd.NA])
def test_blank(value) -> None:
    assert is_blank(value)


@pytest.mark.parametrize("value", ["x", 0, math.pi, "0"])
def test_not_blank(value) -> None:
    assert not is_blank(value)


def test_an_nhs_number_written_any_way_is_found_and_a_phone_number_is_not() -> None:
    assert nhs_number_in("chased re 943 476 5919 today") == "943 476 5919"
    assert nhs_number_in("943-476-5919") == "943-476-5919"
    assert nhs_number_in("rang 9434765918") is None  # ten digits that fail the check
    assert nhs_number_in("ref 12345") is None
