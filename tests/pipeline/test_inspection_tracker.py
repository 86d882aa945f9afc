"""The evidence tracker and self-evaluation notes in DuckDB: every change kept, notes never
overwritten, bad input refused with the database unchanged, and readers that cope with a database
made before the inspection tables existed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pipelines import inspection
from pipelines.db import connect_writer, ensure_schema, reader
from pipelines.inspection import (
    EvidenceConflict,
    EvidenceError,
    add_evidence_item,
    add_self_evaluation,
    delete_evidence_item,
    save_evidence_changes,
    update_evidence_item,
)

T0 = dt.datetime(2026, 11, 2, 9, 0)
T1 = dt.datetime(2026, 11, 3, 10, 30)
T2 = dt.datetime(2026, 11, 4, 14, 15)


def items(db: Path, theme: str | None = None):
    with reader(db) as con:
        return inspection.evidence_items(con, theme)


def history(db: Path, item_id: int | None = None):
    with reader(db) as con:
        return inspection.evidence_history(con, item_id=item_id)


def test_add_edit_delete_keeps_every_version(db):
    first = add_evidence_item(db, "identified_in_time", "Health advice audit", owner="DCO",
                              status="in progress", due_date="15/12/2026",
                              link_or_note="SharePoint/audit", updated_by="DCO", now=T0)
    second = add_evidence_item(db, "Children are included", "Schools audit summary",
                               updated_by="DCO", now=T0)
    assert (first, second) == (1, 2)
    assert update_evidence_item(db, first, status="ready", updated_by="Deputy DCO", now=T1)
    delete_evidence_item(db, second, updated_by="DCO", now=T2)

    now = items(db)
    assert list(now.item_id) == [1]
    row = now.iloc[0]
    assert (row.theme, row["item"], row.owner, row.status, row.due_date.date(), row.link_or_note,
            row.updated_by, row.last_updated) == (
        "identified_in_time", "Health advice audit", "DCO", "ready", dt.date(2026, 12, 15),
        "SharePoint/audit", "Deputy DCO", T1)

    log = history(db)
    assert list(zip(log.item_id, log.change, log.updated_by, log.last_updated, strict=True)) == [
        (2, "deleted", "DCO", T2), (1, "edited", "Deputy DCO", T1),
        (2, "added", "DCO", T0), (1, "added", "DCO", T0)]
    assert list(history(db, first).status) == ["ready", "in progress"]
    # The deleted item's last state is kept with who deleted it.
    gone = log[log.change == "deleted"].iloc[0]
    assert (gone["item"], gone.theme, gone.status) == ("Schools audit summary", "included",
                                                    "not started")


def test_an_update_that_changes_nothing_writes_nothing(db):
    item = add_evidence_item(db, "next_steps", "Preparing for adulthood review", updated_by="DCO",
                             now=T0)
    assert not update_evidence_item(db, item, item=" Preparing for adulthood review ",
                                    updated_by="Someone", now=T1)
    assert len(history(db)) == 1
    assert items(db).iloc[0].updated_by == "DCO"


def test_a_change_made_by_someone_else_in_between_is_refused(db):
    item = add_evidence_item(db, "next_steps", "Transition protocol", updated_by="DCO", now=T0)
    update_evidence_item(db, item, status="in progress", updated_by="Other", seen=T0, now=T1)
    with pytest.raises(EvidenceConflict, match="changed by Other at 03/11/2026 10:30"):
        update_evidence_item(db, item, status="ready", updated_by="DCO", seen=T0, now=T2)
    with pytest.raises(EvidenceConflict):
        delete_evidence_item(db, item, updated_by="DCO", seen=T0)
    assert items(db).iloc[0].status == "in progress"


@pytest.mark.parametrize("call, message", [
    (lambda db: add_evidence_item(db, "identified_in_time", "", updated_by="DCO"),
     "Item is empty"),
    (lambda db: add_evidence_item(db, "identified_in_time", "x", status="finished",
                                  updated_by="DCO"), "Status 'finished' is not one of"),
    (lambda db: add_evidence_item(db, "identified_in_time", "x", due_date="30/02/2027",
                                  updated_by="DCO"), "Due date '30/02/2027' is not a date"),
    (lambda db: add_evidence_item(db, "leadership", "x", updated_by="DCO"),
     "Theme 'leadership' is not one of"),
    (lambda db: add_evidence_item(db, "identified_in_time", "x", updated_by=" "),
     r"Your name or role \(recorded with the change\) is empty"),
    (lambda db: update_evidence_item(db, 99, status="ready", updated_by="DCO"),
     "Evidence item 99 does not exist"),
    (lambda db: update_evidence_item(db, 1, theme="included", updated_by="DCO"),
     "Cannot change theme"),
])
def test_invalid_input_is_refused_and_nothing_is_written(db, call, message):
    add_evidence_item(db, "identified_in_time", "Kept", updated_by="DCO", now=T0)
    with pytest.raises(EvidenceError, match=message):
        call(db)
    assert list(items(db).item) == ["Kept"]
    assert len(history(db)) == 1


def test_a_table_editors_changes_are_saved_together(db):
    keep = add_evidence_item(db, "right_help_right_time", "Tribunal response log",
                             updated_by="DCO", now=T0)
    drop = add_evidence_item(db, "right_help_right_time", "Old draft", updated_by="DCO", now=T0)
    other = add_evidence_item(db, "included", "Schools audit", updated_by="DCO", now=T0)
    result = save_evidence_changes(
        db, "right_help_right_time", updated_by="Deputy DCO", now=T1,
        added=[{"item": "Annual review health contributions", "status": "not started",
                "due_date": "2027-01-31"}, {"item": None, "owner": None}],  # a blank row: skipped
        edited={keep: {"status": "ready", "owner": "Commissioner"}}, deleted=[drop],
        seen={keep: T0, drop: T0})
    assert (result.added, result.edited, result.deleted) == ((4,), (keep,), (drop,))
    assert result.describe() == "1 added, 1 changed, 1 deleted"
    theme = items(db, "right_help_right_time")
    assert list(zip(theme.item, theme.status, theme.owner, strict=True)) == [
        ("Annual review health contributions", "not started", ""),
        ("Tribunal response log", "ready", "Commissioner")]
    assert list(items(db, "included").item_id) == [other]


@pytest.mark.parametrize("changes, message", [
    ({"added": [{"item": "fine"}, {"item": "", "owner": "DCO"}]}, "New row 2: Item is empty"),
    ({"edited": {1: {"status": "nearly"}}}, "Item 1: Status 'nearly'"),
    ({"edited": {3: {"status": "ready"}}}, "belongs to another theme"),
    ({"deleted": [3]}, "belongs to another theme"),
    ({"edited": {1: {"status": "ready"}}, "seen": {1: T1}}, "after you opened it"),
])
def test_one_bad_row_saves_none_of_the_changes(db, changes, message):
    add_evidence_item(db, "next_steps", "One", updated_by="DCO", now=T0)
    add_evidence_item(db, "next_steps", "Two", updated_by="DCO", now=T0)
    add_evidence_item(db, "included", "Three", updated_by="DCO", now=T0)
    before = (items(db).to_dict("records"), len(history(db)))
    with pytest.raises(EvidenceError, match=message):
        save_evidence_changes(db, "next_steps", updated_by="DCO", now=T1,
                              **{"deleted": [2], **changes})
    assert (items(db).to_dict("records"), len(history(db))) == before


def test_self_evaluation_notes_are_appended_and_the_latest_dated_is_current(db):
    day = dt.date(2026, 11, 20)
    add_self_evaluation(db, "identified_in_time", "Advice timeliness improving.", author="DCO",
                        written_on=dt.date(2026, 9, 1), today=day, now=T0)
    add_self_evaluation(db, "identified_in_time", "Now 82% within 6 weeks.", author="DCO",
                        written_on="01/11/2026", today=day, now=T1)
    # Written later but dated earlier (a note from the last board, typed up now).
    add_self_evaluation(db, "identified_in_time", "Board view in October.", author="Chair",
                        written_on=dt.date(2026, 10, 15), today=day, now=T2)
    add_self_evaluation(db, "included", "Schools audit under way.", author="DCO", today=day,
                        now=T2)
    with reader(db) as con:
        notes = inspection.self_evaluations(con, "identified_in_time")
        current = inspection.current_self_evaluations(con)
    assert list(notes.note) == ["Now 82% within 6 weeks.", "Board view in October.",
                                "Advice timeliness improving."]
    assert list(zip(current.theme, current.note, current.written_on.dt.date, strict=True)) == [
        ("identified_in_time", "Now 82% within 6 weeks.", dt.date(2026, 11, 1)),
        ("included", "Schools audit under way.", day)]
    # Append-only: the module offers no way to change or delete a note.
    assert not [n for n in dir(inspection) if "note" in n and n.startswith(("update", "delete"))]


@pytest.mark.parametrize("kwargs, message", [
    ({"note": "  "}, "Self-evaluation note is empty"),
    ({"author": ""}, "Author is empty"),
    ({"written_on": dt.date(2026, 11, 21)}, "Written on 21/11/2026 is after today"),
    ({"written_on": "yesterday"}, "Written on 'yesterday' is not a date"),
    ({"note": "Child 943 476 5919 waited"}, "appears to hold an NHS number"),
    ({"note": "Dr Patel's clinic waited"}, "appears to hold a person's name"),
])
def test_an_invalid_note_is_refused(db, kwargs, message):
    args = {"theme": "included", "note": "Fine", "author": "DCO", "today": dt.date(2026, 11, 20),
            **kwargs}
    with pytest.raises(EvidenceError, match=message):
        add_self_evaluation(db, **args)
    assert not db.exists() or items(db).empty


def test_readers_cope_with_a_database_without_the_inspection_tables(db):
    connect_writer(db).close()  # the load tables only, as before this feature
    with reader(db) as con:
        assert inspection.evidence_items(con).empty
        assert list(inspection.evidence_items(con).columns) == inspection.ITEM_FIELDS
        assert inspection.evidence_history(con).empty
        assert inspection.self_evaluations(con).empty
        assert inspection.current_self_evaluations(con).empty
        summary = inspection.readiness(con, dt.date(2026, 11, 20))
    assert list(summary.theme) == list(inspection.THEMES)
    assert summary[["items", "ready", "overdue"]].to_numpy().sum() == 0
    assert summary.latest_self_evaluation.isna().all()


def test_readiness_counts_items_by_status_and_overdue(db):
    theme = "families_take_part"
    for name, status, due in (("A", "ready", "01/10/2026"), ("B", "in progress", "01/10/2026"),
                              ("C", "not started", "01/12/2026"), ("D", "needs update", None)):
        add_evidence_item(db, theme, name, status=status, due_date=due, updated_by="DCO", now=T0)
    add_self_evaluation(db, theme, "Parent carer forum feedback summarised.", author="DCO",
                        written_on=dt.date(2026, 11, 5), today=dt.date(2026, 11, 20))
    with reader(db) as con:
        row = inspection.readiness(con, dt.date(2026, 11, 20)).set_index("theme").loc[theme]
    assert (row["items"], row.ready, row.in_progress, row.not_started, row.needs_update,
            row.overdue, row.latest_self_evaluation) == (4, 1, 1, 1, 1, 1, dt.date(2026, 11, 5))


def test_the_inspection_tables_are_made_repeatably():
    con = duckdb.connect()
    ensure_schema(con)
    ensure_schema(con)
    assert con.execute("SELECT count(*) FROM evidence_items").fetchall() == [(0,)]
