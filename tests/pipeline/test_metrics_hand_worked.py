"""Metrics on a small set of records whose answers were worked out by hand (see each comment)."""

import datetime as dt
import json

import pytest

from pipelines import metrics
from pipelines.cli import main
from pipelines.db import reader
from tests.conftest import ADVICE_HEADER, EHCP_HEADER, TRIBUNAL_HEADER, write_csv

ADVICE = [
    ["A1", "C1", "Northshire", "SALT", "01/03/2025", "12/04/2025", "", "", "", ""],  # 42 days: on time
    ["A2", "C2", "Northshire", "SALT", "01/03/2025", "13/04/2025", "", "", "", ""],  # 43 days: late
    ["A3", "C3", "Northshire", "OT", "01/06/2025", "", "", "", "", ""],  # open past due: late, overdue
    ["A4", "C4", "Northshire", "OT", "01/03/2026", "", "", "", "", ""],  # due 12/04/2026: not yet
    ["A5", "C5", "Northshire", "CAMHS", "01/05/2025", "01/08/2025", "", "DNA", "", ""],  # lawful exception
    ["A6", "C6", "Northshire", "Paeds", "01/02/2025", "01/03/2025", "", "", "", ""],  # due before period
    ["A7", "C7", "Northshire", "Paeds", "10/02/2026", "", "", "", "", ""],  # due 24/03/2026, open: late
    ["A8", "C8", "Northshire", "Paeds", "20/02/2026", "", "", "", "", ""],  # due 03/04/2026: not yet
    ["A9", "C9", "Riverside", "Physio", "01/07/2025", "20/07/2025", "", "Waiting list", "", ""],  # not lawful
]
EHCP = [
    ["E1", "Northshire", "01/01/2025", "10/02/2025", "Assess", "", "21/05/2025", "", "ASD"],  # 140 days
    ["E2", "Northshire", "01/01/2025", "", "", "", "22/05/2025", "", ""],  # 141 days: late
    ["E3", "Northshire", "01/03/2025", "15/04/2025", "Y", "", "01/09/2025", "School closure", ""],
    ["E4", "Northshire", "01/10/2024", "", "", "", "01/03/2025", "", ""],  # issued before period
    ["E5", "Northshire", "01/12/2025", "05/01/2026", "Y", "", "", "", ""],  # decided in 35 days
    ["E6", "Northshire", "01/06/2025", "20/07/2025", "Y", "", "01/10/2025", "", ""],  # decision 49 days
]
TRIBUNALS = [
    ["T1", "", "Northshire", "01/05/2025", "", "Y", "", "", "Y", "01/09/2025", "06/10/2025"],  # 35 days
    ["T2", "", "Northshire", "01/06/2025", "", "Yes", "", "", "Yes", "01/10/2025", "10/11/2025"],  # late
    ["T3", "", "Northshire", "01/07/2025", "", "N", "", "", "", "", ""],
    ["T4", "", "Northshire", "01/01/2026", "", "TRUE", "", "", "TRUE", "20/03/2026", ""],  # not yet due
    ["T5", "", "Northshire", "01/12/2024", "", "1", "", "", "1", "01/02/2025", "01/03/2025"],  # before
    ["T6", "", "Northshire", "01/08/2025", "", "y", "", "", "y", "10/01/2026", ""],  # open past due: late
]
PERIOD = metrics.Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31))


@pytest.fixture
def hand_db(db, load, tmp_path):
    for name, header, rows in (("advice.csv", ADVICE_HEADER, ADVICE), ("ehcp.csv", EHCP_HEADER, EHCP),
                               ("tribunals.csv", TRIBUNAL_HEADER, TRIBUNALS)):
        result = load(write_csv(tmp_path / name, [header, *rows]))
        assert result.status == "loaded" and result.rejected == 0, result.rejects
    return db


def test_headline_matches_hand_worked_values(hand_db):
    with reader(hand_db) as con:
        h = metrics.headline(con, PERIOD)
    assert h["health_advice_due"] == 6  # A1 A2 A3 A5 A7 A9
    assert h["health_advice_within_6_weeks_numerator"] == 2
    assert h["health_advice_within_6_weeks_denominator"] == 5
    assert h["health_advice_within_6_weeks_pct"] == 40.0
    assert h["health_advice_within_6_weeks_pct_incl_exceptions"] == 33.3  # 2 of 6
    assert h["health_advice_overdue_open"] == 2  # A3 A7
    assert h["ehcp_plans_issued"] == 4  # E1 E2 E3 E6
    assert h["ehcp_within_20_weeks_pct_excl_exceptions"] == 66.7  # E1 E6 of E1 E2 E6
    assert h["ehcp_within_20_weeks_pct_incl_exceptions"] == 50.0
    assert h["ehcp_decided_within_6_weeks_pct"] == 33.3  # E5 of E3 E5 E6
    assert h["tribunal_appeals_registered"] == 5
    assert h["tribunal_appeals_with_health_aspects"] == 4
    assert h["tribunal_health_responses_within_5_weeks_pct"] == 33.3  # T1 of T1 T2 T6


def test_la_filter(hand_db):
    with reader(hand_db) as con:
        h = metrics.headline(con, metrics.Filters(PERIOD.date_from, PERIOD.date_to, PERIOD.as_of,
                                                  ("Northshire",)))
    assert h["health_advice_within_6_weeks_numerator"] == 1
    assert h["health_advice_within_6_weeks_denominator"] == 4
    assert h["health_advice_within_6_weeks_pct"] == 25.0


def test_overdue_list(hand_db):
    with reader(hand_db) as con:
        overdue = metrics.overdue_advice(con, PERIOD)
    assert list(overdue.advice_id) == ["A3", "A7"]
    assert list(overdue.days_overdue) == [(dt.date(2026, 3, 31) - dt.date(2025, 7, 13)).days, 7]
    assert overdue.lawful_exception.isna().all() and overdue.reason_recorded.isna().all()


def test_overdue_counts_by_day_are_the_lists_counted(hand_db):
    days = (dt.date(2025, 4, 11), dt.date(2025, 4, 13), dt.date(2025, 4, 14), dt.date(2025, 7, 14),
            dt.date(2026, 3, 24), dt.date(2026, 3, 25), dt.date(2026, 3, 31))
    with reader(hand_db) as con:
        counts = metrics.overdue_advice_counts(con, PERIOD, days)
        lists = [len(metrics.overdue_advice(con, metrics.Filters(PERIOD.date_from, PERIOD.date_to, d)))
                 for d in days]
    # A2 (due 12/04/2025) was returned on 13/04, so it is never open past its due date as of
    # any day. 14/07/2025: A3 (due 13/07) and A5 (due 12/06, returned 01/08; its lawful
    # exception is listed, not hidden). 24/03/2026: A3; A7 (due 24/03) joins on 25/03.
    assert list(counts["overdue"]) == lists == [0, 0, 0, 2, 1, 2, 2]
    assert list(counts["as_of"]) == list(days)


def test_earlier_as_of_sees_a_return_as_not_yet_made(hand_db):
    early = metrics.Filters(dt.date(2025, 4, 1), dt.date(2025, 4, 30), dt.date(2025, 4, 12))
    with reader(hand_db) as con:
        rates = metrics.rates(con, "health_advice", early)
    # A1 returned on 12/04 counts; A2 (due 12/04, returned 13/04) is not late until after 12/04.
    assert (rates.numerator[0], rates.denominator[0]) == (1, 1)


def test_rates_by_month_add_up_to_the_total(hand_db):
    with reader(hand_db) as con:
        total = metrics.rates(con, "health_advice", PERIOD)
        by_month = metrics.rates(con, "health_advice", PERIOD, by="month")
        by_fy = metrics.rates(con, "health_advice", PERIOD, by="financial_year")
    assert by_month.denominator.sum() == total.denominator[0]
    assert by_month.numerator.sum() == total.numerator[0]
    assert list(by_fy.group) == ["2025-26"]


def test_open_cases_at_risk(hand_db):
    with reader(hand_db) as con:
        at_risk = metrics.open_cases_at_risk(con, PERIOD)
    assert list(at_risk.case_id) == ["E5"]
    assert at_risk.stage[0] == "assessment under way"
    assert at_risk.days_left[0] == 140 - (dt.date(2026, 3, 31) - dt.date(2025, 12, 1)).days
    # 120 days since the request, still without a draft plan: past the week-16 milestone.
    assert at_risk.days_elapsed[0] == 120
    assert (at_risk.stage_milestone_days[0], bool(at_risk.stage_late[0])) == (112, True)


def test_cli_metrics_json_has_the_issue_keys(hand_db, capsys):
    code = main(["metrics", "--json", "--db", str(hand_db), "--from", "2025-04-01", "--to", "2026-03-31",
                 "--as-of", "2026-03-31", "--la", "Northshire", "Riverside"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert list(out)[:len(metrics.HEADLINE_KEYS)] == list(metrics.HEADLINE_KEYS)
    assert out["health_advice_within_6_weeks_pct"] == 40.0
    assert out["tribunal_appeals_with_health_aspects"] == 4


def test_empty_period_gives_null_rates(hand_db, capsys):
    main(["metrics", "--json", "--db", str(hand_db), "--from", "2030-01-01", "--to", "2030-12-31",
          "--as-of", "2026-03-31"])
    out = json.loads(capsys.readouterr().out)
    assert out["health_advice_due"] == 0
    assert out["health_advice_within_6_weeks_pct"] is None
    assert out["ehcp_within_20_weeks_pct_excl_exceptions"] is None


@pytest.mark.parametrize("numerator, denominator, expected", [
    (2, 3, 66.7), (1, 3, 33.3), (1, 8, 12.5), (1, 16, 6.3), (0, 5, 0.0), (5, 5, 100.0), (0, 0, None),
])
def test_pct_rounds_half_up(numerator, denominator, expected):
    assert metrics.pct(numerator, denominator) == expected
