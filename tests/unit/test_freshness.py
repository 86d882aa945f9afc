"""How current each source is: the latest extract date per dataset, from the loads that still
stand, and whether the sources are more than a month apart."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipelines import status

D = dt.date


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    """A loads log holding only what the query reads; the as-of dates are deliberately later
    than every extract, as an upload's "reject dates after" date is. Load 7 loaded no row (a
    header alone), dated the day it was loaded: it holds nothing, so it dates nothing."""
    con = duckdb.connect()
    con.execute("CREATE TABLE loads (load_id INTEGER, kinds VARCHAR, status VARCHAR, "
                "as_of DATE, extract_date DATE, loaded INTEGER)")
    con.executemany("INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?)", [
        (1, "ehcp", "loaded", D(2026, 12, 2), D(2026, 10, 31), 5),
        (2, "ehcp", "loaded", D(2026, 12, 2), D(2026, 11, 16), 5),
        (3, "health_advice,tribunals", "loaded", D(2026, 12, 2), D(2026, 11, 10), 5),
        (4, "health_advice", "rolled back", D(2026, 12, 2), D(2026, 11, 30), 5),
        (5, "schools", "loaded", D(2026, 12, 2), None, 5),
        (6, "waiting_times", "loaded", D(2026, 12, 2), D(2026, 9, 30), 5),
        (7, "tribunals", "loaded", D(2026, 12, 2), D(2026, 12, 2), 0),
    ])
    return con


def test_each_dataset_gets_its_latest_standing_extract(con: duckdb.DuckDBPyConnection) -> None:
    assert status.latest_extracts(con) == {
        "ehcp": D(2026, 11, 16), "health_advice": D(2026, 11, 10),
        "tribunals": D(2026, 11, 10), "waiting_times": D(2026, 9, 30)}
    # In the order the datasets are declared, as every page lists them.
    assert list(status.latest_extracts(con)) == ["ehcp", "health_advice", "tribunals",
                                                 "waiting_times"]


def test_the_default_as_of_is_the_latest_extract_not_a_load_date(
        con: duckdb.DuckDBPyConnection) -> None:
    fresh = status.freshness(con)
    assert fresh.latest == D(2026, 11, 16) and fresh.earliest == D(2026, 9, 30)


def test_sources_more_than_a_month_apart_are_named(con: duckdb.DuckDBPyConnection) -> None:
    fresh = status.freshness(con)
    assert fresh.months_apart
    assert fresh.behind() == {"waiting_times": D(2026, 9, 30)}


@pytest.mark.parametrize(("oldest", "apart"), [
    (D(2026, 10, 16), False),  # exactly a month before 16/11: not more than a month
    (D(2026, 10, 15), True),
])
def test_a_month_apart_is_the_boundary(oldest: dt.date, apart: bool) -> None:
    fresh = status.Freshness({"ehcp": D(2026, 11, 16), "phb": oldest})
    assert fresh.months_apart is apart
    assert bool(fresh.behind()) is apart


def test_nothing_loaded_gives_no_date() -> None:
    fresh = status.Freshness({})
    assert fresh.latest is None and not fresh.months_apart and fresh.behind() == {}
