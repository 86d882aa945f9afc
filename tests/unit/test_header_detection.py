import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.headers import find_header
from pipelines.schemas import SCHEMAS
from pipelines.vocab import normalise_token


def test_header_found_below_title_and_note_rows():
    rows = [["Northshire County Council - EHCP report"], ["Run on 16/11/2026"], [],
            ["Case ID", "LA", "Request Date", "Final Plan Date"], ["C1", "Northshire", "01/04/2025", ""]]
    match = find_header(rows)
    assert match.schema.kind == "ehcp"
    assert match.row_index == 3
    assert match.columns == {"case_id": 0, "local_authority": 1, "request_date": 2, "final_plan_date": 3}


@pytest.mark.parametrize("spelling", ["Request Date", "request_date", "REQUEST DATE", " Request-Date ",
                                      "request.date", "RequestDate"])
def test_spelling_variants_are_one_column(spelling):
    match = find_header([["Case ID", "Local Authority", spelling]])
    assert match.columns["request_date"] == 2


@pytest.mark.parametrize("header, kind", [
    (["Advice ID", "Case ID", "LA", "Service", "Date Requested", "Date Returned"], "health_advice"),
    (["Case ID", "LA", "ReceivedDate", "RequestOutcome", "RequestOutcomeDate", "StartDate", "Week20",
      "SENtype"], "ehcp"),
    (["Appeal Ref", "LA", "Date Registered", "Health Aspects", "Hearing Date"], "tribunals"),
])
def test_dataset_recognised_from_columns(header, kind):
    assert find_header([header]).schema.kind == kind


def test_sen2_names_map_to_canonical_columns():
    match = find_header([["Case ID", "LA", "ReceivedDate", "RequestOutcome", "RequestOutcomeDate",
                          "AssessmentOutcome", "AssessmentOutcomeDate", "StartDate", "Week20", "SENtype"]])
    assert set(match.columns) == {"case_id", "local_authority", "request_date", "decision",
                                  "decision_date", "assessment_outcome", "assessment_outcome_date",
                                  "final_plan_date", "exception", "primary_need"}


@pytest.mark.parametrize("spelling", ["Request Date (dd/mm/yyyy)", "Request Date*", "Request Date [required]",
                                      "request date (DD/MM/YY) "])
def test_format_hints_and_markers_in_headers_are_ignored(spelling):
    match = find_header([["Case ID", "Local Authority (LA)", spelling]])
    assert match.columns == {"case_id": 0, "local_authority": 1, "request_date": 2}


def test_kind_override_restricts_detection():
    header = [["Case ID", "LA", "Request Date", "Service"]]
    assert find_header(header, kind="ehcp").schema.kind == "ehcp"
    assert find_header(header, kind="tribunals") is None


def test_missing_required_column_is_reported_not_guessed():
    match = find_header([["Advice ID", "Case ID", "LA", "Date Requested", "Date Returned", "Provider"]])
    assert match.schema.kind == "health_advice"
    assert match.missing == ["service"]


def test_a_log_lacking_its_reference_is_refused_not_taken_for_another_dataset():
    # Case, LA and "Date Received" would satisfy the EHC schema, but the header is a provider's log.
    match = find_header([["Ref No.", "Case Ref", "Borough", "Team", "Date Received", "Date Sent",
                          "Reason for Delay"]])
    assert (match.schema.kind, match.missing) == ("health_advice", [])
    match = find_header([["Case Ref", "Borough", "Team", "Date Received", "Date Sent", "Reason for Delay"]])
    assert (match.schema.kind, match.missing) == ("health_advice", ["advice_id"])


def test_no_header_in_free_text():
    assert find_header([["These notes explain the report"], ["Nothing here is a table"]]) is None


def test_aliases_unique_within_each_schema():
    for schema in SCHEMAS.values():
        seen: dict[str, str] = {}
        for col in schema.columns:
            for spelling in (col.name, *col.aliases):
                key = normalise_token(spelling)
                assert seen.setdefault(key, col.name) == col.name, (schema.kind, spelling)


ALL_SPELLINGS = [(s, c, a) for s in SCHEMAS.values() for c in s.columns for a in (c.name, *c.aliases)]


@given(st.sampled_from(ALL_SPELLINGS),
       st.sampled_from([str.upper, str.lower, str.title, lambda x: x.replace(" ", "_"),
                        lambda x: f"  {x} ", lambda x: x.replace(" ", "")]))
def test_any_alias_in_any_case_or_spacing_matches(item, transform):
    schema, column, alias = item
    assert schema.header_index()[normalise_token(transform(alias))] == column.name
