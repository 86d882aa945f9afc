"""Personal health budgets from file to metric: active on a date, started and ended by period, on
values worked by hand."""

import datetime as dt

import pytest

from pipelines import metrics
from pipelines.db import reader
from tests.conftest import write_csv, write_xlsx

HEADER = ["PHB Ref", "Local Authority", "Start Date", "End Date", "Continuing Care", "Amount Band"]
ROWS = [
    ["PHB1", "Northshire", "01/01/2025", "", "Y", "£10,000 to £24,999"],
    ["PHB2", "Northshire", "01/05/2025", "31/12/2025", "N", "Under £5,000"],
    ["PHB3", "Riverside", "15/06/2025", "31/03/2027", "Yes", "£50,000 and over"],  # agreed ahead
    ["PHB4", "Riverside", "01/03/2026", "31/03/2026", "", "Under £5,000"],  # ends on the as-of date
    ["PHB1", "Northshire", "01/01/2024", "31/12/2024", "Y", "Under £5,000"],  # an earlier budget
]
PERIOD = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31))


@pytest.fixture
def phb_db(db, load, tmp_path):
    result = load(write_csv(tmp_path / "phb.csv", [HEADER, *ROWS]))
    assert result.kinds == ["phb"]
    assert result.status == "loaded" and result.rejected == 0, result.rejects
    return db


def test_active_on_the_as_of_date(phb_db):
    with reader(phb_db) as con:
        overall = metrics.phb_active(con, PERIOD).iloc[0]
        by_la = metrics.phb_active(con, PERIOD, by="local_authority")
        by_band = metrics.phb_active(con, PERIOD, by="amount_band")
    assert (overall.active, overall.continuing_care, overall.continuing_care_pct) == (3, 2, 66.7)
    assert list(by_la.group) == ["Northshire", "Riverside"]
    assert list(by_la.active) == [1, 2] and list(by_la.continuing_care_pct) == [100.0, 50.0]
    assert dict(zip(by_band.group, by_band.active, strict=True)) == {
        "Under £5,000": 1, "£10,000 to £24,999": 1, "£50,000 and over": 1}


def test_started_by_period_uses_the_shared_aggregator(phb_db):
    with reader(phb_db) as con:
        started = metrics.rates(con, "phb_started", PERIOD).iloc[0]
        by_month = metrics.rates(con, "phb_started", PERIOD, by="month")
    assert (started["items"], started.numerator) == (3, 1)  # PHB2 PHB3 PHB4; PHB3 continuing care
    assert list(by_month.group) == ["2025-05", "2025-06", "2026-03"]


def test_trend_by_quarter(phb_db):
    with reader(phb_db) as con:
        trend = metrics.phb_trend(con, PERIOD, grain="quarter")
    assert list(trend.period) == ["2025 Q2", "2025 Q3", "2025 Q4", "2026 Q1"]
    assert list(trend.started) == [2, 0, 0, 1]
    assert list(trend.ended) == [0, 0, 1, 1]  # PHB2 on 31/12, PHB4 on 31/03
    assert list(trend.active_at_end) == [3, 3, 3, 3]  # a budget ending on the last day is active
    assert list(trend.continuing_care_active_at_end) == [2, 2, 2, 2]


def test_trend_stops_at_the_as_of_date(phb_db):
    f = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), dt.date(2025, 6, 10))
    with reader(phb_db) as con:
        trend = metrics.phb_trend(con, f, grain="financial_year")
    assert list(trend.period) == ["2025-26"]
    assert (trend.started[0], trend.active_at_end[0]) == (1, 2)  # PHB2 started; PHB1 PHB2 on 10/06


def test_reload_changes_nothing(phb_db, load, tmp_path):
    assert load(tmp_path / "phb.csv").status == "unchanged"
    copy = load(write_xlsx(tmp_path / "phb.xlsx", {"Register": [HEADER, *ROWS]}))
    assert (copy.inserted, copy.updated, copy.unchanged) == (0, 0, len(ROWS))


@pytest.mark.parametrize("row, header, rule, reason", [
    (["PHB9", "Eastmoor", "12/05/2025", "02/05/2025", "Y", ""], "End Date", "end_before_start",
     "end before start"),
    (["PHB9", "Eastmoor", "01/04/2026", "", "Y", ""], "Start Date", "future_date",
     "after the load's as-of date"),
    (["PHB9", "Eastmoor", "01/04/2025", "", "Maybe", ""], "Continuing Care", "invalid_bool",
     "not a yes/no value"),
    (["PHB9", "Eastmoor", "", "", "Y", ""], "Start Date", "missing_required",
     "start_date: missing required field"),
])
def test_row_rules(load, tmp_path, row, header, rule, reason):
    result = load(write_csv(tmp_path / "bad.csv", [HEADER, row]))
    assert result.rejected == 1 and result.reconciles()
    (reject,) = result.rejects
    assert (reject.rule, reject.header) == (rule, header)
    assert reason in reject.reason


def test_a_budgets_start_date_moved_in_a_later_register_is_warned_about(db, load, tmp_path):
    """A budget is keyed by its start as well (one reference, budgets one after another): a
    later register moving an open budget's start reads as a second budget, and both count as
    active. Warned at its row, naming the one held; a new budget after an ended one, or the
    earlier one still listed, is nothing to say."""
    load(write_csv(tmp_path / "phb_2026-10-31.csv", [HEADER, *ROWS]))
    later = [["PHB1", "Northshire", "01/02/2025", "", "Y", "£10,000 to £24,999"],  # moved
             ["PHB2", "Northshire", "01/01/2026", "", "N", "Under £5,000"],  # after it ended
             ["PHB3", "Riverside", "15/06/2025", "31/03/2027", "Yes", "£50,000 and over"],
             ["PHB3", "Riverside", "01/08/2025", "", "Yes", "£50,000 and over"]]  # both listed
    result = load(write_csv(tmp_path / "phb_2026-11-30.csv", [HEADER, *later]))
    moved = [w for w in result.warnings if w.rule == "reference_date_moved"]
    assert [(w.row, w.value) for w in moved] == [(2, "PHB1")]
    assert moved[0].reason.startswith(
        "PHB1 starts 01/02/2025 here, but PHB1 starting 01/01/2025 (load 1, "
        "phb_2026-10-31.csv) is open then and this file does not list it: both now count; if "
        "its start date was corrected, roll back load 1")
