"""The annual reviews page shows the annual review rates for the filters in the URL, with England's
44.4% beside the decisions within 4 weeks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from app_helpers import FY_PARAMS, captions, metric_values, table
from streamlit.testing.v1 import AppTest

from pipelines import metrics
from pipelines.db import reader

PAGE = "views/annual_reviews.py"
CARDS = {
    "Reviews held within 12 months": "annual_reviews_held",
    "Decisions within 4 weeks": "annual_review_decisions",
    "Amended plans within 12 weeks": "annual_review_amended_plans",
    "Health contributed": "annual_review_health_contribution",
}


def test_annual_reviews_page_shows_the_rates(run_app: Callable[..., AppTest], sample_db: Path,
                                             fy_filters: metrics.Filters) -> None:
    with reader(sample_db) as con:
        overall = {label: metrics.rates(con, metric, fy_filters).iloc[0]
                   for label, metric in CARDS.items()}
        by_la = metrics.rates(con, "annual_review_decisions", fy_filters, "local_authority")
    at = run_app(PAGE, **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    assert [t.value for t in at.title] == ["Annual reviews"]
    assert {"Reviews held within 12 months", "Decisions within 4 weeks of the meeting",
            "Amended plans within 12 weeks of the meeting", "Health at annual reviews"} <= {
        h.value for h in at.header}
    shown = metric_values(at)
    for label, row in overall.items():
        assert row["denominator"] > 100
        assert shown[label] == f"{row['pct']:.1f}%"
        assert (f"{row['numerator']:,} of {row['denominator']:,}") in " ".join(captions(at))
    assert "England 2024: 44.4% (DfE)" in captions(at)
    assert [e.label for e in at.expander].count("About this metric") == 5  # with the cohort

    at.segmented_control(key="ar_decisions_by_la_view").set_value("Table").run()
    frame = table(at, "Local authority", "Sent within 4 weeks").set_index("Local authority")
    for row in by_la.itertuples():
        assert frame.loc[row.group, "Per cent"] == row.pct
        assert frame.loc[row.group, "Decisions due"] == row.denominator


def test_annual_reviews_follow_the_local_authority(run_app: Callable[..., AppTest], sample_db: Path,
                                                   fy_filters: metrics.Filters) -> None:
    riverside = dataclasses.replace(fy_filters, las=("Riverside",))
    with reader(sample_db) as con:
        held = metrics.rates(con, "annual_reviews_held", riverside).iloc[0]
    at = run_app(PAGE, **FY_PARAMS, as_of=fy_filters.as_of.isoformat(), la="Riverside")
    assert metric_values(at)["Reviews held within 12 months"] == f"{held['pct']:.1f}%"


def test_no_annual_review_says_no_data(run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    at = run_app(PAGE, db=tiny_db, la="Riverside")
    assert any("No data for this selection" in i.value for i in at.info)
    assert not at.metric
