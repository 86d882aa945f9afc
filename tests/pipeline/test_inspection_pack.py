"""The health evidence pack: the sheets inspectors ask for, each list as long as the metric that
defines it, no person identifier, no formula cells, and free text that stays text."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipelines import inspection, metrics
from pipelines.db import reader
from pipelines.inspection_pack import PERSONAL, SHEETS, health_evidence_pack, pack_sheets
from tests.conftest import ADVICE_HEADER, EHCP_HEADER, TRIBUNAL_HEADER, write_csv

F = metrics.Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31))
GENERATED = dt.datetime(2026, 4, 2, 9, 30)


@pytest.fixture
def pack_db(db: Path, load, tmp_path: Path) -> Path:
    """Advice due in the first quarter of 2026 in each state, plans, appeals, tracker, notes."""
    advice = [ADVICE_HEADER,
              ["A1", "C1", "Northshire", "SALT", "01/12/2025", "05/01/2026", "Trust", "", "", "New"],
              ["A2", "C2", "Northshire", "OT", "10/12/2025", "10/02/2026", "Trust", "", "", "New"],
              ["A3", "C3", "Riverside", "Physio", "05/01/2026", "", "Trust", "", "", "New"],
              ["A4", "C4", "Riverside", "SALT", "17/02/2026", "", "Trust", "", "", "New"],
              ["A5", "C5", "Eastmoor", "OT", "10/01/2026", "15/03/2026", "Trust",
               "Missed appointment", "", "New"],
              ["A6", "C6", "Eastmoor", "SALT", "01/06/2025", "", "Trust", "", "", "New"]]
    ehcp = [EHCP_HEADER,
            ["E1", "Northshire", "01/10/2025", "05/11/2025", "Yes", "20/01/2026", "10/02/2026", "",
             "ASD"],
            ["E2", "Northshire", "01/11/2025", "10/12/2025", "Yes", "", "", "", "SEMH"],
            ["E3", "Riverside", "01/09/2025", "20/10/2025", "Yes", "01/02/2026", "20/03/2026", "",
             "SLCN"]]
    appeals = [TRIBUNAL_HEADER,
               ["T1", "C1", "Northshire", "15/01/2026", "Refusal to assess", "Yes", "", "Pending",
                "Yes", "01/02/2026", "01/03/2026"],
               ["T2", "C2", "Riverside", "01/02/2026", "Contents of plan", "No", "", "Pending",
                "No", "", ""],
               ["T3", "C3", "Eastmoor", "01/10/2025", "Contents of plan", "Yes", "", "Pending",
                "Yes", "15/02/2026", ""]]
    for name, rows in (("advice.csv", advice), ("ehcp.csv", ehcp), ("tribunals.csv", appeals)):
        assert load(write_csv(tmp_path / name, rows)).status == "loaded"
    inspection.add_evidence_item(db, "identified_in_time", "=HYPERLINK(\"http://x\",\"audit\")",
                                 owner="DCO", status="ready", updated_by="DCO")
    inspection.add_evidence_item(db, "commissioning", "Health commissioning template 2025-26",
                                 owner="+ICB", due_date="30/04/2026", updated_by="DCO")
    for written, text in ((dt.date(2026, 1, 5), "Older note"), (dt.date(2026, 3, 1), "@Current")):
        inspection.add_self_evaluation(db, "identified_in_time", text, author="DCO",
                                       written_on=written, today=dt.date(2026, 4, 1))
    return db


def workbook(db: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(health_evidence_pack(db, F, GENERATED)))


def rows(book: openpyxl.Workbook, sheet: str) -> list[dict]:
    values = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_the_pack_has_a_readme_then_each_list(pack_db):
    book = workbook(pack_db)
    assert book.sheetnames == ["README", *SHEETS]
    readme = {r["Item"]: r["Detail"] for r in rows(book, "README")}
    assert readme["Period"] == "01/01/2026 to 31/03/2026"
    assert readme["As of"].startswith("31/03/2026")
    assert readme["Generated"] == "02/04/2026 09:30"
    assert "case_id" in readme["Pseudonymisation"] and "No names, NHS numbers" in readme[
        "Pseudonymisation"]
    assert "not suppressed" in readme["Small numbers"]
    assert readme["Sheet: Health advice requests"].endswith("Rows: 5.")
    # The area's name says where; what is loaded is said apart (here hand-made files, no samples).
    assert readme["Health evidence pack"].startswith("Northshire Integrated Care Board: ")
    assert readme["Data"] == "Your own loads."


def test_each_list_is_as_long_as_the_metric_that_defines_it(pack_db):
    book = workbook(pack_db)
    with reader(pack_db) as con:
        h = metrics.headline(con, F)
        assert len(rows(book, "Health advice requests")) == metrics.rates(
            con, "health_advice", F).iloc[0]["items"] == 5
        assert len(rows(book, "Overdue health advice")) == len(metrics.overdue_advice(con, F)) == 2
        assert len(rows(book, "Open needs assessments")) == len(
            metrics.open_cases_at_risk(con, F)) == 1
        assert len(rows(book, "Appeals with health aspects")) == h[
            "tribunal_appeals_with_health_aspects"] == 1
        assert len(rows(book, "Health recommendations")) == len(
            metrics.tribunal_responses(con, F)) == 2
        series = rows(book, "Headline by month")
        for metric in ("health_advice", "ehcp_plans", "ehcp_decisions", "tribunal_responses",
                       "tribunal_appeals"):
            expected = metrics.rates(con, metric, F, by="month")
            mine = [r for r in series if r["metric"] == metric]
            assert [(r["month"], r["numerator"], r["denominator"]) for r in mine] == list(zip(
                expected["group"], expected["numerator"], expected["denominator"], strict=True))
        headline = {r["measure"]: r["value"] for r in rows(book, "Headline")}
        assert headline["health_advice_within_6_weeks_pct"] == h["health_advice_within_6_weeks_pct"]


def test_advice_requests_carry_their_timeliness(pack_db):
    advice = {r["advice_id"]: r for r in rows(workbook(pack_db), "Health advice requests")}
    assert {k: v["status"] for k, v in advice.items()} == {
        "A1": "on time", "A2": "late", "A3": "late (not returned)",
        "A4": "pending (not yet due)", "A5": "late"}
    assert advice["A5"]["excluded_from_headline"] is True
    assert advice["A1"]["days_to_return"] == 35
    assert advice["A1"]["due_date"] == dt.datetime(2026, 1, 12)


def test_no_person_identifier_and_no_formula_cells(pack_db):
    book = workbook(pack_db)
    for sheet in book.worksheets:
        headers = {str(c.value).lower() for c in sheet[1]}
        assert not headers & PERSONAL, sheet.title
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_free_text_is_exported_as_text(pack_db):
    book = workbook(pack_db)
    tracker = rows(book, "Evidence tracker")
    assert [r["item"] for r in tracker] == ["'=HYPERLINK(\"http://x\",\"audit\")",
                                            "Health commissioning template 2025-26"]
    assert [r["owner"] for r in tracker] == ["DCO", "'+ICB"]
    assert [r["theme"] for r in tracker] == [inspection.THEMES["identified_in_time"].title,
                                             inspection.THEMES["commissioning"].title]
    notes = rows(book, "Self-evaluation")
    assert [(r["note"], r["written_on"]) for r in notes] == [("'@Current", dt.datetime(2026, 3, 1))]
    # Stored as entered: only the export is defused.
    with reader(pack_db) as con:
        assert inspection.evidence_items(con).item.iloc[0].startswith("=HYPERLINK")


def test_dates_read_as_days(pack_db):
    sheet = workbook(pack_db)["Health advice requests"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("requested_date") + 1)
    assert cell.is_date and cell.number_format == "dd/mm/yyyy"


def test_sheets_on_a_database_without_inspection_tables(db, load, tmp_path):
    load(write_csv(tmp_path / "advice.csv", [ADVICE_HEADER, ["A1", "C1", "Northshire", "SALT",
                                                             "01/12/2025", "", "Trust", "", "",
                                                             "New"]]))
    with reader(db) as con:
        sheets = pack_sheets(con, F, GENERATED)
    assert sheets["Evidence tracker"].empty and sheets["Self-evaluation"].empty
    assert len(sheets["Health advice requests"]) == 1


def test_live_metrics_are_the_metrics_and_say_what_is_not_loaded(pack_db):
    with reader(pack_db) as con:
        live = inspection.live_metrics(con, F).set_index("key")
        h = metrics.headline(con, F)
        open_cases = metrics.open_cases_at_risk(con, F)
    advice = live.loc["health_advice_within_6_weeks_pct"]
    assert (advice.value, advice.numerator, advice.denominator, advice.held) == (
        h["health_advice_within_6_weeks_pct"], h["health_advice_within_6_weeks_numerator"],
        h["health_advice_within_6_weeks_denominator"], True)
    assert live.loc["health_advice_overdue_open", "value"] == h["health_advice_overdue_open"] == 2
    assert live.loc["ehcp_open_past_20_weeks", "value"] == (open_cases.days_left < 0).sum()
    for key in ("annual_review_decisions_within_4_weeks_pct", "schools_with_mhst_pct",
                "phb_active", "waiting_over_18_weeks_pct"):
        assert not live.loc[key, "held"] and pd.isna(live.loc[key, "value"])
    assert list(live.index) == list(inspection.LIVE_METRICS)
