"""The LA's export of advice requests is recognised as health advice with its source, and every
header the older samples and tests use still goes to its own dataset."""

import pytest

from pipelines.headers import find_header
from pipelines.schemas import SCHEMAS
from pipelines.validate import PARSERS
from tests.conftest import ADVICE_HEADER, EHCP_HEADER, TRIBUNAL_HEADER


def test_the_la_export_is_health_advice_with_a_source():
    header = ["Advice Request ID", "EHC Case ID", "Local Authority", "Health Service", "Stage",
              "Date Advice Requested", "Date Advice Received", "Source"]
    match = find_header([header])
    assert match.schema.kind == "health_advice" and not match.missing
    assert match.columns["returned_date"] == 6 and match.columns["source"] == 7


def test_source_is_part_of_the_key_with_a_default():
    advice = SCHEMAS["health_advice"]
    assert advice.key == ("local_authority", "advice_id", "source")
    assert advice.column("source").default == "provider"
    assert advice.record_id == "advice_id"


@pytest.mark.parametrize("value, source", [
    ("LA", "local authority"), ("Local Authority Export", "local authority"),
    ("SEN Team", "local authority"), ("Provider", "provider"), ("Trust", "provider"),
    ("health provider", "provider"),
])
def test_source_spellings(value, source):
    assert PARSERS["source"](value) == source


@pytest.mark.parametrize("header, kind", [
    (ADVICE_HEADER, "health_advice"), (EHCP_HEADER, "ehcp"), (TRIBUNAL_HEADER, "tribunals"),
    (["Case Ref", "Local Authority", "Forename", "Surname", "DOB", "NHS No", "Date of Request",
      "Decision Date", "Decision to Assess", "Draft Plan Issued", "Final Plan Issued",
      "20 Week Exception", "Primary Need", "Setting"], "ehcp"),
    (["Case Number", "Local Authority Name", "Request Received Date", "Decision", "Decision to Assess Date",
      "Draft EHCP Issued", "Final EHCP Issued", "Exception Reason", "Primary SEN Type", "School Name",
      "Child Name", "DOB", "NHS Number"], "ehcp"),
    (["Referral ID", "LA Case Ref", "LA", "Discipline", "Request Type", "Date Received", "Date Sent",
      "Delay Reason", "QA Score", "Provider"], "health_advice"),
    (["Advice Ref", "Case Reference", "Local Authority", "Service", "Type of Request",
      "Date Request Received", "Date Advice Returned", "Exception Reason", "Quality Score",
      "Provider Name"], "health_advice"),
    (["Request Ref", "LA Case ID", "Local Authority Name", "Service Name", "Advice Type",
      "Received Date", "Return Date", "Reason for Delay", "Quality Rating", "Provider Organisation"],
     "health_advice"),
])
def test_older_headers_keep_their_dataset(header, kind):
    match = find_header([header])
    assert match.schema.kind == kind and not match.missing
