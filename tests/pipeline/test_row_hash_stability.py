"""A record's row hash and person pseudonym must not change between versions of the pipeline:
a stored row whose hash changed would look updated when the same export is loaded again, and
a child would get a second person_id. The expected values were made by the row-by-row validator
this project used before validation went column-wise."""

from __future__ import annotations

import duckdb

from tests.conftest import write_csv

ADVICE = [["Advice ID", "Case ID", "Local Authority", "Service", "Requested Date",
           "Returned Date", "Provider", "Exception", "Quality Score", "Stage"],
          ["a1 ", "C1", "Northshire", "SALT", "01/04/2025", "20/05/2025", "Trust", "DNA", "3", "New"],
          ["A2", "C2", "NSH", "OT", "2025-04-02", "", "", "Y", "", "Annual review"],
          # Quality 15 (was written "1,5", which read as 15; a decimal comma is now refused).
          ["A3", "C3", "Riverside", "Physio", "3 Apr 2025", "", "Trust", "", "15", ""]]
EHCP = [["Case ID", "LA", "Request Date", "NHS Number", "Child Name", "Date of Birth", "Week20",
         "Decision"],
        ["E1", "Northshire", "01/04/2025", "943 476 5919", "Zoë Quigley", "14/02/2015", "Y", "Y"],
        ["E2", "Northshire", "01/04/2025", "", "Amir Kowalczyk", "03/07/2012", "", "N"]]


def stored(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_row_hashes_and_pseudonyms_are_those_earlier_versions_stored(load, db, tmp_path):
    assert load(write_csv(tmp_path / "advice.csv", ADVICE)).loaded == 3
    assert load(write_csv(tmp_path / "ehcp.csv", EHCP)).loaded == 2
    assert stored(db, "SELECT advice_id, row_hash FROM health_advice ORDER BY 1") == [
        ("A1", "7a89714c419c7ea5"), ("A2", "02947cf0646fdb5b"), ("A3", "6e025553512c98d4")]
    assert stored(db, "SELECT case_id, row_hash, person_id FROM ehcp ORDER BY 1") == [
        ("E1", "bfbf417ecf3bfa7f", "2d24715d9ae1c6577df2"),
        ("E2", "c339ba89af920945", "8308111d99daefe8b345")]
