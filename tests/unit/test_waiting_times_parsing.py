"""The value kinds the waiting-time returns brought in (months, counts), the autism and ADHD
pathways in the service vocabulary, and the rule that a key column may be blank only with a
default."""

import datetime as dt

import pytest

from pipelines.dates import EXCEL_EPOCH
from pipelines.headers import find_header
from pipelines.schemas import Column, Schema
from pipelines.validate import PARSERS
from pipelines.vocab import SERVICE_INDEX, normalise_token

APRIL = dt.date(2025, 4, 1)


@pytest.mark.parametrize("value", [
    "Apr 2025", "April 2025", "APRIL 2025", "Apr-25", "Apr 25", "apr2025", "2025-04", "2025/4",
    "04/2025", "4-2025", " Apr 2025 ", "01/04/2025", "30/04/2025", "2025-04-30", "1 Apr 2025",
    dt.date(2025, 4, 17), dt.datetime(2025, 4, 30, 23, 59), (dt.date(2025, 4, 30) - EXCEL_EPOCH).days,
])
def test_a_month_is_stored_as_its_first_day(value):
    assert PARSERS["month"](value) == APRIL


@pytest.mark.parametrize("value", ["Smarch 2025", "2025-13", "13/2025", "31/02/2025", "April",
                                   "next month", True])
def test_what_is_not_a_month(value):
    with pytest.raises(ValueError):
        PARSERS["month"](value)


@pytest.mark.parametrize("value", [None, "", "  "])
def test_a_blank_month_is_none(value):
    assert PARSERS["month"](value) is None


@pytest.mark.parametrize("value, expected", [
    ("1,234", 1234), ("12", 12), (" 7 ", 7), (1234.0, 1234), (0, 0), ("0", 0), ("1 234", 1234),
    ("", None), (None, None), ("2,147,483,647", 2**31 - 1),
])
def test_counts_accept_thousands_separators(value, expected):
    assert PARSERS["count"](value) == expected


# A count past a 32-bit integer would not fit the database's column: a reject, not a crash.
@pytest.mark.parametrize("value", ["-1", "2.5", 2.5, "lots", True, "3,000,000,000", 2**31])
def test_what_is_not_a_count(value):
    with pytest.raises(ValueError):
        PARSERS["count"](value)


@pytest.mark.parametrize("spelling, service", [
    ("ASD Pathway", "Autism Assessment"), ("ASC assessment", "Autism Assessment"),
    ("Autism", "Autism Assessment"), ("Autism Diagnostic Assessment", "Autism Assessment"),
    ("ADHD", "ADHD Assessment"), ("ADHD Pathway", "ADHD Assessment"),
    ("Neurodevelopmental pathway", "Neurodevelopmental Pathway"),
    ("ND Pathway", "Neurodevelopmental Pathway"), ("Autism and ADHD pathway", "Neurodevelopmental Pathway"),
    ("SaLT", "Speech and Language Therapy"), ("CYPMHS", "CAMHS"),
])
def test_pathway_spellings(spelling, service):
    assert SERVICE_INDEX[normalise_token(spelling)] == service


@pytest.mark.parametrize("header", [
    ["Month", "Provider", "Local Authority", "Service", "Total Waiting", "Over 18 Weeks",
     "Over 52 Weeks", "Median Wait (Weeks)", "Referrals Received"],
    ["Month Ending", "Provider Name", "Pathway", "Waiting List", "Waiting Over 18 Weeks",
     "Waiting Over 52 Weeks", "Median Weeks Waiting", "New Referrals"],
    ["Reporting Period", "Trust", "Specialty", "Incomplete Pathways", "More than 18 weeks"],
])
def test_waiting_time_returns_are_recognised(header):
    match = find_header([["Community services waiting list return"], header])
    assert match.schema.kind == "waiting_times" and not match.missing
    assert match.row_index == 1


def test_punctuation_only_spellings_are_not_aliases():
    # ">18 weeks" and "<18 weeks" normalise alike, so neither may name a column.
    match = find_header([["Month", "Service", "Total Waiting", ">18 Weeks", "<18 Weeks"]])
    assert "waiting_over_18_weeks" not in match.columns


def test_a_key_column_that_may_be_blank_needs_a_default():
    with pytest.raises(ValueError, match="needs a default"):
        Schema("x", "", ("a", "b"), (Column("a", "id", True), Column("b", "text")))
    Schema("x", "", ("a", "b"), (Column("a", "id", True), Column("b", "text", default="")))


def test_a_rule_naming_an_unknown_column_is_refused():
    with pytest.raises(ValueError, match="unknown column"):
        Schema("x", "", ("a",), (Column("a", "id", True), Column("b", "count")),
               count_order=(("b", "c", "b over c"),))
