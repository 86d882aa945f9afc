"""The as-of date means the data's date: by default the latest extract across sources, never
moved by an upload's "reject dates after" date; every page says how current each source is and
warns when the sources are more than a month apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from app_helpers import (
    ADVICE,
    FY_PARAMS,
    KEY,
    TINY_AS_OF,
    captions,
    csv_bytes,
    metric_values,
    table,
    tiny_files,
)
from streamlit.testing.v1 import AppTest

from pipelines.load import ingest_file

# Advice requested in February 2026: its extract date is 01/03/2026, long before the samples'.
OLD_ADVICE = csv_bytes([
    ADVICE,
    ["A9", "C9", "Eastmoor", "SALT", "02/02/2026", "01/03/2026", "Trust", "", "3", "New"],
    ["A10", "C10", "Eastmoor", "OT", "10/02/2026", "", "Trust", "", "", "New"],
])


def as_of_shown(at: AppTest) -> dt.date:
    return at.date_input(key="flt_as_of_w").value


def test_an_upload_leaves_the_as_of_date_alone(run_app: Callable[..., AppTest],
                                               sample_db_copy: Path, sample_as_of: dt.date) -> None:
    at = run_app("views/data.py", db=sample_db_copy)
    today = dt.date.today()
    assert today != sample_as_of  # else this test could not tell the two apart
    at.file_uploader(key="upload_files").set_value(("test_file.csv", OLD_ADVICE, "text/csv"))
    at.date_input(key="upload_as_of").set_value(today)
    at.run()
    at.button(key="upload_load").click().run()
    assert not at.exception
    assert table(at, "File", "Rows read").iloc[0]["Loaded"] == 2
    at.switch_page("views/overview.py").run()
    assert as_of_shown(at) == sample_as_of
    # A new visitor, after the upload, gets the samples' extract date too, not today.
    fresh = run_app(db=sample_db_copy)
    assert as_of_shown(fresh) == sample_as_of
    assert fresh.query_params["as_of"] == str(sample_as_of)


def test_a_later_export_of_another_la_loads_but_leaves_the_as_of_date_alone(
        run_app: Callable[..., AppTest], sample_db_copy: Path, sample_as_of: dt.date) -> None:
    # Leeds is outside the samples' area (settings.toml: Northshire, Riverside, Eastmoor); its
    # export is dated by its name after the samples' extract, before today.
    extract = sample_as_of + dt.timedelta(days=10)
    assert extract < dt.date.today()
    leeds = csv_bytes([ADVICE,
                       ["L1", "LC1", "Leeds", "SALT", "02/02/2026", "01/03/2026", "Trust", "", "",
                        "New"],
                       ["L2", "LC2", "Leeds", "OT", "10/02/2026", "", "Trust", "", "", "New"]])
    at = run_app("views/data.py", db=sample_db_copy)
    at.file_uploader(key="upload_files").set_value(
        (f"leeds_advice_{extract}.csv", leeds, "text/csv"))
    at.run()
    at.button(key="upload_load").click().run()
    assert not at.exception
    assert table(at, "File", "Rows read").iloc[0]["Loaded"] == 2
    [said] = [w.value for w in at.warning if "outside the area" in w.value]
    assert "2 rows for Leeds" in said and "Northshire" in said
    history = table(at, "File", "Outside the area")
    assert list(history.loc[history["File"] == f"leeds_advice_{extract}.csv",
                            "Outside the area"]) == ["Leeds (2 rows)"]
    fresh = run_app(db=sample_db_copy)
    assert as_of_shown(fresh) == sample_as_of
    # Chosen, Leeds is there.
    assert "Leeds" in fresh.multiselect(key="flt_la_w").options


def test_an_export_of_another_la_moves_no_figure_of_the_area(
        run_app: Callable[..., AppTest], sample_db_copy: Path, sample_as_of: dt.date,
        tmp_path: Path) -> None:
    # A new user checking the app saw overdue advice go 109 -> 110 after loading a Leeds
    # workbook: the default, no LA chosen, is the area's LAs, so Leeds's overdue request is
    # shown only where Leeds is chosen.
    before = metric_values(run_app(db=sample_db_copy, **FY_PARAMS))
    leeds = tmp_path / f"leeds_advice_{sample_as_of}.csv"
    leeds.write_bytes(csv_bytes([ADVICE, ["L1", "LC1", "Leeds", "OT", "10/02/2026", "", "Trust",
                                          "", "", "New"]]))
    assert ingest_file(sample_db_copy, leeds, as_of=sample_as_of).outside_area == {"Leeds": 1}
    after = run_app(db=sample_db_copy, **FY_PARAMS)
    assert metric_values(after) == before
    assert any("the area's local authorities (Northshire, Riverside, Eastmoor)" in c
               for c in captions(after))
    chosen = run_app(db=sample_db_copy, la="Leeds", **FY_PARAMS)
    assert metric_values(chosen)["Health advice overdue now"] == "<5"  # 1, suppressed


def test_every_page_says_how_current_each_source_is(run_app: Callable[..., AppTest],
                                                    sample_as_of: dt.date) -> None:
    at = run_app()
    [line] = [c.value for c in at.sidebar.caption if "Data current to" in c.value]
    newest, older = line.removeprefix("**Data current to** ").rstrip(".").split("; ")
    assert newest.startswith(f"{sample_as_of:%d/%m/%Y}: EHC needs assessment requests, "
                             "Health advice requests, Tribunal appeals")
    assert older == "31/10/2026: Waiting times"  # the October returns, 16 days older: no warning
    assert not any("more than a month apart" in w.value for w in at.warning)
    at.switch_page("views/tribunals.py").run()
    assert any("Data current to" in c.value for c in at.sidebar.caption)


def test_sources_more_than_a_month_apart_are_flagged(run_app: Callable[..., AppTest],
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", KEY)
    db = tmp_path / "apart.duckdb"
    advice, plans = tiny_files(tmp_path)
    ingest_file(db, advice, as_of=TINY_AS_OF, extract_date=dt.date(2026, 2, 1))
    ingest_file(db, plans, as_of=TINY_AS_OF, extract_date=dt.date(2026, 3, 30))
    at = run_app(db=db)
    [warning] = [w.value for w in at.warning if "more than a month apart" in w.value]
    assert "30/03/2026" in warning and "Health advice requests to 01/02/2026" in warning
    assert "EHC needs assessment requests" not in warning
    assert at.date_input(key="flt_as_of_w").value == dt.date(2026, 3, 30)
