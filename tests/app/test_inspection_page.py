"""The inspection readiness page: themes and outcomes, live metrics equal to pipelines.metrics,
and evidence items and notes added through the page saved to DuckDB (with who and when)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from app_helpers import FY_PARAMS, table
from streamlit.testing.v1 import AppTest

from pipelines import inspection, inspection_example, metrics
from pipelines.db import reader
from pipelines.load import ingest_file
from tests.pipeline import sen2_returns

PAGE = "views/inspection.py"
FIRST = "identified_in_time"


def saved_items(db: Path):
    with reader(db) as con:
        return inspection.evidence_items(con)


def add_button(at: AppTest, label: str, index: int = 0):
    return [b for b in at.button if b.label == label][index]


def test_the_page_lists_outcomes_and_every_theme(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PAGE, **FY_PARAMS)
    assert [t.value for t in at.title] == ["Inspection readiness"]
    headers = [h.value for h in at.header]
    assert {"Readiness by theme", "Health evidence pack", "Themes"} <= set(headers)
    for theme in inspection.THEMES.values():
        assert theme.title in headers
    text = " ".join(m.value for m in at.markdown)
    for outcome in inspection.OUTCOMES:
        assert outcome.name in text
    readiness = table(at, "Theme", "Ready", "Overdue")
    assert len(readiness) == len(inspection.THEMES)
    # Sample mode with no item yet: the readiness of the example tracker, labelled as one.
    example = inspection_example.example_items(dt.date.today())
    expected = [f"{(mine.status == 'ready').sum()} of {len(mine)}" if len(mine) else "no items yet"
                for mine in (example[example.theme == key] for key in inspection.THEMES)]
    assert list(readiness["Ready"]) == expected
    assert len(set(expected)) > 1
    assert any("Example evidence tracker" in i.value for i in at.info)
    assert [b.label for b in at.get("download_button")] == [
        "Download the health evidence pack (Excel)"]
    assert any("Synthetic sample data" in i.value for i in at.info)


def test_live_metrics_are_the_headline_figures(run_app: Callable[..., AppTest], sample_db: Path,
                                               fy_filters: metrics.Filters) -> None:
    at = run_app(PAGE, **FY_PARAMS)
    with reader(sample_db) as con:
        h = metrics.headline(con, fy_filters)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Health advice within 6 weeks"] == (
        f"{h['health_advice_within_6_weeks_pct']:.1f}%")
    assert shown["Health advice overdue now"] == f"{h['health_advice_overdue_open']:,}"
    assert shown["Tribunal health responses in 5 weeks"] == (
        f"{h['tribunal_health_responses_within_5_weeks_pct']:.1f}%")
    links = " ".join(m.value for m in at.markdown)
    assert "(/health-advice?" in links and "#overdue)" in links and "grain=financial_year" in links


def test_an_item_added_through_the_form_is_saved(run_app: Callable[..., AppTest],
                                                 tiny_db: Path) -> None:
    at = run_app(PAGE, db=tiny_db, role="admin")
    at.text_input(key=f"insp_item_{FIRST}_0").input("Health advice timeliness audit")
    at.text_input(key=f"insp_owner_{FIRST}_0").input("Designated Clinical Officer")
    at.selectbox(key=f"insp_status_{FIRST}_0").select("in progress")
    at.date_input(key=f"insp_due_{FIRST}_0").set_value(dt.date(2026, 12, 15))
    at.text_input(key=f"insp_link_{FIRST}_0").input("SharePoint > SEND > Audit 2026")
    add_button(at, "Add item").click().run()
    assert not at.exception and not at.error
    items = saved_items(tiny_db)
    assert len(items) == 1
    row = items.iloc[0]
    assert (row.theme, row["item"], row.owner, row.status, row.due_date.date(), row.link_or_note,
            row.updated_by) == (FIRST, "Health advice timeliness audit",
                                "Designated Clinical Officer", "in progress",
                                dt.date(2026, 12, 15), "SharePoint > SEND > Audit 2026", "alice")
    assert any("Added evidence item 1" in s.value for s in at.success)
    # The page shows it at once: the summary counts it, and the form is empty again.
    readiness = table(at, "Theme", "Ready")
    assert readiness["Ready"].iloc[0] == "0 of 1"
    assert at.text_input(key=f"insp_item_{FIRST}_1").value == ""


def test_only_a_signed_in_admin_may_change_evidence(run_app: Callable[..., AppTest],
                                                    tiny_db: Path) -> None:
    inspection.add_evidence_item(tiny_db, FIRST, "Overdue advice action plan", updated_by="DCO")
    at = run_app(PAGE, db=tiny_db, role="dco")
    # A DCO reads the tracker, but has no editor, no forms and no save button.
    assert not at.get("data_editor") and not at.text_input and not at.text_area
    assert not [b for b in at.button if b.key and b.key.startswith("insp_save")]
    assert "Overdue advice action plan" in table(at, "item", "status")["item"].tolist()
    assert any("sign in as an admin" in i.value for i in at.info)


def test_an_empty_item_is_not_saved(run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    at = run_app(PAGE, db=tiny_db, role="admin")
    at.text_input(key=f"insp_item_{FIRST}_0").input("   ")
    add_button(at, "Add item").click().run()
    assert any("Not saved. Item is empty" in e.value for e in at.error)
    assert saved_items(tiny_db).empty


def test_the_table_editor_saves_an_edit(run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    inspection.add_evidence_item(tiny_db, FIRST, "Overdue advice action plan", updated_by="DCO")
    at = run_app(PAGE, db=tiny_db, role="admin")
    key = f"insp_editor_{FIRST}_0"
    at.session_state[key] = {"edited_rows": {0: {"status": "ready"}},
                             "added_rows": [{"item": "Exceptions log", "status": "not started"}],
                             "deleted_rows": []}
    at.run()
    at.button(key=f"insp_save_{FIRST}").click().run()
    assert not at.exception and not at.error
    items = saved_items(tiny_db)
    assert list(zip(items["item"], items.status, items.updated_by, strict=True)) == [
        ("Overdue advice action plan", "ready", "alice"),
        ("Exceptions log", "not started", "alice")]
    assert any("1 added, 1 changed" in s.value for s in at.success)
    history = table(at, "item_id", "change")
    assert sorted(history["change"]) == ["added", "added", "edited"]


def test_a_self_evaluation_note_is_added_and_shown_as_current(run_app: Callable[..., AppTest],
                                                             tiny_db: Path) -> None:
    at = run_app(PAGE, db=tiny_db, role="admin")
    at.text_area(key=f"insp_note_text_{FIRST}_0").input("Advice within 6 weeks is improving.")
    add_button(at, "Add note").click().run()
    assert not at.error
    with reader(tiny_db) as con:
        notes = inspection.self_evaluations(con)
    assert list(zip(notes.theme, notes.note, notes.author, notes.written_on.dt.date,
                    strict=True)) == [(FIRST, "Advice within 6 weeks is improving.", "alice",
                                       dt.date.today())]
    assert "Advice within 6 weeks is improving." in [t.value for t in at.text]
    readiness = table(at, "Theme", "Latest self-evaluation")
    assert readiness["Latest self-evaluation"].iloc[0] == f"{dt.date.today():%d/%m/%Y}"


def test_no_person_identifier_reaches_a_table(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PAGE)
    for frame in (d.value for d in at.dataframe):
        assert not {"person_id", "birth_year", "nhs_number"} & {str(c).lower() for c in
                                                              frame.columns}


def test_dmo_dco_in_post_from_the_las_own_sen2_return(run_app: Callable[..., AppTest],
                                                      tiny_db: Path, tmp_path: Path) -> None:
    at = run_app(PAGE, db=tiny_db, **FY_PARAMS)
    assert "No SEN2 return loaded" in " ".join(c.value for c in at.caption)
    path = tmp_path / "sen2.xml"
    path.write_text(sen2_returns.xml_return(2024, dmo="Y", dco="N"))
    assert ingest_file(tiny_db, path, as_of=dt.date(2026, 3, 31)).status == "loaded"
    at = run_app(PAGE, db=tiny_db, la=["Birmingham"], **FY_PARAMS)
    assert "DMO/DCO in post" in [s.value for s in at.subheader]
    flags = table(at, "Local authority", "DMO", "DCO")
    assert flags.to_dict("records") == [{"Local authority": "Birmingham", "SEN2 collection": 2025,
                                         "DMO": "in post", "DCO": "not in post"}]
