"""The Annex A cohort on an as-of date before some of its list's review dates: a review dated
after the as-of date had not happened on it, so it cannot show the plan reviewed in time (the
review before it is not on the list): such a plan counts with a plan but not in the share,
unless it was first issued within the 365 days before the as-of date (its first review not yet
due)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipelines import metrics
from pipelines.db import reader
from tests.annex_a_files import list_1_rows, list_2_rows
from tests.conftest import write_xlsx

AS_OF = dt.date(2025, 5, 31)


def test_a_review_after_the_as_of_date_does_not_count_on_it(tmp_path: Path, load, db: Path
                                                            ) -> None:
    path = write_xlsx(tmp_path / "annex-a.xlsx", {"List 1": list_1_rows(), "List 2": list_2_rows()})
    assert load(path, la="Northshire").status == "loaded"
    f = metrics.Filters(AS_OF, AS_OF, AS_OF)
    with reader(db) as con:
        overdue = dict(con.execute(f"SELECT child_id, overdue FROM ({metrics.plan_cohort_base(f)})",
                                   {"as_of": AS_OF}).fetchall())
        row = metrics.cohort_reviews(con, f).iloc[0]
    # C1: first issued 10/01/2020, last reviewed 01/06/2025, the day after: not known on 31/05.
    assert overdue["C1"] is None
    # C2 reviewed 10/03/2025 (82 days), C6 and C7 on 31 and 30/03/2025: in time.
    assert (overdue["C2"], overdue["C6"], overdue["C7"]) == (False, False, False)
    # C4: first issued 15/11/2024, never reviewed: 197 days, not yet due. C5: no dates.
    assert overdue["C4"] is False and overdue["C5"] is None
    # With a plan on 31/05/2025: C1 C2 C4 C5 C6 C7 (C3's was issued in September 2025).
    assert (row.with_plan, row.measurable, row.not_reviewed_in_12_months) == (6, 4, 0)


def test_a_review_after_the_as_of_date_with_the_plan_new_then(tmp_path: Path, load, db: Path
                                                               ) -> None:
    path = write_xlsx(tmp_path / "annex-a.xlsx", {"List 1": list_1_rows(), "List 2": list_2_rows()})
    assert load(path, la="Northshire").status == "loaded"
    day = dt.date(2025, 3, 31)
    f = metrics.Filters(day, day, day)
    with reader(db) as con:
        overdue = dict(con.execute(f"SELECT child_id, overdue FROM ({metrics.plan_cohort_base(f)})",
                                   {"as_of": day}).fetchall())
    # C7 reviewed on 30/03/2025 is in time; C6's review on 31/03/2025 is the as-of date itself.
    assert (overdue["C2"], overdue["C6"], overdue["C7"]) == (False, False, False)
    # C1's review on 01/06/2025 had not happened: issued in 2020, so not known.
    assert overdue["C1"] is None
