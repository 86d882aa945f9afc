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


# A "Summary" sheet as LAs open a workbook with: each row a label and its count, no header row.
LABELLED_COUNTS = [["EHC requests", 120], ["Issued within 20 weeks", 80], ["Total", 200]]


def test_a_summary_of_labelled_counts_is_told_as_a_table_of_counts(tmp_path: Path, load,
                                                                   db: Path, capsys) -> None:
    path = write_xlsx(tmp_path / "ehc.xlsx", {"Summary": LABELLED_COUNTS,
                                              "Cases": [EHCP_HEADER, EHCP_ROW]})
    result = load(path)
    assert result.status == "loaded", result.error
    assert (result.kinds, result.loaded) == (["ehcp"], 1)
    (skipped,) = result.skipped_sheets
    assert skipped["sheet"] == "Summary"
    assert skipped["reason"].startswith("a table of counts, not one row per record")
    assert "no recognisable header" not in skipped["reason"]
    # The command line says it as the /data page does (ingest_report.passed_over).
    path2 = write_xlsx(tmp_path / "ehc2.xlsx", {"Summary": LABELLED_COUNTS,
                                                "Cases": [EHCP_HEADER, ["C2", *EHCP_ROW[1:]]]})
    assert cli.main(["ingest", "--db", str(db), "--as-of", str(AS_OF), str(path2)]) == 0
    assert "sheet 'Summary' skipped: a table of counts" in capsys.readouterr().out


def test_a_pivot_with_its_row_labels_heading_is_a_table_of_counts(tmp_path: Path, load) -> None:
    pivot = [["Count of Case ID", None], ["Row Labels", "Total"], ["ASD", 3], ["SEMH", "12%"],
             ["Grand Total", 3]]
    result = load(write_xlsx(tmp_path / "ehc.xlsx", {"Pivot": pivot,
                                                     "Cases": [EHCP_HEADER, EHCP_ROW]}))
    assert result.status == "loaded", result.error
    assert result.skipped_sheets[0]["reason"].startswith("a table of counts")


def test_a_file_of_labelled_counts_alone_says_it_holds_counts(tmp_path: Path, load) -> None:
    result = load(write_xlsx(tmp_path / "summary.xlsx", {"Summary": LABELLED_COUNTS}))
    assert result.status == "failed"
    assert result.error.startswith("summary.xlsx: no sheet holds records to load")
    assert "'Summary' (a table of counts" in result.error


def test_a_csv_of_counts_is_told_so_as_a_file_not_a_sheet(tmp_path: Path, load) -> None:
    path = tmp_path / "ehcp_summary.csv"
    path.write_text("\n".join(",".join(str(c) for c in row) for row in LABELLED_COUNTS) + "\n",
                    encoding="utf-8")
    result = load(path)
    assert result.status == "failed"
    assert result.error.startswith("ehcp_summary.csv: holds no records to load: a table of "
                                   "counts, not one row per record"), result.error
    assert "sheet" not in result.error.lower()


def test_records_are_never_taken_for_labelled_counts(tmp_path: Path, load) -> None:
    """A sheet of records whose header is not recognised keeps its reason (ids, dates and words
    are not counts), and a detail sheet of names and figures under its header loads."""
    unknown_header = [["Ref", "Opened", "Team"], ["EHC0001", "01/04/2025", "SALT"],
                      ["EHC0002", 45000, "OT"]]
    references = [["EHC0001", 3], ["EHC0002", 5]]
    waits = [["Month", "Provider", "Local Authority", "Service", "Total Waiting"],
             ["Mar 2026", "Northshire Trust", "Northshire", "SALT", 500],
             ["Mar 2026", "Northshire Trust", "Northshire", "OT", 75]]
    result = load(write_xlsx(tmp_path / "waits.xlsx", {
        "Summary": LABELLED_COUNTS, "Notes": unknown_header, "Refs": references, "Data": waits}))
    assert result.status == "loaded", result.error
    assert (result.kinds, result.loaded, result.rejected) == (["waiting_times"], 2, 0)
    reasons = {s["sheet"]: s["reason"] for s in result.skipped_sheets}
    assert reasons["Notes"] == "no recognisable header row"
    assert reasons["Refs"] == "no recognisable header row"
    assert reasons["Summary"].startswith("a table of counts")
