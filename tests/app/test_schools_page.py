"""The schools page shows what the schools metrics return for the filters in the URL: the latest
audit of each school against the Alliance's figures, and the follow-up list row for row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app_helpers import FY_PARAMS, captions, metric_values, table
from streamlit.testing.v1 import AppTest

from pipelines import metrics
from pipelines.db import reader

PAGE = "views/schools.py"
HEADINGS = ["Medical conditions policies", "Across audit rounds", "Policy elements most often missing",
            "Individual healthcare plans", "Mental health support", "Schools to follow up"]
PERSONAL = {"person_id", "birth_year", "nhs_number"}


def test_schools_page_shows_the_schools_metrics(run_app: Callable[..., AppTest], sample_db: Path,
                                                fy_filters: metrics.Filters) -> None:
    with reader(sample_db) as con:
        position = metrics.school_policy_position(con, fy_filters).iloc[0]
        ihp = metrics.school_ihp_coverage(con, fy_filters).iloc[0]
        health = metrics.school_mental_health(con, fy_filters).iloc[0]
        follow_up = metrics.school_follow_up(con, fy_filters)
    assert position["schools"] > 100 and len(follow_up) > 10
    at = run_app(PAGE, **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    assert [t.value for t in at.title] == ["Schools: medical conditions and mental health"]
    assert set(HEADINGS) <= {h.value for h in at.header}
    shown = metric_values(at)
    assert shown["Schools audited"] == f"{position['schools']:,}"
    assert shown["Compliant policy"] == f"{position['compliant_pct']:.1f}%"
    assert shown["Schools with a policy"] == f"{position['with_policy_pct']:.1f}%"
    assert shown["Policy published on website"] == f"{position['published_pct']:.1f}%"
    assert shown["IHP coverage"] == f"{ihp['ihp_coverage_pct']:.1f}%"
    assert shown["Trained senior mental health lead"] == f"{health['smhl_pct']:.1f}%"
    assert shown["Schools to contact"] == f"{len(follow_up):,}"
    # The Alliance's figures are shown beside ours; the period is said not to apply.
    assert "HCSA: 11.5%" in captions(at) and "HCSA: 47.5%" in captions(at)
    assert any("the period applies to the trend across audit rounds only" in c for c in captions(at))

    listed = table(at, "URN", "What it lacks")
    assert listed["URN"].tolist() == follow_up["urn"].tolist()
    assert listed["What it lacks"].tolist() == follow_up["lacks"].tolist()
    for frame in (d.value for d in at.dataframe):
        assert not PERSONAL & {str(c).lower() for c in frame.columns}
    assert [e.label for e in at.expander].count("About this metric") == 6
    downloads = [b.label for b in at.get("download_button")]
    assert downloads.count("Download CSV") == downloads.count("Download Excel") >= 8


def test_schools_by_local_authority_table_is_the_metric(run_app: Callable[..., AppTest],
                                                        sample_db: Path,
                                                        fy_filters: metrics.Filters) -> None:
    one = metrics.Filters(fy_filters.date_from, fy_filters.date_to, fy_filters.as_of, ("Eastmoor",))
    with reader(sample_db) as con:
        by_la = metrics.school_policy_position(con, fy_filters, "local_authority")
        eastmoor = metrics.school_follow_up(con, one)
    at = run_app(PAGE, **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    at.segmented_control(key="school_policy_local_authority_view").set_value("Table").run()
    shown = table(at, "Local authority", "Compliant (%)").set_index("Local authority")
    for row in by_la.itertuples():
        assert shown.loc[row.group, "Compliant (%)"] == row.compliant_pct
        assert shown.loc[row.group, "Schools audited"] == row.schools
    at = run_app(PAGE, **FY_PARAMS, as_of=fy_filters.as_of.isoformat(), la="Eastmoor")
    assert table(at, "URN", "What it lacks")["URN"].tolist() == eastmoor["urn"].tolist()


def test_no_school_audit_says_no_data(run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    at = run_app(PAGE, db=tiny_db, la="Riverside")
    assert any("No data for this selection" in i.value for i in at.info)
    assert not at.metric
