"""The parts the Annex A lists and refusals rest on: the template's option letters, which list a
sheet is, the pseudonym's identifier order, the closest spellings and personal-only headers."""

from __future__ import annotations

import pytest

from pipelines.headers import find_header, match_header, sheet_values
from pipelines.pseudonym import person_key
from pipelines.refusals import closest_spellings, personal_only, publication
from pipelines.schemas import COHORT, EHCP
from pipelines.validate import PARSERS

HEADER = ["Child unique ID", "UPN", "Date of birth", "Gender", "Ethnicity", "SEN primary need",
          "Main education establishment – URN", "Main education establishment – phase"]


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("sex", "a) Male", "male"), ("sex", "F", "female"), ("sex", "c) Not known", "not known"),
    ("ethnicity", "a) WBRI", "WBRI"), ("ethnicity", "Pakistani", "APKN"),
    ("ethnicity", "D2", "BAFR"), ("sen_type", "k) ASD", "ASD"),
    ("phase", "h) Pupil referral unit/Alternative provision", "alternative provision"),
    ("phase", "c) Middle (deemed primary)", "primary"), ("phase", "i) FE college", "post-16"),
    ("bool", "a) Yes", True), ("bool", "b) No", False),
    ("sen_provision", "K", "SEN support"), ("sen_provision", "E", "EHC plan"),
])
def test_template_values(kind: str, value: str, expected: object) -> None:
    assert PARSERS[kind](value) == expected


def test_an_unknown_code_is_still_refused() -> None:
    with pytest.raises(ValueError, match="unknown ethnicity code 'x\\) ZZZZ'"):
        PARSERS["ethnicity"]("x) ZZZZ")


def test_headers_with_en_dashes_or_hyphens_are_one() -> None:
    dashes = match_header(HEADER, COHORT)
    hyphens = match_header([h.replace("–", "-") for h in HEADER], COHORT)
    assert dashes.columns == hyphens.columns
    assert {"school_urn", "phase", "primary_need", "upn"} <= set(dashes.columns)


def _values(rows: list[list[object]], sheet: str, file: str = "export.xlsx") -> dict[str, str]:
    match = find_header(rows)
    assert match is not None and match.schema is COHORT
    return sheet_values(match, rows, sheet, file)


def test_which_list_a_sheet_is() -> None:
    list_2 = [["List 2: children and young people receiving SEN support"], HEADER]
    assert _values(list_2, "Sheet1") == {"support": "SEN support"}
    assert _values([HEADER], "List 2") == {"support": "SEN support"}
    assert _values([HEADER], "Sheet1", "annex_a_list_2.csv") == {"support": "SEN support"}
    assert _values([HEADER], "Sheet1") == {}  # nothing says: not recorded
    with_plan = [["Annex A"], [*HEADER, "Date EHC plan last reviewed"]]
    assert _values(with_plan, "Sheet1") == {"support": "EHC plan"}
    # The sheet's own name comes before its file's.
    assert _values(with_plan, "List 1", "annex a list 1 and list 2.xlsx") == {"support": "EHC plan"}


def test_identifiers_in_order() -> None:
    assert person_key("9434765919", "Ann", "2015-01-01", upn="A1") == "nhs:9434765919"
    assert person_key(upn="a123 456", uln="99") == "upn:A123456"
    assert person_key(uln="9912345678", name="Ann", birth_iso="2015-01-01") == "uln:9912345678"
    assert person_key(name="Ann  Example", birth_iso="2015-01-01") == "name:ann example|2015-01-01"


def test_personal_only_headers() -> None:
    assert personal_only(match_header(["Name", "DOB", "UPN", "Notes"], EHCP))
    assert personal_only(match_header(["Name", "DOB", "UPN", "Local Authority"], EHCP))
    assert not personal_only(match_header(["Name", "DOB", "Case ID"], EHCP))


def test_closest_spellings_follow_the_file() -> None:
    near = closest_spellings(EHCP, "request_date", ["Date Req Received", "Case ID"])
    assert len(near) == 3 and set(near[:2]) == {"Date Received", "Date Request Received"}


def test_publications_by_content() -> None:
    assert publication([["time_period", "geographic_level", "la_name"]], "x.csv") == "DfE"
    assert publication([["Community Health Services waiting lists"]], "Cover") == "NHS England"
    assert publication([["Case ID", "Local Authority", "Request Date"]], "Requests") is None


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("ethnicity", "WBRI - White British", "WBRI"), ("ethnicity", "APKN (Pakistani)", "APKN"),
    ("sen_type", "ASD - Autistic spectrum disorder", "ASD"), ("sen_type", "NSA", "NSA"),
    ("phase", "Independent school", "independent or other"),
    ("phase", "Not in education", "not in education"), ("sex", "2", "female"),
])
def test_spellings_seen_in_local_lists(kind: str, value: str, expected: str) -> None:
    assert PARSERS[kind](value) == expected
