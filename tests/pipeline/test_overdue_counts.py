"""The overdue advice counted as of many days in one query is, day by day, the length of the
overdue list as it stood that day."""

import datetime as dt
import random

from pipelines import metrics
from pipelines.db import reader
from pipelines.periods import periods_between


def test_overdue_counts_are_the_lists_lengths_on_every_day(sample_db, sample_as_of):
    rng = random.Random(16)
    month_ends = [p.end for p in periods_between("month", dt.date(2023, 1, 1), sample_as_of)][:-1]
    scattered = [sample_as_of - dt.timedelta(days=rng.randrange(0, 1500)) for _ in range(15)]
    days = (*month_ends, sample_as_of, *scattered, dt.date(2000, 1, 1), month_ends[3])
    f = metrics.Filters(dt.date(2023, 1, 1), sample_as_of, sample_as_of)
    with reader(sample_db) as con:
        las = [r[0] for r in con.execute(
            "SELECT DISTINCT local_authority FROM health_advice ORDER BY 1").fetchall()]
        for g in (f, metrics.Filters(f.date_from, f.date_to, f.as_of, las=tuple(las[:1]))):
            counts = metrics.overdue_advice_counts(con, g, days)
            lists = [len(metrics.overdue_advice(con, metrics.Filters(g.date_from, g.date_to, day,
                                                                      g.las))) for day in days]
            assert list(counts["as_of"]) == list(days)
            assert list(counts["overdue"]) == lists
            assert max(lists) > 0 and lists[days.index(dt.date(2000, 1, 1))] == 0
