"""Exports as LA case systems (Capita One, Synergy, Liquidlogic, Mosaic style) and hand-kept
trackers write them: report titles, filters above the header, a sheet per team or month, dates
with times, renamed columns, headings merged over their columns, totals and notes. Every file is
built here by hand; every child is invented."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines import metrics, readers
from pipelines.db import reader
from tests.conftest import AS_OF

D = dt.datetime  # an Excel date cell


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _capita_sheet(ws, team: str, header: list[str], rows: list[list]) -> None:
    ws.append(["Capita One - EHC Needs Assessment Timeliness Report"])
    ws.append(["Report run on: 02/03/2026 09:14:33"])
    ws.append([f"Filters: Team = {team}; Status = All"])
    ws.append([])
    ws.append(header)
    for row in rows:
        ws.append(row)
    ws.append([])
    ws.append(["Total", None, None, len(rows)])


EHCP_EXPORT_HEADER = ["Case Ref ", "Child Name", "LA", "EHCNA Request Date", "Decision to Assess",
                      "Date of Decision", "Draft EHCP Issued", "Date EHCP Issued", "Primary Need"]


def test_an_la_export_naming_its_plans_date_ehcp_issued_counts_them(load, tmp_path, db):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _capita_sheet(wb.create_sheet("North Team"), "North", EHCP_EXPORT_HEADER, [
        ["EH1 ", "Amy Tester", "Northshire", D(2025, 4, 3, 10, 12), "Yes", D(2025, 5, 1),
         D(2025, 7, 1), D(2025, 8, 10, 16, 45), "ASD"],  # 129 days: within 20 weeks
        ["eh2", "Ben Tester", "Northshire", "03/04/2025 14:30", "Y", "01/05/2025", None, None,
         "SLCN"],  # open, past 20 weeks on the as-of date
    ])
    _capita_sheet(wb.create_sheet("South Team"), "South", EHCP_EXPORT_HEADER, [
        ["EH3", "Cal Tester", "Northshire", D(2025, 6, 2), "Yes", D(2025, 7, 1), D(2025, 9, 1),
         D(2025, 11, 28), "SEMH"],  # 179 days: late
        ["EH4", "Dee Tester", "Northshire", D(2025, 9, 9), "Yes", D(2025, 10, 1), None,
         D(2025, 8, 1), "MLD"],  # a plan issued before its request
    ])
    path = tmp_path / "ehcna_timeliness.xlsx"
    wb.save(path)

    result = load(path)

    assert (result.loaded, result.rejected, result.notes, result.blank) == (3, 1, 2, 2)
    assert result.reconciles()
    assert all("Date EHCP Issued" not in s.get("unused_columns", []) for s in result.sheets)
    (reject,) = result.rejects
    assert (reject.sheet, reject.row, reject.column, reject.header) == (
        "South Team", 7, "H", "Date EHCP Issued")
    assert _rows(db, "SELECT case_id, final_plan_date FROM ehcp ORDER BY 1") == [
        ("EH1", dt.date(2025, 8, 10)), ("EH2", None), ("EH3", dt.date(2025, 11, 28))]
    with reader(db) as con:
        h = metrics.headline(con, metrics.Filters(dt.date(2025, 4, 1), AS_OF, AS_OF))
    assert h["ehcp_plans_issued"] == 2
    assert (h["ehcp_within_20_weeks_numerator_incl_exceptions"],
            h["ehcp_within_20_weeks_denominator_incl_exceptions"]) == (1, 2)
    assert h["ehcp_open_past_20_weeks"] == 1


def test_a_tribunal_tracker_naming_the_lodged_date_appeal_lodged_loads(load, tmp_path, db):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Appeals 2025-26"
    ws.append(["SEND Tribunal appeals tracker"])
    ws.append(["Tribunal Ref", "LA", "Appeal Lodged", "Hearing Date", "Health Element?",
               "Outcome"])
    ws.append(["SE123/25/00001", "Northshire", D(2025, 5, 1), D(2026, 6, 3, 10, 0), "Yes", ""])
    ws.append(["SE123/25/00002 ", "Northshire", "14/06/2025", "TBC", "N", "Withdrawn"])
    path = tmp_path / "tribunals.xlsx"
    wb.save(path)

    result = load(path)

    assert result.status == "loaded", result.error
    assert (result.loaded, result.rejected) == (2, 0)
    assert _rows(db, "SELECT appeal_id, registered_date, hearing_date, health_aspects "
                     "FROM tribunals ORDER BY 1") == [
        ("SE123/25/00001", dt.date(2025, 5, 1), dt.date(2026, 6, 3), True),
        ("SE123/25/00002", dt.date(2025, 6, 14), None, False)]


def _annex_a_with_a_merged_heading(path: Path) -> Path:
    """List 1 with 'Main education establishment' merged over its 'URN' and 'Phase', the other
    names merged down over both header rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 1"
    ws.append(["Annex A List 1"])
    ws.append(["Child unique ID", "UPN", "Date of birth", "Gender", "Date initial EHC plan issued",
               "Date EHC plan last reviewed", "Main education establishment", None])
    ws.append([None] * 6 + ["URN", "Phase"])
    ws.merge_cells("G2:H2")
    for column in "ABCDEF":
        ws.merge_cells(f"{column}2:{column}3")
    ws.append(["C1", "A100000000001", D(2012, 5, 4), "Male", D(2020, 1, 10), D(2025, 6, 1),
               100001, "Primary"])
    ws.append(["C2", "A100000000002", "17/09/2010", "Female", "01/02/2022", "10/03/2025", "100002",
               "Secondary"])
    wb.save(path)
    return path


def test_a_heading_merged_over_columns_below_a_complete_header_row(load, tmp_path, db):
    # The top row alone names every required column, so the row of names below it was taken
    # for a request (rejected, no child id) and the establishment's URN and phase were lost.
    result = load(_annex_a_with_a_merged_heading(tmp_path / "annex_a.xlsx"), la="Northshire")

    assert (result.rows_read, result.loaded, result.rejected) == (2, 2, 0), result.rejects
    assert result.sheets[0]["header_row"] == 3
    assert result.sheets[0]["unused_columns"] == []
    assert _rows(db, "SELECT child_id, school_urn, phase, source_row FROM cohort ORDER BY 1") == [
        ("C1", "100001", "primary", 4), ("C2", "100002", "secondary", 5)]


def test_a_group_heading_above_a_complete_header_row(load, tmp_path, db):
    # "Health" merged over "Invited" and "Attended": the row below names the review's columns.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Liquidlogic - Annual Reviews"])
    ws.append([None, None, None, None, "Health", None])
    ws.merge_cells("E2:F2")
    ws.append(["Case Reference", "Local Authority", "AR Due Date", "Annual Review Date", "Invited",
               "Attended"])
    ws.append(["AR1", "Northshire", D(2026, 1, 10), D(2026, 1, 5), "Yes", "No"])
    path = tmp_path / "reviews.xlsx"
    wb.save(path)

    result = load(path)

    assert (result.rows_read, result.loaded, result.rejected) == (1, 1, 0)
    assert result.sheets[0]["unused_columns"] == []
    assert _rows(db, "SELECT case_id, health_invited, health_attended FROM annual_reviews") == [
        ("AR1", True, False)]


def test_a_first_request_with_only_a_note_is_not_taken_for_a_second_header_row(load, tmp_path, db):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Case Reference", "Local Authority", "AR Due Date", "Review Date", "Notes"])
    ws.append([None, None, None, None, "Health Invited"])  # a note that reads like a name
    ws.append(["AR1", "Northshire", D(2026, 1, 10), D(2026, 1, 5), ""])
    path = tmp_path / "reviews.xlsx"
    wb.save(path)

    result = load(path)

    assert result.sheets[0]["header_row"] == 1
    assert (result.rows_read, result.loaded) == (2, 1)
    assert result.reconciles()


def test_a_yes_or_no_not_recorded_is_blank_not_a_rejected_review(load, tmp_path, db):
    # "N/A" for health's attendance where no health professional was invited: the review
    # itself (due, held, decided) must still count; an answer that is neither is still refused.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Case Reference", "Local Authority", "AR Due Date", "Annual Review Date",
               "Health Invited", "Health Attended", "Health Report Received"])
    ws.append(["AR1", "Northshire", D(2026, 2, 10), D(2026, 2, 2), "N/A", "n/a", "-"])
    ws.append(["AR2", "Northshire", D(2026, 2, 11), D(2026, 2, 3), "No", "Not applicable", "TBC"])
    ws.append(["AR3", "Northshire", D(2026, 2, 12), D(2026, 2, 4), "Yes", "Unknown", "Not known"])
    ws.append(["AR4", "Northshire", D(2026, 2, 13), D(2026, 2, 5), "Yes", "Sometimes", ""])
    path = tmp_path / "reviews.xlsx"
    wb.save(path)

    result = load(path)

    assert (result.loaded, result.rejected) == (3, 1)
    (reject,) = result.rejects
    assert (reject.row, reject.column, reject.value, reject.rule) == (
        5, "F", "Sometimes", "invalid_bool")
    assert _rows(db, "SELECT case_id, health_invited, health_attended, health_advice_submitted "
                     "FROM annual_reviews ORDER BY 1") == [
        ("AR1", None, None, None), ("AR2", False, None, None), ("AR3", True, None, None)]


def test_a_date_written_not_known_or_ongoing_is_blank(load, tmp_path, db):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["PHB Ref", "Local Authority", "PHB Start Date", "PHB End Date", "Continuing Care"])
    ws.append(["PHB-1", "Northshire", D(2025, 4, 1), "Ongoing", "Yes"])
    ws.append(["PHB-2", "Northshire", D(2025, 5, 1), "Not known", "Y"])
    ws.append(["PHB-3", "Northshire", "Unknown", None, "N"])  # a required date: still missing
    path = tmp_path / "phb.xlsx"
    wb.save(path)

    result = load(path)

    assert (result.loaded, result.rejected) == (2, 1)
    assert [(r.row, r.column, r.rule) for r in result.rejects] == [(4, "C", "missing_required")]
    assert _rows(db, "SELECT phb_id, end_date FROM phb ORDER BY 1") == [
        ("PHB-1", None), ("PHB-2", None)]


def test_a_decision_to_assess_kept_as_a_flag_reads_as_the_decision(load, tmp_path, db):
    # Case systems export "Decision to Assess" and "Decision to Issue" as flags: TRUE/FALSE
    # (an Excel boolean, or text), 1/0, as well as Yes/No.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Case Ref", "LA", "Date of Request", "Decision to Assess", "Decision to Issue"])
    ws.append(["F1", "Northshire", D(2025, 4, 1), True, True])
    ws.append(["F2", "Northshire", D(2025, 4, 2), "TRUE", "FALSE"])
    ws.append(["F3", "Northshire", D(2025, 4, 3), 1, 0])
    ws.append(["F4", "Northshire", D(2025, 4, 4), False, None])
    ws.append(["F5", "Northshire", D(2025, 4, 5), "0", None])
    ws.append(["F6", "Northshire", D(2025, 4, 6), "Not agreed to assess", None])
    ws.append(["F7", "Northshire", D(2025, 4, 7), "2", None])  # still not a decision
    path = tmp_path / "requests.xlsx"
    wb.save(path)

    result = load(path)

    assert (result.loaded, result.rejected) == (6, 1)
    assert [(r.row, r.column, r.rule) for r in result.rejects] == [(8, "D", "invalid_decision")]
    assert _rows(db, "SELECT case_id, decision, assessment_outcome FROM ehcp ORDER BY 1") == [
        ("F1", "assess", "plan to be issued"), ("F2", "assess", "plan not issued"),
        ("F3", "assess", "plan not issued"), ("F4", "not assess", None),
        ("F5", "not assess", None), ("F6", "not assess", None)]


def test_a_trackers_note_row_is_a_note_not_a_rejected_appeal(load, tmp_path, db):
    # A tracker kept by hand: a row holding only a remark in its Notes column, between appeals,
    # is counted with the notes, not rejected three times over for an appeal it never was. A
    # row whose cells lie beyond the header (shifted right) is no note: it is still rejected.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Tribunal Ref", "LA", "Date Lodged", "Hearing Date", "Comments", "Notes"])
    ws.append(["SE1", "Northshire", D(2025, 5, 1), D(2025, 11, 3), "", "Mum called re SALT"])
    ws.append([None, None, None, None, "adjourned", "relisted for January"])
    ws.append(["SE2", "Northshire", D(2025, 6, 1), None, "", ""])
    ws.append([None] * 6 + ["SE3", "Northshire", D(2025, 7, 1)])
    path = tmp_path / "tracker.xlsx"
    wb.save(path)

    result = load(path)

    assert (result.rows_read, result.loaded, result.notes, result.rejected) == (4, 2, 1, 1)
    assert result.reconciles()
    assert {(r.row, r.column) for r in result.rejects} == {(5, "A"), (5, "B"), (5, "C")}
    assert _rows(db, "SELECT appeal_id FROM tribunals ORDER BY 1") == [("SE1",), ("SE2",)]


@pytest.mark.parametrize("head_rows", [readers.HEAD_ROWS, 2])  # 2: the rows below read by Arrow
def test_a_quote_left_open_in_a_csv_is_refused_not_a_silent_end_of_the_file(
        load, tmp_path, db, monkeypatch, head_rows):
    # A remark starting with a quote that is never closed: every line after it was read into
    # that one cell (a column no dataset takes), so the requests below vanished without a word.
    monkeypatch.setattr(readers, "HEAD_ROWS", head_rows)
    path = tmp_path / "requests.csv"
    path.write_bytes(b"Case ID,LA,Request Date,Final Plan Date,Notes\r\n"
                     b"E1,Northshire,01/04/2025,01/08/2025,ok\r\n"
                     b"E2,Northshire,02/04/2025,,ok\r\n"
                     b'E3,Northshire,02/04/2025,,"chased 3 times\r\n'
                     b"E4,Northshire,03/04/2025,,\r\n"
                     b"E5,Northshire,04/04/2025,,\r\n")

    result = load(path)

    assert result.status == "failed"
    assert "requests.csv" in result.error and "line 4" in result.error
    assert "column E" in result.error and "never closed" in result.error
    assert not db.exists() or _rows(db, "SELECT count(*) FROM ehcp") == [(0,)]


def test_a_quoted_remark_over_several_lines_still_loads(load, tmp_path, db):
    path = tmp_path / "requests.csv"
    path.write_bytes(b"Case ID,LA,Request Date,Final Plan Date,Notes\r\n"
                     b'E1,Northshire,01/04/2025,01/08/2025,"called mum\r\nshe said ""fine"""\r\n'
                     b'E2,Northshire,02/04/2025,,"Urgent" per SENCO\r\n'
                     b'E3,Northshire,03/04/2025,,"last line\r\nof the file"')

    result = load(path)

    assert (result.status, result.loaded) == ("loaded", 3)


def test_a_flattened_sen2_workbooks_rejects_name_its_own_sheets_rows_and_columns(load, tmp_path, db):
    # A workbook per SEN2 module, a title and a blank row above and among the requests: a
    # reject named the made-up sheet 'SEN2 requests', the request's count as its row and the
    # column of a table the file does not hold, so the DCO could not find the row. Now: the
    # request's own row, its item's column there, or where on another sheet the item is.
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    persons = wb.create_sheet("Persons")
    persons.append(["PersonID", "Surname", "Forename", "PersonBirthDate", "UPN"])
    persons.append([1, "Testperson", "Ava", D(2015, 2, 14), "A123456789012"])
    persons.append([2, "Testperson", "Bea", D(2016, 3, 1), "A123456789013"])
    persons.append([3, None, None, None, None])
    persons.append([4, "Testperson", "Cy", D(2014, 1, 1), "A123456789014"])
    requests = wb.create_sheet("Requests")
    requests.append(["SEN2 2026: requests module"])
    requests.append([])
    requests.append(["RequestID", "PersonID", "RequestOutcome", "ReceivedDate"])
    requests.append([11, 1, "Y", D(2025, 1, 6)])
    requests.append([])
    requests.append([21, 2, "Y", "31/02/2025"])  # row 6: no such date (column D)
    requests.append([31, 3, "A", D(2025, 3, 3)])  # row 7: the child cannot be told apart
    requests.append([41, 4, "A", D(2025, 3, 4)])  # row 8: loads
    plans = wb.create_sheet("NamedPlans")
    plans.append(["RequestID", "StartDate"])
    plans.append([11, D(2024, 12, 1)])  # row 2: a plan before its request (column B)
    path = tmp_path / "sen2_modules.xlsx"
    wb.save(path)

    result = load(path, la="Leeds")

    assert (result.loaded, result.rejected) == (1, 3)
    assert result.reconciles()
    assert sorted((r.sheet, r.row, r.column, r.header) for r in result.rejects) == [
        ("Requests", 4, "", "StartDate"), ("Requests", 6, "D", "ReceivedDate"),
        ("Requests", 7, "B", "PersonID")]
    assert "on sheet 'NamedPlans' row 2, column B: final plan before request" in next(
        r.reason for r in result.rejects if r.row == 4)
    assert _rows(db, "SELECT request_date, source_sheet, source_row FROM ehcp") == [
        (dt.date(2025, 3, 4), "Requests", 8)]


def test_a_quote_left_open_is_placed_by_its_line_after_a_remark_over_lines(load, tmp_path):
    path = tmp_path / "requests.csv"
    path.write_bytes(b"Case ID;LA;Request Date;Notes\r\n"
                     b'E1;Northshire;01/04/2025;"called\r\nmum; twice"\r\n'
                     b'E2;Northshire;02/04/2025;"chased\nE3;Northshire;03/04/2025;\n')

    result = load(path)

    assert result.status == "failed"
    assert "line 4, column D" in result.error


def _two_requests() -> openpyxl.Workbook:
    """A flattened SEN2 workbook's requests sheet: requests 11 and 12, each by the child's UPN."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    requests = wb.create_sheet("Requests")
    requests.append(["RequestID", "UPN", "ReceivedDate", "RequestOutcome"])
    requests.append([11, "A123456789012", D(2025, 1, 6), "Y"])
    requests.append([12, "A123456789013", D(2025, 1, 7), "Y"])
    return wb


def test_a_module_row_that_matches_no_request_is_reported_not_dropped_unseen(load, tmp_path, db):
    # A named plans sheet keyed differently from the requests ("R11" for request 11): every
    # plan matched nothing and was dropped without a word, so no plan counted as issued.
    wb = _two_requests()
    plans = wb.create_sheet("NamedPlans")
    plans.append(["RequestID", "StartDate"])
    plans.append([11, D(2025, 5, 19)])
    plans.append(["R12", D(2025, 5, 20)])
    plans.append(["R13", D(2025, 5, 21)])
    path = tmp_path / "sen2_modules.xlsx"
    wb.save(path)

    result = load(path, la="Leeds")

    assert (result.loaded, result.rejected) == (2, 0)
    assert any("NamedPlans" in w and "2 rows" in w and "row 3" in w and "R12" in w
               and "joining no request by RequestID" in w for w in result.read_warnings), result.read_warnings


def test_a_flattened_return_takes_the_need_ranked_first_wherever_it_is_listed(load, tmp_path, db):
    wb = _two_requests()
    needs = wb.create_sheet("ActivePlans")
    needs.append(["RequestID", "SENtype", "SENtypeRank"])
    needs.append([11, "OTH", 2])  # the second need listed first
    needs.append([11, "ASD", 1])
    needs.append([12, "SLCN", 1])
    needs.append([12, "SEMH", 2])
    path = tmp_path / "sen2_modules.xlsx"
    wb.save(path)

    assert load(path, la="Leeds").loaded == 2
    assert _rows(db, "SELECT request_date, primary_need FROM ehcp ORDER BY 1") == [
        (dt.date(2025, 1, 6), "ASD"), (dt.date(2025, 1, 7), "SLCN")]
