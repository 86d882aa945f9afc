"""The benchmarks page: England's headline series before any import, the area's own figures
labelled as local data, and after an import (from hand-made DfE-like files) the chart's table
equal to `benchmarks.comparison`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from app_helpers import table
from streamlit.testing.v1 import AppTest

from dashboard.components.text import plain
from pipelines import benchmark_local
from pipelines.benchmarks import comparison, import_release
from pipelines.db import reader
from tests import publication_files

PAGE = "views/benchmarks.py"
MEASURE = "within_20_weeks_pct_excl_exceptions"
HEADER = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
          "region_code", "region_name", "new_la_code", "old_la_code", "la_name", "breakdown_topic",
          "breakdown", "plans_issued_den", "plans_issued_den_ex", "plans_issued_within_20_weeks",
          "plans_issued_20_weeks_ex", "pc_plans_issued_within_20_weeks",
          "PC_plans_issued_20_weeks_ex"]
ALL = "All EHC plans issued"


def _row(year: int, level: str, region: str, la: tuple[str, str, str], den: int, within: int
         ) -> list[str]:
    pct = f"{100 * within / den:.1f}"
    return [str(year), "Calendar year", level, "E92000001", "England", "", region, *la, ALL, ALL,
            str(den), str(den), str(within), str(within), pct, pct]


def timeliness_csv() -> bytes:
    """England and two regions, Northshire's neighbours Cumberland and Cornwall, and Hartlepool."""
    none = ("", "", "")
    rows = [HEADER,
            _row(2023, "National", "", none, 1000, 503),
            _row(2024, "National", "", none, 1000, 464),
            _row(2024, "Regional", "North West", none, 200, 90),
            _row(2024, "Regional", "North East", none, 100, 49),
            _row(2023, "Local authority", "North West", ("E06000063", "942", "Cumberland"), 40, 30),
            _row(2024, "Local authority", "North West", ("E06000063", "942", "Cumberland"), 50, 35),
            _row(2024, "Local authority", "South West", ("E06000052", "908", "Cornwall"), 80, 20),
            _row(2024, "Local authority", "North East", ("E06000001", "805", "Hartlepool"), 25, 20)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@pytest.fixture
def released_db(sample_db: Path, tmp_path: Path) -> Path:
    """A copy of the sample database with the hand-made release imported."""
    db = tmp_path / "released.duckdb"
    shutil.copy(sample_db, db)
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "timeliness_20_week.csv").write_bytes(timeliness_csv())
    import_release(db, folder)
    return db


def chart_table(at: AppTest, measure: str) -> pd.DataFrame:
    at.segmented_control(key=f"bench_{measure}_view").set_value("Table").run()
    return table(at, "Area", "Role", "Year", "Source")


def published(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[frame["Source"] == "DfE published"].drop(columns="Source")
    out.columns = ["area", "role", "year", "value", "numerator", "denominator"]
    return out.reset_index(drop=True).astype({"year": "int64"})


def test_without_an_import_englands_series_shows_with_local_figures(
        run_app: Callable[..., AppTest], sample_db: Path, sample_as_of: dt.date) -> None:
    at = run_app(PAGE)
    assert [t.value for t in at.title] == ["Benchmarks"]
    assert any("No DfE release imported yet" in i.value and "python -m pipelines benchmarks import"
               in i.value for i in at.info)
    glance = table(at, "Measure", "England")
    assert glance.set_index("Measure").loc["Within 20 weeks (excl. exceptions)", "England"] == (
        "46.4% (2024)")
    year = benchmark_local.latest_complete_year(sample_as_of)
    with reader(sample_db) as con:
        local = benchmark_local.local_figures(con, "Northshire", year, sample_as_of)
    own = local.set_index("measure").loc[MEASURE]
    assert glance.set_index("Measure").loc["Within 20 weeks (excl. exceptions)",
                                           f"Northshire: local data {year}"] == f"{own.value:.1f}%"
    assert any("invented" in c.value for c in at.caption)  # the sample LAs are fictional
    frame = chart_table(at, MEASURE)
    england = frame[frame["Role"] == "England"].set_index("Year")["Value"]
    assert england[2024] == 46.4
    mine = frame[frame["Source"] == "Local data (not DfE published)"]
    assert list(zip(mine["Area"], mine["Year"], mine["Value"], strict=True)) == [
        ("Northshire", year, own.value)]
    headers = [h.value for h in at.header]
    assert headers == ["EHC plans issued within 20 weeks", "Requests decided within 6 weeks",
                       "Annual review decisions within 4 weeks", "SEND Tribunal appeal rate"]
    # Nothing to draw for the appeal rate, and why.
    assert any("send_tribunals_and_appeal_rate_*.csv` has not been imported" in i.value
               for i in at.info)


def test_after_an_import_the_table_is_the_comparison(run_app: Callable[..., AppTest],
                                                     released_db: Path) -> None:
    at = run_app(PAGE, db=released_db)
    assert not any("No DfE release imported yet" in i.value for i in at.info)
    frame = chart_table(at, MEASURE)
    with reader(released_db) as con:
        expected = comparison(con, "Northshire", MEASURE)
    pd.testing.assert_frame_equal(published(frame), expected, check_dtype=False)
    assert set(expected.role) == {"England", "statistical neighbour"}
    assert set(expected.area) == {"England", "Cumberland", "Cornwall"}
    # An LA from the imported release, with its region.
    at.selectbox(key="bench_la").select("Hartlepool").run()
    frame = chart_table(at, MEASURE)
    with reader(released_db) as con:
        expected = comparison(con, "Hartlepool", MEASURE)
    pd.testing.assert_frame_equal(published(frame), expected, check_dtype=False)
    assert list(expected[expected.year == 2024].role) == ["local authority", "region", "England"]
    about = [e for e in at.expander if e.label == "About this metric"][0]
    # The file name comes from the data, so it is escaped Markdown (renders as its characters).
    assert (f"Imported from {plain('timeliness_20_week.csv')}"
            in " ".join(m.value for m in about.markdown))


def test_a_release_uploaded_on_the_page_is_imported(run_app: Callable[..., AppTest],
                                                    sample_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "upload.duckdb"
    shutil.copy(sample_db, db)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("data/timeliness_20_week.csv", timeliness_csv())
    at = run_app(PAGE, db=db)
    at.file_uploader(key="bench_upload").set_value(("release.zip", buffer.getvalue(),
                                                    "application/zip"))
    at.run()
    at.button(key="bench_import").click().run()
    assert not at.exception and not at.error
    assert any("release.zip/data/timeliness_20_week.csv: 16 rows" in s.value for s in at.success)
    glance = table(at, "Measure", "Statistical neighbours").set_index("Measure")
    assert glance.loc["Within 20 weeks (excl. exceptions)", "Statistical neighbours"] == (
        "25.0% to 70.0% (2024, 2 of them)")
    entry = json.loads((tmp_path / "audit.jsonl").read_text().splitlines()[-1])
    assert (entry["actor"], entry["action"], entry["detail"]["what"]) == (
        "dan (dco, password)", "load", "DfE benchmarks")


def test_a_visitor_cannot_import_a_release(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PAGE, role=None)
    assert not at.get("file_uploader")
    assert any("Sign in as a DCO or admin to import" in i.value for i in at.info)


def test_a_file_that_is_not_the_release_imports_nothing(run_app: Callable[..., AppTest],
                                                        tiny_db: Path) -> None:
    at = run_app(PAGE, db=tiny_db)
    at.file_uploader(key="bench_upload").set_value(("notes.csv", b"a,b\n1,2\n", "text/csv"))
    at.run()
    at.button(key="bench_import").click().run()
    assert any("Nothing was imported" in e.value for e in at.error)



def test_symbols_are_named_and_small_denominators_flagged(run_app: Callable[..., AppTest],
                                                          sample_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "symbols.duckdb"
    shutil.copy(sample_db, db)
    import_release(db, write(tmp_path / "EHC plans timeliness.csv", publication_files.timeliness()))
    at = run_app(PAGE, db=db)
    at.selectbox(key="bench_la").select("Hartlepool").run()
    assert any("Small denominators" in w.value and "Hartlepool 2024: 3 of 4" in w.value
               for w in at.warning)
    assert not any("designated medical officer" in c.value for c in at.caption)
    import_release(db, write(tmp_path / "flags.csv", publication_files.dmo_dco()))
    at.selectbox(key="bench_la").select("Darlington").run()
    captions = [c.value for c in at.caption]
    assert ("In post, as Darlington told the DfE for 2025 (SEN2): designated medical officer Yes; "
            "designated clinical officer Yes; designated social care officer No.") in captions
    assert any("Darlington: no figure published for 2024: ':' (not available)" in c for c in captions)
    assert not any("Small denominators" in w.value for w in at.warning)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path



def test_a_measure_with_one_figure_shows_a_sentence_and_the_table_not_a_chart(
        run_app: Callable[..., AppTest], sample_db: Path, tmp_path: Path) -> None:
    """Hartlepool has no local records, and for decisions within 6 weeks only England's 2024
    figure: a chart of one point says nothing the table does not, so the page says why it has
    none. The 20-week measure (England's six years) keeps its chart."""
    db = tmp_path / "one-point.duckdb"
    shutil.copy(sample_db, db)
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, _row(2024, "Local authority", "North East",
                                               ("E06000001", "805", "Hartlepool"), 25, 20)])
    import_release(db, write(tmp_path / "timeliness_20_week.csv", buffer.getvalue().encode()))
    at = run_app(PAGE, db=db)
    at.selectbox(key="bench_la").select("Hartlepool").run()
    assert not at.exception
    views = {s.key for s in at.segmented_control}
    assert "bench_decided_within_6_weeks_pct_view" not in views
    assert f"bench_{MEASURE}_view" in views
    assert any(c.value == "No chart: there is only one figure to show, and a chart needs at "
               "least two points to compare. The table holds it." for c in at.caption)
    # The 20-week section is a chart; the 6-week and annual-review sections (England's 2024
    # figure each) are tables in its place.
    shown = [list(zip(d.value["Area"], d.value["Value"], strict=True))
             for d in at.dataframe if "Area" in d.value.columns]
    assert shown == [[("England", 84.8)], [("England", 44.4)]]
