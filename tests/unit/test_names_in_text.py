"""A person's name in free text: the names a file's own name columns hold, a title and the
name after it, and an email address, UK phone number or full postcode, taken out of the text
and the rest kept; the same rule refuses them in what the DCO types into the app."""

import pyarrow as pa
import pytest

from pipelines.free_text import identifier_in, without_personal_data
from pipelines.names_in_text import ORGANISATION_COLUMNS, Names, is_name_header
from pipelines.schemas import SCHEMAS


@pytest.mark.parametrize(("text", "kept"), [
    ("Discussed with mum (Mrs Jones)", "Discussed with mum ([name removed])"),
    ("Letter to Mrs J Jones re draft", "Letter to [name removed] re draft"),
    ("Miss Amy Brown attended", "[name removed] attended"),
    ("Seen by Dr Patel, report sent", "Seen by [name removed], report sent"),
    ("MR SMITH rang", "[name removed] rang"),
    ("mum email jo.bloggs@example.org", "mum email [email removed]"),
    ("call 07700 900123 or (0113) 496 0000", "call [phone number removed] or [phone number removed]"),
    ("tel +44 7700 900123", "tel [phone number removed]"),
    ("lives at LS1 4AP now", "lives at [postcode removed] now"),
    ("moved to ls14ap", "moved to [postcode removed]"),
])
def test_a_title_and_name_email_phone_and_postcode_are_removed(text: str, kept: str) -> None:
    assert without_personal_data(text) == kept


@pytest.mark.parametrize("text", [
    "Upheld", "Did not miss Appointment", "Mrs", "Dr appointment pending",
    "Oak School, LS1", "Ref 2025/0143", "Hearing 12/03/2026 10:00", "SE1/24",
    "rang 9434765918",  # ten digits, not a UK phone number (no leading 0)
])
def test_text_with_none_of_them_is_kept(text: str) -> None:
    assert without_personal_data(text) == text


@pytest.mark.parametrize(("text", "what"), [
    ("Chased Mrs Jones", "a person's name"),
    ("ring 07700 900123", "a phone number"),
    ("see a.b@nhs.net", "an email address"),
    ("lives at LS1 4AP", "a postcode"),
    ("NHS 943 476 5919", "an NHS number"),
    ("DOB 12/03/2015", "a date of birth"),
    ("UPN X938201512001", "a UPN"),
])
def test_what_the_dco_types_is_refused_by_the_same_rule(text: str, what: str) -> None:
    found = identifier_in(text)
    assert found is not None and found[0] == what
    assert identifier_in("Chased the provider; reply due Friday") is None


@pytest.mark.parametrize(("header", "named"), [
    ("Child Name", True), ("Child's name", True), ("Forename", True), ("SURNAME", True),
    ("Parent/Carer Name", True), ("Parent / carer name", True), ("Name of child", True),
    ("Full Name", True), ("First name", True), ("Mother's name", True), ("Name", True),
    ("School Name", False), ("Provider Name", False), ("LA Name", False),
    ("Service Name", False), ("Setting name", False), ("Case Ref", False), ("Notes", False),
])
def test_name_columns_are_known_by_their_headers(header: str, named: bool) -> None:
    assert is_name_header(header) is named


def test_every_name_and_each_part_is_removed_whole_words_any_case() -> None:
    names = Names.of(["Amy Smith", "SMITH, Tom", "Jo Li", "Jack O'Neil-Brown", None, "  "])
    assert names.removed_from("Upheld - Amy Smith") == "Upheld - [name removed]"
    assert names.removed_from("amy's mum rang; TOM to attend") == (
        "[name removed] mum rang; [name removed] to attend")
    assert names.removed_from("Jack seen 12/3, report sent") == "[name removed] seen 12/3, report sent"
    assert names.removed_from("Brown family agreed") == "[name removed] family agreed"
    assert names.removed_from("Spoke to Jo Li today") == "Spoke to [name removed] today"
    # A part of two letters alone, and a name inside a longer word, are not names.
    assert names.removed_from("Jo to chase; Smithson Trust") == "Jo to chase; Smithson Trust"


def test_only_cells_that_may_hold_a_name_are_read_one_by_one() -> None:
    names = Names.of(["Amy Smith"])
    texts = pa.array(["Upheld - amy", "Upheld", None, "Smithson", "SMITH's appeal"])
    assert names.may_hold(texts).tolist() == [True, False, False, False, True]
    assert not Names.of([]).may_hold(texts).any()


def test_the_organisation_columns_are_text_columns_of_the_datasets() -> None:
    text = {c.name for s in SCHEMAS.values() for c in s.columns if c.kind == "text"}
    assert ORGANISATION_COLUMNS.issubset(text)
