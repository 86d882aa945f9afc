"""What the DCO types and files hold: blank cells, and the NHS number, UPN and date of birth
checks every editor and every load share."""

import math

import pandas as pd
import pytest

from pipelines.free_text import is_blank, nhs_number_in, upn_is_valid, without_personal_data


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


@pytest.mark.parametrize(("upn", "valid"), [
    ("X938201512001", True), ("x938201512001", True),  # the check letter is right
    ("A938201512001", False), ("X93820151200", False), ("X938201512001Z", False),
])
def test_a_upn_is_known_by_its_check_letter(upn: str, valid: bool) -> None:
    assert upn_is_valid(upn) is valid


@pytest.mark.parametrize(("text", "kept"), [
    ("Child (DOB 12/03/2015) in hospital", "Child (DOB [date of birth removed]) in hospital"),
    ("d.o.b: 2015-03-12", "d.o.b: [date of birth removed]"),
    ("born on 3 March 2015", "born on [date of birth removed]"),
    ("Child 12/03/2015 (DOB) moved away", "Child [date of birth removed] (DOB) moved away"),
    ("NHS 943-476-5919, UPN X938201512001", "NHS [NHS number removed], UPN [UPN removed]"),
    ("Parent away 01/03/2025 to 15/04/2025", "Parent away 01/03/2025 to 15/04/2025"),
    # A phone number is a person's too (since names, emails and postcodes were added); ten
    # digits that are neither it nor an NHS number are kept.
    ("Tel 0113 496 0000, ref 9434765918", "Tel [phone number removed], ref 9434765918"),
])
def test_personal_data_is_taken_out_of_text_and_the_rest_kept(text: str, kept: str) -> None:
    assert without_personal_data(text) == kept
