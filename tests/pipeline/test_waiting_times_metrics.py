"""Waiting-time returns from file to metric: months written many ways are one month, a blank
provider or LA is a key value (''), the counts' order is a row rule, and the trend and current
position are worked by hand."""

import datetime as dt

import duckdb
import pandas as pd
import pytest

from pipelines import metrics
from pipelines.db import reader
from tests.conftest import write_csv, write_xlsx

NCH = "Northshire Community Health NHS Trust"
REH = "Riverside and Eastmoor Healthcare NHS Foundation Trust"
HEADER = ["Month", "Provider", "Local Authority", "Service", "Total Waiting", "Over 18 Weeks",
          "Over 52 Weeks", "Median Wait (Weeks)", "Referrals Received"]
ROWS = [
    ["Jan 2026", NCH, "Northshire", "ASD Pathway", "1,200", "900", "400", "40.5", "60"],
    ["2026-02", NCH, "Northshire", "Autism assessment", "1,250", "950", "420", "42", "55"],
    ["February 2026", REH, "Riverside", "ASC Assessment", "600", "300", "100", "20", "30"],
    ["01/02/2026", "", "", "CAMHS", "800", "", "", "", ""],  # area-wide; no 18/52-week counts
    ["31/01/2026", "", "", "CAMHS", "780", "300", "50", "12", "70"],
    ["Mar 2026", NCH, "Northshire", "SALT", "500", "100", "5", "10", "40"],
]
PERIOD = metrics.Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31))


@pytest.fixture
def waits_db(db, load, tmp_path):
    result = load(write_csv(tmp_path / "waits.csv", [HEADER, *ROWS]))
    assert result.kinds == ["waiting_times"]
    assert result.status == "loaded" and result.rejected == 0, result.rejects
    return db


def test_months_are_first_days_and_blanks_are_empty_keys(waits_db, db):
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT month, service, provider, local_authority, waiting_total "
                           "FROM waiting_times ORDER BY ALL").fetchall()
    assert len(rows) == len(ROWS)
    assert rows[:2] == [(dt.date(2026, 1, 1), "Autism Assessment", NCH, "Northshire", 1200),
                        (dt.date(2026, 1, 1), "CAMHS", "", "", 780)]
    assert {r[0] for r in rows} == {dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)}


def test_trend_by_service(waits_db):
    with reader(waits_db) as con:
        trend = metrics.waiting_times_trend(con, PERIOD)
    def share(value):
        return None if pd.isna(value) else value

    got = {(r.month, r.group): (r.waiting_total, share(r.over_18_weeks_pct), share(r.over_52_weeks_pct))
           for r in trend.itertuples()}
    assert got == {
        ("2026-01", "Autism Assessment"): (1200, 75.0, 33.3),
        ("2026-01", "CAMHS"): (780, 38.5, 6.4),
        ("2026-02", "Autism Assessment"): (1850, 67.6, 28.1),  # NCH 1,250 + REH 600
        ("2026-02", "CAMHS"): (800, None, None),  # no 18/52-week counts that month
        ("2026-03", "Speech and Language Therapy"): (500, 20.0, 1.0),
    }


def test_current_position_is_each_services_latest_month(waits_db):
    with reader(waits_db) as con:
        now = metrics.waiting_times_current(con, PERIOD).set_index("service")
        northshire = metrics.waiting_times_current(
            con, metrics.Filters(PERIOD.date_from, PERIOD.date_to, PERIOD.as_of, ("Northshire",)))
        january = metrics.waiting_times_current(
            con, metrics.Filters(PERIOD.date_from, PERIOD.date_to, dt.date(2026, 1, 31)))
        by_provider = metrics.waiting_times_current(con, PERIOD, by="provider")
    assert list(now.month) == ["2026-02", "2026-02", "2026-03"]
    autism = now.loc["Autism Assessment"]
    assert (autism.waiting_total, autism.median_weeks_waiting_worst, autism.nice_weeks) == (1850, 42, 13)
    assert autism.median_over_nice is True
    assert now.loc["CAMHS"].median_over_nice is None
    # An area-wide row has no LA, so choosing an LA leaves it out.
    assert list(northshire.service) == ["Autism Assessment", "Speech and Language Therapy"]
    assert list(northshire.waiting_total) == [1250, 500]
    assert list(january.month) == ["2026-01", "2026-01"]
    assert len(by_provider[by_provider.service == "Autism Assessment"]) == 2


def test_one_month_written_two_ways_is_one_record(load, tmp_path):
    same = load(write_csv(tmp_path / "same.csv", [HEADER, ROWS[1], ["Feb-26", *ROWS[1][1:]]]))
    assert (same.loaded, same.duplicates, same.rejected) == (1, 1, 0)
    clash = load(write_csv(tmp_path / "clash.csv", [
        HEADER, ROWS[0], ["2026-01", NCH, "Northshire", "ASD Pathway", "1,201", "", "", "", ""]]))
    assert clash.rejected == 2 and {r.rule for r in clash.rejects} == {"conflict"}


def test_reload_and_a_revised_return(waits_db, load, tmp_path, db):
    assert load(tmp_path / "waits.csv").status == "unchanged"
    copy = load(write_xlsx(tmp_path / "waits.xlsx", {"Return": [HEADER, *ROWS]}))
    assert (copy.inserted, copy.updated, copy.unchanged) == (0, 0, len(ROWS))
    # The revised return is the later extract (it says so), else taken as older than the first.
    revised = load(write_csv(tmp_path / "revised_2026-03-31.csv", [
        HEADER, ["Jan 2026", NCH, "Northshire", "ASD Pathway", "1,210", "905", "400", "40.5", "60"]]))
    assert (revised.inserted, revised.updated) == (0, 1)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM waiting_times_history").fetchone()[0] == 1


def test_a_return_without_provider_or_la_columns(load, tmp_path, db):
    header = ["Month Ending", "Pathway", "Waiting List", "Waiting Over 18 Weeks"]
    result = load(write_csv(tmp_path / "camhs.csv", [header, ["31/03/2026", "CAMHS", "810", "320"]]))
    assert result.rejected == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT provider, local_authority, waiting_over_52_weeks "
                           "FROM waiting_times").fetchall() == [("", "", None)]


def test_a_short_csv_row_is_blank_to_its_end(load, tmp_path, db):
    result = load(write_csv(tmp_path / "short.csv", [HEADER, ["Mar 2026", NCH, "Northshire", "OT", "75"]]))
    assert (result.loaded, result.rejected) == (1, 0)


@pytest.mark.parametrize("change, header, rule, reason", [
    ({5: "12", 6: "30"}, "Over 52 Weeks", "part_exceeds_whole",
     "more waiting over 52 weeks than over 18: waiting_over_52_weeks 30 is more than "
     "waiting_over_18_weeks 12"),
    ({4: "800", 5: "950"}, "Over 18 Weeks", "part_exceeds_whole", "more waiting over 18 weeks than"),
    ({4: "-3"}, "Total Waiting", "invalid_count", "not a count"),
    ({8: "4.5"}, "Referrals Received", "invalid_count", "not a count"),
    ({0: "Smarch 2026"}, "Month", "invalid_month", "not a month: 'Smarch 2026'"),
    ({0: "Apr 2026"}, "Month", "future_date", "after the load's as-of date"),
    ({3: "Podiatry"}, "Service", "invalid_service", "unknown service 'Podiatry'"),
    ({4: ""}, "Total Waiting", "missing_required", "waiting_total: missing required field"),
])
def test_row_rules(load, tmp_path, change, header, rule, reason):
    row = list(ROWS[1])
    for index, value in change.items():
        row[index] = value
    result = load(write_csv(tmp_path / "bad.csv", [HEADER, row]))
    assert result.rejected == 1 and result.reconciles()
    assert {(r.rule, r.header) for r in result.rejects} >= {(rule, header)}
    assert any(reason in r.reason for r in result.rejects)


def test_a_month_s_return_is_not_current_before_the_month_ends(waits_db):
    mid_march = metrics.Filters(PERIOD.date_from, PERIOD.date_to, dt.date(2026, 3, 15))
    with reader(waits_db) as con:
        current = metrics.waiting_times_current(con, mid_march)
    assert "SALT" not in set(current.service)  # its only return is for March
    assert set(current.month) == {"2026-02"}
