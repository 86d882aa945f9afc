"""A name typed into a file's free text (a tribunal outcome, a delay reason) is never stored:
every name the file's own name columns hold, from any of its rows, is taken out of its text
columns, as is a title and name, an email address, a phone number and a postcode; the row says
so in the load summary. A title row's user name never reaches `loads.extract_basis`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from pipelines.db import reader
from tests.conftest import write_csv, write_xlsx

D = dt.date
NAMES = ("AMY", "SMITH", "JACK", "O'NEIL", "JONES", "PATEL", "JSMITH", "JANE")


def _everything_stored(db: Path) -> str:
    """Every text value of every table, one after another."""
    with reader(db) as con:
        columns = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                              "WHERE data_type = 'VARCHAR' AND table_schema = 'main'").fetchall()
        return "\n".join(str(value) for table, column in columns
                         for (value,) in con.execute(f'SELECT "{column}" FROM "{table}"').fetchall())


def _told(result) -> str:
    return json.dumps(result.summary(), default=str) + "\n".join(
        f"{f.value} {f.reason}" for f in [*result.rejects, *result.warnings])


def test_names_from_a_trackers_name_columns_are_taken_out_of_its_free_text(load, tmp_path, db):
    # A hand-kept tribunal tracker: the child's and the parent's names in columns no dataset
    # takes (so never stored), and the same names typed into the outcome and appeal type.
    path = write_csv(tmp_path / "tribunals.csv", [
        ["Appeal ID", "Child Name", "Parent/Carer Name", "Local Authority", "Registered Date",
         "Appeal Type", "Hearing Date", "Outcome"],
        ["SE1/25", "Amy Smith", "Mrs J Smith", "Leeds", "01/04/2025", "Content", "",
         "Upheld - Amy Smith"],
        ["SE2/25", "Jack O'Neil", "Ms Jones", "Leeds", "02/04/2025", "Content - jack",
         "", "Discussed with mum (Mrs Jones); amy's appeal heard same day"],
        ["SE3/25", "Tom Hall", "", "Leeds", "03/04/2025", "Refusal to assess",
         "Tom unwell, adjourned", "Withdrawn"],
    ])
    result = load(path)
    assert (result.rows_read, result.loaded, result.rejected) == (3, 2, 1)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT appeal_id, appeal_type, outcome FROM tribunals "
                             "ORDER BY appeal_id").fetchall()
        (rejected,) = con.execute("SELECT value FROM rejects").fetchall()
    assert stored == [
        ("SE1/25", "Content", "Upheld - [name removed]"),
        ("SE2/25", "Content - [name removed]",
         "Discussed with mum ([name removed]); [name removed] appeal heard same day"),
    ]
    assert rejected == ("[name removed] unwell, adjourned",)  # a hearing date that is not one
    assert {(w.row, w.column, w.rule) for w in result.warnings} == {
        (2, "H", "personal_data_removed"), (3, "F", "personal_data_removed"),
        (3, "H", "personal_data_removed")}
    everything = (_everything_stored(db) + _told(result)).upper()
    for name in (*NAMES, "TOM", "HALL"):
        assert name not in everything


def test_an_ehc_exports_forename_and_surname_leave_its_delay_reasons(load, tmp_path, db):
    path = write_xlsx(tmp_path / "ehcp.xlsx", {"Requests": [
        ["Case ID", "Forename", "Surname", "Local Authority", "Request Date", "Exception",
         "Setting"],
        ["E1", "Amy", "Smith", "Leeds", D(2025, 4, 1), "Illness", "Smith Street Primary"],
        ["E2", "Jack", "O'Neil-Brown", "Leeds", D(2025, 4, 2),
         "Jack seen 12/3, report sent to Dr Patel; AMY SMITH's sibling", "Elm Academy"],
    ]})
    result = load(path)
    assert (result.loaded, result.rejected) == (2, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT case_id, exception_recorded, setting FROM ehcp "
                             "ORDER BY case_id").fetchall()
    # A setting is an organisation: a name it shares with a child is its own.
    assert stored == [("E1", "Illness", "Smith Street Primary"),
                      ("E2", "[name removed] seen 12/3, report sent to [name removed]; "
                             "[name removed] sibling", "Elm Academy")]
    assert [(w.row, w.column) for w in result.warnings] == [(3, "F")]
    everything = (_everything_stored(db) + _told(result)).upper().replace("SMITH STREET", "")
    for name in NAMES:
        assert name not in everything


def test_a_user_name_in_the_title_row_is_not_kept_with_the_extract_date(load, tmp_path, db):
    body = [["Advice ID", "Case ID", "Local Authority", "Service", "Requested Date", "Provider"],
            ["A1", "C1", "Leeds", "SALT", "01/02/2026", "Leeds Community Healthcare"]]
    first = load(write_csv(tmp_path / "advice.csv", [
        ["EHC timeliness report run 01/03/2026 09:14 by JSMITH"], *body]))
    second = load(write_csv(tmp_path / "advice_b.csv", [
        ["Report generated by Jane Smith on 02/03/2026 (user: jsmith)"], *body]))
    assert (first.extract_date, first.extract_basis) == (
        D(2026, 3, 1), "title row 'report run 01/03/2026'")
    assert (second.extract_date, second.extract_basis) == (
        D(2026, 3, 2), "title row 'generated 02/03/2026'")
    with duckdb.connect(str(db), read_only=True) as con:
        kept = con.execute("SELECT extract_basis FROM loads ORDER BY load_id").fetchall()
    assert kept == [("title row 'report run 01/03/2026'",), ("title row 'generated 02/03/2026'",)]
    everything = (_everything_stored(db) + _told(first) + _told(second)).upper()
    for name in NAMES:
        assert name not in everything


def test_a_name_from_a_row_loaded_last_month_leaves_a_new_rows_text(load, tmp_path, db):
    # Next month's tracker: Amy's row is recognised as loaded (not validated again), yet her
    # name in the new row's outcome is still one of the file's names.
    header = ["Appeal ID", "Child Name", "Local Authority", "Registered Date", "Outcome"]
    amy = ["SE1/25", "Amy Smith", "Leeds", "01/04/2025", "Upheld"]
    bob = ["SE2/25", "Bob Lee", "Leeds", "01/04/2025", "Upheld"]
    load(write_csv(tmp_path / "tribunals_2025-11.csv", [header, amy, bob]))
    again = load(write_csv(tmp_path / "tribunals_2025-12.csv", [
        header, amy, bob, ["SE3/25", "Jack Hall", "Leeds", "02/04/2025", "Sibling of amy smith"]]))
    assert (again.inserted, again.unchanged) == (1, 2)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT outcome FROM tribunals WHERE appeal_id = 'SE3/25'"
                           ).fetchone() == ("Sibling of [name removed]",)
