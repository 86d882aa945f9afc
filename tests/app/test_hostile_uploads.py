"""A hostile upload fails alone, with a clear audited error, and the app loads the next file:
the workbook that asked for 512 GB, and one that gets past the extent check to the child's
memory limit."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from app_helpers import ADVICE, KEY, TINY_AS_OF, csv_bytes

from dashboard.components import gateway
from pipelines import audit, uploads
from pipelines.config import load_settings
from pipelines.db import reader
from tests.hostile import workbook

GOOD = csv_bytes([ADVICE, ["A9", "C9", "Eastmoor", "SALT", "02/02/2026", "01/03/2026", "Trust",
                           "", "3", "New"]])


@pytest.mark.parametrize(("limits", "error"), [
    ({}, "tiny.xlsx: sheet 'Data' is too large to read: it reaches 16,384 columns"),
    ({"max_columns": 20_000, "max_cells": 10**13, "child_memory_mb": 1_024},
     "tiny.xlsx: reading it stopped the loading process"),
])
def test_a_hostile_workbook_fails_alone_and_the_next_file_loads(
        tiny_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limits: dict,
        error: str) -> None:
    monkeypatch.setenv("SEND_DB", str(tiny_db))
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("SEND_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    settings = load_settings()
    lax = dataclasses.replace(settings, limits=dataclasses.replace(settings.limits, **limits))
    monkeypatch.setattr(uploads.config, "load_settings", lambda: lax)
    hostile = workbook(tmp_path / "tiny.xlsx", {"A1": "Case ID", "XFD1048576": "x"}).read_bytes()
    bad, good = gateway.write(uploads.load_uploads, [("tiny.xlsx", hostile), ("good.csv", GOOD)],
                              as_of=TINY_AS_OF, actor="dan (dco, password)")
    assert bad.status == "failed" and bad.error.startswith(error)
    assert good.status == "loaded" and good.loaded == 1, good.error
    loads = [e["detail"] for e in audit.entries(tiny_db) if e["action"] == "load"]
    assert [(d["file"], d["status"]) for d in loads] == [("tiny.xlsx", "failed"),
                                                         ("good.csv", "loaded")]


def test_unicode_text_with_an_nhs_number_in_a_delay_reason_loads_without_it(
        run_app, tiny_db: Path) -> None:
    # Excel's "Unicode Text" (UTF-16, tab separated), a delay reason naming the child's NHS
    # number and birth date: the row loads, and neither is shown or stored.
    text = "\r\n".join("\t".join(row) for row in [
        ADVICE,
        ["A30", "C30", "Eastmoor", "OT", "10/02/2026", "", "Trust",
         "Ill, DOB 12/03/2015, NHS 943 476 5919", "", "New"],
        ["A31", "C31", "Eastmoor", "SALT", "11/02/2026", "", "Trust", "", "", "New"]]) + "\r\n"
    at = run_app("views/data.py", db=tiny_db)
    at.file_uploader(key="upload_files").set_value(
        ("advice_unicode.txt", b"\xff\xfe" + text.encode("utf-16-le"), "text/plain"))
    at.date_input(key="upload_as_of").set_value(TINY_AS_OF)
    at.run()
    at.button(key="upload_load").click().run()
    assert not at.exception
    shown = "\n".join(str(e.value) for e in [*at.success, *at.warning, *at.error, *at.markdown,
                                              *at.caption, *at.info])
    shown += "\n".join(d.value.to_csv() for d in at.dataframe)
    assert "advice_unicode.txt" in shown and "2 loaded" in shown, shown
    for secret in ("943 476 5919", "12/03/2015"):
        assert secret not in shown
    with reader(tiny_db) as con:
        stored = con.execute("SELECT exception_recorded FROM health_advice "
                             "WHERE advice_id = 'A30'").fetchall()
    assert stored == [("Ill, DOB [date of birth removed], NHS [NHS number removed]",)]
