"""The Annex A lists through the app: the Data page asks for the LA of a file without one (and
refuses the file without it); the annual reviews page's Cohort section shows the plans not
reviewed in 12 months by group, small numbers suppressed."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
from app_helpers import TINY_AS_OF, table
from streamlit.testing.v1 import AppTest

from dashboard.components.text import plain
from pipelines import metrics
from pipelines.db import reader
from tests.annex_a_files import independent_counts, list_1_rows, list_2_rows


def annex_a_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in (("List 1", list_1_rows()), ("List 2", list_2_rows())):
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(at: AppTest, la: str | None) -> AppTest:
    at.file_uploader(key="upload_files").set_value(("annex-a.xlsx", annex_a_bytes(), XLSX))
    at.date_input(key="upload_as_of").set_value(TINY_AS_OF)
    if la:
        at.selectbox(key="upload_la").set_value(la)
    at.run()
    return at.button(key="upload_load").click().run()


def test_an_annex_a_list_needs_its_la(run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    at = upload(run_app("views/data.py", db=tiny_db), None)
    assert not at.exception
    # The file name is shown as text, escaped for Markdown (`text.plain`).
    assert any(plain("annex-a.xlsx") in e.value and "no local authority column" in e.value
               for e in at.error)
    at = upload(at, "Eastmoor")
    assert not at.exception
    assert any(plain("annex-a.xlsx") in s.value and "9 loaded" in s.value for s in at.success)
    assert any("columns not used: Subsidiary education establishment" in c.value
               for c in at.caption)


def test_cohort_section_suppresses_small_groups(run_app: Callable[..., AppTest],
                                                tiny_db: Path) -> None:
    at = upload(run_app("views/data.py", db=tiny_db), "Eastmoor")
    at.switch_page("views/annual_reviews.py").run()
    assert not at.exception
    assert "Cohort: plans not reviewed in 12 months (Annex A)" in [h.value for h in at.header]
    with_plan, overdue = independent_counts(TINY_AS_OF)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Children with a plan"] == str(with_plan)  # 7: at least 5, shown
    assert shown["Not reviewed in 12 months"] == "<5"  # 3 children
    assert 0 < overdue < 5
    sexes = table(at, "Sex", "With a plan").set_index("Sex")
    assert sexes.loc["male", "With a plan"] == "<5" and sexes.loc["female", "With a plan"] == "<5"
    assert "withheld" in sexes.loc["male", "Not reviewed (%)"]


def test_cohort_on_the_sample_data(run_app: Callable[..., AppTest], sample_db: Path,
                                   sample_as_of: dt.date) -> None:
    f = metrics.Filters(sample_as_of, sample_as_of, sample_as_of)
    with reader(sample_db) as con:
        h = metrics.cohort_headline(con, f)
    assert h["cohort_with_plan"] > 500 and h["cohort_sen_support"] == 400
    at = run_app("views/annual_reviews.py", as_of=sample_as_of.isoformat())
    assert {m.label: m.value for m in at.metric}["Children with a plan"] == \
        f"{h['cohort_with_plan']:,}"
    phases = table(at, "Phase", "With a plan")
    assert set(phases["Phase"]) <= {"nursery", "primary", "secondary", "special", "post-16"}
