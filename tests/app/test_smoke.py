"""Every page opens on the sample data without an exception and shows its key headings."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

PAGES = {
    None: ("Overview", ["Health advice for EHC needs assessments", "EHC needs assessments and plans",
                        "SEND Tribunal"]),
    "views/health_advice.py": ("Health advice", [
        "Returned within 6 weeks", "By service, provider and local authority",
        "Days taken to return advice", "Exceptions and reasons for delay", "Quality of advice",
        "Overdue health advice"]),
    "views/ehcp_timeliness.py": ("EHC plan timeliness", [
        "New plans issued within 20 weeks", "Decisions whether to assess within 6 weeks",
        "Time spent in each stage", "Open cases at risk of missing 20 weeks"]),
    "views/tribunals.py": ("Tribunals", [
        "Appeals registered", "Appeals by type and outcome",
        "Health recommendations answered within 5 weeks",
        "Health recommendations and their responses"]),
    "views/annual_reviews.py": ("Annual reviews", []),
    "views/schools.py": ("Schools: medical conditions and mental health", []),
    "views/waiting_times.py": ("Health service waiting times", []),
    "views/budgets_complaints.py": ("Personal health budgets and complaints", []),
    "views/benchmarks.py": ("Benchmarks", []),
    "views/board_pack.py": ("Board pack", []),
    "views/inspection.py": ("Inspection readiness", []),
    "views/data.py": ("Load data", ["What the database holds", "History of loads"]),
    "views/guide.py": ("User guide", []),
    "views/accessibility.py": ("Accessibility statement", []),
    "views/admin.py": ("Users and audit log", ["Users", "Audit log"]),
}
ROLE = {"views/admin.py": "admin"}  # every other page opens for a DCO


def test_every_page_module_is_smoke_tested() -> None:
    from pathlib import Path

    views = Path(__file__).resolve().parents[2] / "dashboard" / "views"
    modules = {f"views/{p.name}" for p in views.glob("*.py") if p.name not in ("__init__.py", "overview.py")}
    assert modules == {p for p in PAGES if p}


@pytest.mark.parametrize("page", list(PAGES), ids=lambda p: p or "overview")
def test_page_opens_with_its_headings(run_app: Callable[..., AppTest], page: str | None) -> None:
    at = run_app(page, role=ROLE.get(page, "dco"))
    title, headings = PAGES[page]
    assert [t.value for t in at.title] == [title]
    shown = [h.value for h in at.header] + [s.value for s in at.subheader]
    for heading in headings:
        assert heading in shown
    # The bundled samples are labelled synthetic on every page.
    assert any("Synthetic sample data" in i.value for i in at.info)


def test_metric_pages_have_about_notes_and_downloads(run_app: Callable[..., AppTest]) -> None:
    at = run_app("views/health_advice.py")
    labels = [e.label for e in at.expander]
    assert labels.count("About this metric") >= 5
    downloads = [b.label for b in at.get("download_button")]
    assert downloads.count("Download CSV") == downloads.count("Download Excel") >= 5


def test_no_person_identifier_reaches_a_table(run_app: Callable[..., AppTest]) -> None:
    for page in ("views/health_advice.py", "views/ehcp_timeliness.py", "views/tribunals.py"):
        at = run_app(page)
        for frame in (d.value for d in at.dataframe):
            assert not {"person_id", "birth_year", "nhs_number"} & {str(c).lower() for c in
                                                                  frame.columns}
