"""Tabs named by months or days, and when they order a tracker's versions."""

import datetime as dt

import pytest

from pipelines.sheet_months import latest_tab, month_order, tab_period

D = dt.date


@pytest.mark.parametrize("name, first, last", [
    ("April 2026", D(2026, 4, 1), D(2026, 4, 30)),
    ("May 26", D(2026, 5, 1), D(2026, 5, 31)),
    ("Jun-2026", D(2026, 6, 1), D(2026, 6, 30)),
    ("2026-07", D(2026, 7, 1), D(2026, 7, 31)),
    ("Sept 2026", D(2026, 9, 1), D(2026, 9, 30)),
    (" feb 2028 ", D(2028, 2, 1), D(2028, 2, 29)),
    ("12-2026", D(2026, 12, 1), D(2026, 12, 31)),
    ("2026-07-15", D(2026, 7, 15), D(2026, 7, 15)),
    ("15.07.2026", D(2026, 7, 15), D(2026, 7, 15)),
    ("15 July 2026", D(2026, 7, 15), D(2026, 7, 15)),
])
def test_a_tab_named_by_a_month_or_a_day(name, first, last):
    assert tab_period(name)[:2] == (first, last)


@pytest.mark.parametrize("name", ["Cases", "Sheet1", "2026", "March", "Summary 2026",
                                  "April 2026 (old)", "31-06-2026", "13-2026"])
def test_a_tab_not_named_by_a_month(name):
    assert tab_period(name) is None


@pytest.mark.parametrize("names, order", [
    (["Jun-2026", "April 2026", "May 26"], {"April 2026": 0, "May 26": 1, "Jun-2026": 2}),
    (["Dec 2025", "Jan 2026"], {"Dec 2025": 0, "Jan 2026": 1}),
    (["April 2026"], None),  # one tab: nothing to order
    (["April 2026", "Apr-26"], None),  # the same month twice
    (["June 2026", "2026-06-15"], None),  # a month beside a day
    (["April 2026", "Cases"], None),
])
def test_the_tabs_order_only_when_unambiguous(names, order):
    assert month_order(names) == order


@pytest.mark.parametrize("names, order", [
    (["Tracker April 2026", "Tracker May 2026"], {"Tracker April 2026": 0, "Tracker May 2026": 1}),
    (["May 26 log", "Apr 26 log"], {"Apr 26 log": 0, "May 26 log": 1}),
    (["Tribunals - Jun 2026", "Tribunals - May 2026"],
     {"Tribunals - May 2026": 0, "Tribunals - Jun 2026": 1}),
    (["April 2026", "April 2026 (old)"], None),  # no word shared by both: not one tracker
    (["Cases April 2026", "Cases"], None),
    (["Tracker April 2026", "Log May 2026"], None),  # two trackers, not one
    (["North 2026", "South 2026"], None),  # a shared year is not set aside
    (["Team April", "Team May"], None),  # no year
])
def test_words_every_tab_shares_around_its_month_are_set_aside(names, order):
    assert month_order(names) == order


def test_the_latest_tab_is_its_months_last_day():
    assert latest_tab(["May 26", "April 2026"]) == (D(2026, 5, 31), "May 26")
    assert latest_tab(["Cases", "April 2026"]) is None
    assert latest_tab(["Log May 26", "Log April 2026"]) == (D(2026, 5, 31), "Log May 26")
