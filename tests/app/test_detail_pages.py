"""The record-level lists on the detail pages hold exactly the rows the metric functions return,
and an empty period says so instead of drawing an empty chart."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from app_helpers import FY_PARAMS, table
from streamlit.testing.v1 import AppTest

from dashboard.components import exceptions
from pipelines import metrics, queries
from pipelines.db import reader
from pipelines.notes import local_exceptions


def overdue(db: Path, f: metrics.Filters) -> pd.DataFrame:
    with reader(db) as con:
        return metrics.overdue_advice(con, f)


def test_overdue_list_is_the_overdue_metric(run_app: Callable[..., AppTest], sample_db: Path,
                                            fy_filters: metrics.Filters) -> None:
    expected = overdue(sample_db, fy_filters)
    assert len(expected) > 10
    at = run_app("views/health_advice.py", **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    shown = table(at, "Advice ID", "Days overdue", "Request type")  # the full list
    assert shown["Advice ID"].tolist() == expected["advice_id"].tolist()
    assert shown["Days overdue"].tolist() == expected["days_overdue"].tolist()
    assert shown["Service"].tolist() == expected["service"].tolist()
    assert "person_id" not in expected.columns and "Case ID" in shown.columns
    label = metrics.FIGURES["health_advice_overdue_open"].label  # as the Overview names it
    assert any(m.label == label and m.value == f"{len(expected):,}" for m in at.metric)


def test_overdue_list_follows_the_service_filter(run_app: Callable[..., AppTest],
                                                 sample_db: Path,
                                                 fy_filters: metrics.Filters) -> None:
    camhs = overdue(sample_db, dataclasses.replace(fy_filters, services=("CAMHS",)))
    at = run_app("views/health_advice.py", **FY_PARAMS, as_of=fy_filters.as_of.isoformat(),
                 service="CAMHS")
    shown = table(at, "Advice ID", "Days overdue", "Request type")  # the full list
    assert set(shown["Service"]) == {"CAMHS"}
    assert shown["Advice ID"].tolist() == camhs["advice_id"].tolist()


def test_rates_table_is_the_rates_metric(run_app: Callable[..., AppTest], sample_db: Path,
                                         fy_filters: metrics.Filters) -> None:
    with reader(sample_db) as con:
        expected = metrics.rates(con, "health_advice", fy_filters, "service")
    at = run_app("views/health_advice.py", **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    at.segmented_control(key="advice_by_service_view").set_value("Table").run()
    shown = next(d.value for d in at.dataframe if "Service" in d.value.columns
                 and "Per cent" in d.value.columns)
    merged = shown.merge(expected, left_on="Service", right_on="group")
    assert len(merged) == len(expected)
    assert (merged["Per cent"] == merged["pct"]).all()
    due = metrics.CATALOGUE["health_advice"].of_what.capitalize()  # the catalogue names the column
    assert (merged[due] == merged["denominator"]).all()


def test_a_period_without_advice_due_shows_no_data(run_app: Callable[..., AppTest]) -> None:
    # The samples start on 1 April 2024: no advice falls due (request + 42 days) that month.
    at = run_app("views/health_advice.py", grain="month", **{"from": "2024-04", "to": "2024-04"})
    assert any("No data for this selection" in i.value for i in at.info)
    assert not at.exception


def test_at_risk_list_is_the_open_cases_metric(run_app: Callable[..., AppTest], sample_db: Path,
                                               fy_filters: metrics.Filters) -> None:
    with reader(sample_db) as con:
        cases = metrics.open_cases_at_risk(con, fy_filters)
    at_risk = cases[cases["days_left"] <= 28]
    at = run_app("views/ehcp_timeliness.py", **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    shown = table(at, "Case ID", "Risk")
    assert shown["Case ID"].tolist() == at_risk["case_id"].tolist()
    past = (at_risk["days_left"] < 0).sum()
    assert (shown["Risk"] == "Past 20 weeks").sum() == past
    assert any(m.label == "Past 20 weeks" and m.value == f"{past:,}" for m in at.metric)


def test_recommendations_list_is_the_responses_metric(run_app: Callable[..., AppTest],
                                                      sample_db: Path,
                                                      fy_filters: metrics.Filters) -> None:
    with reader(sample_db) as con:
        expected = metrics.tribunal_responses(con, fy_filters)
    at = run_app("views/tribunals.py", **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    shown = table(at, "Appeal ID", "Status")
    assert shown["Appeal ID"].tolist() == expected["appeal_id"].tolist()
    assert shown["Status"].tolist() == expected["status"].tolist()
    at.toggle(key="late_only").set_value(True).run()
    late = expected[expected["status"].isin(["responded late", "overdue"])]
    assert table(at, "Appeal ID", "Status")["Appeal ID"].tolist() == late["appeal_id"].tolist()


def test_ehcp_page_shows_the_positions_and_the_dfe_basis_beside_the_rates(
        run_app: Callable[..., AppTest], sample_db: Path, fy_filters: metrics.Filters) -> None:
    with reader(sample_db) as con:
        h = metrics.headline(con, fy_filters)
    at = run_app("views/ehcp_timeliness.py", **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    on = f"on {fy_filters.as_of:%d/%m/%Y}"
    shown = {m.label: m.value for m in at.metric}
    assert shown[f"Open needs assessments past 20 weeks {on}"] == f"{h['ehcp_open_past_20_weeks']:,}"
    assert shown[f"Requests undecided past 6 weeks {on}"] == (
        f"{h['ehcp_decisions_outstanding_past_6_weeks']:,}")
    key = "ehcp_decided_within_6_weeks_by_request_year"
    assert (f"By year of request, as the DfE counts: requests received in {h['dfe_basis_year']}, "
            f"{h[f'{key}_pct']:.1f}% ({h[f'{key}_numerator']:,} of {h[f'{key}_denominator']:,} "
            "requests decided); England 2024: 84.8% (DfE, same basis).") in [c.value for c in at.caption]


def test_reasons_are_listed_as_recorded_with_how_they_counted(run_app: Callable[..., AppTest],
                                                              sample_db: Path,
                                                              fy_filters: metrics.Filters) -> None:
    for page, metric, kind in (("views/health_advice.py", "health_advice", "advice"),
                               ("views/ehcp_timeliness.py", "ehcp_plans", "plan")):
        with reader(sample_db) as con:
            expected = queries.exceptions_by_reason(con, metric, fy_filters)
        assert "excepted" in set(expected["counted_as"])  # the samples hold lawful reasons
        at = run_app(page, **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
        shown = table(at, "Reason as recorded", "Lawful reason taken as", "Counted as")
        # The reason and its number first (they fit a phone), then how it counted.
        assert shown.values.tolist() == expected[list(exceptions.COLUMNS)].values.tolist()
        # The area's mapping is shown where the figure is explained, and beside the table.
        mapping = local_exceptions(kind)
        assert any(mapping in m.value for m in at.markdown if m.value.startswith("**Exceptions.**"))
        assert any(mapping in c.value for c in at.caption)


def test_the_guide_shows_the_areas_mapping_of_lawful_exceptions(
        run_app: Callable[..., AppTest]) -> None:
    at = run_app("views/guide.py")
    assert any(local_exceptions("advice") in m.value and local_exceptions("plan") in m.value
               for m in at.markdown)


def test_review_advice_is_shown_apart_as_its_metric(run_app: Callable[..., AppTest],
                                                    sample_db: Path,
                                                    fy_filters: metrics.Filters) -> None:
    with reader(sample_db) as con:
        expected = metrics.rates(con, "review_advice", fy_filters, "financial_year")
    assert expected["denominator"].sum() > 0
    at = run_app("views/health_advice.py", **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    at.segmented_control(key="review_advice_trend_view").set_value("Table").run()
    review = metrics.CATALOGUE["review_advice"]  # the catalogue names the columns
    shown = table(at, review.met.capitalize())
    assert shown["Per cent"].tolist() == expected["pct"].tolist()
    assert shown[review.of_what.capitalize()].tolist() == expected["denominator"].tolist()
