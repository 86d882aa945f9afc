"""A warning keeps its row: the row loads, and the warning is counted, kept in `row_warnings`
with the rule's code, and goes with its load when the load is rolled back."""

from __future__ import annotations

from pipelines.db import reader
from pipelines.rollback import rollback
from tests.conftest import ADVICE_HEADER, write_csv

LATE = ["A1", "C1", "Northshire", "SALT", "01/01/2025", "01/03/2026", "", "", "", ""]
ON_TIME = ["A2", "C1", "Northshire", "SALT", "01/04/2025", "01/05/2025", "", "", "", ""]


def test_a_row_with_a_warning_loads_and_the_warning_is_kept(tmp_path, db, load):
    result = load(write_csv(tmp_path / "advice.csv", [ADVICE_HEADER, LATE, ON_TIME]))
    assert (result.loaded, result.rejected, result.reconciles()) == (2, 0, True)
    assert [(w.row, w.column, w.rule) for w in result.warnings] == [(2, "F", "long_gap")]
    assert result.summary()["warnings"] == 1
    with reader(db) as con:
        assert con.execute("SELECT row_number, column_letter, column_header, value, rule "
                           "FROM row_warnings").fetchall() == [
            (2, "F", "Returned Date", "01/03/2026", "long_gap")]
        assert con.execute("SELECT count(*) FROM health_advice").fetchone() == (2,)
        assert con.execute("SELECT count(*) FROM rejects").fetchone() == (0,)
    rollback(db, result.load_id)
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM row_warnings").fetchone() == (0,)


def test_a_record_replaced_by_another_providers_row_is_loaded_with_a_warning(tmp_path, db, load):
    """Two providers who number their requests alike: the second log's REF-1 replaces the
    first's (one key), so the load says so, naming both; a provider correcting its own record,
    or writing its name in another case, is no such warning."""
    first = [["REF-1", "C1", "Northshire", "SALT", "01/04/2025", "", "Northshire Trust", "", "",
              ""],
             ["REF-2", "C2", "Northshire", "SALT", "01/04/2025", "", "Northshire Trust", "", "",
              ""]]
    assert load(write_csv(tmp_path / "trust.csv", [ADVICE_HEADER, *first])).loaded == 2
    other = [["REF-1", "C9", "Northshire", "OT", "02/05/2025", "", "Eastmoor CAMHS", "", "", ""]]
    result = load(write_csv(tmp_path / "camhs.csv", [ADVICE_HEADER, *other]))
    assert (result.loaded, result.updated, result.rejected) == (1, 1, 0)
    assert [(w.row, w.rule) for w in result.warnings] == [(2, "reference_reused")]
    reason = result.warnings[0].reason
    assert "REF-1" in reason and "trust.csv" in reason
    assert "Northshire Trust" in reason and "Eastmoor CAMHS" in reason
    with reader(db) as con:
        assert con.execute("SELECT rule FROM row_warnings").fetchall() == [("reference_reused",)]
        assert con.execute("SELECT provider FROM health_advice_history").fetchall() == [
            ("Northshire Trust",)]
    corrected = [["REF-2", "C2", "Northshire", "SALT", "01/04/2025", "10/05/2025",
                  "NORTHSHIRE TRUST", "", "", ""]]
    again = load(write_csv(tmp_path / "trust_may.csv", [ADVICE_HEADER, *corrected]))
    assert (again.updated, again.warnings) == (1, [])
