"""The budgets and complaints page shows personal health budgets active and complaints answered in
time as the metrics return them, and the open complaints list row for row, most overdue first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app_helpers import FY_PARAMS, captions, metric_values, table
from streamlit.testing.v1 import AppTest

from pipelines import metrics
from pipelines.db import reader

PAGE = "views/budgets_complaints.py"


def test_budgets_and_complaints_page_shows_the_metrics(run_app: Callable[..., AppTest],
                                                       sample_db: Path,
                                                       fy_filters: metrics.Filters) -> None:
    with reader(sample_db) as con:
        active = metrics.phb_active(con, fy_filters).iloc[0]
        started = metrics.rates(con, "phb_started", fy_filters).iloc[0]
        answered = metrics.rates(con, "complaint_responses", fy_filters).iloc[0]
        received = metrics.rates(con, "complaints_received", fy_filters).iloc[0]
        still_open = metrics.open_complaints(con, fy_filters)
    assert active["active"] > 5 and answered["denominator"] > 5 and len(still_open) > 0
    at = run_app(PAGE, **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    assert [t.value for t in at.title] == ["Personal health budgets and complaints"]
    assert {"Personal health budgets", "Budgets over time", "Complaints answered by their due date",
            "Complaints received", "Open complaints"} <= {h.value for h in at.header}
    shown = metric_values(at)
    as_of = f"{fy_filters.as_of:%d/%m/%Y}"
    assert shown[f"Budgets active on {as_of}"] == f"{active['active']:,}"
    assert shown["Of them continuing care"] == f"{active['continuing_care_pct']:.1f}%"
    assert shown["Budgets started in the period"] == f"{started['items']:,}"
    assert shown["Responded by the due date"] == f"{answered['pct']:.1f}%"
    assert f"{answered['numerator']:,} of {answered['denominator']:,} responses due" in captions(at)
    assert shown["Complaints received"] == f"{received['items']:,}"
    assert shown[f"Open on {as_of}"] == f"{len(still_open):,}"
    assert shown["Of them overdue"] == f"{(still_open['status'] == 'overdue').sum():,}"

    listed = table(at, "Complaint reference", "Days overdue")
    assert listed["Complaint reference"].tolist() == still_open["complaint_ref"].tolist()
    assert listed["Days overdue"].tolist() == still_open["days_overdue"].tolist()
    for frame in (d.value for d in at.dataframe):
        assert not {"person_id", "birth_year", "nhs_number"} & {str(c).lower() for c in frame.columns}
    assert [e.label for e in at.expander].count("About this metric") == 5


def test_no_budget_or_complaint_says_no_data(run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    at = run_app(PAGE, db=tiny_db, la="Riverside")
    assert sum("No data for this selection" in i.value for i in at.info) == 2
    assert not at.metric
