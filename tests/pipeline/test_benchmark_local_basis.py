"""The area's own figures set beside the DfE's published benchmarks are on the DfE's basis, as
every figure beside England's is: decisions within 6 weeks by the calendar year the request was
received (decided by the as-of date), annual review decisions sent within 4 weeks by the year
they were sent. Worked by hand where the two bases give different answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipelines import benchmark_local, metrics
from pipelines.db import reader
from tests.conftest import EHCP_HEADER, write_csv

AS_OF = dt.date(2026, 3, 31)
REQUESTS = [
    ["R1", "Riverside", "01/12/2024", "20/01/2025", "Y", "", "", "", ""],  # 50 days; received 2024
    ["R2", "Riverside", "01/03/2025", "01/04/2025", "Y", "", "", "", ""],  # 31 days
    ["R3", "Riverside", "01/12/2025", "05/01/2026", "Y", "", "", "", ""],  # 35 days; decided 2026
    ["R4", "Riverside", "01/06/2025", "20/07/2025", "N", "", "", "", ""],  # 49 days
]
REVIEW_HEADER = ["Case ID", "LA", "Review Due Date", "Meeting Date", "Health Invited",
                 "Health Attended", "Health Advice Submitted", "Decision Date", "Decision",
                 "Amended Plan Date"]
REVIEWS = [
    ["V1", "Riverside", "10/12/2024", "10/12/2024", "", "", "", "20/01/2025", "M", ""],  # 41 days
    ["V2", "Riverside", "01/06/2025", "01/06/2025", "", "", "", "15/06/2025", "M", ""],  # 14 days
    ["V3", "Riverside", "15/12/2025", "15/12/2025", "", "", "", "05/01/2026", "M", ""],  # sent 2026
    ["V4", "Riverside", "01/11/2025", "01/11/2025", "", "", "", "", "", ""],  # not yet sent
]


def test_local_figures_beside_the_dfe_s_are_on_its_basis(db: Path, load, tmp_path: Path) -> None:
    for name, header, rows in (("ehcp.csv", EHCP_HEADER, REQUESTS),
                               ("reviews.csv", REVIEW_HEADER, REVIEWS)):
        result = load(write_csv(tmp_path / name, [header, *rows]))
        assert result.status == "loaded" and result.rejected == 0, result.rejects
    with reader(db) as con:
        local = benchmark_local.local_figures(con, "Riverside", 2025, AS_OF).set_index("measure")
        year = metrics.Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31), AS_OF, ("Riverside",))
        headline = metrics.headline(con, year)
    decided = local.loc["decided_within_6_weeks_pct"]
    # Received in 2025 and decided: R2 (in time), R3 (in time), R4 (late). R1 was received in
    # 2024; decided in 2025 it would make 1 of 3.
    assert (decided.numerator, decided.denominator, decided.value) == (2, 3, 66.7)
    assert (decided.numerator, decided.denominator) == (
        headline["ehcp_decided_within_6_weeks_by_request_year_numerator"],
        headline["ehcp_decided_within_6_weeks_by_request_year_denominator"])
    reviews = local.loc["annual_review_decisions_within_4_weeks_pct"]
    # Sent in 2025: V1 (late), V2 (in time). V3 was sent in 2026, V4 not yet: by due date in
    # 2025 (V1, V2 and V4 outstanding) it would make 1 of 3.
    assert (reviews.numerator, reviews.denominator, reviews.value) == (1, 2, 50.0)
    assert (reviews.numerator, reviews.denominator) == (
        headline["annual_review_decisions_sent_within_4_weeks_numerator"],
        headline["annual_review_decisions_sent_within_4_weeks_denominator"])
