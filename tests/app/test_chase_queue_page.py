"""The overdue list on /health-advice as the DCO's work queue: requests to chase first, by
provider and service in age bands; long-open records apart with their count; a provider's list
one pick away with its download; chase notes edited by a DCO or admin, stored and audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from app_helpers import FY_PARAMS, metric_values, table
from streamlit.testing.v1 import AppTest

from dashboard.components.overdue_queue import chart_pick
from pipelines import audit, chase, metrics
from pipelines.db import reader

PAGE = "views/health_advice.py"


def _queue(db: Path, f: metrics.Filters) -> pd.DataFrame:
    with reader(db) as con:
        return chase.overdue_queue(con, f)


def _run(run_app: Callable[..., AppTest], f: metrics.Filters, **kwargs) -> AppTest:
    return run_app(PAGE, **FY_PARAMS, as_of=f.as_of.isoformat(), **kwargs)


def test_queue_comes_first_with_long_open_records_apart(run_app, sample_db, fy_filters) -> None:
    expected = _queue(sample_db, fy_filters)
    to_chase, stale = expected[expected["to_chase"]], expected[~expected["to_chase"]]
    assert len(to_chase) > 10 and len(stale) > 0
    at = _run(run_app, fy_filters)
    queue = table(at, "Overdue by", "Chased on", "Note")
    assert queue["Advice ID"].tolist() == to_chase["advice_id"].tolist()
    assert queue["Overdue by"].tolist() == to_chase["age_band"].tolist()
    assert queue["Days overdue"].max() <= chase.LONG_OPEN_DAYS
    assert queue["Provider"].tolist() == sorted(queue["Provider"])  # grouped by provider
    order = [set(d.value.columns) for d in at.dataframe]
    assert (next(i for i, c in enumerate(order) if "Overdue by" in c)
            < next(i for i, c in enumerate(order) if "Request type" in c))  # queue above full list
    values = metric_values(at)
    assert values["To chase"] == f"{len(to_chase):,}"
    assert values["Records to close"] == f"{len(stale):,}"
    assert values[metrics.FIGURES["health_advice_overdue_open"].label] == f"{len(expected):,}"
    headings = [s.value for s in at.subheader]
    assert f"To chase: overdue up to six months ({len(to_chase):,})" in headings
    assert f"Open more than six months past due: records to close ({len(stale):,})" in headings
    closing = next(d.value for d in at.dataframe
                   if "Chased on" in d.value.columns and "Overdue by" not in d.value.columns)
    assert closing["Advice ID"].tolist() == stale["advice_id"].tolist()
    assert closing["Days overdue"].min() > chase.LONG_OPEN_DAYS


def test_picking_a_provider_opens_its_list_and_its_download(run_app, sample_db,
                                                            fy_filters) -> None:
    expected = _queue(sample_db, fy_filters)
    to_chase = expected[expected["to_chase"]]
    provider = to_chase["provider"].value_counts().index[0]
    at = _run(run_app, fy_filters)
    assert not [b for b in at.download_button if b.key == "chase_one_xlsx"]
    editor_for_all = at.data_editor[0].key
    at.selectbox(key="chase_provider").select(provider).run()
    assert at.data_editor[0].key != editor_for_all  # an unsaved edit never lands on another row
    queue = table(at, "Overdue by", "Chased on", "Note")
    mine = to_chase[to_chase["provider"] == provider]
    assert set(queue["Provider"]) == {provider}
    assert queue["Advice ID"].tolist() == mine["advice_id"].tolist()
    button = next(b for b in at.download_button if b.key == "chase_one_xlsx")
    assert provider in button.label
    at.selectbox(key="chase_service").select(mine["service"].iloc[0]).run()
    both = table(at, "Overdue by", "Chased on", "Note")
    assert set(both["Service"]) == {mine["service"].iloc[0]} and set(both["Provider"]) == {provider}


def test_a_clicked_bar_names_its_category() -> None:
    event = {"selection": {"points": [{"y": "Northshire Community Health NHS Trust", "x": 4}],
                           "point_indices": [0], "box": [], "lasso": []}}
    assert chart_pick(event) == "Northshire Community Health NHS Trust"
    assert chart_pick({"selection": {"points": []}}) is None
    assert chart_pick(None) is None


def test_a_visitor_not_signed_in_sees_the_notes_but_cannot_edit_them(run_app,
                                                                     fy_filters) -> None:
    visitor = _run(run_app, fy_filters, role=None)  # the samples: shown as to a DCO, read-only
    assert not visitor.data_editor
    assert not [b for b in visitor.button if b.key == "chase_save"]
    assert len(table(visitor, "Overdue by", "Chased on", "Note")) > 10
    dco = _run(run_app, fy_filters)
    assert len(dco.data_editor) == 1 and dco.data_editor[0].key.startswith("chase_editor_")


def test_a_dco_saves_a_note_kept_in_the_database_and_audited(run_app, sample_db_copy,
                                                             fy_filters, tmp_path) -> None:
    at = _run(run_app, fy_filters, db=sample_db_copy)
    first = table(at, "Overdue by", "Chased on", "Note").iloc[0]
    at.session_state[at.data_editor[0].key] = {
        "edited_rows": {0: {"Chased on": fy_filters.as_of.isoformat(),
                            "Note": "Emailed the team lead"}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="chase_save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Chase notes saved: 1 added" in s.value for s in at.success)
    queue = table(at, "Overdue by", "Chased on", "Note").set_index("Advice ID")
    assert queue.loc[first["Advice ID"], "Note"] == "Emailed the team lead"
    with reader(sample_db_copy) as con:
        stored = chase.chase_notes(con)
    assert stored[["local_authority", "advice_id", "note"]].values.tolist() == [
        [first["Local authority"], first["Advice ID"], "Emailed the team lead"]]
    assert stored["updated_by"].iloc[0].startswith("dan (dco")
    log = audit.audit_file(sample_db_copy)
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert entries[-1]["action"] == "chase notes saved"
    assert entries[-1]["detail"]["requests"] == [f"{first['Local authority']}/{first['Advice ID']}"]


def test_a_note_with_an_nhs_number_is_refused(run_app, sample_db_copy, fy_filters) -> None:
    at = _run(run_app, fy_filters, db=sample_db_copy)
    at.session_state[at.data_editor[0].key] = {
        "edited_rows": {0: {"Note": "Child 943 476 5919"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="chase_save").click().run()
    assert any("NHS number" in e.value for e in at.error)
    with reader(sample_db_copy) as con:
        assert chase.chase_notes(con).empty
