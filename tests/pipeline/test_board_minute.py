"""The board's minute on the sample database: the measures needing attention, each draft's
figures equal to the metrics, and a DCO's edit stored, audited and printed by the board pack."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipelines import audit, board_pack, commentary, metrics
from pipelines.config import load_settings
from pipelines.db import reader

QUARTER = "2026 Q3"  # July to September 2026, before the samples' as-of date


def quarter_filters(as_of: dt.date) -> metrics.Filters:
    return metrics.Filters(dt.date(2026, 7, 1), dt.date(2026, 9, 30), as_of)


def test_each_draft_quotes_its_metric(sample_db: Path, sample_as_of: dt.date) -> None:
    f = quarter_filters(sample_as_of)
    with reader(sample_db) as con:
        drafts = commentary.needs_attention(con, f, "Q2 2026/27")
        assert drafts, "the samples have measures in a poor state"
        for draft in drafts:
            row = metrics.rates(con, draft.metric, f).iloc[0]
            monthly = metrics.rates(con, draft.metric, metrics.Filters(
                dt.date(2024, 10, 1), f.date_to, f.as_of), "month")
            assert draft.quarter == "2026 Q3"
            assert f"{row.pct:.1f}%, {int(row.numerator):,} of {int(row.denominator):,}" in draft.text
            last = monthly.iloc[-1]
            assert draft.latest == (dt.date(2026, 9, 1), float(last.pct))
            assert f"{last.pct:.1f}% in September 2026" in draft.text
            earlier = monthly[monthly.group == "2026-06"].iloc[0]
            assert f"(from {earlier.pct:.1f}% in June 2026)" in draft.text
            target = load_settings().targets[metrics.CATALOGUE[draft.metric].target]
            assert f"the {target:g}% target" in draft.text
    advice = next(d for d in drafts if d.metric == "health_advice")
    assert "consistently failing the target" in advice.reasons
    late = re.search(r"; (.+) accounts for (\d+)% of late returns \(([\d,]+) of ([\d,]+)\)", advice.text)
    assert late
    with reader(sample_db) as con:
        by_service = metrics.rates(con, "health_advice", f, "service").set_index("group")
    lates = by_service.denominator - by_service.numerator
    assert late.group(1) == lates.idxmax()
    assert int(late.group(3).replace(",", "")) == lates.max()
    assert int(late.group(4).replace(",", "")) == lates.sum()


def test_an_edit_is_stored_audited_and_printed_by_the_pack(sample_db_copy: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(audit.AUDIT_ENV, str(tmp_path / "audit.jsonl"))
    f = quarter_filters(board_pack.default_as_of(board_pack.parse_quarter(QUARTER)))
    with reader(sample_db_copy) as con:
        draft = next(d for d in commentary.needs_attention(con, f, "Q2 2026/27")
                     if d.metric == "health_advice")
    wording = ("Health advice within 6 weeks stayed below the 90% target all quarter; CAMHS "
               "returns are the largest share of late advice and a recovery plan is agreed.")
    assert commentary.save_edit(sample_db_copy, "health_advice", draft.quarter, wording,
                                edited_by="DCO", drafted=draft.drafted) == "saved"
    with reader(sample_db_copy) as con:
        stored = commentary.edits(con)
        again = next(d for d in commentary.needs_attention(con, f, "Q2 2026/27")
                     if d.metric == "health_advice")
    assert stored[["metric", "quarter", "text", "edited_by"]].values.tolist() == [
        ["health_advice", "2026 Q3", wording, "DCO"]]
    assert (again.text, again.drafted, again.stale_edit) == (wording, draft.drafted, False)
    entry = audit.entries(sample_db_copy)[-1]
    assert (entry["action"], entry["actor"], entry["detail"]["metric"],
            entry["detail"]["quarter"], entry["detail"]["text"]) == (
        "commentary_edit", "DCO", "health_advice", "2026 Q3", wording)
    assert audit.verify(sample_db_copy) == []

    pack = board_pack.build_board_pack(sample_db_copy, QUARTER)
    page = next(p for p in pack.pages if p.spec.metric == "health_advice")
    assert page.attention == wording
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(board_pack.write_pdf(pack))).pages)
    assert "Needs attention: Health advice within 6 weeks stayed below" in " ".join(text.split())

    assert commentary.save_edit(sample_db_copy, "health_advice", draft.quarter, " ",
                                edited_by="DCO", drafted=draft.drafted) == "reverted"
    with reader(sample_db_copy) as con:
        assert commentary.edits(con).empty
    assert audit.entries(sample_db_copy)[-1]["detail"]["change"] == "reverted"
    page = next(p for p in board_pack.build_board_pack(sample_db_copy, QUARTER).pages
                if p.spec.metric == "health_advice")
    assert page.attention == draft.drafted


def test_pages_not_needing_attention_carry_no_sentence(sample_db: Path) -> None:
    pack = board_pack.build_board_pack(sample_db, QUARTER)
    with reader(sample_db) as con:
        flagged = {d.metric for d in commentary.needs_attention(
            con, quarter_filters(pack.as_of), pack.quarter.name, limit=99)}
    assert {p.spec.metric for p in pack.pages if p.attention} == flagged


@pytest.mark.parametrize(("metric", "quarter", "text", "message"), [
    ("nonsense", "2026 Q3", "x", "not a metric"),
    ("health_advice", "Q3", "x", "not a calendar quarter"),
    ("health_advice", "2026 Q3", "NHS number 943 476 5919 was late", "NHS number"),
    ("health_advice", "2026 Q3", "Late: see j.bloggs@nhs.net", "an email address"),
    ("health_advice", "2026 Q3", "x" * (commentary.MAX_EDIT + 1), "at most"),
])
def test_bad_edits_are_refused_and_nothing_is_stored(sample_db_copy: Path, metric: str,
                                                     quarter: str, text: str, message: str) -> None:
    with pytest.raises(commentary.CommentaryError, match=message):
        commentary.save_edit(sample_db_copy, metric, quarter, text, edited_by="DCO", drafted="d")
    with reader(sample_db_copy) as con:
        assert commentary.edits(con).empty


def test_the_table_is_declared_and_made_by_db(sample_db: Path) -> None:
    with reader(sample_db) as con:
        columns = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = "
            "'commentary_edits' ORDER BY ordinal_position").fetchall()]
    assert columns == commentary.EDIT_COLUMNS
