"""A personal health budget register is recognised from its headings, and not confused with the
SEN2 EHC export whose plan start is also called StartDate."""

import pytest

from pipelines.headers import find_header


@pytest.mark.parametrize("header", [
    ["PHB Ref", "Local Authority", "PHB Start Date", "PHB End Date", "Continuing Care",
     "Annual Amount Band"],
    ["Budget ID", "LA", "Start Date", "End Date", "CCC", "Budget Band"],
    ["CHC Ref", "Council", "Budget Start", "Budget End", "NHS Continuing Healthcare"],
])
def test_registers_are_recognised(header):
    match = find_header([["PHB register"], header])
    assert match.schema.kind == "phb" and not match.missing


def test_the_sen2_export_is_still_an_ehc_export():
    header = ["RequestID", "LA", "ReceivedDate", "RequestOutcomeDate", "RequestOutcome",
              "AssessmentOutcomeDate", "AssessmentOutcome", "StartDate", "Week20", "SENtype",
              "Setting"]
    assert find_header([header]).schema.kind == "ehcp"


def test_an_ehc_export_lacking_its_request_date_is_reported_not_taken_for_budgets():
    match = find_header([["Case ID", "LA", "StartDate", "SENtype"]])
    assert match.schema.kind == "ehcp" and match.missing == ["request_date"]
