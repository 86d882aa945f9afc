"""Symbols in a waiting-list return read alike in every column: a median not given ("-", "N/A")
loads as unknown with its symbol kept, as a suppressed count does, instead of rejecting the row;
and a total suppressed as small is no total a part of 5 or more fits in: "<5" with 10 waiting
over 18 weeks is rejected saying why, "*" with 10 is queried."""

import datetime as dt

import duckdb

from tests.conftest import write_csv

HEADER = ["Month", "Provider", "Local Authority", "Service", "Total Waiting", "Over 18 Weeks",
          "Over 52 Weeks", "Median Wait (Weeks)"]
AS_OF = dt.date(2026, 12, 1)


def stored(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_median_not_given_loads_as_unknown_with_its_symbol(db, load, tmp_path):
    result = load(write_csv(tmp_path / "waits_2026-10.csv", [
        HEADER, ["Oct 2026", "P", "Northshire", "SALT", "100", "40", "10", "-"],
        ["Oct 2026", "P", "Northshire", "OT", "0", "0", "0", "N/A"],
        ["Oct 2026", "P", "Northshire", "Dietetics", "30", "5", "0", "12.5"]]), as_of=AS_OF)
    assert (result.loaded, result.rejected) == (3, 0), result.rejects
    assert stored(db, "SELECT service, median_weeks_waiting, median_weeks_waiting_symbol "
                      "FROM waiting_times ORDER BY 1") == [
        ("Dietetics", 12.5, None), ("Occupational Therapy", None, "n/a"),
        ("Speech and Language Therapy", None, "-")]
    assert [(w.row, w.rule) for w in result.warnings] == [(2, "suppressed_at_source"),
                                                          (3, "suppressed_at_source")]


def test_a_part_too_large_for_a_suppressed_total_is_rejected_or_queried(db, load, tmp_path):
    result = load(write_csv(tmp_path / "waits_2026-10.csv", [
        HEADER, ["Oct 2026", "P", "Northshire", "SALT", "<5", "10", "0", "3"],
        ["Oct 2026", "P", "Riverside", "SALT", "*", "10", "0", "3"],
        ["Oct 2026", "P", "Eastmoor", "SALT", "<5", "3", "0", "3"]]), as_of=AS_OF)
    assert (result.rows_read, result.loaded, result.rejected) == (3, 2, 1)
    assert result.reconciles()
    (reject,) = result.rejects
    assert (reject.row, reject.rule, reject.header) == (2, "part_exceeds_whole", "Over 18 Weeks")
    assert reject.reason == ("more waiting over 18 weeks than in total: waiting_over_18_weeks 10 "
                             "is more than waiting_total '<5' (a count under 5 suppressed at "
                             "source)")
    queried = [(w.row, w.header) for w in result.warnings
               if w.rule == "part_large_for_suppressed_whole"]
    assert queried == [(3, "Over 18 Weeks")]
    assert stored(db, "SELECT local_authority, waiting_total_symbol, waiting_over_18_weeks "
                      "FROM waiting_times ORDER BY 1") == [("Eastmoor", "<5", 3),
                                                            ("Riverside", "*", 10)]
