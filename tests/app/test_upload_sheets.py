"""The upload report for workbooks as LAs keep them: a summary sheet skipped with its reason,
and a tracker with a tab per month loaded with its earlier months' versions counted as
superseded, in the file's row of the summary table and in the history of loads."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from app_helpers import ADVICE, TINY_AS_OF, table
from streamlit.testing.v1 import AppTest

from dashboard.components.text import plain  # file names are shown escaped for Markdown
from tests.conftest import write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TRIBUNALS = ["Appeal ID", "Case ID", "Local Authority", "Registered Date", "Appeal Type",
             "Health Aspects", "Hearing Date", "Outcome", "Health Recommendation",
             "Recommendation Date", "Response Date"]


def workbook(sheets: dict[str, list[list]]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    return buffer.getvalue()


def upload(run_app: Callable[..., AppTest], db: Path, name: str, content: bytes) -> AppTest:
    at = run_app("views/data.py", db=db)
    at.file_uploader(key="upload_files").set_value((name, content, XLSX))
    at.date_input(key="upload_as_of").set_value(TINY_AS_OF)
    at.run()
    at.button(key="upload_load").click().run()
    assert not at.exception
    return at


def test_a_summary_sheet_is_skipped_with_its_reason(run_app: Callable[..., AppTest],
                                                    tiny_db: Path) -> None:
    summary = [["Team", "Provider", "Received", "Returned", "Within 6 weeks"],
               ["OT", "Trust", 4, 3, 2], ["Total", None, 4, 3, 2]]
    data = [ADVICE, ["A30", "C30", "Eastmoor", "OT", "10/02/2026", "", "Trust", "", "", "New"]]
    at = upload(run_app, tiny_db, "advice log.xlsx", workbook({"Summary": summary, "Data": data}))
    assert [s.value for s in at.success if plain("advice log.xlsx") in s.value]
    captions = [c.value for c in at.caption]
    assert any("sheet 'Summary' skipped: a table of counts" in c for c in captions), captions


def test_a_summary_of_labelled_counts_without_a_header_is_told_as_counts(
        run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    summary = [["EHC requests", 120], ["Issued within 20 weeks", 80], ["Total", 200]]
    data = [ADVICE, ["A31", "C31", "Eastmoor", "OT", "10/02/2026", "", "Trust", "", "", "New"]]
    at = upload(run_app, tiny_db, "ehc.xlsx", workbook({"Summary": summary, "Data": data}))
    captions = [c.value for c in at.caption]
    assert any("sheet 'Summary' skipped: a table of counts" in c for c in captions), captions
    assert not any("no recognisable header" in c for c in captions)


def test_a_trackers_earlier_months_are_counted_as_superseded(run_app: Callable[..., AppTest],
                                                             tiny_db: Path) -> None:
    def appeal(outcome: str) -> list:
        return ["T40", "C40", "Eastmoor", "01/12/2025", "Refusal to assess", "Yes", "", outcome,
                "No", "", ""]

    content = workbook({"Jan 2026": [TRIBUNALS, appeal("Pending")],
                        "Feb 2026": [TRIBUNALS, appeal("Withdrawn")]})
    at = upload(run_app, tiny_db, "tracker.xlsx", content)
    summary = table(at, "File", "Superseded")
    row = summary[summary["File"] == "tracker.xlsx"].iloc[0]
    assert (row["Rows read"], row["Loaded"], row["Superseded"], row["Rejected"]) == (2, 1, 1, 0)
    assert [s.value for s in at.success if "1 superseded" in s.value]
    # The history shows the rows read and loaded; the superseded one is in its downloads.
    history = table(at, "File", "Loaded at")
    row = history[history["File"] == "tracker.xlsx"].iloc[0]
    assert (row["Rows read"], row["Loaded"], row["Rejected"]) == (2, 1, 0)
