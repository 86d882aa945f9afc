"""Workbooks as LAs and providers keep them: a summary, dashboard or pivot sheet of counts ahead
of the sheet of one row per case. The summary is skipped with its reason and the detail loads;
a detail sheet that cannot load still fails, naming file, sheet and column."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines import cli
from tests.conftest import ADVICE_HEADER, AS_OF, EHCP_HEADER, write_xlsx

ADVICE_ROW = ["A1", "C1", "Northshire", "SALT", "01/04/2025", "01/05/2025", "Trust", "", "", ""]
EHCP_ROW = ["C1", "Northshire", "01/04/2025", "", "", "", "", "", ""]
# Counts by team, as a provider's "Summary" sheet keeps them above its log.
ADVICE_SUMMARY = [
    ["Health advice requests 2025/26"], [],
    ["Team", "Provider", "Received", "Returned", "Within 6 weeks", "% within 6 weeks"],
    ["SALT", "Northshire NHS Trust", 12, 10, 8, 0.8],
    ["OT", "Northshire NHS Trust", 8, 5, 4, 0.8],
    ["Total", None, 20, 15, 12, 0.8],
]
# An LA's dashboard of EHC requests by primary need.
EHCP_DASHBOARD = [
    ["EHC requests by primary need"],
    ["Primary need", "EHC requests", "Decision to assess", "Final issued", "Issued within 20 weeks"],
    ["ASD", 12, 10, 8, 6], ["SEMH", 8, 5, 4, 3], ["Total", 20, 15, 12, 9],
]


def test_a_summary_of_counts_ahead_of_the_log_is_skipped(tmp_path: Path, load, db: Path) -> None:
    path = write_xlsx(tmp_path / "advice log.xlsx",
                      {"Summary": ADVICE_SUMMARY, "Data": [ADVICE_HEADER, ADVICE_ROW]})
    result = load(path)
    assert result.status == "loaded", result.error
    assert (result.kinds, result.loaded, result.rows_read) == (["health_advice"], 1, 1)
    (skipped,) = result.skipped_sheets
    assert skipped["sheet"] == "Summary"
    assert "table of counts" in skipped["reason"] and "health_advice" in skipped["reason"]
    assert "advice_id" in skipped["reason"]
    with duckdb.connect(str(db), read_only=True) as con:
        notes = con.execute("SELECT sheet, note FROM load_sheets WHERE note IS NOT NULL").fetchall()
    assert notes == [("Summary", "skipped: " + skipped["reason"])]


def test_an_ehc_dashboard_and_a_pivot_are_skipped(tmp_path: Path, load) -> None:
    pivot = [["Row Labels", "Count of Case ID"], ["ASD", 3], ["Grand Total", 3]]
    path = write_xlsx(tmp_path / "ehc.xlsx", {"Dashboard": EHCP_DASHBOARD, "Pivot": pivot,
                                              "Cases": [EHCP_HEADER, EHCP_ROW]})
    result = load(path)
    assert result.status == "loaded", result.error
    assert (result.kinds, result.loaded) == (["ehcp"], 1)
    reasons = {s["sheet"]: s["reason"] for s in result.skipped_sheets}
    assert set(reasons) == {"Dashboard", "Pivot"}
    assert "table of counts" in reasons["Dashboard"] and "case_id" in reasons["Dashboard"]


def test_a_detail_sheet_missing_a_required_column_still_fails(tmp_path: Path, load) -> None:
    no_service = [[c for c in ADVICE_HEADER if c != "Service"],
                  [v for c, v in zip(ADVICE_HEADER, ADVICE_ROW, strict=True) if c != "Service"]]
    result = load(write_xlsx(tmp_path / "log.xlsx", {"Summary": ADVICE_SUMMARY,
                                                     "Data": no_service}))
    assert result.status == "failed"
    assert "log.xlsx: sheet 'Data'" in result.error and "lacks required column(s) service" in result.error


def test_a_log_without_its_reference_column_is_not_taken_for_a_summary(tmp_path: Path,
                                                                       load) -> None:
    # One row per request, dates and all, but no Advice ID: a real problem, said as before.
    no_id = [ADVICE_HEADER[1:], ADVICE_ROW[1:]]
    result = load(write_xlsx(tmp_path / "log.xlsx", {"Summary": ADVICE_SUMMARY, "Data": no_id}))
    assert result.status == "failed"
    assert "sheet 'Data'" in result.error and "lacks required column(s) advice_id" in result.error


def test_a_file_with_no_records_names_every_sheet_and_why(tmp_path: Path, load) -> None:
    path = write_xlsx(tmp_path / "dashboard.xlsx", {
        "Summary": ADVICE_SUMMARY, "Charts": [["See the charts below"]], "Blank": [],
        "Lookup": [ADVICE_HEADER, ADVICE_ROW]}, hidden=("Lookup",))
    result = load(path)
    assert result.status == "failed"
    error = result.error
    assert error.startswith("dashboard.xlsx: no sheet holds records to load")
    assert "'Summary' (a table of counts" in error
    assert "'Charts' (no recognisable header row)" in error
    assert "'Blank' (empty)" in error and "'Lookup' (hidden sheet)" in error


def test_the_cli_says_which_sheet_was_skipped_and_why(tmp_path: Path, db: Path, capsys) -> None:
    path = write_xlsx(tmp_path / "advice.xlsx",
                      {"Summary": ADVICE_SUMMARY, "Data": [ADVICE_HEADER, ADVICE_ROW]})
    assert cli.main(["ingest", "--db", str(db), "--as-of", str(AS_OF), str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 loaded" in out
    assert "sheet 'Summary' skipped: a table of counts" in out
