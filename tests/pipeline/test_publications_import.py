"""Published files into DuckDB and out through `benchmarks show --json`: a zip with spaced member
names, the DfE's symbols kept distinct, small denominators flagged, DMO/DCO flags and NHS
England's children's waiting lists. Hand-made files in the published layouts (tests/publication_files)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipelines.benchmark_show import show
from pipelines.benchmarks import import_release
from pipelines.cli import main
from pipelines.db import reader
from tests import publication_files as pub
from tests.hostile import workbook as hostile_workbook


@pytest.fixture
def release_zip(tmp_path: Path) -> Path:
    """A release zip as downloaded: members in a folder, names with spaces and no DfE names."""
    workbook = pub.chs_workbook(tmp_path / "CHS waiting lists October 2025.xlsx")
    archive = tmp_path / "EHCP release 2025 (1).zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("data/SEND Tribunals and appeal rate 2014-2024.csv", pub.appeal_rate_table())
        zf.writestr("data/EHC plans timeliness 20 week.csv", pub.timeliness())
        zf.writestr("data/DMO and DCO in post.csv", pub.dmo_dco())
        zf.writestr("data/assessments.csv", pub.other_dfe_table())  # not imported: skipped
        zf.writestr("data-guidance/data-guidance.txt", b"x - unavailable\nz - Not applicable\n")
        zf.write(workbook, "nhs/CHS waiting lists October 2025.xlsx")
    return archive


def shown(db: Path, area: str, capsys: pytest.CaptureFixture) -> dict:
    assert main(["benchmarks", "show", "--area", area, "--json", "--db", str(db)]) == 0
    return json.loads(capsys.readouterr().out)


def test_zip_with_spaced_names_loads_every_publication(tmp_path, release_zip):
    db = tmp_path / "bench.duckdb"
    result = import_release(db, release_zip)
    assert {f["dataset"]: f["rows"] for f in result["files"]} == {
        "appeal_rate": 8, "timeliness": 6, "dmo_dco": 3, "chs_waiting_lists": 20}
    tribunal = next(f for f in result["files"] if f["dataset"] == "appeal_rate")
    assert tribunal["file"] == f"{release_zip.name}/data/SEND Tribunals and appeal rate 2014-2024.csv"
    # The appeal rate survives, with its numerator and denominator.
    assert show(db, "England")["figures"]["2024"]["appeal_rate_pct"] == {
        "value": 3.2, "status": None, "meaning": None, "numerator": 22276, "numerator_status": None,
        "denominator": 689739, "denominator_status": None, "small_denominator": False}
    assert show(db, "Darlington")["years"]["2023"]["appeal_rate_pct"] == 1.3


def test_symbols_stay_distinct_in_show_json(tmp_path, release_zip, capsys):
    db = tmp_path / "bench.duckdb"
    import_release(db, release_zip)
    darlington = shown(db, "Darlington", capsys)
    incl = darlington["figures"]["2024"]["within_20_weeks_pct_incl_exceptions"]
    excl = darlington["figures"]["2024"]["within_20_weeks_pct_excl_exceptions"]
    assert (incl["value"], incl["status"], incl["numerator_status"], incl["denominator_status"]) == (
        None, "u", "low", "c")
    assert (excl["value"], excl["status"], excl["numerator_status"], excl["denominator_status"]) == (
        None, ":", "x", "z")
    assert incl["meaning"] == "low reliability" and excl["meaning"] == "not available"
    assert "2024" not in darlington["years"] or "within_20_weeks_pct_incl_exceptions" not in \
        darlington["years"]["2024"]  # never shown as a number, never as zero
    hartlepool = shown(db, "Hartlepool", capsys)
    appeals = hartlepool["figures"]
    assert (appeals["2023"]["appeal_rate_pct"]["value"], appeals["2023"]["appeal_rate_pct"]["numerator"],
            appeals["2023"]["appeal_rate_pct"]["numerator_status"]) == (0.0, 0, "-")
    assert appeals["2024"]["appeal_rate_pct"]["status"] == "~"
    # The in-development rate exists only where the table gives it figures of its own.
    assert "appeal_rate_pct_in_development" not in appeals["2024"]
    # The table printed shows each symbol as itself.
    assert main(["benchmarks", "show", "--area", "Darlington", "--db", str(db)]) == 0
    table = capsys.readouterr().out
    assert " u" in table and " :" in table


def test_small_denominators_are_flagged(tmp_path, release_zip):
    db = tmp_path / "bench.duckdb"
    import_release(db, release_zip)
    figure = show(db, "Hartlepool")["figures"]["2024"]["within_20_weeks_pct_excl_exceptions"]
    assert (figure["value"], figure["numerator"], figure["denominator"]) == (75.0, 3, 4)
    assert figure["small_denominator"] is True
    england = show(db, "England")["figures"]["2024"]["within_20_weeks_pct_excl_exceptions"]
    assert england["small_denominator"] is False


def test_dmo_dco_flags_in_show(tmp_path, release_zip, capsys):
    db = tmp_path / "bench.duckdb"
    import_release(db, release_zip)
    assert shown(db, "805", capsys)["dmo_dco"] == {
        "2024": {"dmo": "Yes", "dco": "Recruiting", "dsco": "n/a"},
        "2025": {"dmo": "No", "dco": "Yes", "dsco": "Yes"}}
    with reader(db) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        # The DfE's published flags are kept apart from those of the LA's own SEN2 returns.
        own = con.execute("SELECT count(*) FROM sen2_header_flags").fetchone()[0]
    assert "benchmark_dmo_dco" in tables and own == 0


def test_waiting_lists_for_england_an_icb_and_a_provider(tmp_path, release_zip, capsys):
    db = tmp_path / "bench.duckdb"
    import_release(db, release_zip)
    england = shown(db, "England", capsys)["waiting_lists"]
    assert england["2025-10"]["Community paediatric service"] == {
        "total": 120215, "over_18_weeks": 70290, "over_52_weeks": 22270}
    by_name = shown(db, "North East and North Cumbria", capsys)
    assert by_name == shown(db, "QHM", capsys)
    assert by_name["area"] == "NHS North East and North Cumbria Integrated Care Board"
    assert set(by_name["waiting_lists"]["2025-10"]) == {
        "Audiology", "Community paediatric service", "Speech and language therapy service",
        "Occupational therapy"}
    provider = shown(db, "RX4", capsys)["waiting_lists"]["2025-10"]
    assert provider["Community paediatric service"] == {
        "total": None, "over_18_weeks": None, "over_52_weeks": None}
    assert shown(db, "North East and Yorkshire", capsys)["area"] == "North East and Yorkshire"


def test_a_later_month_adds_and_the_same_month_replaces(tmp_path):
    db = tmp_path / "bench.duckdb"
    import_release(db, pub.chs_workbook(tmp_path / "a.xlsx", month="October 2025"))
    import_release(db, pub.chs_workbook(tmp_path / "b.xlsx", month="November 2025"))
    import_release(db, pub.chs_workbook(tmp_path / "c.xlsx", month="October 2025"))
    with reader(db) as con:
        months = con.execute("SELECT month, count(*), min(source_file) FROM benchmark_waiting_lists "
                             "GROUP BY month ORDER BY month").fetchall()
    assert months == [("2025-10", 20, "c.xlsx"), ("2025-11", 20, "b.xlsx")]
    assert list(show(db, "England")["waiting_lists"]) == ["2025-10", "2025-11"]


def test_unknown_area_is_still_refused(tmp_path, release_zip, capsys):
    db = tmp_path / "bench.duckdb"
    import_release(db, release_zip)
    assert main(["benchmarks", "show", "--area", "Narnia", "--db", str(db)]) == 2
    assert "unknown area 'Narnia'" in capsys.readouterr().err


def test_a_database_from_before_statuses_still_shows(tmp_path):
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:  # as an earlier version left it: no other table
        con.execute("""CREATE TABLE benchmarks (area_level VARCHAR, area_name VARCHAR,
            old_la_code VARCHAR, new_la_code VARCHAR, region_name VARCHAR, year INTEGER,
            measure VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE,
            source_file VARCHAR)""")
        con.execute("INSERT INTO benchmarks VALUES ('local authority', 'Hartlepool', '805', "
                    "'E06000001', 'North East', 2024, 'appeal_rate_pct', 2.0, 2, 100, 'a.csv')")
    assert show(db, "Hartlepool")["figures"]["2024"]["appeal_rate_pct"]["status"] is None
    import_release(db, pub.chs_workbook(tmp_path / "chs.xlsx"))  # the import adds the columns
    assert show(db, "Hartlepool")["years"]["2024"]["appeal_rate_pct"] == 2.0


def test_cli_describes_a_workbook_by_months_and_organisations(tmp_path, capsys):
    path = pub.chs_workbook(tmp_path / "chs.xlsx")
    assert main(["benchmarks", "import", str(path), "--db", str(tmp_path / "b.duckdb")]) == 0
    assert capsys.readouterr().out.strip() == "chs.xlsx: 20 rows, months 2025-10, 5 organisations"


def test_the_workbook_and_the_dashboards_series_sit_side_by_side(tmp_path):
    folder = tmp_path / "nhs"
    folder.mkdir()
    pub.chs_workbook(folder / "chs.xlsx")
    (folder / "la_ch_time_series_derived.csv").write_bytes(pub.inclusion_series())
    db = tmp_path / "bench.duckdb"
    result = import_release(db, folder)
    assert {f["dataset"]: f["rows"] for f in result["files"]} == {
        "chs_waiting_lists": 20, "chs_waiting_series": 3}
    england = show(db, "England")["waiting_lists"]
    assert england["2023-01"] == {"Community paediatric service": {
        "total": 64597, "over_18_weeks": 33471, "over_52_weeks": 6795}}
    assert england["2025-10"]["Community paediatric service"]["total"] == 120215
    # The series again replaces only its own month and lines.
    import_release(db, folder / "la_ch_time_series_derived.csv")
    assert show(db, "England")["waiting_lists"] == england


def _figures(db: Path) -> list[tuple]:
    with reader(db) as con:
        return con.execute("SELECT * EXCLUDE (source_file) FROM benchmarks ORDER BY ALL").fetchall()


def test_a_dfe_table_saved_as_a_workbook_imports_as_its_csv(tmp_path):
    csv_db, xlsx_db = tmp_path / "csv.duckdb", tmp_path / "xlsx.duckdb"
    (tmp_path / "timeliness.csv").write_bytes(pub.timeliness())
    import_release(csv_db, tmp_path / "timeliness.csv")
    workbook = pub.saved_from_excel(tmp_path / "EHC plans (1).xlsx", {
        "Notes": pub.csv_text([["Downloaded from explore education statistics"]]),
        "timeliness_20_week": pub.timeliness(),
        "appeal rates": pub.appeal_rate_table()})
    result = import_release(xlsx_db, workbook)
    assert {f["dataset"]: f["file"] for f in result["files"]} == {
        "timeliness": "EHC plans (1).xlsx, sheet 'timeliness_20_week'",
        "appeal_rate": "EHC plans (1).xlsx, sheet 'appeal rates'"}
    timeliness = [r for r in _figures(xlsx_db) if r[6].startswith("within_20_weeks")]
    assert timeliness == _figures(csv_db)  # the same figures, symbols and all
    assert show(xlsx_db, "Darlington")["figures"]["2024"][
        "within_20_weeks_pct_incl_exceptions"]["status"] == "u"  # a symbol stays a symbol
    before = _figures(xlsx_db)
    import_release(xlsx_db, workbook)  # imported again: nothing changes
    assert _figures(xlsx_db) == before


def test_a_workbook_holding_no_published_table_is_refused_by_name(tmp_path, capsys):
    workbook = pub.saved_from_excel(tmp_path / "budget.xlsx", {
        "Sheet1": pub.csv_text([["Team", "Spend"], ["SEND", "1,000"]])})
    assert main(["benchmarks", "import", str(workbook), "--db", str(tmp_path / "b.duckdb")]) == 1
    err = capsys.readouterr().err
    assert "budget.xlsx: no sheet of it is a DfE, MoJ or NHS England table imported here" in err


def test_a_workbook_reaching_past_the_limits_is_refused_before_it_is_read(tmp_path, capsys):
    # One cell at XFD1048576: a reader sizing a grid for it would ask for 512 GB.
    path = hostile_workbook(tmp_path / "waiting lists.xlsx",
                            {"A1": "Table 4", "XFD1048576": "x"}, sheet="Table 4")
    assert main(["benchmarks", "import", str(path), "--db", str(tmp_path / "b.duckdb")]) == 1
    assert "waiting lists.xlsx: sheet 'Table 4' is too large to read" in capsys.readouterr().err
