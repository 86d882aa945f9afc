"""The Overview opens with "Needs attention": the drafts of pipelines.commentary for the period
in the URL, which a DCO can reword (stored and audited) and a board member cannot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app_helpers import FY_PARAMS
from streamlit.testing.v1 import AppTest

from pipelines import audit, commentary
from pipelines.db import reader
from pipelines.metrics import Filters


def drafts(db: Path, f: Filters) -> list[commentary.Draft]:
    with reader(db) as con:
        return commentary.needs_attention(con, f, commentary.period_name(f))


def test_the_band_leads_the_overview_with_the_drafts(run_app: Callable[..., AppTest],
                                                     sample_db: Path,
                                                     fy_filters: Filters) -> None:
    at = run_app(**FY_PARAMS)
    expected = drafts(sample_db, fy_filters)
    assert expected
    assert at.subheader[0].value == "Needs attention"
    shown = [m.value for m in at.markdown]
    for draft in expected:
        assert draft.text in shown
        assert f"**{draft.label}** · {', '.join(draft.reasons).capitalize()}" in shown
    assert [e.label for e in at.expander].count("Edit this sentence for the board pack") == len(
        expected)


def test_a_board_member_sees_no_editor(run_app: Callable[..., AppTest]) -> None:
    at = run_app(role="board", **FY_PARAMS)
    assert at.subheader[0].value == "Needs attention"
    assert "Edit this sentence for the board pack" not in [e.label for e in at.expander]


def test_a_dco_rewords_a_draft(run_app: Callable[..., AppTest], sample_db_copy: Path,
                               fy_filters: Filters) -> None:
    at = run_app(db=sample_db_copy, **FY_PARAMS)
    first = drafts(sample_db_copy, fy_filters)[0]
    key = f"overview_attention_{first.metric}"
    at.text_area(key=f"{key}_text").set_value("Reworded for the board: see the recovery plan.")
    at.button(key=f"{key}_save").click().run()
    assert not at.exception
    assert "Reworded for the board: see the recovery plan." in [m.value for m in at.markdown]
    with reader(sample_db_copy) as con:
        stored = commentary.edits(con)
    assert stored[["metric", "quarter", "text"]].values.tolist() == [
        [first.metric, first.quarter, "Reworded for the board: see the recovery plan."]]
    assert audit.entries(sample_db_copy)[-1]["action"] == "commentary_edit"
    assert first.quarter == f"{fy_filters.date_to.year} Q{(fy_filters.date_to.month - 1) // 3 + 1}"
