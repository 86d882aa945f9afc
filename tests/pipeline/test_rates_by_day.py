"""Rates overall and by period are sums of the base's counts by day, which one session's reads
share: the same frames as grouping the base by period in SQL, and never a count from before a
load."""

import datetime as dt
import itertools

import pandas as pd
import pytest

from pipelines import metrics, queries
from pipelines.db import reader
from pipelines.metrics.rates import COUNT_COLUMNS, COUNTS
from pipelines.periods import ALL_GRAINS, labels, start_sql
from tests.conftest import ADVICE_HEADER, write_csv


def grouped_in_sql(con, metric: str, f: metrics.Filters, by: str | None) -> pd.DataFrame:
    """The counts of `metrics.rates`, grouped by the period in one SQL query over the base (how
    `rates` worked before it summed days)."""
    group = start_sql(by) if by else "'all'"
    out = metrics.query(con, f"""
        WITH base AS ({metrics.BASES[metric](f)})
        SELECT {group} AS "group", {COUNTS}
        FROM base WHERE anchor BETWEEN $date_from AND $date_to
        GROUP BY ALL ORDER BY 1""", f)
    for column in COUNT_COLUMNS:  # over no rows at all, DuckDB's count_if is NULL
        out[column] = out[column].fillna(0).astype("int64")
    if by:
        out.insert(0, "start", out.pop("group"))
        out.insert(0, "group", labels(by, out["start"]))
    return out


def filters(as_of: dt.date, las: tuple[str, ...]) -> list[metrics.Filters]:
    year_before = dt.date(as_of.year - 1, as_of.month, 1)
    return [metrics.Filters(year_before, as_of, as_of),
            metrics.Filters(dt.date(2020, 1, 1), dt.date(2030, 12, 31), as_of),
            metrics.Filters(dt.date(2024, 4, 17), dt.date(2025, 2, 28), dt.date(2025, 1, 15)),
            metrics.Filters(dt.date(2035, 1, 1), dt.date(2035, 12, 31), as_of),
            metrics.Filters(year_before, as_of, as_of, las=las[:1])]


def test_rates_by_period_equal_grouping_the_base_in_sql(sample_db, sample_as_of):
    with reader(sample_db) as con:
        las = tuple(r[0] for r in con.execute(
            "SELECT DISTINCT local_authority FROM ehcp ORDER BY 1").fetchall())
        compared = 0
        for f, metric, by in itertools.product(filters(sample_as_of, las), metrics.BASES,
                                               (None, *ALL_GRAINS)):
            got = metrics.rates(con, metric, f, by)
            want = grouped_in_sql(con, metric, f, by)
            columns = list(want.columns)
            if by is None and want.empty:  # rates gives a row of zeros for an empty period
                assert got[columns[1:]].eq(0).all(axis=None), (metric, f)
            else:
                pd.testing.assert_frame_equal(got[columns], want, check_exact=True,
                                              obj=f"{metric} by {by} for {f}")
                compared += len(want)
    assert compared > 1000  # the samples hold rows for every base in most periods


def test_remembered_within_a_block_and_only_there():
    calls = []

    def work_out():
        calls.append(1)
        return len(calls)

    assert metrics.remembered("k", work_out) == 1
    assert metrics.remembered("k", work_out) == 2  # outside a block nothing is kept
    store = {}
    with metrics.remembering(store):
        assert metrics.remembered("k", work_out) == 3
        assert metrics.remembered("k", work_out) == 3
        assert metrics.remembered("other", work_out) == 4
    assert metrics.remembered("k", work_out) == 5
    with metrics.remembering({}):  # a new store knows nothing of the last
        assert metrics.remembered("k", work_out) == 6


ROW = ["A{n}", "C{n}", "Northshire", "SALT", "01/03/2025", "12/04/2025", "", "", "", ""]


def advice_file(path, first: int, count: int):
    rows = [[cell.format(n=n) for cell in ROW] for n in range(first, first + count)]
    return write_csv(path, [ADVICE_HEADER, *rows])


@pytest.mark.parametrize("by", [None, "month", "calendar_year"])
def test_a_session_shares_counts_until_closed_and_then_sees_a_load(db, load, tmp_path, by):
    assert load(advice_file(tmp_path / "first.csv", 1, 3)).status == "loaded"
    f = metrics.Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2026, 3, 31))
    session = queries.Session(db)
    before = session.run(metrics.rates, "health_advice", f, by)
    assert before["items"].sum() == 3
    # Another period of the same metric in the same session: summed from the same days.
    spring = metrics.Filters(dt.date(2025, 4, 1), dt.date(2025, 4, 30), f.as_of)
    assert session.run(metrics.rates, "health_advice", spring, by)["items"].sum() == 3
    session.close()
    assert load(advice_file(tmp_path / "second.csv", 4, 2)).status == "loaded"
    after = session.run(metrics.rates, "health_advice", f, by)
    assert after["items"].sum() == 5 and after["numerator"].sum() == 5
    session.close()


@pytest.mark.parametrize("column", ["service", "provider", "local_authority"])
def test_breakdowns_in_one_pass_equal_grouping_by_each_column(sample_db, sample_as_of, column):
    with reader(sample_db) as con:
        for f in filters(sample_as_of, ("Northshire",)):
            got = metrics.rates(con, "health_advice", f, column)
            want = metrics.query(con, f"""
                WITH base AS ({metrics.BASES['health_advice'](f)})
                SELECT {column} AS "group", {COUNTS}
                FROM base WHERE anchor BETWEEN $date_from AND $date_to
                GROUP BY ALL ORDER BY 1""", f)
            pd.testing.assert_frame_equal(got[list(want.columns)], want, check_exact=True,
                                          obj=f"health_advice by {column} for {f}")


def test_what_a_session_keeps_is_not_changed_by_its_readers(sample_db, sample_as_of):
    f = metrics.Filters(dt.date(2024, 1, 1), sample_as_of, sample_as_of)
    session = queries.Session(sample_db)
    try:
        first = session.run(metrics.rates, "health_advice", f, "service").copy()
        shown = session.run(queries.rates_table, "health_advice", f, "service")  # maps the groups
        shown.loc[:, "numerator"] = -1
        again = session.run(metrics.rates, "health_advice", f, "service")
    finally:
        session.close()
    pd.testing.assert_frame_equal(first, again)
