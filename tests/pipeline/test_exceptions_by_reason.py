"""The reasons behind lawful exceptions, as recorded: which were taken as lawful and left out of
the headline, which were not and counted as late or in time, and the area's own mapping
(settings.toml [exceptions]) in words. Worked by hand on the rows below."""

import datetime as dt

import pytest

from pipelines import metrics, queries
from pipelines.db import reader
from pipelines.notes import local_exceptions
from tests.conftest import write_csv

ADVICE = [
    ["Advice ID", "Case ID", "LA", "Service", "Requested Date", "Returned Date", "Provider",
     "Exception", "Stage"],
    ["B1", "C1", "Northshire", "SALT", "01/05/2025", "30/06/2025", "T", "Absent from the area", "New"],
    ["B2", "C2", "Northshire", "SALT", "01/05/2025", "30/06/2025", "T", "Holiday", "New"],
    ["B3", "C3", "Northshire", "SALT", "01/05/2025", "01/06/2025", "T", "Holiday", "New"],
    ["B4", "C4", "Northshire", "SALT", "01/05/2025", "30/06/2025", "T", "Family circumstances", "New"],
    ["B5", "C5", "Northshire", "SALT", "01/05/2025", "01/06/2025", "T", "", "New"],
    ["B6", "C6", "Northshire", "SALT", "01/03/2026", "", "T", "Staff sickness", "New"],
]
PLANS = [
    ["Case ID", "LA", "Request Date", "Final Plan Date", "Exception"],
    ["P1", "Northshire", "01/04/2025", "01/10/2025", "School closed for the summer"],
    ["P2", "Northshire", "01/04/2025", "01/10/2025", "Illness"],
    ["P3", "Northshire", "01/05/2025", "01/08/2025", "Illness"],
    ["P4", "Northshire", "01/05/2025", "01/08/2025", "none"],
]
# Through 30/04/2026, so that B6 (due 12/04/2026, still open on the as-of date) is in the period.
PERIOD = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 4, 30), dt.date(2026, 3, 31))


@pytest.fixture
def reasons_db(db, load, tmp_path):
    for name, rows in (("advice.csv", ADVICE), ("plans.csv", PLANS)):
        result = load(write_csv(tmp_path / name, rows))
        assert result.status == "loaded" and result.rejected == 0, result.rejects
    return db


def _rows(db, metric):
    with reader(db) as con:
        return queries.exceptions_by_reason(con, metric, PERIOD).values.tolist()


def test_advice_reasons_as_recorded_and_how_they_counted(reasons_db):
    assert _rows(reasons_db, "health_advice") == [
        ["Absent from the area", "absent from area 4+ weeks", "excepted", 1],
        # settings.toml as shipped maps the sample provider's "Family circumstances"
        ["Family circumstances", "exceptional personal circumstances", "excepted", 1],
        ["Holiday", queries.NOT_LAWFUL, "in time", 1],
        ["Holiday", queries.NOT_LAWFUL, "late", 1],
        ["Staff sickness", queries.NOT_LAWFUL, "not yet due", 1],
    ]


def test_plan_reasons_as_recorded_and_how_they_counted(reasons_db):
    assert _rows(reasons_db, "ehcp_plans") == [
        ["School closed for the summer", "school or setting closure 4+ weeks", "excepted", 1],
        ["Illness", queries.NOT_LAWFUL, "in time", 1],
        ["Illness", queries.NOT_LAWFUL, "late", 1],
    ]


def test_the_table_agrees_with_the_rate(reasons_db):
    with reader(reasons_db) as con:
        rate = metrics.rates(con, "health_advice", PERIOD).iloc[0]
    # Of B1-B5 (B6 not yet due): B1 and B4 excepted; B3, B5 in time; B2 late.
    assert (rate.denominator_incl - rate.denominator, rate.numerator, rate.denominator) == (2, 2, 3)


def test_a_rate_without_lawful_exceptions_is_refused(reasons_db):
    with reader(reasons_db) as con, pytest.raises(ValueError, match="no lawful exceptions"):
        queries.exceptions_by_reason(con, "ehcp_decisions", PERIOD)


def test_the_areas_mapping_is_put_in_words():
    assert local_exceptions("advice") == (
        "Besides reasons that state a lawful reg 8(2) exception, this area takes its own wording "
        "as lawful (settings.toml [exceptions.advice]): 'Family circumstances' as exceptional "
        "personal circumstances.")
    assert local_exceptions("plan").startswith(
        "No wording of this area's is mapped in settings.toml [exceptions.plan]")
