"""A complaints log is recognised from its headings and its stages and outcomes from the
spellings councils and ombudsmen use; a tribunal tracker is still a tribunal tracker."""

import pytest

from pipelines.headers import find_header
from pipelines.validate import PARSERS


@pytest.mark.parametrize("header", [
    ["Complaint Ref", "Local Authority", "Date Received", "Health Aspect", "Stage", "Response Due",
     "Date Responded", "Outcome"],
    ["LGSCO Reference", "Council", "Date Opened", "Complaint Stage", "Target Date", "Response Sent"],
])
def test_logs_are_recognised(header):
    match = find_header([header])
    assert match.schema.kind == "complaints" and not match.missing


def test_a_tribunal_tracker_is_not_a_complaints_log():
    header = ["Tribunal Ref", "LA Case Ref", "Local Authority", "Date Registered", "Appeal Type",
              "Health Aspects", "Hearing Date", "Outcome", "Health Recommendation",
              "Date Recommendation Sent", "ICB Response Date"]
    assert find_header([header]).schema.kind == "tribunals"


@pytest.mark.parametrize("value, stage", [
    ("Stage 1", "stage 1"), ("1", "stage 1"), ("Stage Two", "stage 2"), ("LGO", "LGSCO"),
    ("Local Government and Social Care Ombudsman", "LGSCO"),
    ("Parliamentary and Health Service Ombudsman", "PHSO"),
])
def test_stages(value, stage):
    assert PARSERS["complaint_stage"](value) == stage


@pytest.mark.parametrize("value, outcome", [
    ("Upheld: maladministration and injustice", "upheld"), ("Partially upheld", "partly upheld"),
    ("No fault found", "not upheld"), ("Premature", "closed after initial enquiries"),
])
def test_outcomes(value, outcome):
    assert PARSERS["complaint_outcome"](value) == outcome


def test_a_generic_reference_is_not_taken_for_a_complaint_reference():
    # Without a complaint-specific reference the file is reported as lacking one, not loaded.
    match = find_header([["Ref", "Reference", "LA", "Date Received", "Outcome", "Due Date"]])
    assert match.schema.kind == "complaints" and match.missing == ["complaint_ref"]
