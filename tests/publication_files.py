"""Hand-made files in the layouts the DfE, the MoJ and NHS England publish, built at test time.

Made to the published layouts (title rows, two-row headers, region rows, thousands separators,
footnote digits, symbols); no published file is copied. Area totals only: no personal data.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

AREA = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
        "region_code", "region_name", "new_la_code", "old_la_code", "la_name"]
ENGLAND = ["National", "E92000001", "England", "", "", "", "", ""]
HARTLEPOOL = ["Local authority", "E92000001", "England", "E12000001", "North East", "E06000001",
              "805", "Hartlepool"]
DARLINGTON = ["Local authority", "E92000001", "England", "E12000001", "North East", "E06000005",
              "841", "Darlington"]
TIMELINESS = ["breakdown_topic", "breakdown", "plans_issued_den", "plans_issued_den_ex",
              "plans_issued_within_20_weeks", "plans_issued_20_weeks_ex",
              "pc_plans_issued_within_20_weeks", "PC_plans_issued_20_weeks_ex"]
ALL = ["All EHC plans issued", "All EHC plans issued"]


def csv_text(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def timeliness() -> bytes:
    """2024: England; Hartlepool on 4 plans (a small denominator); Darlington's figures c, low, z, u."""
    return csv_text([
        AREA + TIMELINESS,
        ["2024", "Calendar year", *ENGLAND, *ALL, "97,747", "91,000", "44,866", "42,224", "45.9", "46.4"],
        ["2024", "Calendar year", *HARTLEPOOL, *ALL, "4", "4", "3", "3", "75.0", "75.0"],
        ["2024", "Calendar year", *DARLINGTON, *ALL, "c", "z", "low", "x", "u", ":"],
        ["2024", "Calendar year", *DARLINGTON, "Age", "Under 5", "10", "9", "5", "5", "50", "55.6"],
    ])


def other_dfe_table() -> bytes:
    """A DfE tidy table holding none of the imported measures (as the release's assessments.csv)."""
    return csv_text([AREA + ["assess_in_year", "assess_issued_pc"],
                     ["2024", "Calendar year", *ENGLAND, "80,000", "94.1"]])


def sen2_mi_2022() -> bytes:
    """The 2022 release's wide sen2_mi.csv: no breakdown columns, the 20-week measures under other
    names, "z" where a figure does not apply."""
    return csv_text([
        AREA + ["ass_refused", "inc_exc_20week_ehc", "inc_exc_20week_rate", "inc_exc_26week",
                "no_exc_20week_ehc", "no_exc_20week_rate", "tot_inc_exc", "tot_inc_exc_ehc",
                "tot_no_exc", "tot_no_exc_ehc"],
        ["2021", "Calendar year", *ENGLAND, "9,870", "35,520", "59.9", "z", "34,105", "60.8", "z",
         "59,299", "z", "56,094"],
        ["2021", "Calendar year", *HARTLEPOOL, "12", "z", "z", "z", "z", "z", "z", "0", "z", "0"],
        ["2021", "Calendar year", *DARLINGTON, "20", "3", "75.0", "z", "3", "75.0", "z", "4", "z",
         "4"],
    ])


def appeal_rate_table() -> bytes:
    """The MoJ/DfE appeal-rate table: a title, blank rows, years over measure names (footnote
    digits), region headings, thousands separators, "-" for nil, ".." and "~" as its legend says."""
    blank = [""] * 11
    return csv_text([
        ["SEND Appeal rate table 1: Appeal rate to the SEND Tribunal1, by local authority 2022-20242,3",
         *[""] * 10],
        blank, blank,
        ["Local Authority", "LA code", "2023", "", "", "2024", "", "", "", "", ""],
        ["", "", "Appeals registered4", "Total Appealable Decisions1", "SEND Tribunal Appeal Rate2",
         "Appeals registered4", "Total Appealable Decisions1,9", "SEND Tribunal Appeal Rate2",
         "In development: Total Appealable Decisions1,8", "In development: SEND Tribunal Appeal Rate2", ""],
        ["NORTH EAST", *[""] * 10],
        ["Darlington", "841", "14", "1,071", "1.30%", "8", "1,192", "0.70%", "700", "1.10%", ""],
        ["Hartlepool8", "805", " - ", "934", "0.00%", "~", "1,035", "~", "..", "..", ""],
        ["England Total4,9", "", "15,615", "617,776", "2.50%", "22,276", "689,739", "3.20%",
         "364,912", "6.10%", ""],
        blank,
        ["Notes: ", *[""] * 10],
        [".. Not Available", *[""] * 10],
        ["~ Suppressed ", *[""] * 10],
    ])


def inclusion_long() -> bytes:
    """The inclusion dashboard's tidy long form: one row per indicator, `NA` where missing, and
    only the LA columns it needs."""
    header = ["time_period", "time_identifier", "geographic_level", "la_name", "new_la_code",
              "indicator", "value"]
    rows = [header]
    for level, name, code, within, pc in (("National", "England", "E92000001", "42224", "46.4"),
                                          ("Local authority", "Hartlepool", "E06000001", "NA", "NA")):
        for indicator, value in (("plans_issued_20_weeks_ex", within),
                                 ("plans_issued_den_ex", "91000" if within != "NA" else "NA"),
                                 ("PC_plans_issued_20_weeks_ex", pc)):
            rows.append(["2024", "Calendar year", level, name, code, indicator, value])
    return csv_text(rows)


def dmo_dco() -> bytes:
    return csv_text([
        AREA + ["des_med_off", "des_clin_off", "des_so_care_off"],
        ["2024", "Calendar year", *HARTLEPOOL, "Yes", "Recruiting", "n/a"],
        ["2025", "Calendar year", *HARTLEPOOL, "No", "Yes", "Yes"],
        ["2025", "Calendar year", *DARLINGTON, "Yes", "Yes", "No"],
    ])


def inclusion_series() -> bytes:
    """The DfE inclusion dashboard's community health series: NA where a figure is missing."""
    header = ["", "Organisation Type", "Organisation Name", "Date", "formattedDate", "Therapy",
              "Total waiting list", "Waiting >18-52 weeks", "Waiting >52 weeks",
              "Percentage waiting more than 18 weeks"]
    return csv_text([
        header,
        ["1", "NA", "England", "January 2023", "2023-01-01", "Community Paediatric Service",
         "64597", "26676", "6795", "51.8"],
        ["2", "Region", "London", "January 2023", "2023-01-01", "Speech And Language",
         "7537", "1894", "172", "27.4"],
        ["3", "ICB", "Dorset", "January 2023", "2023-01-01", "Occupational Therapy",
         "NA", "NA", "NA", "NA"],
    ])


# --- NHS England's community health services waiting-list workbook ----------------------------

SERVICES = ["(A) Audiology", "(A) Podiatry and podiatric surgery", "(CYP) Audiology",
            "(CYP) Community paediatric service", "(CYP) Speech and language therapy service",
            "(CYP) Occupational therapy"]
TABLES = {"4": "Total waiting list", "4a": "0-1 weeks", "4b": ">1-2 weeks", "4c": ">2-4 weeks",
          "4d": ">4-12 weeks", "4e": ">12-18 weeks", "4f": ">18-52 weeks", "4g": ">52-104 weeks",
          "4h": ">104 weeks"}
# Organisation -> service -> the eight week bands (4a-4h); None = no submission.
ORGS = [
    ("National", "", "England"),
    ("Region", "Y63", "North East and Yorkshire"),
    ("ICB", "QHM", "NHS North East and North Cumbria Integrated Care Board"),
    ("Provider", "RTF", "Northumbria Healthcare NHS Foundation Trust"),
    ("Provider", "RX4", "Cumbria, Northumberland, Tyne and Wear NHS Foundation Trust"),
]
ENGLAND_PAEDIATRICS = [4_210, 3_985, 7_130, 22_040, 12_560, 48_020, 16_480, 5_790]


def _bands(org: int, service: int) -> list[int | None]:
    if service == 3:
        if org == 0:
            return ENGLAND_PAEDIATRICS
        if org == 4:
            return [None] * 8  # this provider made no submission for community paediatrics
    scale = [1.0, 0.16, 0.05, 0.03, 0.02][org]
    base = [900, 850, 1_500, 4_600, 2_300, 6_100, 1_400, 300]
    return [round(b * scale * (1 + service / 10)) for b in base]


def chs_workbook(path: Path, month: str = "October 2025",
                 symbols: dict[tuple[int, int, str], str] | None = None) -> Path:
    """A cover sheet, then tables 4 and 4a-4h, each with title and note rows above the header.
    `symbols`: (organisation, service, table) -> the symbol printed there instead ("*")."""
    book = Workbook()
    cover = book.active
    cover.title = "Cover"
    for row in (["Community Health Services Waiting Lists"], [f"Period: {month}"],
                ["Published: 11 December 2025"], ["Source: Community Health Services SitRep"],
                ["Contents: tables 4 and 4a to 4h"]):
        cover.append(row)
    for table, band in TABLES.items():
        sheet = book.create_sheet(f"Table {table}")
        sheet.append([f"Table {table}: Community health services waiting list, {band}, {month}"])
        sheet.append(["Blank cells: no submission for that service line"])
        sheet.append([])
        sheet.append(["Organisation Type", "Org Code", "Org Name", *SERVICES])
        for o, (kind, code, name) in enumerate(ORGS):
            cells = []
            for s in range(len(SERVICES)):
                bands = _bands(o, s)
                if (o, s, table) in (symbols or {}):
                    cells.append(symbols[(o, s, table)])
                elif table == "4":
                    cells.append(None if bands[0] is None else sum(bands))
                else:
                    cells.append(bands[list(TABLES).index(table) - 1])
            sheet.append([kind, code or None, name, *cells])
        sheet.append([])
        sheet.append(["Note: totals may not sum because of rounding"])
    book.save(path)
    return path


def saved_from_excel(path: Path, tables: dict[str, bytes]) -> Path:
    """DfE CSVs opened in Excel and saved as one workbook, a sheet each: every figure Excel can
    read as a number made one ("97,747" -> 97747, "45.9" -> 45.9), symbols left as text."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, data in tables.items():
        sheet = workbook.create_sheet(name)
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
            sheet.append([_as_excel_reads(cell) for cell in row])
    workbook.save(path)
    return path


def _as_excel_reads(cell: str) -> object:
    try:
        return int(cell.replace(",", ""))
    except ValueError:
        try:
            return float(cell)
        except ValueError:
            return cell
