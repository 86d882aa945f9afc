"""Annual review trackers are recognised from their headings (including SEN2's ReviewMeeting and
ReviewOutcome) and are not mistaken for EHC needs assessment exports, nor those for them."""

import pytest

from pipelines.headers import find_header
from pipelines.validate import PARSERS


@pytest.mark.parametrize("header", [
    ["Case Ref", "Local Authority", "Annual Review Due Date", "Review Meeting Date",
     "Health Invited", "Health Attended", "Health Advice Submitted", "Decision Date",
     "Review Outcome", "Amended Final Plan Issued"],
    ["Case ID", "LA", "Review Due", "ReviewMeeting", "Health Invited", "Health Report Received",
     "Decision Sent", "ReviewOutcome", "Amended Plan Issued"],
    ["Case Number", "Local Authority Name", "AR Due Date", "AR Meeting Date", "Health Invited",
     "Outcome", "Amended EHCP Issued"],
])
def test_review_trackers_are_recognised(header):
    match = find_header([header])
    assert match.schema.kind == "annual_reviews" and not match.missing


@pytest.mark.parametrize("header, kind", [
    # EHC exports that also have a decision and its date stay EHC exports.
    (["Case Ref", "Local Authority", "Date of Request", "Decision Date", "Decision to Assess",
      "Final Plan Issued"], "ehcp"),
    (["Case ID", "LA", "ReceivedDate", "RequestOutcomeDate", "RequestOutcome", "StartDate"], "ehcp"),
    # A review tracker with a decision and its date is still a review tracker.
    (["Case ID", "LA", "Decision Date", "Decision", "Review Meeting Date", "Review Due Date"],
     "annual_reviews"),
])
def test_reviews_and_requests_are_told_apart(header, kind):
    assert find_header([header]).schema.kind == kind


@pytest.mark.parametrize("value, decision", [
    ("A", "amend"), ("M", "maintain"), ("C", "cease"), ("Amended", "amend"),
    ("Maintain unchanged", "maintain"), ("Cease to maintain", "cease"), ("", None),
])
def test_review_decisions(value, decision):
    assert PARSERS["review_decision"](value) == decision


def test_a_log_with_a_generic_due_date_is_not_taken_for_reviews():
    match = find_header([["Case ID", "LA", "Service", "Due Date", "Provider"]])
    assert match.schema.kind != "annual_reviews"
