"""What a refusal says: personal-only sheets skipped with a note, the closest accepted spellings
of a missing column, --kind, publications pointed at `benchmarks import`, unused columns listed."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipelines import cli
from tests.conftest import AS_OF, EHCP_HEADER, write_csv, write_xlsx

EHCP_ROW = ["C1", "Northshire", "01/04/2025", "", "", "", "", "", ""]


def test_a_sheet_matching_only_on_personal_columns_is_skipped(tmp_path: Path, load) -> None:
    path = write_xlsx(tmp_path / "two.xlsx", {
        "Contacts": [["Name", "Date of Birth", "UPN", "Postcode", "Phone"],
                     ["Ann Example", "01/01/2015", "A100000000001", "ZZ1 1ZZ", "0100"]],
        "Requests": [EHCP_HEADER, EHCP_ROW],
    })
    result = load(path)
    assert result.status == "loaded", result.error
    assert result.kinds == ["ehcp"] and result.loaded == 1
    (skipped,) = result.skipped_sheets
    assert skipped["sheet"] == "Contacts"
    assert "only on personal columns (Name, Date of Birth, UPN, Postcode)" in skipped["reason"]
    assert "Ann Example" not in json.dumps(result.summary())


def test_missing_column_names_the_closest_spellings_and_kind(tmp_path: Path, load) -> None:
    header = ["Case ID", "Local Authority", "Req Date Recvd", "Decision", "Final Plan Date",
              "Primary Need"]
    result = load(write_csv(tmp_path / "ehcp.csv", [header, ["C1", "Northshire", "01/04/2025",
                                                             "Y", "", "ASD"]]))
    assert result.status == "failed"
    assert "lacks required column(s) request_date (closest accepted spellings: " in result.error
    closest = result.error.split("closest accepted spellings: ")[1].split(")")[0]
    assert "'Request Received'" in closest or "'Date Request Received'" in closest
    assert closest.count("'") == 6  # three spellings
    assert "--kind" in result.error and "health_advice" in result.error


def test_with_kind_the_examples_fit_the_dataset(tmp_path: Path, load) -> None:
    path = write_csv(tmp_path / "x.csv", [["Foo", "Bar"], ["1", "2"]])
    result = load(path, kind="tribunals")
    assert result.status == "failed"
    assert "'Appeal ID'" in result.error and "'Registered Date'" in result.error
    assert "'Request Date'" not in result.error


def test_a_dfe_release_file_is_pointed_at_benchmarks_import(tmp_path: Path, load) -> None:
    path = write_csv(tmp_path / "ehcp_release.csv", [
        ["time_period", "time_identifier", "geographic_level", "country_code", "la_name",
         "ehc_plans"],
        ["2025", "Calendar year", "National", "E92000001", "", "638745"],
    ])
    result = load(path)
    assert result.status == "failed"
    assert "DfE publication" in result.error
    assert "benchmarks import ehcp_release.csv" in result.error


def test_an_nhs_england_workbook_is_pointed_at_benchmarks_import(tmp_path: Path, load) -> None:
    path = write_xlsx(tmp_path / "chs.xlsx", {
        "Cover": [["Community Health Services Waiting Lists"], ["NHS England"]],
        "Table 4": [["Provider", "(CYP) Community paediatric service"], ["RXX", 120]],
    })
    result = load(path)
    assert result.status == "failed"
    assert "NHS England publication" in result.error and "benchmarks import" in result.error


def test_unused_columns_are_in_ingest_json(tmp_path: Path, db: Path, capsys) -> None:
    path = write_csv(tmp_path / "ehcp.csv", [[*EHCP_HEADER, "Keyworker", "Notes"],
                                             [*EHCP_ROW, "J Smith", "call back"]])
    assert cli.main(["ingest", "--db", str(db), "--as-of", str(AS_OF), "--json", str(path)]) == 0
    (summary,) = json.loads(capsys.readouterr().out)
    assert summary["sheets"][0]["unused_columns"] == ["Keyworker", "Notes"]


def test_a_release_zip_is_pointed_at_benchmarks_import(tmp_path: Path, load) -> None:
    path = tmp_path / "ehcp_2025.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data/SEND Tribunals and appeal rate 2014-2024.csv", "a,b\n1,2\n")
    result = load(path)
    assert result.status == "failed"
    assert "benchmarks import ehcp_2025.zip" in result.error


def test_la_names_the_authority_of_any_dataset_without_one(tmp_path: Path, load, db: Path) -> None:
    path = write_csv(tmp_path / "flat.csv", [["Case ID", "Request Date", "Decision"],
                                             ["C1", "01/04/2025", "Y"]])
    refused = load(path)
    assert refused.status == "failed" and "--la NAME" in refused.error
    result = load(path, la="NSH")  # a local spelling from settings.toml
    assert result.status == "loaded", result.error
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT local_authority FROM ehcp").fetchall() == [("Northshire",)]
    con.close()


@pytest.mark.parametrize(("text", "said"), [
    # A web system's "Export to Excel": an HTML table in a file named .xls.
    ('<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head>'
     "<body><table><tr><td>Advice ID</td><td>Case ID</td></tr><tr><td>A1<td>C1</tr></table>"
     "</body></html>", "a web page (HTML), not a workbook"),
    ("<!DOCTYPE html>\n<html><body><table><tr><td>Case ID</td></tr></table></body></html>",
     "a web page (HTML), not a workbook"),
    ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns='
     '"urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table><Row><Cell><Data>Case ID'
     "</Data></Cell></Row></Table></Worksheet></Workbook>", "an Excel 2003 XML spreadsheet"),
])
def test_a_web_page_or_old_xml_spreadsheet_named_xls_says_what_it_is(tmp_path: Path, load,
                                                                     text: str, said: str) -> None:
    path = tmp_path / "export.xls"
    path.write_text(text, encoding="utf-8")
    result = load(path)
    assert result.status == "failed"
    assert result.error.startswith(f"export.xls: {said}")
    assert "save it as .xlsx" in result.error
