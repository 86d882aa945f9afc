"""The waiting times page shows the waiting-list metrics: every service's latest return, the
whole list at the latest month, the autism pathway flagged against NICE's 13 weeks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

from app_helpers import FY_PARAMS, captions, metric_values, table
from streamlit.testing.v1 import AppTest

from pipelines import metrics
from pipelines.benchmarks import import_release
from pipelines.db import reader
from tests.publication_files import chs_workbook

PAGE = "views/waiting_times.py"


def latest_month(db: Path, f: metrics.Filters) -> tuple:
    """Each service's latest return, and every service summed at the latest month."""
    with reader(db) as con:
        current = metrics.waiting_times_current(con, f)
        first = dt.date.fromisoformat(current["month"].max() + "-01")
        month = dataclasses.replace(f, date_from=first, date_to=first)
        overall = metrics.waiting_times_trend(con, month, None).iloc[0]
    return current, overall


def test_waiting_times_page_shows_the_latest_returns(run_app: Callable[..., AppTest], sample_db: Path,
                                                     fy_filters: metrics.Filters) -> None:
    current, overall = latest_month(sample_db, fy_filters)
    at = run_app(PAGE, **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    assert [t.value for t in at.title] == ["Health service waiting times"]
    assert {"Waiting lists now", "Autism and ADHD assessment pathways", "Month by month"} <= {
        h.value for h in at.header}
    shown = metric_values(at)
    assert shown["Children waiting"] == f"{overall['waiting_total']:,}"
    assert shown["Waiting over 18 weeks"] == f"{overall['over_18_weeks_pct']:.1f}%"
    assert shown["Waiting over 52 weeks"] == f"{overall['over_52_weeks_pct']:.1f}%"
    assert f"{overall['over_18_weeks']:,} of {overall['total_reporting_18']:,} children waiting" in (
        captions(at))
    autism = current[current["service"] == "Autism Assessment"].iloc[0]
    assert autism["median_over_nice"]
    flags = [w.value for w in at.warning]
    assert any("Autism assessment" in e and f"{autism['median_weeks_waiting_worst']:g} weeks" in e
               and "13 weeks" in e for e in flags)

    at.segmented_control(key="waiting_now_service_view").set_value("Table").run()
    frame = table(at, "Service", "Over 18 weeks (%)")
    assert frame["Service"].tolist() == current["service"].tolist()
    assert frame["Over 18 weeks (%)"].tolist() == current["over_18_weeks_pct"].tolist()
    assert frame["Children waiting"].tolist() == current["waiting_total"].tolist()
    assert [e.label for e in at.expander].count("About this metric") == 2


def test_choosing_a_local_authority_leaves_out_area_wide_returns(
        run_app: Callable[..., AppTest], sample_db: Path, fy_filters: metrics.Filters) -> None:
    current, overall = latest_month(sample_db, dataclasses.replace(fy_filters, las=("Northshire",)))
    assert "CAMHS" not in set(current["service"])
    at = run_app(PAGE, **FY_PARAMS, as_of=fy_filters.as_of.isoformat(), la="Northshire",
                 service="CAMHS")  # the advice services filter does not apply here
    assert metric_values(at)["Children waiting"] == f"{overall['waiting_total']:,}"
    assert any("CAMHS partnership reports for the whole area" in c for c in captions(at))


def test_no_waiting_list_return_says_no_data(run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    at = run_app(PAGE, db=tiny_db, la="Riverside")
    assert any("No data for this selection" in i.value for i in at.info)
    assert not at.metric


def test_the_icb_and_its_providers_against_england(run_app: Callable[..., AppTest], sample_db: Path,
                                                   fy_filters: metrics.Filters,
                                                   tmp_path: Path) -> None:
    db = tmp_path / "with-nhs.duckdb"
    shutil.copy(sample_db, db)
    import_release(db, chs_workbook(tmp_path / "CHS October 2025.xlsx"))
    at = run_app(PAGE, db=db, **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    assert "Against England (NHS England)" in {h.value for h in at.header}
    frame = table(at, "NHS England service line", "Organisation", "Children waiting")
    paeds = frame[frame["NHS England service line"] == "Community paediatric service"]
    assert paeds["Organisation"].tolist() == [
        "England", "NHS North East and North Cumbria Integrated Care Board",
        "Cumbria, Northumberland, Tyne and Wear NHS Foundation Trust",
        "Northumbria Healthcare NHS Foundation Trust"]
    assert paeds["Children waiting"].iloc[0] == 120_215
    assert paeds["Over 18 weeks"].iloc[0] == 70_290
    assert paeds["Note"].tolist()[2] == "no submission"
    assert any("Community Paediatrics as Community paediatric service" in c for c in captions(at))


def test_without_the_nhs_workbook_the_comparison_says_how_to_import(
        run_app: Callable[..., AppTest], fy_filters: metrics.Filters) -> None:
    at = run_app(PAGE, **FY_PARAMS, as_of=fy_filters.as_of.isoformat())
    assert any("community health services waiting-list workbook" in i.value for i in at.info)
