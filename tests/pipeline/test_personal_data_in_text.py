"""An NHS number, a UPN or a date of birth typed where no one expected it (a delay reason, a setting, a
case reference, a date column shifted by one) is never stored or shown in clear: free text keeps
everything but the number or date, a reference that is one is kept as a pseudonym, and
the row says so in the load summary."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipelines.formats.sen2 import child_pseudonym
from pipelines.free_text import nhs_number_in
from tests.conftest import ADVICE_HEADER, write_csv, write_xlsx
from tests.stored_text import everything_stored, findings_text

D = dt.date
NHS = "943 476 5919"  # passes the modulus 11 check
UPN = "X938201512001"  # its check letter is right
SECRETS = (NHS, "9434765919", "943-476-5919", "12/03/2015", "2015-03-12", UPN)
EHCP_COLUMNS = ["Case ID", "Local Authority", "Request Date", "Decision Date", "Decision",
                "Exception", "Setting"]




def test_free_text_keeps_all_but_the_nhs_number_and_date_of_birth(load, tmp_path, db):
    path = write_xlsx(tmp_path / "ehcp.xlsx", {"Requests": [
        EHCP_COLUMNS,
        ["E1", "Leeds", D(2025, 4, 1), D(2025, 5, 1), "Assess",
         f"Child (DOB 12/03/2015) in hospital, NHS {NHS}", f"Oak School re NHS no. {NHS}"],
        ["E2", "Leeds", D(2025, 4, 2), None, None, "Illness", "Elm Academy"],
    ]})
    result = load(path)
    assert (result.rows_read, result.loaded, result.rejected) == (2, 2, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT case_id, exception_recorded, setting FROM ehcp "
                             "ORDER BY 1").fetchall()
    assert stored == [
        ("E1", "Child (DOB [date of birth removed]) in hospital, NHS [NHS number removed]",
         "Oak School re NHS no. [NHS number removed]"),
        ("E2", "Illness", "Elm Academy"),
    ]
    found = {(w.sheet, w.row, w.column, w.rule) for w in result.warnings
             if w.rule == "personal_data_removed"}
    assert found == {("Requests", 2, "F", "personal_data_removed"),
                     ("Requests", 2, "G", "personal_data_removed")}
    everything = everything_stored(db) + findings_text(result)
    for secret in SECRETS:
        assert secret not in everything


def test_a_reference_that_is_an_nhs_number_is_kept_as_a_pseudonym(load, tmp_path, db):
    rows = [ADVICE_HEADER,
            ["R1", NHS, "Leeds", "SALT", "01/04/2025", "01/05/2025", "Trust", "", "", "New"],
            ["9434765919", "C2", "Leeds", "OT", "02/04/2025", "", "Trust", "", "", "New"],
            ["R3", "C3", "Leeds", "OT", "03/04/2025", "", "Trust", "", "", "New"]]
    first = load(write_csv(tmp_path / "advice_2025-11.csv", rows))
    assert (first.rows_read, first.loaded, first.rejected) == (3, 3, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT advice_id, case_id FROM health_advice "
                             "ORDER BY source_row").fetchall()
    (r1, case1), (advice2, c2), r3 = stored
    assert (r1, c2, r3) == ("R1", "C2", ("R3", "C3"))
    assert case1.startswith("PSEUDONYM-") and advice2.startswith("PSEUDONYM-")
    assert case1 == advice2  # one number, one pseudonym (the key is the database's)
    assert {(w.row, w.column) for w in first.warnings
            if w.rule == "personal_data_removed"} == {(2, "B"), (3, "A")}
    # The next month's export writes the number without spaces and adds a request: the
    # records already held are the same records, unchanged.
    rows[1][1] = "9434765919"
    rows.append(["R4", "C4", "Leeds", "OT", "04/04/2025", "", "Trust", "", "", "New"])
    again = load(write_csv(tmp_path / "advice_2025-12.csv", rows))
    assert (again.loaded, again.inserted, again.updated, again.unchanged) == (4, 1, 0, 3)
    everything = everything_stored(db) + findings_text(first)
    for secret in SECRETS:
        assert secret not in everything


@pytest.mark.parametrize("cell", [NHS, f"NHS {NHS}", "DOB 12/03/2015"])
def test_a_rejected_cell_holding_personal_data_is_not_shown(load, tmp_path, db, cell):
    # A column shifted by one: the child's NHS number (or birth date) lands in Requested Date.
    path = write_csv(tmp_path / "shifted.csv", [
        ADVICE_HEADER,
        ["R1", "C1", "Leeds", "SALT", cell, "", "Trust", "", "", "New"],
        ["R2", "C2", "Leeds", "SALT", "02/04/2025", "", "Trust", "", "", "New"]])
    result = load(path)
    assert (result.loaded, result.rejected) == (1, 1)
    (reject,) = result.rejects
    assert (reject.sheet, reject.row, reject.column, reject.header) == (
        "shifted.csv", 2, "E", "Requested Date")
    assert "removed]" in reject.value and "removed]" in reject.reason
    everything = everything_stored(db) + findings_text(result)
    for secret in SECRETS:
        assert secret not in everything


def test_a_upn_in_a_reference_or_in_text_is_not_kept(load, tmp_path, db):
    # Annex A's own "Child unique ID" filled with the pupil's UPN, and a UPN in a setting.
    path = write_csv(tmp_path / "ehcp.csv", [
        ["Case ID", "Local Authority", "Request Date", "Setting"],
        [UPN.lower(), "Leeds", "01/04/2025", f"Oak School (UPN {UPN})"],
        ["A938201512001", "Leeds", "02/04/2025", "Elm Academy"],  # wrong check letter: kept
    ])
    result = load(path)
    assert (result.loaded, result.rejected) == (2, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT case_id, setting FROM ehcp ORDER BY source_row").fetchall()
    assert stored[0][0].startswith("PSEUDONYM-")
    assert stored[0][1] == "Oak School (UPN [UPN removed])"
    assert stored[1] == ("A938201512001", "Elm Academy")
    everything = everything_stored(db) + findings_text(result)
    assert UPN not in everything and UPN.lower() not in everything


def _upn_whose_pseudonym_holds_an_nhs_number(key: bytes) -> str:
    """A UPN whose keyed pseudonym (the SEN2 request key's first part) has ten digits in it
    that pass the NHS number check (about one in three hundred do)."""
    for n in range(100_000):
        upn = f"A{n:012d}"
        if nhs_number_in(child_pseudonym({"UPN": upn}, key)):
            return upn
    raise AssertionError("no such UPN")


def test_a_sen2_request_key_is_not_taken_for_an_nhs_number(load, tmp_path, db):
    # The key of a SEN2 request is the child's pseudonym (hex) and the received date; its hex
    # may hold ten digits that pass the NHS number check. It must stay as made, or the request
    # would lose its join to sen2_requests.
    upn = _upn_whose_pseudonym_holds_an_nhs_number(b"test-key-not-secret")
    xml = ("<Message><Header><CollectionDetails><Collection>SEN2</Collection><Year>2026</Year>"
           "<ReferenceDate>2026-01-15</ReferenceDate></CollectionDetails><Source>"
           "<SourceLevel>L</SourceLevel><LEA>383</LEA></Source></Header><Persons><Person>"
           f"<Sex>F</Sex><UPN>{upn}</UPN><Requests><ReceivedDate>2025-06-02</ReceivedDate>"
           "<RequestOutcome>A</RequestOutcome></Requests></Person></Persons></Message>")
    path = tmp_path / "sen2.xml"
    path.write_text(xml, encoding="utf-8")
    result = load(path)
    assert (result.loaded, result.rejected, len(result.warnings)) == (1, 0, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        joined = con.execute("SELECT e.case_id FROM ehcp e JOIN sen2_requests s "
                             "USING (local_authority, case_id)").fetchall()
    assert len(joined) == 1 and nhs_number_in(joined[0][0])


def test_a_reference_that_reads_as_a_name_is_kept_as_a_pseudonym(load, tmp_path, db):
    """A hand-kept tracker whose "Case Ref" column holds the child's name: the row loads, the name is
    stored as a keyed pseudonym (the same child in the next file is the same record), and the
    load says so. References with a digit are kept as written."""
    header = ["Appeal ID", "Case Ref", "Local Authority", "Registered Date", "Appeal Type",
              "Health Aspects"]
    rows = [header,
            ["SE1/24", "Jane Smith", "Leeds", "01/04/2025", "Content", "Yes"],
            ["SE2/24", "SMITH, Tom", "Leeds", "02/04/2025", "Content", "No"],
            ["SE3/24", "EHC-0012", "Leeds", "03/04/2025", "Content", "No"]]
    first = load(write_csv(tmp_path / "tracker_2025-11.csv", rows))
    assert (first.rows_read, first.loaded, first.rejected) == (3, 3, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        cases = [r[0] for r in con.execute(
            "SELECT case_id FROM tribunals ORDER BY appeal_id").fetchall()]
    assert cases[0].startswith("PSEUDONYM-") and cases[1].startswith("PSEUDONYM-")
    assert cases[0] != cases[1] and cases[2] == "EHC-0012"
    assert {(w.row, w.column) for w in first.warnings
            if w.rule == "personal_data_removed"} == {(2, "B"), (3, "B")}
    rows[1][1] = "  jane   smith "  # next month, typed differently
    rows.append(["SE4/24", "C4", "Leeds", "04/04/2025", "Content", "No"])
    again = load(write_csv(tmp_path / "tracker_2025-12.csv", rows))
    assert (again.loaded, again.inserted, again.updated, again.unchanged) == (4, 1, 0, 3)
    everything = (everything_stored(db) + findings_text(first) + findings_text(again)).upper()
    assert "SMITH" not in everything and "JANE" not in everything


def test_a_reference_that_holds_an_email_address_is_kept_as_a_pseudonym(load, tmp_path, db):
    header = ["Appeal ID", "Case Ref", "Local Authority", "Registered Date", "Appeal Type",
              "Health Aspects"]
    rows = [header, ["SE1/24", "jo.bloggs@school.org", "Leeds", "01/04/2025", "Content", "Yes"],
            ["SE2/24", "EHC-0012", "Leeds", "03/04/2025", "Content", "No"]]
    result = load(write_csv(tmp_path / "tracker_2025-11.csv", rows))
    assert (result.loaded, result.rejected) == (2, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        cases = [r[0] for r in con.execute(
            "SELECT case_id FROM tribunals ORDER BY appeal_id").fetchall()]
    assert cases[0].startswith("PSEUDONYM-") and cases[1] == "EHC-0012"
    everything = (everything_stored(db) + findings_text(result)).upper()
    assert "BLOGGS" not in everything and "@SCHOOL" not in everything
