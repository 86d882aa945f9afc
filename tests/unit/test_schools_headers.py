"""A schools audit is recognised from its headings, however the DCO's workbook spells them, and the
older datasets are still recognised beside it."""

import pytest

from pipelines.headers import find_header
from pipelines.schemas import POLICY_ELEMENTS, SCHEMAS

AUDIT = ["URN", "School Name", "Local Authority", "Phase", "Audit Date", "Policy in Place",
         "Published on Website", "Policy URL", "Policy Last Reviewed", "Named Lead",
         "Staff Training and Cover", "IHP Process", "Medicines", "Trips and Activities",
         "Emergency Procedures", "Complaints Procedure", "Unacceptable Practice",
         "Pupils with Medical Conditions", "Pupils with IHPs", "SMHL Trained", "MHST Coverage",
         "Wellbeing Score"]


def test_every_heading_of_the_audit_is_a_column():
    match = find_header([["DCO schools audit 2025-26"], [], AUDIT])
    assert match.schema.kind == "schools" and match.row_index == 2
    assert len(match.columns) == len(AUDIT)
    assert set(POLICY_ELEMENTS) <= set(match.columns)


@pytest.mark.parametrize("header", [
    ["School URN", "Establishment Name", "LA", "Date of Audit", "Medical Conditions Policy",
     "Policy on Website"],
    ["Setting URN", "Setting Name", "Borough", "Visit Date", "MC Policy", "No. of IHPs",
     "Number of Pupils with Medical Conditions"],
    ["URN", "School", "Council", "Audited", "Has Policy", "Mental Health Support Team",
     "Senior Mental Health Lead"],
])
def test_other_spellings_of_an_audit(header):
    match = find_header([header])
    assert match.schema.kind == "schools" and not match.missing


def test_an_audit_without_a_date_is_reported_not_guessed():
    match = find_header([["URN", "School Name", "LA", "Policy in Place", "MHST"]])
    assert match.schema.kind == "schools" and match.missing == ["audit_date"]


def test_element_columns_are_named_for_the_guidance():
    assert list(POLICY_ELEMENTS.values()) == [
        "named lead", "staff training and cover", "individual healthcare plans process",
        "medicines", "school trips and activities", "emergency procedures", "complaints",
        "unacceptable practice"]
    schools = SCHEMAS["schools"]
    assert all(schools.column(c).kind == "bool" for c in POLICY_ELEMENTS)
    assert schools.key == ("urn", "audit_date")
