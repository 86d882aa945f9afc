"""The DfE release into DuckDB and out again: published values, re-imports, zips, bad files, the CLI.

The DfE's own files are the release bundled with the product (pipelines/reference/dfe-ehcp-2025/,
Open Government Licence v3.0), unpacked once for this module into a temporary folder.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines import bootstrap, config
from pipelines.benchmark_show import show
from pipelines.benchmarks import comparison, import_release
from pipelines.cli import main
from pipelines.db import connect_writer, ensure_schema, reader
from pipelines.readers import FileError

pytestmark = pytest.mark.xdist_group("benchmarks_release")  # one worker: its module fixtures are made once

BUNDLED = bootstrap.RELEASE
_UNPACKED = tempfile.TemporaryDirectory(prefix="dfe-ehcp-2025-")  # removed when the run ends
with zipfile.ZipFile(BUNDLED) as _zip:
    _zip.extractall(_UNPACKED.name)
RELEASE = Path(_UNPACKED.name)
FILES = ["timeliness_20_week.csv", "requests.csv", "annual_reviews.csv",
         "send_tribunals_and_appeal_rate_2014-2024.csv"]
needs_release = pytest.mark.skipif(
    not all((RELEASE / f).exists() for f in FILES),
    reason=f"the bundled DfE release {BUNDLED} lacks a file")


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding one import of the real release, shared by the read-only tests."""
    if not all((RELEASE / f).exists() for f in FILES):
        pytest.skip(f"the DfE release files are not at {RELEASE}")
    db = tmp_path_factory.mktemp("released") / "bench.duckdb"
    import_release(db, RELEASE)
    return db


def fetch(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with reader(db) as con:
        return con.execute(sql, params or []).fetchall()


def snapshot(db: Path) -> list[tuple]:
    return fetch(db, "SELECT * FROM benchmarks ORDER BY ALL")


def copy_release(target: Path) -> Path:
    target.mkdir()
    for name in FILES:
        shutil.copy(RELEASE / name, target / name)
    return target


# --- published values come out exactly ------------------------------------------------------

@needs_release
@pytest.mark.parametrize("year, measure, expected", [
    ("2024", "within_20_weeks_pct_excl_exceptions", 46.4),
    ("2024", "within_20_weeks_pct_incl_exceptions", 45.9),
    ("2019", "within_20_weeks_pct_excl_exceptions", 60.4),
    ("2019", "within_20_weeks_pct_incl_exceptions", 58.7),
    ("2022", "within_20_weeks_pct_excl_exceptions", 49.2),
    ("2024", "decided_within_6_weeks_pct", 84.8),
    ("2024", "annual_review_decisions_within_4_weeks_pct", 44.4),
    ("2024", "requests_received", 154489),
    ("2019", "requests_received", 82329),
    ("2024", "appeal_rate_pct", 3.2),
])
def test_england_published_figures(released, year, measure, expected):
    assert show(released, "England")["years"][year][measure] == expected


@needs_release
def test_numerators_and_denominators_are_kept(released):
    rows = fetch(released, "SELECT measure, numerator, denominator FROM benchmarks "
                           "WHERE area_level = 'national' AND year = 2024 ORDER BY measure")
    assert rows == [
        ("annual_review_decisions_within_4_weeks_pct", 154924.0, None),
        ("appeal_rate_pct", 22276.0, 689739.0),
        ("appeal_rate_pct_in_development", 22276.0, 364912.0),
        ("decided_within_6_weeks_pct", 126160.0, None),
        ("requests_received", None, None),
        ("within_20_weeks_pct_excl_exceptions", 39407.0, 84866.0),
        ("within_20_weeks_pct_incl_exceptions", 41448.0, 90392.0),
    ]


@needs_release
def test_measures_the_files_lack_are_absent(released):
    years = show(released, "England")["years"]
    assert "decided_within_6_weeks_pct" not in years["2022"]  # "x" before the 2023 collection
    assert "annual_review_decisions_within_4_weeks_pct" not in years["2023"]
    assert set(years["2014"]) == {"appeal_rate_pct"}
    # Dorset classed every 2024 plan as excepted: the excluding figure is "x", not 0.
    dorset = show(released, "Dorset")["years"]["2024"]
    assert "within_20_weeks_pct_excl_exceptions" not in dorset
    assert dorset["within_20_weeks_pct_incl_exceptions"] == 49.1


@needs_release
def test_an_la_by_name_old_code_and_new_code_gives_the_same(released):
    by_name = show(released, "Darlington")
    assert by_name == show(released, "841") == show(released, "E06000005") == show(
        released, "darlington borough council")
    assert by_name["area"] == "Darlington"
    assert by_name["years"]["2024"]["within_20_weeks_pct_excl_exceptions"] == 72.5
    assert by_name["years"]["2024"]["within_20_weeks_pct_incl_exceptions"] == 72.1


@needs_release
def test_darlington_appeal_rate_from_the_tribunal_table(released):
    assert show(released, "Darlington")["years"]["2023"]["appeal_rate_pct"] == 1.3
    assert fetch(released, "SELECT value, numerator, denominator, old_la_code, region_name "
                           "FROM benchmarks WHERE area_name = 'Darlington' AND year = 2023 "
                           "AND measure = 'appeal_rate_pct'") == [(1.3, 14.0, 1071.0, "841",
                                                                   "North East")]


@needs_release
def test_a_dash_in_the_appeal_table_is_nil_appeals(released):
    # Darlington 2014 reads " - ,450,0.00%": no appeals registered, a published rate of 0.
    assert fetch(released, "SELECT value, numerator, denominator FROM benchmarks "
                           "WHERE area_name = 'Darlington' AND year = 2014 "
                           "AND measure = 'appeal_rate_pct'") == [(0.0, 0.0, 450.0)]
    # ".." (not available) stays absent: Cumberland only exists from 2023.
    cumberland = show(released, "Cumberland")["years"]
    assert "2022" not in cumberland or "appeal_rate_pct" not in cumberland["2022"]
    assert cumberland["2023"]["appeal_rate_pct"] == 1.0


@needs_release
def test_appeal_rows_with_another_las_code_are_placed_by_name(released):
    # The 2025 table gives Nottingham code 891 (Nottinghamshire's); its decisions are the city's.
    rows = dict(fetch(released, "SELECT area_name, denominator FROM benchmarks WHERE year = 2024 "
                                "AND measure = 'appeal_rate_pct' "
                                "AND area_name IN ('Nottingham', 'Nottinghamshire')"))
    assert rows == {"Nottingham": 2102.0, "Nottinghamshire": 5919.0}


@needs_release
def test_a_region(released):
    years = show(released, "NORTH EAST")["years"]
    assert show(released, "North East")["area"] == "North East"
    assert years["2024"]["within_20_weeks_pct_excl_exceptions"] == 49.0
    assert years["2024"]["within_20_weeks_pct_incl_exceptions"] == 47.6
    assert years["2024"]["decided_within_6_weeks_pct"] == 92.7
    assert years["2024"]["annual_review_decisions_within_4_weeks_pct"] == 24.8
    # The tribunal table gives no region totals, and none is computed.
    assert all("appeal_rate_pct" not in v for v in years.values())


@needs_release
def test_no_duplicate_area_year_measure(released):
    assert fetch(released, "SELECT area_level, area_name, year, measure FROM benchmarks "
                           "GROUP BY ALL HAVING count(*) > 1") == []
    assert fetch(released, "SELECT DISTINCT area_level FROM benchmarks ORDER BY 1") == [
        ("local authority",), ("national",), ("regional",)]


# --- imports: again, from a zip, bad files ------------------------------------------------------

@needs_release
def test_reimport_is_idempotent(tmp_path):
    db = tmp_path / "bench.duckdb"
    first = import_release(db, RELEASE)
    before = snapshot(db)
    second = import_release(db, RELEASE)
    assert snapshot(db) == before
    # The release folder also holds sen2_dmo_dco.csv, stored in its own table.
    def into_benchmarks(result: dict) -> int:
        return sum(f["rows"] for f in result["files"] if f["dataset"] != "dmo_dco")
    assert len(before) == into_benchmarks(first) == into_benchmarks(second)
    flags = next(f["rows"] for f in first["files"] if f["dataset"] == "dmo_dco")
    assert fetch(db, "SELECT count(*) FROM benchmark_dmo_dco") == [(flags,)]
    imports = fetch(db, "SELECT dataset, file, rows, sha256 FROM benchmark_imports ORDER BY ALL")
    assert len(imports) == 10 and {r[1] for r in imports} == {*FILES, "sen2_dmo_dco.csv"}


@needs_release
def test_import_from_a_zip_of_the_release(released, tmp_path):
    archive = tmp_path / "education-health-and-care-plans_2025.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in FILES:
            zf.write(RELEASE / name, f"data/{name}")
        zf.writestr("data-guidance/data-guidance.txt", "guidance")
    db = tmp_path / "zip.duckdb"
    result = import_release(db, archive)
    assert sorted(f["file"] for f in result["files"]) == sorted(f"{archive.name}/data/{n}" for n in FILES)
    assert snapshot(db) == snapshot(released)


@needs_release
@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_a_bad_file_leaves_the_database_unchanged(tmp_path, damage):
    db = tmp_path / "bench.duckdb"
    import_release(db, RELEASE)
    before = snapshot(db)
    imports_before = fetch(db, "SELECT count(*) FROM benchmark_imports")
    folder = copy_release(tmp_path / "release")
    target = folder / "timeliness_20_week.csv"
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 2] if damage == "truncated" else b"\x00\xff" * 500)
    with pytest.raises(FileError) as exc:
        import_release(db, folder)
    assert str(exc.value).startswith("timeliness_20_week.csv: ")
    assert "\n" not in str(exc.value)
    assert snapshot(db) == before
    assert fetch(db, "SELECT count(*) FROM benchmark_imports") == imports_before


def test_a_folder_without_the_files_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileError, match="empty: none of the release files found"):
        import_release(tmp_path / "bench.duckdb", tmp_path / "empty")
    assert not (tmp_path / "bench.duckdb").exists()


# --- small hand-made release: replacement per dataset ------------------------------------------

HEADER = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
          "region_code", "region_name", "new_la_code", "old_la_code", "la_name", "breakdown_topic",
          "breakdown", "plans_issued_den", "plans_issued_den_ex", "plans_issued_within_20_weeks",
          "plans_issued_20_weeks_ex", "pc_plans_issued_within_20_weeks", "PC_plans_issued_20_weeks_ex"]


def write_timeliness(folder: Path, excl: str) -> Path:
    folder.mkdir(exist_ok=True)
    buffer = io.StringIO()
    csv.writer(buffer).writerows([
        HEADER,
        ["2024", "Calendar year", "National", "E92000001", "England", "", "", "", "", "",
         "All EHC plans issued", "All EHC plans issued", "100", "90", "50", "45", "50", excl],
        ["2024", "Calendar year", "Local authority", "E92000001", "England", "E12000001",
         "North East", "E06000001", "805", "Hartlepool", "All EHC plans issued",
         "All EHC plans issued", "10", "9", "5", "5", "50", "55.6"],
    ])
    (folder / "timeliness_20_week.csv").write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    return folder


def write_appeals(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    rows = [["SEND Appeal rate table 1", "", "", ""], ["Local Authority", "LA code", "2023", "", ""],
            ["", "", "Appeals registered4", "Total Appealable Decisions1", "SEND Tribunal Appeal Rate2"],
            ["NORTH EAST", "", "", "", ""], ["Hartlepool", "805", "22", "934", "2.40%"],
            ["England Total4,9", "", "15,615", "617,776", "2.50%"]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    (folder / "send_tribunals_and_appeal_rate_2014-2023.csv").write_text(buffer.getvalue())
    return folder


def test_each_dataset_replaces_only_its_own_rows(tmp_path):
    db = tmp_path / "bench.duckdb"
    both = write_appeals(write_timeliness(tmp_path / "both", excl="50.0"))
    import_release(db, both)
    assert show(db, "England")["years"]["2024"]["within_20_weeks_pct_excl_exceptions"] == 50.0
    # A later timeliness file alone supersedes the timeliness rows and keeps the appeal rates.
    import_release(db, write_timeliness(tmp_path / "later", excl="51.5"))
    england = show(db, "England")["years"]
    assert england["2024"]["within_20_weeks_pct_excl_exceptions"] == 51.5
    assert england["2023"]["appeal_rate_pct"] == 2.5
    assert show(db, "Hartlepool")["years"] == {
        "2023": {"appeal_rate_pct": 2.4},
        "2024": {"within_20_weeks_pct_excl_exceptions": 55.6,
                 "within_20_weeks_pct_incl_exceptions": 50.0}}
    assert fetch(db, "SELECT count(*) FROM benchmarks") == [(6,)]  # 2 areas x 2 measures + 2 rates


# --- without an import ---------------------------------------------------------------------------

def test_show_without_any_import_gives_englands_headline_series(tmp_path):
    db = tmp_path / "never.duckdb"
    result = show(db, "England")
    assert not db.exists()  # showing creates nothing
    assert result["area"] == "England"
    assert list(result["years"]) == ["2019", "2020", "2021", "2022", "2023", "2024"]
    assert result["years"]["2019"]["within_20_weeks_pct_excl_exceptions"] == 60.4
    assert result["years"]["2019"]["within_20_weeks_pct_incl_exceptions"] == 58.7
    assert result["years"]["2024"] == {
        "within_20_weeks_pct_excl_exceptions": 46.4, "within_20_weeks_pct_incl_exceptions": 45.9,
        "decided_within_6_weeks_pct": 84.8, "annual_review_decisions_within_4_weeks_pct": 44.4,
        "requests_received": 154489, "new_plans": 97747}
    assert show(db, "North East") == {"area": "North East", "years": {}}


def test_show_on_a_database_without_the_benchmarks_table(tmp_path):
    db = tmp_path / "loads-only.duckdb"
    connect_writer(db).close()
    assert show(db, "England")["years"]["2023"]["within_20_weeks_pct_excl_exceptions"] == 50.3
    assert show(db, "Darlington") == {"area": "Darlington", "years": {}}


# --- comparison: an LA beside its region, England and its statistical neighbours ---------------

@pytest.fixture
def darlington_is_local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings = tmp_path / "settings.toml"
    settings.write_text('[area]\nname = "Test"\n\n[[local_authorities]]\nname = "Darlington"\n'
                        'statistical_neighbours = ["Hartlepool", "Stockton on Tees", "E06000002"]\n')
    monkeypatch.setenv("SEND_SETTINGS", str(settings))
    config.load_settings.cache_clear()
    config._la_index.cache_clear()
    yield
    config.load_settings.cache_clear()
    config._la_index.cache_clear()


@needs_release
def test_comparison_sets_an_la_beside_region_england_and_neighbours(released, darlington_is_local):
    with reader(released) as con:
        frame = comparison(con, "841", "within_20_weeks_pct_excl_exceptions")
    assert list(frame.columns) == ["area", "role", "year", "value", "numerator", "denominator"]
    y2024 = frame[frame.year == 2024]
    assert list(zip(y2024.area, y2024.role, y2024.value, strict=True)) == [
        ("Darlington", "local authority", 72.5),
        ("North East", "region", 49.0),
        ("England", "England", 46.4),
        ("Hartlepool", "statistical neighbour", 74.6),
        ("Stockton-on-Tees", "statistical neighbour", 71.2),
        ("Middlesbrough", "statistical neighbour", 98.0),
    ]
    assert sorted(frame[frame.role == "England"].year) == [2019, 2020, 2021, 2022, 2023, 2024]


@needs_release
def test_comparison_of_the_appeal_rate(released, darlington_is_local):
    with reader(released) as con:
        frame = comparison(con, "Darlington", "appeal_rate_pct")
    row = frame[(frame.year == 2023) & (frame.role == "local authority")]
    assert list(row.value) == [1.3] and list(row.numerator) == [14.0]
    assert "region" not in set(frame.role)  # the table has no region totals
    assert set(frame[frame.year == 2024].role) == {"local authority", "England", "statistical neighbour"}


def test_comparison_without_benchmarks_falls_back_to_england_headlines(tmp_path):
    db = tmp_path / "bare.duckdb"
    connect_writer(db).close()
    with reader(db) as con:
        frame = comparison(con, "Northshire", "within_20_weeks_pct_excl_exceptions")
    assert set(frame.role) == {"England"}
    assert dict(zip(frame.year, frame.value, strict=True))[2024] == 46.4
    with reader(db) as con, pytest.raises(ValueError, match="unknown measure"):
        comparison(con, "Northshire", "happiness_pct")


def test_the_benchmark_tables_are_made_repeatably():
    con = duckdb.connect()
    ensure_schema(con)
    ensure_schema(con)
    assert con.execute("SELECT count(*) FROM benchmarks").fetchall() == [(0,)]


# --- the command line ---------------------------------------------------------------------------

@needs_release
def test_cli_import_and_show(tmp_path, capsys):
    db = str(tmp_path / "bench.duckdb")
    assert main(["benchmarks", "import", str(RELEASE), "--db", db]) == 0
    out = capsys.readouterr().out.splitlines()
    # 1,930 figures and 10 rows where every figure is a symbol (x, z), kept as such
    assert "timeliness_20_week.csv: 1,940 rows, years 2019-2024, 165 areas" in out
    assert len(out) == 5  # the four files of FILES and sen2_dmo_dco.csv
    assert main(["benchmarks", "--db", db, "show", "--area", "E06000005", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["area"] == "Darlington"
    assert result["years"]["2023"]["appeal_rate_pct"] == 1.3
    assert main(["benchmarks", "show", "--area", "england", "--db", db]) == 0
    assert "46.4" in capsys.readouterr().out


def test_cli_errors(tmp_path, capsys):
    db = str(tmp_path / "bench.duckdb")
    folder = write_timeliness(tmp_path / "bad", excl="50.0")
    (folder / "timeliness_20_week.csv").write_text("time_period,breakdown\n2024")
    assert main(["benchmarks", "import", str(folder), "--db", db]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: timeliness_20_week.csv: ") and err.count("\n") == 1
    assert main(["benchmarks", "show", "--area", "Westshire", "--db", db]) == 2
    assert "unknown area 'Westshire'" in capsys.readouterr().err
    assert main(["benchmarks", "show", "--area", "England", "--json", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["years"]["2024"]["within_20_weeks_pct_excl_exceptions"] == 46.4


@needs_release
def test_the_release_zip_with_spaced_names_keeps_the_appeal_rate(tmp_path):
    # As the 2025 zip is published: the tribunal table named with spaces, beside the tidy CSVs.
    archive = tmp_path / "ehcp-2025.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in FILES:
            member = ("SEND Tribunals and appeal rate 2014-2024.csv"
                      if name.startswith("send_tribunals") else name)
            zf.write(RELEASE / name, f"data/{member}")
    db = tmp_path / "bench.duckdb"
    result = import_release(db, archive)
    assert {f["dataset"] for f in result["files"]} == {
        "timeliness", "requests", "annual_reviews", "appeal_rate"}
    assert show(db, "England")["years"]["2024"]["appeal_rate_pct"] == 3.2
    assert show(db, "Darlington")["years"]["2023"]["appeal_rate_pct"] == 1.3
