"""The overdue list as the DCO's work queue: age bands, requests to chase grouped by provider and
service ahead of long-open records, chase notes kept across a reload and audited, and the
workbook with a sheet per provider."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest

from pipelines import audit, chase
from pipelines.db import reader
from pipelines.metrics import Filters
from tests.conftest import ADVICE_HEADER, AS_OF, write_csv

F = Filters(dt.date(2025, 4, 1), AS_OF, AS_OF)


def _requested(days_overdue: int) -> str:
    """The received date that makes a request open `days_overdue` days past its 42-day due date."""
    return f"{AS_OF - dt.timedelta(days=42 + days_overdue):%d/%m/%Y}"


ROWS = [  # advice id, service, provider, days overdue (all open on the as-of date)
    ("Q1", "SALT", "Northshire Community Trust", 3),
    ("Q2", "SALT", "Northshire Community Trust", 14),
    ("Q3", "SALT", "Northshire Community Trust", 15),
    ("Q4", "OT", "Northshire Community Trust", 28),
    ("Q5", "Paeds", "=Bad Trust", 29),
    ("Q6", "Paeds", "=Bad Trust", 91),
    ("Q7", "Paeds", "=Bad Trust", 92),
    ("Q8", "CAMHS", "Northshire Community Trust", 182),
    ("Q9", "CAMHS", "Northshire Community Trust", 183),
    ("Q10", "SALT", "=Bad Trust", 900),
]


def _file(tmp_path, name="advice.csv", extra=()):
    rows = [[a, f"C{a}", "Northshire", service, _requested(days), "", provider, "", "", "New"]
            for a, service, provider, days in ROWS]
    rows += [list(r) for r in extra]
    rows.append(["R1", "CR1", "Northshire", "SALT", _requested(10), _requested(5), "Trust", "",
                 "", "New"])  # returned: never on the list
    return write_csv(tmp_path / name, [ADVICE_HEADER, *rows])


@pytest.fixture
def queue_db(db, load, tmp_path):
    assert load(_file(tmp_path)).status == "loaded"
    return db


def chase_load_ids(db) -> list[int]:
    with reader(db) as con:
        return [r[0] for r in con.execute("SELECT load_id FROM loads").fetchall()]


def _queue(db):
    with reader(db) as con:
        return chase.overdue_queue(con, F)


@pytest.mark.parametrize(("days", "band"), [
    (1, "up to 2 weeks"), (14, "up to 2 weeks"), (15, "2-4 weeks"), (28, "2-4 weeks"),
    (29, "1-3 months"), (91, "1-3 months"), (92, "3-6 months"), (182, "3-6 months"),
    (183, "over 6 months"), (913, "over 6 months")])
def test_age_bands(days: int, band: str) -> None:
    assert chase.age_band(days) == band


def test_queue_puts_requests_to_chase_first_by_provider_and_service(queue_db) -> None:
    queue = _queue(queue_db)
    assert set(queue["advice_id"]) == {a for a, *_ in ROWS}
    to_chase = queue[queue["to_chase"]]
    assert to_chase["advice_id"].tolist() == ["Q7", "Q6", "Q5", "Q8", "Q4", "Q3", "Q2", "Q1"]
    assert dict(zip(queue["advice_id"], queue["age_band"], strict=True)) == {
        "Q1": "up to 2 weeks", "Q2": "up to 2 weeks", "Q3": "2-4 weeks", "Q4": "2-4 weeks",
        "Q5": "1-3 months", "Q6": "1-3 months", "Q7": "3-6 months", "Q8": "3-6 months",
        "Q9": "over 6 months", "Q10": "over 6 months"}
    closing = queue[~queue["to_chase"]]
    assert closing["advice_id"].tolist() == ["Q10", "Q9"]  # after the queue, most overdue first
    assert queue.index[queue["advice_id"] == "Q10"][0] > queue.index[queue["to_chase"]].max()


def test_queue_summary_counts_each_band_per_provider(queue_db) -> None:
    summary = chase.queue_summary(_queue(queue_db), "provider")
    rows = list(summary.itertuples(index=False, name=None))
    assert rows == [("Northshire Community Trust", "up to 2 weeks", 2),
                    ("Northshire Community Trust", "2-4 weeks", 2),
                    ("Northshire Community Trust", "3-6 months", 1),
                    ("=Bad Trust", "1-3 months", 2), ("=Bad Trust", "3-6 months", 1)]


def test_notes_are_kept_across_a_reload_and_audited(queue_db, load, tmp_path) -> None:
    noted = chase.edit("Northshire", "Q3", dt.date(2026, 3, 30), "Emailed the SALT team lead",
                       today=AS_OF)
    counts = chase.save_chase_notes(queue_db, [noted], actor="dan (dco, password)")
    assert counts == {"added": 1, "changed": 0, "cleared": 0}
    # The same records again in a later extract with one more request: a new load, and the note
    # stays with its request.
    first_load = max(chase_load_ids(queue_db))
    later = _file(tmp_path, "advice_2026-03-31.csv", extra=[
        ["Q11", "CQ11", "Northshire", "OT", _requested(2), "", "Northshire Community Trust", "",
         "", "New"]])
    assert load(later, extract_date=AS_OF).status == "loaded"
    assert max(chase_load_ids(queue_db)) > first_load
    queue = _queue(queue_db).set_index("advice_id")
    assert queue.loc["Q3", "chased_on"] == dt.date(2026, 3, 30)
    assert queue.loc["Q3", "chase_note"] == "Emailed the SALT team lead"
    assert queue.loc["Q1", "chase_note"] == "" and "Q11" in queue.index
    entries = [json.loads(line) for line in audit.audit_file(queue_db).read_text().splitlines()]
    saved = [e for e in entries if e["action"] == "chase notes saved"]
    assert saved[-1]["actor"] == "dan (dco, password)"
    assert saved[-1]["detail"]["requests"] == ["Northshire/Q3"] and saved[-1]["detail"]["added"] == 1
    assert audit.verify(queue_db) == []


def test_editing_and_clearing_a_note(queue_db) -> None:
    actor = "dan (dco, password)"
    chase.save_chase_notes(queue_db, [chase.edit("Northshire", "Q1", AS_OF, "Phoned",
                                                 today=AS_OF)], actor=actor)
    again = chase.save_chase_notes(queue_db, [chase.edit("Northshire", "Q1", AS_OF, "Phoned",
                                                         today=AS_OF)], actor=actor)
    assert again == {"added": 0, "changed": 0, "cleared": 0}
    changed = chase.save_chase_notes(queue_db, [chase.edit("Northshire", "Q1", AS_OF,
                                                           "Phoned; reply promised Friday",
                                                           today=AS_OF)], actor=actor)
    assert changed["changed"] == 1
    cleared = chase.save_chase_notes(queue_db, [chase.edit("Northshire", "Q1", None, "",
                                                           today=AS_OF)], actor=actor)
    assert cleared["cleared"] == 1
    with reader(queue_db) as con:
        assert chase.chase_notes(con).empty


@pytest.mark.parametrize(("chased_on", "note", "message"), [
    (None, "NHS 943 476 5919 chased", "NHS number"),
    (None, "Rang Mrs Jones, no reply", "appears to hold a person's name \\('Mrs Jones'\\)"),
    (None, "mum on 07700 900123", "a phone number"),
    (AS_OF + dt.timedelta(days=1), "", "after today"),
    ("not a date", "", "not a date"),
    (None, "x" * 501, "at most 500"),
])
def test_a_bad_note_is_refused_naming_the_request(chased_on, note, message) -> None:
    with pytest.raises(chase.ChaseError, match=message) as caught:
        chase.edit("Northshire", "Q1", chased_on, note, today=AS_OF)
    assert "Advice Q1 (Northshire)" in str(caught.value)


def test_workbook_has_a_sheet_per_provider_with_its_requests_only(queue_db) -> None:
    chase.save_chase_notes(queue_db, [chase.edit("Northshire", "Q5", AS_OF, "=HYPERLINK(1)",
                                                 today=AS_OF)], actor="dan")
    queue = _queue(queue_db)
    book = openpyxl.load_workbook(io.BytesIO(chase.provider_workbook(queue)))
    assert book.sheetnames == ["=Bad Trust", "Northshire Community Trust"]
    bad = list(book["=Bad Trust"].values)
    assert list(bad[0]) == list(chase.EXPORT_COLUMNS.values())
    rows = [dict(zip(bad[0], r, strict=True)) for r in bad[1:]]
    assert [r["Advice ID"] for r in rows] == ["Q7", "Q6", "Q5"]  # not Q10: long open
    assert [r["Overdue by"] for r in rows] == ["3-6 months", "1-3 months", "1-3 months"]
    assert [r["Days overdue"] for r in rows] == [92, 91, 29]
    assert rows[2]["Note"] == "'=HYPERLINK(1)" and rows[0]["Provider"] == "'=Bad Trust"
    assert rows[2]["Chased on"].date() == AS_OF
    trust = list(book["Northshire Community Trust"].values)
    assert [r[4] for r in trust[1:]] == ["Q8", "Q4", "Q3", "Q2", "Q1"]
    one = openpyxl.load_workbook(io.BytesIO(chase.provider_workbook(queue, ["=Bad Trust"])))
    assert one.sheetnames == ["=Bad Trust"]


def test_sheet_names_are_valid_and_unique() -> None:
    names = chase.sheet_names(["A/B: Trust", "x" * 40, "x" * 40 + "y", "Trust", "TRUST"])
    assert names["A/B: Trust"] == "A B  Trust"
    assert all(len(n) <= 31 for n in names.values())
    assert len({n.lower() for n in names.values()}) == 5
