"""The Load data page runs the pipeline on uploaded files, reports each file's counts and rejected
rows, keeps the history of loads, and the dashboards show the new data straight away."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from app_helpers import ADVICE, KEY, TINY_AS_OF, csv_bytes, table
from streamlit.testing.v1 import AppTest

from dashboard.components import gateway
from dashboard.components.text import plain
from pipelines import audit, config, status, uploads
from pipelines.config import load_settings
from tests.pipeline import sen2_returns

UPLOAD = csv_bytes([
    ADVICE,
    ["A9", "C9", "Eastmoor", "SALT", "02/02/2026", "01/03/2026", "Trust", "", "3", "New"],
    ["A10", "C10", "Eastmoor", "OT", "10/02/2026", "01/02/2026", "Trust", "", "", "New"],
])


def test_an_uploaded_file_is_loaded_and_its_rejects_listed(run_app: Callable[..., AppTest],
                                                           tiny_db: Path) -> None:
    at = run_app("views/data.py", db=tiny_db)
    held = {m.label: m.value for m in at.metric}
    assert held["Health advice requests"] == "3"
    at.file_uploader(key="upload_files").set_value(("new_advice.csv", UPLOAD, "text/csv"))
    at.date_input(key="upload_as_of").set_value(TINY_AS_OF)
    at.run()
    at.button(key="upload_load").click().run()
    assert not at.exception
    # One of its two rows rejected: half, so red, never a green success. Shown as Markdown with
    # the file name escaped (data is text, never markup).
    assert any(plain("new_advice.csv") in s.value and "1 rejected" in s.value for s in at.error)
    assert not at.success
    summary = table(at, "File", "Rows read")
    row = summary.iloc[0]
    assert (row["File"], row["Rows read"], row["Loaded"], row["Rejected"]) == (
        "new_advice.csv", 2, 1, 1)
    rejects = table(at, "Reason", "Row", "Column")
    assert rejects[["Row", "Column", "Heading"]].values.tolist() == [[3, "F", "Returned Date"]]
    assert "returned before requested" in rejects["Reason"].iloc[0]
    history = table(at, "File", "Loaded at")
    assert history["File"].tolist()[0] == "new_advice.csv"  # newest first
    # The cached figures were dropped: the page now counts the new row.
    assert {m.label: m.value for m in at.metric}["Health advice requests"] == "4"
    labels = [b.label for b in at.get("download_button")]
    assert "Download Excel" in labels
    # The banner now says the data mix synthetic samples with a file that is not one.
    assert not any("Synthetic sample data" in i.value for i in at.info)


def test_the_page_asks_whose_log_an_advice_file_without_a_source_is(
        run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    header = [c for c in ADVICE if c != "Provider"]
    unsaid = csv_bytes([header, ["A20", "C20", "Eastmoor", "SALT", "02/02/2026", "01/03/2026", "",
                                 "", "New"]])
    at = run_app("views/data.py", db=tiny_db)
    assert at.text_input(key="upload_provider").disabled  # asked only of a provider's log
    at.file_uploader(key="upload_files").set_value(("unsaid.csv", unsaid, "text/csv"))
    at.date_input(key="upload_as_of").set_value(TINY_AS_OF)
    at.run()
    at.button(key="upload_load").click().run()
    assert any(plain("unsaid.csv") in e.value and "whose log is this?" in e.value for e in at.error)
    at.selectbox(key="upload_source").set_value("provider").run()
    at.text_input(key="upload_provider").input("Eastmoor Community Trust").run()
    at.button(key="upload_load").click().run()
    assert not at.exception
    assert any(plain("unsaid.csv") in s.value and "1 loaded" in s.value for s in at.success)
    with duckdb.connect(str(tiny_db), read_only=True) as con:
        assert con.execute("SELECT source, provider FROM health_advice WHERE advice_id = 'A20'"
                           ).fetchall() == [("provider", "Eastmoor Community Trust")]


def test_rejects_of_an_earlier_load_can_be_listed(run_app: Callable[..., AppTest],
                                                 sample_db: Path) -> None:
    at = run_app("views/data.py")
    at.selectbox(key="history_load").select_index(0).run()
    rejects = table(at, "Reason", "Row")
    assert len(rejects) >= 1 and rejects["Load"].nunique() == 1


def test_loading_the_same_file_twice_changes_nothing(tiny_db: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEND_DB", str(tiny_db))
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", KEY)
    first = gateway.write(uploads.load_uploads, [("again.csv", UPLOAD)], as_of=TINY_AS_OF)
    second = gateway.write(uploads.load_uploads, [("again.csv", UPLOAD)], as_of=TINY_AS_OF)
    assert [r.status for r in first + second] == ["loaded", "unchanged"]
    assert first[0].file == "again.csv"  # the temporary file kept the uploaded name


def test_a_file_that_cannot_load_says_why(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEND_DB", str(tiny_db))
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", KEY)
    [result] = gateway.write(uploads.load_uploads,
                             [("../../notes.csv", b"just some words\nno header\n")])
    assert result.status == "failed" and result.file == "notes.csv"
    assert "header" in result.error


def test_an_upload_is_checked_by_content_and_size_and_audited(
        tiny_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEND_DB", str(tiny_db))
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("SEND_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    small = dataclasses.replace(load_settings(), upload_max_mb=1)
    monkeypatch.setattr(config, "load_settings", lambda: small)
    before = gateway.read(status.loads)
    files = [("advice.csv", b"%PDF-1.7\n1 0 obj <<>>"), ("huge.csv", UPLOAD * 12_000),
             ("good.csv", UPLOAD)]
    pdf, big, good = gateway.write(uploads.load_uploads, files, as_of=TINY_AS_OF,
                                   actor="dan (dco, password)")
    assert (pdf.status, big.status, good.status) == ("failed", "failed", "loaded")
    assert pdf.error.startswith("advice.csv: the content is a PDF")
    assert "over the 1 MB limit" in big.error
    # Only the good file reached the database.
    assert len(gateway.read(status.loads)) == len(before) + 1
    entries = audit.entries(tiny_db)
    assert [(e["actor"], e["detail"]["file"]) for e in entries if e["action"] == "load started"
            ] == [("dan (dco, password)", "good.csv")]
    entries = [e for e in entries if e["action"] == "load"]
    assert [(e["actor"], e["detail"]["file"], e["detail"]["status"]) for e in entries] == [
        ("dan (dco, password)", "advice.csv", "failed"), ("dan (dco, password)", "huge.csv", "failed"),
        ("dan (dco, password)", "good.csv", "loaded")]


def test_a_sen2_return_uploaded_as_xml_loads_one_row_per_request(
        tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEND_DB", str(tiny_db))
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", KEY)
    xml = sen2_returns.xml_return(2025, declaration=False).encode()
    [result] = gateway.write(uploads.load_uploads, [("sen2.xml", xml)], as_of=TINY_AS_OF)
    assert (result.status, result.loaded, result.kinds) == ("loaded", 6, ["ehcp"])
    assert "Person/PostCode" in result.unused


def test_the_local_authority_chosen_fills_a_files_blank_la_cells(
        run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    # As `ingest --la`: blank cells of the file's own LA column take the LA chosen, said once;
    # a row naming another LA is rejected, saying why.
    gaps = csv_bytes([
        ADVICE,
        ["A31", "C31", "", "SALT", "02/02/2026", "01/03/2026", "Trust", "", "3", "New"],
        ["A32", "C32", "Eastmoor", "OT", "03/02/2026", "01/03/2026", "Trust", "", "", "New"],
        ["A33", "C33", "", "OT", "04/02/2026", "01/03/2026", "Trust", "", "", "New"],
        ["A34", "C34", "Northshire", "OT", "05/02/2026", "01/03/2026", "Trust", "", "", "New"],
    ])
    at = run_app("views/data.py", db=tiny_db)
    at.file_uploader(key="upload_files").set_value(("eastmoor_gaps.csv", gaps, "text/csv"))
    at.date_input(key="upload_as_of").set_value(TINY_AS_OF)
    at.selectbox(key="upload_la").set_value("Eastmoor")
    at.run()
    at.button(key="upload_load").click().run()
    assert not at.exception
    assert any(plain("eastmoor_gaps.csv: 2 rows with a blank local authority filled with "
                     "Eastmoor") in w.value for w in at.warning)
    rejects = table(at, "Reason", "Row", "Column")
    assert rejects[["Row", "Column"]].values.tolist() == [[5, "C"]]
    assert "not Eastmoor" in rejects["Reason"].iloc[0]
    with duckdb.connect(str(tiny_db), read_only=True) as con:
        assert con.execute("SELECT advice_id, local_authority FROM health_advice WHERE advice_id "
                           "IN ('A31', 'A32', 'A33', 'A34') ORDER BY 1").fetchall() == [
            ("A31", "Eastmoor"), ("A32", "Eastmoor"), ("A33", "Eastmoor")]
