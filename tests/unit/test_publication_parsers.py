"""Parsers of NHS England's CHS waiting-list workbook, the DfE's DMO/DCO flags and the inclusion
dashboard's series, and recognition by content, on hand-made files in the published layouts."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipelines import dmo_dco, nhs_waiting_lists
from pipelines.benchmark_files import SourceFile, parse_cell, symbol_of
from pipelines.benchmarks import find_release_files, parse_tidy, recognise, tidy_spec
from pipelines.readers import FileError
from tests import publication_files as pub


def source(name: str, data: bytes) -> SourceFile:
    return SourceFile(name, name, data)


def workbook(tmp_path: Path, name: str = "CHS-Waiting-Lists Oct 2025 (1).xlsx") -> SourceFile:
    path = pub.chs_workbook(tmp_path / name)
    return source(path.name, path.read_bytes())


def by_org(parsed) -> dict[tuple[str, str], dict]:
    return {(r[3], r[4]): dict(zip(parsed.columns, r, strict=True)) for r in parsed.rows}


@pytest.mark.parametrize("cell, expected", [
    ("c", (None, "c")), ("[c]", (None, "c")), ("low", (None, "low")), ("x", (None, "x")),
    (":", (None, ":")), ("z", (None, "z")), ("u", (None, "u")), ("..", (None, "..")),
    ("~", (None, "~")), ("–", (None, "-")), ("NA", (None, "na")), ("", (None, None)),
    ("1,071", (1071.0, None)), ("0.00%", (0.0, None)),
])
def test_each_symbol_is_kept_as_itself(cell, expected):
    assert parse_cell(cell) == expected


def test_text_is_no_symbol():
    assert symbol_of("Yes") is None
    with pytest.raises(ValueError, match="not a number"):
        parse_cell("12a")


def test_chs_workbook_england_children_community_paediatrics(tmp_path):
    parsed = nhs_waiting_lists.parse(workbook(tmp_path))
    paeds = by_org(parsed)[("England", "Community paediatric service")]
    bands = pub.ENGLAND_PAEDIATRICS
    assert paeds["month"] == "2025-10"  # from the cover's period, not its publication date
    assert paeds["total"] == sum(bands) == 120_215
    assert [paeds[b] for b in nhs_waiting_lists.BANDS.values()] == bands
    assert paeds["over_18_weeks"] == bands[5] + bands[6] + bands[7] == 70_290
    assert paeds["over_52_weeks"] == bands[6] + bands[7] == 22_270
    assert paeds["org_type"] == "National"


def test_chs_workbook_keeps_only_childrens_lines_at_every_level(tmp_path):
    parsed = nhs_waiting_lists.parse(workbook(tmp_path))
    assert {r[4] for r in parsed.rows} == {"Audiology", "Community paediatric service",
                                         "Speech and language therapy service", "Occupational therapy"}
    assert {r[1] for r in parsed.rows} == {"National", "Region", "ICB", "Provider"}
    assert len(parsed.rows) == len(pub.ORGS) * 4
    # Adults' audiology has the same name: only the "(CYP)" column is kept.
    england_audiology = by_org(parsed)[("England", "Audiology")]
    assert england_audiology["total"] == sum(pub._bands(0, 2))
    icb = by_org(parsed)[("NHS North East and North Cumbria Integrated Care Board",
                          "Occupational therapy")]
    assert icb["org_code"] == "QHM" and icb["total"] == sum(pub._bands(2, 5))


def test_chs_blank_cells_mean_no_submission_never_zero(tmp_path):
    parsed = nhs_waiting_lists.parse(workbook(tmp_path))
    row = by_org(parsed)[("Cumbria, Northumberland, Tyne and Wear NHS Foundation Trust",
                          "Community paediatric service")]
    assert row["total"] is None and row["over_18_weeks"] is None and row["over_52_weeks"] is None


def test_chs_workbook_without_table_4_is_refused(tmp_path):
    path = pub.chs_workbook(tmp_path / "chs.xlsx")
    book = load_workbook(path)
    del book["Table 4"]
    book.save(path)
    file = source(path.name, path.read_bytes())
    assert recognise(file) is None
    with pytest.raises(FileError, match=r"chs.xlsx: no table 4 \(the total waiting list\)"):
        nhs_waiting_lists.parse(file)


def test_chs_workbook_without_a_month_is_refused(tmp_path):
    path = pub.chs_workbook(tmp_path / "chs.xlsx", month="the latest month")
    with pytest.raises(FileError, match="no month"):
        nhs_waiting_lists.parse(source(path.name, path.read_bytes()))


def test_inclusion_series_na_is_missing_and_bands_summed():
    parsed = nhs_waiting_lists.parse(source("la_ch_time_series_derived.csv", pub.inclusion_series()))
    rows = by_org(parsed)
    england = rows[("England", "Community paediatric service")]
    assert (england["month"], england["org_type"]) == ("2023-01", "National")
    assert (england["total"], england["over_18_weeks"], england["over_52_weeks"]) == (
        64597, 26676 + 6795, 6795)
    assert rows[("London", "Speech and language therapy service")]["org_type"] == "Region"
    dorset = rows[("Dorset", "Occupational therapy")]
    assert dorset["total"] is None and dorset["over_18_weeks"] is None


def test_dmo_dco_flags_as_published():
    parsed = dmo_dco.parse(source("any name.csv", pub.dmo_dco()))
    rows = {(r[0], r[4]): r[5:8] for r in parsed.rows}
    assert rows == {("Hartlepool", 2024): ("Yes", "Recruiting", "n/a"),
                    ("Hartlepool", 2025): ("No", "Yes", "Yes"),
                    ("Darlington", 2025): ("Yes", "Yes", "No")}


def test_dmo_dco_without_its_flag_columns_is_refused():
    data = pub.csv_text([pub.AREA + ["des_med_off", "des_clin_off"],
                         ["2025", "Calendar year", *pub.HARTLEPOOL, "Yes", "No"]]).replace(
        b"la_name", b"la")
    with pytest.raises(FileError, match=r"x.csv: not the DfE sen2_dmo_dco.csv \(missing columns: la_name\)"):
        dmo_dco.parse(source("x.csv", data))


@pytest.mark.parametrize("name, data, dataset", [
    ("download (3).csv", pub.timeliness(), "timeliness"),
    ("SEND Tribunals and appeal rate 2014-2024.csv", pub.appeal_rate_table(), "appeal_rate"),
    ("flags.csv", pub.dmo_dco(), "dmo_dco"),
    ("series.csv", pub.inclusion_series(), "chs_waiting_series"),
    ("notes.csv", b"a,b\n1,2\n", None),
])
def test_recognised_by_content_whatever_the_name(name, data, dataset):
    assert recognise(source(name, data)) == dataset


def test_workbook_recognised_by_content(tmp_path):
    assert recognise(workbook(tmp_path, "report.xlsx")) == "chs_waiting_lists"


@pytest.mark.parametrize("data, message", [
    (pub.other_dfe_table(), "a DfE table, but not one imported here"),
    (pub.csv_text([pub.AREA + ["pc_within_20_weeks"], ["2021", "Calendar year", *pub.ENGLAND, "5"]]),
     "a DfE table, but not one imported here"),
    (pub.csv_text([["time_period", "geographic_level", "la_name", "indicator", "value"]]),
     "a DfE table, but not one imported here"),
    (pub.csv_text([["Organisation", "indicator", "value"], ["England", "x", "NA"]]),
     "fit no benchmark table"),
    (b"hello", "not a DfE, MoJ or NHS England file imported here"),
])
def test_a_file_alone_that_fits_nothing_is_refused_clearly(tmp_path, data, message):
    path = tmp_path / "old.csv"
    path.write_bytes(data)
    with pytest.raises(FileError) as exc:
        find_release_files(path)
    assert str(exc.value).startswith("old.csv: ") and message in str(exc.value)


def test_the_2022_release_loads_the_measures_its_columns_carry(tmp_path):
    path = tmp_path / "sen2_mi.csv"
    path.write_bytes(pub.sen2_mi_2022())
    found = find_release_files(path)
    assert list(found) == ["timeliness"]
    spec = tidy_spec(set(pub.AREA) | {"no_exc_20week_rate"})
    assert spec is not None and spec.file == "sen2_mi.csv"
    parsed = parse_tidy(found["timeliness"], spec)
    rows = {(r[1], r[6]): r for r in parsed.rows}
    england = rows[("England", "within_20_weeks_pct_excl_exceptions")]
    assert (england[5], *england[7:10]) == (2021, 60.8, 34105.0, 56094.0)
    assert rows[("England", "within_20_weeks_pct_incl_exceptions")][7:10] == (59.9, 35520.0, 59299.0)
    assert rows[("Darlington", "within_20_weeks_pct_excl_exceptions")][7:10] == (75.0, 3.0, 4.0)
    # Hartlepool issued no plans: the rate is "z" (not applicable) over a denominator of 0.
    hartlepool = rows[("Hartlepool", "within_20_weeks_pct_excl_exceptions")]
    assert hartlepool[7:10] == (None, None, 0.0) and hartlepool[11:14] == ("z", "z", None)


def test_the_inclusion_dashboards_long_form_loads_where_its_indicators_fit(tmp_path):
    path = tmp_path / "inclusion dashboard ehcp.csv"
    path.write_bytes(pub.inclusion_long())
    found = find_release_files(path)
    assert list(found) == ["timeliness"]
    parsed = parse_tidy(found["timeliness"], tidy_spec({"pc_plans_issued_20_weeks_ex"}))
    rows = {(r[1], r[6]): r for r in parsed.rows}
    assert rows[("England", "within_20_weeks_pct_excl_exceptions")][7:10] == (46.4, 42224.0, 91000.0)
    # NA: not available, kept as such, never zero.
    assert rows[("Hartlepool", "within_20_weeks_pct_excl_exceptions")][7:14] == (
        None, None, None, "inclusion dashboard ehcp.csv", "na", "na", "na")
    # The measure whose indicators the file lacks is named, not silently missing.
    assert any("within_20_weeks_pct_incl_exceptions" in w for w in parsed.warnings)


def test_long_form_indicators_that_fit_nothing_are_refused(tmp_path):
    path = tmp_path / "nhs.csv"
    path.write_bytes(pub.csv_text([
        ["time_period", "geographic_level", "la_name", "indicator", "value"],
        ["2024", "Local authority", "Hartlepool", "Percentage waiting more than 18 weeks", "NA"]]))
    with pytest.raises(FileError, match="nhs.csv: a DfE table, but not one imported here"):
        find_release_files(path)


def test_the_england_series_without_organisation_columns_is_englands():
    data = pub.csv_text([
        ["", "Therapy", "Total waiting list", "Waiting >18-52 weeks", "Waiting >52 weeks", "Date",
         "Percentage waiting more than 18 weeks", "formattedDate"],
        ["1", "Community Paediatric Service", "64597", "26676", "6795", " January 2023", "51.8",
         "2023-01-01"]])
    file = source("eng_series.csv", data)
    assert recognise(file) == "chs_waiting_series"
    (row,) = nhs_waiting_lists.parse(file).rows
    assert row[:6] == ("2023-01", "National", None, "England", "Community paediatric service", 64597.0)
    named = dict(zip(nhs_waiting_lists.COLUMNS, row, strict=True))
    assert (named["over_18_weeks"], named["over_52_weeks"]) == (26676.0 + 6795.0, 6795.0)


def test_a_cell_that_is_no_figure_is_named_by_sheet_row_and_column(tmp_path):
    path = pub.chs_workbook(tmp_path / "chs.xlsx")
    book = load_workbook(path)
    book["Table 4g"]["G5"] = "about 40"  # England, (CYP) Community paediatric service
    book.save(path)
    with pytest.raises(FileError, match=r"chs.xlsx: sheet 'Table 4g', row 5, column G: "
                                        r"'about 40' is not a number"):
        nhs_waiting_lists.parse(source(path.name, path.read_bytes()))


def test_a_workbook_of_adults_lines_only_is_not_the_childrens_lists(tmp_path):
    path = pub.chs_workbook(tmp_path / "chs.xlsx")
    book = load_workbook(path)
    for sheet in book.worksheets[1:]:
        for cell in sheet[4]:
            if str(cell.value or "").startswith("(CYP)"):
                cell.value = str(cell.value).replace("(CYP)", "(A)")
    book.save(path)
    with pytest.raises(FileError, match="chs.xlsx: no sheet of it is a DfE, MoJ or NHS England table"):
        find_release_files(path)


def test_other_tables_of_the_publication_are_left_alone(tmp_path):
    path = pub.chs_workbook(tmp_path / "chs.xlsx")
    book = load_workbook(path)
    other = book.create_sheet("Table 3")
    other.append(["Table 3: Referrals received, October 2025"])
    other.append(["Organisation Type", "Org Code", "Org Name", "(CYP) Wheelchair services"])
    other.append(["National", None, "England", 999])
    book.save(path)
    parsed = nhs_waiting_lists.parse(source(path.name, path.read_bytes()))
    assert "Wheelchair services" not in {r[4] for r in parsed.rows}
    assert len(parsed.rows) == len(pub.ORGS) * 4


@pytest.mark.parametrize("label, expected", [
    ("National", "National"), ("ENGLAND", "National"), ("NHS Region", "Region"),
    ("Integrated Care Board", "ICB"), ("ICB", "ICB"), ("NHS Trust", "Provider"),
    ("Independent sector provider", "Provider"), ("Sub-ICB location", None), ("", None),
])
def test_organisation_types_as_spelled(label, expected):
    assert nhs_waiting_lists.org_type_of(label) == expected
