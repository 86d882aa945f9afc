"""The area's own figures for a calendar year, set beside the published benchmarks."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines import benchmark_local, metrics
from pipelines.benchmarks import comparison
from pipelines.db import connect_writer, reader
from tests.conftest import EHCP_HEADER, TRIBUNAL_HEADER, write_csv


@pytest.mark.parametrize("as_of, year", [
    (dt.date(2026, 11, 16), 2025), (dt.date(2026, 12, 30), 2025), (dt.date(2026, 12, 31), 2026),
    (dt.date(2027, 1, 1), 2026),
])
def test_latest_complete_calendar_year(as_of, year):
    assert benchmark_local.latest_complete_year(as_of) == year


def test_local_figures_are_the_metrics_over_the_calendar_year(db, load, tmp_path):
    rows = [EHCP_HEADER]
    # Riverside, 2025: three plans issued, two within 20 weeks; one issued in 2026 (not counted).
    for case, request, decision, final in (("R1", "01/01/2025", "01/02/2025", "01/05/2025"),
                                           ("R2", "01/03/2025", "01/05/2025", "01/06/2025"),
                                           ("R3", "01/02/2025", "01/03/2025", "01/09/2025"),
                                           ("R4", "01/11/2025", "01/12/2025", "01/02/2026")):
        rows.append([case, "Riverside", request, decision, "Yes", "", final, "", "ASD"])
    rows.append(["N1", "Northshire", "01/01/2025", "01/02/2025", "Yes", "", "01/04/2025", "", "ASD"])
    load(write_csv(tmp_path / "ehcp.csv", rows), as_of=dt.date(2026, 3, 31))
    load(write_csv(tmp_path / "appeals.csv", [
        TRIBUNAL_HEADER, ["T1", "R1", "Riverside", "01/06/2025", "Refusal to assess", "Yes", "",
                          "Pending", "No", "", ""]]), as_of=dt.date(2026, 3, 31))
    as_of = dt.date(2026, 3, 31)
    with reader(db) as con:
        local = benchmark_local.local_figures(con, "Riverside", 2025, as_of)
        plans = metrics.rates(con, "ehcp_plans", metrics.Filters(
            dt.date(2025, 1, 1), dt.date(2025, 12, 31), as_of, las=("Riverside",))).iloc[0]
        appeals = benchmark_local.local_appeals(con, "Riverside", 2025, as_of)
        none = benchmark_local.local_figures(con, "Eastmoor", 2025, as_of)
        no_appeals = benchmark_local.local_appeals(con, "Eastmoor", 2025, as_of)
    row = local.set_index("measure").loc["within_20_weeks_pct_excl_exceptions"]
    assert (row.value, row.numerator, row.denominator) == (plans.pct, 2, 3) == (66.7, 2, 3)
    assert set(local.measure) == {"within_20_weeks_pct_excl_exceptions",
                                  "decided_within_6_weeks_pct"}  # no annual reviews loaded
    assert appeals == 1
    assert none.empty and no_appeals is None


def test_the_appeal_rate_without_an_import_is_an_empty_comparison(tmp_path):
    db = tmp_path / "bare.duckdb"
    connect_writer(db).close()
    with reader(db) as con:
        frame = comparison(con, "Northshire", "appeal_rate_pct")
    assert frame.empty
    assert list(frame.columns) == ["area", "role", "year", "value", "numerator", "denominator"]
