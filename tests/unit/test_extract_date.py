"""A load's extract date: given, else a title row, else the file name, else the latest date."""

import datetime as dt

import pyarrow as pa
import pytest

from pipelines.extract_date import decide, from_file_name, from_title, latest_date

D = dt.date


@pytest.mark.parametrize("texts, expected", [
    (["Health advice requests", "Data as at 30/11/2026"], D(2026, 11, 30)),
    (["Report run on 2026-11-30 09:15"], D(2026, 11, 30)),
    (["EHCP timeliness - as of 1 November 2026 (provisional)"], D(2026, 11, 1)),
    (["Extract date: 28 Nov 2026"], D(2026, 11, 28)),
    (["EHCP timeliness report - run 30/11/2026"], D(2026, 11, 30)),
    (["Long run of requests since April"], None),
    (["Northshire County Council", "Requests received 2026"], None),
])
def test_a_title_row_names_the_date(texts, expected):
    found = from_title(texts)
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize("name, expected", [
    ("health_advice_camhs_2026-10.csv", D(2026, 10, 31)),
    ("ehcp_2026-11-30.xlsx", D(2026, 11, 30)),
    ("export_20261130.csv", D(2026, 11, 30)),
    ("advice 30.11.2026.csv", D(2026, 11, 30)),
    ("Advice log Feb 2026.xlsx", D(2026, 2, 28)),
    ("advice_log.csv", None),
    # A range ends on the day it was extracted.
    ("EHCP report 01.04.2024 - 30.11.2026.csv", D(2026, 11, 30)),
    ("ehcp_2024-04-01_to_2026-11-30.csv", D(2026, 11, 30)),
    ("advice Apr 2025 to Oct 2026.xlsx", D(2026, 10, 31)),
])
def test_a_date_in_the_file_name(name, expected):
    assert from_file_name(name) == expected


def test_the_latest_date_up_to_the_as_of_date():
    table = pa.table({"requested": pa.array([D(2026, 1, 5), D(2026, 3, 2)]),
                      "hearing": pa.array([D(2027, 1, 1), None])})
    assert latest_date([table], D(2026, 3, 31)) == D(2026, 3, 2)


def test_the_order_of_evidence():
    table = pa.table({"d": pa.array([D(2026, 3, 2)])})
    args = (["as at 30/11/2026"], "x_2026-10.csv", [table], D(2026, 12, 1))
    assert decide(D(2026, 12, 1), *args) == (D(2026, 12, 1), "given (--extract-date)")
    assert decide(None, *args)[0] == D(2026, 11, 30)
    assert decide(None, [], *args[1:]) == (D(2026, 10, 31), "file name")
    assert decide(None, [], "x.csv", *args[2:]) == (D(2026, 3, 2), "latest date in the file")


def test_a_file_names_date_well_before_the_dates_it_holds_is_a_period_not_its_extract():
    """"requests_since_2024-04-01.csv" holding requests to November 2026 was not made in 2024:
    dated so, its records would be older than last month's export and its corrections lost."""
    table = pa.table({"d": pa.array([D(2024, 5, 1), D(2026, 11, 20)])})
    day, how = decide(None, [], "requests_since_2024-04-01.csv", [table], D(2026, 12, 1))
    assert day == D(2026, 11, 20)
    assert how == ("latest date in the file (the file name's 01/04/2024 is earlier than the "
                   "dates the file holds)")
    # A month's export holding the month's dates, or a few days past it, keeps its name's date.
    table = pa.table({"d": pa.array([D(2026, 10, 2), D(2026, 11, 20)])})
    assert decide(None, [], "advice_2026-10.csv", [table], D(2026, 12, 1)) == (
        D(2026, 10, 31), "file name")
    # A hearing listed ahead, when the tracker was made, is no sign it was made later.
    table = pa.table({"registered_date": pa.array([D(2026, 9, 2)]),
                      "hearing_date": pa.array([D(2026, 12, 3)])})
    assert decide(None, [], "tribunals_2026-10.xlsx", [table], D(2026, 12, 4)) == (
        D(2026, 10, 31), "file name")


def test_what_a_file_declares_comes_after_a_date_given_and_before_its_titles():
    stated = (D(2024, 1, 20), "SEN2 header '2024-01-20T10:00:00'")
    assert decide(None, ["as at 30/11/2023"], "x.xml", [], D(2024, 2, 1), stated) == stated
    assert decide(D(2024, 2, 1), [], "x.xml", [], D(2024, 2, 1), stated)[0] == D(2024, 2, 1)


def test_a_month_in_the_file_name_ends_no_later_than_the_as_of_date():
    table = pa.table({"d": pa.array([D(2026, 11, 2)])})
    assert decide(None, [], "ehcp_2026-11.csv", [table], D(2026, 11, 16)) == (
        D(2026, 11, 16), "file name (month to the as-of date)")
    assert decide(None, [], "ehcp_2026-10.csv", [table], D(2026, 11, 16)) == (
        D(2026, 10, 31), "file name")
    # A whole date in the name is the export's word for its date, kept as it is.
    assert decide(None, [], "ehcp_2026-11-30.csv", [table], D(2026, 11, 16)) == (
        D(2026, 11, 30), "file name")


def test_a_title_naming_a_child_is_shown_without_the_number_or_birth_date():
    titles = ["Advice for NHS 943 476 5919 (DOB 12/03/2015) as at 30/11/2026"]
    day, basis = decide(None, titles, "x.csv", [], dt.date(2026, 12, 1))
    assert day == dt.date(2026, 11, 30)
    assert basis == "title row 'as at 30/11/2026'"  # only the words that give the date


def test_the_latest_month_tab_dates_a_tracker_no_later_than_the_as_of_date():
    tab = (D(2026, 7, 31), "July 2026")
    tables = [pa.table({"d": pa.array([D(2026, 8, 20)])})]
    assert decide(None, [], "tracker.xlsx", tables, D(2026, 9, 1), tab=tab) == (
        D(2026, 7, 31), "latest sheet's month 'July 2026'")
    assert decide(None, [], "tracker.xlsx", [], D(2026, 7, 16), tab=tab)[0] == D(2026, 7, 16)
    # A date the file's name gives still comes first.
    assert decide(None, [], "tracker_2026-08-05.xlsx", [], D(2026, 9, 1), tab=tab)[0] == D(
        2026, 8, 5)


def test_a_month_column_stands_for_its_last_day_up_to_the_as_of_date():
    """A return for June is made once June is over: dated 1 June, its own month would be left
    out of every figure as of its extract."""
    table = pa.table({"month": pa.array([D(2026, 4, 1), D(2026, 6, 1)])})
    assert latest_date([table], D(2026, 12, 1), months=frozenset({"month"})) == D(2026, 6, 30)
    assert latest_date([table], D(2026, 12, 1)) == D(2026, 6, 1)  # a date column: as written
    # While the month runs, no later than the as-of date.
    assert latest_date([table], D(2026, 6, 15), months=frozenset({"month"})) == D(2026, 6, 15)
    assert decide(None, [], "community_waits.csv", [table], D(2026, 12, 1),
                  months=frozenset({"month"})) == (D(2026, 6, 30), "latest date in the file")
    # A file name's month that the file's months reach is its extract, as before.
    assert decide(None, [], "waits_2026-06.csv", [table], D(2026, 12, 1),
                  months=frozenset({"month"})) == (D(2026, 6, 30), "file name")
