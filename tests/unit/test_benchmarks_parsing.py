"""The benchmark parsers on small hand-made files with the quirks of the DfE and MoJ releases."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from pipelines.benchmark_files import parse_number
from pipelines.benchmarks import (
    LOCAL,
    NATIONAL,
    REGIONAL,
    TIDY,
    SourceFile,
    UnknownArea,
    find_release_files,
    parse_appeal_rate,
    parse_tidy,
    resolve_area,
    strip_footnote,
)
from pipelines.readers import FileError

TIMELINESS = next(s for s in TIDY if s.dataset == "timeliness")
AREA = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
        "region_code", "region_name", "new_la_code", "old_la_code", "la_name", "breakdown_topic",
        "breakdown"]
TIMELINESS_HEADER = AREA + ["plans_issued_den", "plans_issued_den_ex", "plans_issued_within_20_weeks",
                            "plans_issued_20_weeks_ex", "pc_plans_issued_within_20_weeks",
                            "PC_plans_issued_20_weeks_ex"]
ALL = ["All EHC plans issued", "All EHC plans issued"]
ENG = ["E92000001", "England"]


def csv_bytes(rows: list[list[str]], bom: bool = True) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def source(name: str, rows: list[list[str]] | bytes) -> SourceFile:
    data = rows if isinstance(rows, bytes) else csv_bytes(rows)
    return SourceFile(name, name, data)


def timeliness(*rows: list[str]) -> SourceFile:
    return source("timeliness_20_week.csv", [TIMELINESS_HEADER, *rows])


def by_key(parsed) -> dict[tuple, tuple]:
    return {(r[0], r[1], r[5], r[6]): r for r in parsed.rows}


@pytest.mark.parametrize("cell, expected", [
    ("58.7", 58.7), ("1,071", 1071.0), ("364,912", 364912.0), ("1.30%", 1.3), (" 0.00% ", 0.0),
    ("14", 14.0), ("-3", -3.0),
    ("x", None), ("z", None), ("c", None), ("low", None), ("u", None), ("X", None), ("", None),
    ("-", None), (" - ", None), ("..", None), (" .. ", None), ("~", None), ("[x]", None),
])
def test_parse_number(cell, expected):
    assert parse_number(cell) == expected


@pytest.mark.parametrize("cell", ["abc", "1,07", "12a", "1.2.3", "%"])
def test_parse_number_refuses_text(cell):
    with pytest.raises(ValueError, match="not a number"):
        parse_number(cell)


@pytest.mark.parametrize("label, expected", [
    ("Appeals registered4", "Appeals registered"),
    ("Total Appealable Decisions1,9", "Total Appealable Decisions"),
    ("In development: SEND Tribunal Appeal Rate2", "In development: SEND Tribunal Appeal Rate"),
    ("England Total4,9", "England Total"),
    ("Cumberland8", "Cumberland"),
    ("Bristol, City of", "Bristol, City of"),
    ("Darlington", "Darlington"),
])
def test_strip_footnote(label, expected):
    assert strip_footnote(label) == expected


# --- the DfE tidy files ----------------------------------------------------------------------

def test_tidy_keeps_total_rows_of_every_level_and_skips_breakdowns():
    parsed = parse_tidy(timeliness(
        ["2024", "Calendar year", "National", *ENG, "", "", "", "", "", *ALL,
         "90392", "84866", "41448", "39407", "45.9", "46.4"],
        ["2024", "Calendar year", "Regional", *ENG, "E12000001", "North East", "", "", "", *ALL,
         "4198", "3966", "1999", "1943", "47.6", "49"],
        ["2024", "Calendar year", "Local authority", *ENG, "E12000001", "North East", "E06000005",
         "841", "Darlington", *ALL, "160", "157", "116", "114", "72.1", "72.5"],
        ["2024", "Calendar year", "Local authority", *ENG, "E12000001", "North East", "E06000005",
         "841", "Darlington", "Sex", "Female", "50", "50", "40", "40", "80", "80"],
    ), TIMELINESS)
    rows = by_key(parsed)
    assert len(rows) == 6
    england = rows[(NATIONAL, "England", 2024, "within_20_weeks_pct_excl_exceptions")]
    assert england[7:10] == (46.4, 39407.0, 84866.0)
    assert rows[(NATIONAL, "England", 2024, "within_20_weeks_pct_incl_exceptions")][7:10] == (
        45.9, 41448.0, 90392.0)
    assert rows[(REGIONAL, "North East", 2024, "within_20_weeks_pct_excl_exceptions")][7] == 49.0
    darlington = rows[(LOCAL, "Darlington", 2024, "within_20_weeks_pct_incl_exceptions")]
    assert darlington[2:5] == ("841", "E06000005", "North East")
    assert darlington[7] == 72.1  # the total row, not the "Female" breakdown's 80
    assert darlington[10] == "timeliness_20_week.csv"


def test_tidy_symbols_are_null_with_their_status_never_zero():
    parsed = parse_tidy(timeliness(
        # Dorset 2024: every plan had an exception, so the excluding-exceptions figures are x.
        ["2024", "Calendar year", "Local authority", *ENG, "E12000009", "South West", "E06000059",
         "838", "Dorset", *ALL, "1,093", "x", "c", "x", "low", "z"],
        ["2023", "Calendar year", "Local authority", *ENG, "E12000009", "South West", "E06000059",
         "838", "Dorset", *ALL, "u", "x", "x", "x", "x", "x"],
    ), TIMELINESS)
    rows = by_key(parsed)
    incl, excl = "within_20_weeks_pct_incl_exceptions", "within_20_weeks_pct_excl_exceptions"
    # (value, numerator, denominator) then their statuses: every symbol kept as what it is.
    assert rows[(LOCAL, "Dorset", 2024, incl)][7:10] == (None, None, 1093.0)
    assert rows[(LOCAL, "Dorset", 2024, incl)][11:14] == ("low", "c", None)
    assert rows[(LOCAL, "Dorset", 2024, excl)][7:10] == (None, None, None)
    assert rows[(LOCAL, "Dorset", 2024, excl)][11:14] == ("z", "x", "x")
    assert rows[(LOCAL, "Dorset", 2023, incl)][11:14] == ("x", "x", "u")
    assert all(r[7] != 0 for r in parsed.rows)


def test_tidy_la_named_by_its_code_when_the_name_is_unfamiliar():
    parsed = parse_tidy(timeliness(
        ["2022", "Calendar year", "Local authority", *ENG, "E12000001", "North East", "",
         "841", "Darlo", *ALL, "10", "10", "5", "5", "50", "50"],
        ["2022", "Calendar year", "Local authority", *ENG, "E12000001", "North East", "E06000047",
         "", "Co Durham", *ALL, "10", "10", "6", "6", "60", "60"],
    ), TIMELINESS)
    assert {r[1] for r in parsed.rows} == {"Darlington", "County Durham"}


def test_tidy_without_bom_in_windows_1252_reads_the_same():
    row = ["2024", "Calendar year", "National", *ENG, "", "", "", "", "", *ALL,
           "90392", "84866", "41448", "39407", "45.9", "46.4"]
    data = csv_bytes([TIMELINESS_HEADER, row], bom=False).decode().encode("cp1252")
    assert parse_tidy(source("timeliness_20_week.csv", data), TIMELINESS).rows[0][7] == 46.4


@pytest.mark.parametrize("rows, message", [
    ([AREA + ["plans_issued_den"]], "(missing columns: pc_plans_issued_20_weeks_ex, "
                                     "plans_issued_20_weeks_ex, plans_issued_den_ex, "),
    ([["something", "else"], ["1", "2"]], "not the DfE timeliness_20_week.csv"),
    ([TIMELINESS_HEADER, ["2024", "Calendar year", "National", *ENG]],
     "line 2 has 5 fields where the header has 18 (truncated or damaged file)"),
    ([TIMELINESS_HEADER, ["2024", "Calendar year", "National", *ENG, "", "", "", "", "", *ALL,
                          "90392", "84866", "41448", "39407", "45.9", "lots"]],
     "line 2, column pc_plans_issued_20_weeks_ex: 'lots' is not a number"),
    ([TIMELINESS_HEADER, ["202425", "Academic year", "National", *ENG, "", "", "", "", "", *ALL,
                          "1", "1", "1", "1", "1", "1"]], "'202425' is not a calendar year"),
    ([TIMELINESS_HEADER] + [["2024", "Calendar year", "National", *ENG, "", "", "", "", "", *ALL,
                             "1", "1", "1", "1", "1", "1"]] * 2, "a second total row for England"),
])
def test_tidy_errors_name_the_file_in_one_line(rows, message):
    with pytest.raises(FileError) as exc:
        parse_tidy(source("timeliness_20_week.csv", rows), TIMELINESS)
    assert str(exc.value).startswith("timeliness_20_week.csv: ")
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("data, message", [
    (b"", "the file is empty"),
    (b"\x00\x01\x02garbage\x00", "binary content"),
    ((",".join(TIMELINESS_HEADER) + '\n2024,Calendar year,"National\n').encode(), "malformed CSV"),
])
def test_tidy_garbage_is_a_file_error(data, message):
    with pytest.raises(FileError, match=message):
        parse_tidy(source("timeliness_20_week.csv", data), TIMELINESS)


# --- the SEND Tribunal appeal-rate table ------------------------------------------------------

YEARS = ["Local Authority", "LA code", "2022", "", "", "2023", "", "", "", ""]
MEASURE_NAMES = ["", "", "Appeals registered4", "Total Appealable Decisions1",
                 "SEND Tribunal Appeal Rate2", "Appeals registered4", "Total Appealable Decisions1,9",
                 "SEND Tribunal Appeal Rate2", "In development: Total Appealable Decisions1,8",
                 "In development: SEND Tribunal Appeal Rate2"]
BLANK = [""] * 10


def appeal_table(*body: list[str], tail: bool = True) -> SourceFile:
    rows = [["SEND Appeal rate table 1: Appeal rate to the SEND Tribunal1, 2022-20232,3"] + [""] * 9,
            BLANK, BLANK, YEARS, MEASURE_NAMES, *body]
    if tail:
        rows += [["England Total4,9", "", "12,796", "549,887", "2.30%", "15,615", "617,776", "2.50%",
                  "364,912", "6.10%"],
                 ["England total excluding suppressed", "", "", "", "", "15,000", "", "", "", "5.70%"],
                 BLANK,
                 ["Sources:", "Appeals - HMCTS GAPS2", *[""] * 8],
                 ["Notes: "] + [""] * 9,
                 ["5. In 2019 Bournemouth and Poole merged.", *[""] * 9],
                 [".. Not Available"] + [""] * 9,
                 ["~ Suppressed "] + [""] * 9]
    return source("send_tribunals_and_appeal_rate_2014-2023.csv", rows)


def test_appeal_table_quirks():
    parsed = parse_appeal_rate(appeal_table(
        ["NORTH EAST", "", "", "", "", "", "", "", "  ", "  "],
        ["Darlington", "841", "16", "970", "1.60%", "14", "1,071", "1.30%", "700", "1.10%"],
        ["Hartlepool", "805", " - ", "858", "0.00%", "~", "934", "~", " x ", "x"],
        ["Cumberland8", "942", " .. ", " .. ", "..", "29", "2,803", "1.00%", "", ""],
        ["Oldtown5", "", "3", "538", "0.60%", " .. ", " .. ", "..", " .. ", ""],
        ["INNER LONDON", "", "", "", "", "", "", "", "", ""],
        ["Camden", "202", "5", "1,000", "0.50%", "6", "1,100", "0.50%", "", ""],
        ["SOUTH WEST", "", "40", "2,000", "2.00%", "", "", "", "", ""],
    ))
    rows = by_key(parsed)
    # Darlington, as in the 2025 table: 2023 = 14 appeals over "1,071" decisions, 1.30%.
    assert rows[(LOCAL, "Darlington", 2023, "appeal_rate_pct")][2:10] == (
        "841", "E06000005", "North East", 2023, "appeal_rate_pct", 1.3, 14.0, 1071.0)
    assert rows[(LOCAL, "Darlington", 2022, "appeal_rate_pct")][7:10] == (1.6, 16.0, 970.0)
    # The "In development" columns belong to the last year and share its appeals registered.
    assert rows[(LOCAL, "Darlington", 2023, "appeal_rate_pct_in_development")][7:10] == (
        1.1, 14.0, 700.0)
    # " - " is nil (0 appeals, beside a published 0.00%); "~" suppressed and "x" unavailable are NULL.
    assert rows[(LOCAL, "Hartlepool", 2022, "appeal_rate_pct")][7:10] == (0.0, 0.0, 858.0)
    assert rows[(LOCAL, "Hartlepool", 2023, "appeal_rate_pct")][7:10] == (None, None, 934.0)
    assert (LOCAL, "Hartlepool", 2023, "appeal_rate_pct_in_development") not in rows
    assert rows[(LOCAL, "Hartlepool", 2022, "appeal_rate_pct")][11:14] == (None, "-", None)
    assert rows[(LOCAL, "Hartlepool", 2023, "appeal_rate_pct")][11:14] == ("~", "~", None)
    # ".." (not available) years are kept as that symbol, never as zero; footnote digits leave names.
    assert rows[(LOCAL, "Cumberland", 2022, "appeal_rate_pct")][7:14] == (
        None, None, None, "send_tribunals_and_appeal_rate_2014-2023.csv", "..", "..", "..")
    assert rows[(LOCAL, "Cumberland", 2023, "appeal_rate_pct")][7] == 1.0
    # An LA the DfE no longer lists keeps its name and the region heading above it.
    assert rows[(LOCAL, "Oldtown", 2022, "appeal_rate_pct")][2:5] == (None, None, "North East")
    assert any("'Oldtown' is not a current local authority" in w for w in parsed.warnings)
    # INNER LONDON is a grouping, not a region; Camden's region comes from the DfE list.
    assert rows[(LOCAL, "Camden", 2023, "appeal_rate_pct")][4] == "London"
    # A region heading with figures is that region's total.
    assert rows[(REGIONAL, "South West", 2022, "appeal_rate_pct")][7:10] == (2.0, 40.0, 2000.0)
    # The England total; the "excluding suppressed" variant and the notes are not imported.
    assert rows[(NATIONAL, "England", 2023, "appeal_rate_pct")][7:10] == (2.5, 15615.0, 617776.0)
    assert rows[(NATIONAL, "England", 2023, "appeal_rate_pct_in_development")][7:10] == (
        6.1, 15615.0, 364912.0)
    assert {r[1] for r in parsed.rows} == {"Darlington", "Hartlepool", "Cumberland", "Oldtown",
                                           "Camden", "South West", "England"}


def test_appeal_table_places_a_row_by_name_when_its_code_is_another_las():
    parsed = parse_appeal_rate(appeal_table(
        ["Nottingham", "891", "18", "671", "2.70%", "20", "2,102", "1.00%", "", ""],
    ))
    (row, *_) = parsed.rows
    assert row[1:4] == ("Nottingham", "892", "E06000018")
    assert parsed.warnings == ["send_tribunals_and_appeal_rate_2014-2023.csv: line 6: 'Nottingham' "
                               "has LA code 891, which is Nottinghamshire's; placed by its name as "
                               "Nottingham"]


def test_appeal_table_uses_the_code_when_the_name_is_unfamiliar():
    parsed = parse_appeal_rate(appeal_table(
        ["Durham", "840", "34", "2,533", "1.30%", "", "", "", "", ""]))
    assert {r[1] for r in parsed.rows} == {"County Durham", "England"}
    assert parsed.warnings == []


@pytest.mark.parametrize("table, message", [
    (appeal_table(["Darlington", "841", "16", "970", "1.60%", "14", "1,071", "1.30%", "", ""],
                  tail=False), "no 'England Total' row (truncated file?)"),
    (source("send_tribunals_and_appeal_rate_2014-2023.csv", [["A title"], ["Name", "Code"]]),
     "no 'Local Authority' header row"),
    (appeal_table(["Darlington", "841", "16", "970", "1.60%", "14", "1,O71", "1.30%", "", ""]),
     "line 6, column 2023 decisions: '1,O71' is not a number"),
    (appeal_table(["Darlington", "841", "16", "970", "1.60%", "", "", "", "", ""],
                  ["Darlington", "841", "16", "970", "1.60%", "", "", "", "", ""]),
     "a second row for Darlington"),
])
def test_appeal_table_errors(table, message):
    with pytest.raises(FileError) as exc:
        parse_appeal_rate(table)
    assert message in str(exc.value)
    assert str(exc.value).startswith("send_tribunals_and_appeal_rate_2014-2023.csv: ")


# --- finding the files, and naming areas ------------------------------------------------------

def test_files_found_in_a_folder_a_nested_release_a_zip_and_alone(tmp_path):
    folder = tmp_path / "release"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "requests.csv").write_bytes(b"a")
    (folder / "data" / "annual_reviews.csv").write_bytes(b"b")
    (folder / "annual_reviews.csv").write_bytes(b"top")  # the shallower copy wins
    (folder / "send_tribunals_and_appeal_rate_2014-2023.csv").write_bytes(b"old")
    (folder / "send_tribunals_and_appeal_rate_2014-2024.csv").write_bytes(b"new")
    (folder / "caseload.csv").write_bytes(b"not ours")
    found = find_release_files(folder)
    assert {k: v.data for k, v in found.items()} == {
        "requests": b"a", "annual_reviews": b"top", "appeal_rate": b"new"}

    archive = tmp_path / "ehcp_2025.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("data/timeliness_20_week.csv", b"t")
        zf.writestr("data-guidance/data-guidance.txt", b"g")
    found = find_release_files(archive)
    assert list(found) == ["timeliness"]
    assert found["timeliness"].name == "ehcp_2025.zip/data/timeliness_20_week.csv"
    assert found["timeliness"].base == "timeliness_20_week.csv"

    assert list(find_release_files(folder / "data" / "requests.csv")) == ["requests"]


def test_no_release_files_is_one_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(FileError) as exc:
        find_release_files(tmp_path)
    assert str(exc.value) == (
        f"{tmp_path.name}: none of the release files found (expected any of timeliness_20_week.csv, "
        "requests.csv, annual_reviews.csv, send_tribunals_and_appeal_rate_*.csv, sen2_dmo_dco.csv, "
        "NHS England's community health services workbook)")


def test_broken_zip_and_missing_source(tmp_path):
    broken = tmp_path / "release.zip"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(FileError, match="release.zip: not a readable zip file"):
        find_release_files(broken)
    with pytest.raises(FileError, match="no such file or folder"):
        find_release_files(tmp_path / "absent")


@pytest.mark.parametrize("area, expected", [
    ("England", (NATIONAL, "England")),
    ("ENGLAND", (NATIONAL, "England")),
    ("north east", (REGIONAL, "North East")),
    ("Yorkshire & the Humber", (REGIONAL, "Yorkshire and The Humber")),
    ("London", (REGIONAL, "London")),  # the region, not the City of London
    ("City of London", (LOCAL, "City of London")),
    ("Darlington", (LOCAL, "Darlington")),
    ("Darlington Borough Council", (LOCAL, "Darlington")),
    ("841", (LOCAL, "Darlington")),
    ("E06000005", (LOCAL, "Darlington")),
])
def test_resolve_area(area, expected):
    assert resolve_area(area) == expected


@pytest.mark.parametrize("area", ["Narnia", "", "North"])
def test_unknown_area(area):
    with pytest.raises(UnknownArea, match="unknown area"):
        resolve_area(area)


def test_test_files_stay_small():
    # Hand-made files only: the DfE's own files are read from ../shared, never copied here.
    here = Path(__file__).parent
    assert not list(here.glob("*.csv"))
