"""One reference, however a spreadsheet wrote it: "000123" in one month's CSV and 123 in the next
month's workbook (Excel made the reference a number and dropped its zeros) are one request, not
two. The spelling first stored stays the record's; a row written otherwise loads under it with a
warning naming the file. References that are not all digits keep their meaning."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb

from pipelines import reference_spelling
from pipelines.cli import main
from pipelines.load import ingest_file
from pipelines.rollback import rollback
from tests.conftest import ADVICE_HEADER, AS_OF, EHCP_HEADER, write_csv, write_xlsx

RULE = "reference_respelled"


def advice(ref, case, returned="", provider="Northshire Trust"):
    return [ref, case, "Northshire", "SALT", "01/12/2025", returned, provider, "", "", ""]


def request(case, decision_date="", decision=""):
    return [case, "Northshire", "01/10/2025", decision_date, decision, "", "", "", ""]


def rows(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def metrics(db, capsys) -> dict:
    capsys.readouterr()
    assert main(["metrics", "--json", "--db", str(db), "--as-of", AS_OF.isoformat()]) == 0
    return json.loads(capsys.readouterr().out)


def test_health_advice_written_000123_then_as_the_number_123_is_one_request(
        tmp_path, db, load, capsys):
    january = load(write_csv(tmp_path / "advice_2026-01.csv", [ADVICE_HEADER,
                                                               advice("000123", "00777")]))
    assert january.inserted == 1
    before = metrics(db, capsys)
    assert (before["health_advice_due"], before["health_advice_overdue_open"]) == (1, 1)

    # February's export, opened in Excel and saved as a workbook: the references are numbers.
    february = load(write_xlsx(tmp_path / "advice_2026-02.xlsx", {"Advice": [
        ADVICE_HEADER, advice(123, 777, returned="05/01/2026")]}))
    assert (february.inserted, february.updated, february.rejected) == (0, 1, 0)
    assert february.reconciles()
    assert rows(db, "SELECT advice_id, returned_date, source_file FROM health_advice") == [
        ("000123", dt.date(2026, 1, 5), "advice_2026-02.xlsx")]
    # The case it is for lost its zeros too: still the case held.
    assert rows(db, "SELECT case_id FROM health_advice") == [("00777",)]
    assert [(w.sheet, w.row, w.rule, w.header, w.value) for w in february.warnings] == [
        ("Advice", 2, RULE, "advice_id", "123"), ("Advice", 2, RULE, "case_id", "777")]
    assert "000123" in february.warnings[0].reason
    assert "advice_2026-01.csv" in february.warnings[0].reason
    assert rows(db, "SELECT file_name, row_number, column_header, rule FROM row_warnings "
                    "ORDER BY 3") == [("advice_2026-02.xlsx", 2, "advice_id", RULE),
                                      ("advice_2026-02.xlsx", 2, "case_id", RULE)]
    after = metrics(db, capsys)
    assert (after["health_advice_due"], after["health_advice_overdue_open"]) == (1, 0)

    # The same month again, as a CSV whose reference is 123 as text: nothing changes.
    again = load(write_csv(tmp_path / "advice_2026-02_again.csv", [
        ADVICE_HEADER, advice("123", "777", returned="05/01/2026")]))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
    assert [w.rule for w in again.warnings] == [RULE, RULE]
    assert rows(db, "SELECT count(*) FROM health_advice") == [(1,)]

    # Undoing February (and its repeat) puts January's record back as it was.
    rollback(db, again.load_id)
    rollback(db, february.load_id)
    assert rows(db, "SELECT advice_id, returned_date, source_file FROM health_advice") == [
        ("000123", None, "advice_2026-01.csv")]
    assert rows(db, "SELECT count(*) FROM health_advice_history") == [(0,)]
    assert rows(db, "SELECT count(*) FROM row_warnings") == [(0,)]
    assert metrics(db, capsys) == before


def test_an_ehcp_case_written_00777_then_as_the_number_777_is_one_request(
        tmp_path, db, load, capsys):
    load(write_csv(tmp_path / "ehcp_2026-01.csv", [EHCP_HEADER, request("00777")]))
    assert metrics(db, capsys)["ehcp_decisions_outstanding_past_6_weeks"] == 1
    february = load(write_xlsx(tmp_path / "ehcp_2026-02.xlsx", {"Cases": [
        EHCP_HEADER, request(777.0, "20/11/2025", "Yes")]}))
    assert (february.inserted, february.updated) == (0, 1)
    assert [(w.value, w.rule) for w in february.warnings] == [("777", RULE)]
    assert rows(db, "SELECT case_id, decision FROM ehcp") == [("00777", "assess")]
    found = metrics(db, capsys)
    assert found["ehcp_decisions_outstanding_past_6_weeks"] == 0
    assert found["ehcp_decided_within_6_weeks_denominator"] == 1
    # Loaded again as it was, nothing changes.
    copy = shutil.copy(tmp_path / "ehcp_2026-02.xlsx", tmp_path / "ehcp_2026-02_copy.xlsx")
    assert load(copy).status == "unchanged"
    march = load(write_csv(tmp_path / "ehcp_2026-03.csv", [
        EHCP_HEADER, request("777", "20/11/2025", "Yes")]))
    assert (march.inserted, march.updated, march.unchanged) == (0, 0, 1)
    assert rows(db, "SELECT count(*) FROM ehcp") == [(1,)]


def test_spellings_of_one_reference_that_read_alike(tmp_path, db, load):
    """Stray spaces and a workbook's whole-number cell (123.0) were one reference already;
    a number written with a decimal point in text ("123.0", as pandas writes a column of
    whole numbers with blanks in it) is the same reference too."""
    load(write_csv(tmp_path / "advice_2026-01.csv", [ADVICE_HEADER, advice("0123", "C1")]))
    for n, ref in enumerate((" 123 ", "00123.0", 123.0)):
        name = f"advice_2026-0{n + 2}.xlsx"
        result = load(write_xlsx(tmp_path / name, {"S": [ADVICE_HEADER, advice(ref, "C1")]}))
        assert (result.inserted, result.unchanged, result.rejected) == (0, 1, 0), ref
    assert rows(db, "SELECT advice_id FROM health_advice") == [("0123",)]


def test_references_with_letters_keep_their_zeros(tmp_path, db, load):
    first = [advice("EHC0123", "C1"), advice("HA-0012", "C2"), advice("0A1", "C3")]
    load(write_csv(tmp_path / "advice_2026-01.csv", [ADVICE_HEADER, *first]))
    second = [advice("EHC123", "C1"), advice("HA-12", "C2"), advice("A1", "C3")]
    result = load(write_csv(tmp_path / "advice_2026-02.csv", [ADVICE_HEADER, *second]))
    assert (result.inserted, result.updated, result.warnings) == (3, 0, [])
    assert rows(db, "SELECT count(*) FROM health_advice") == [(6,)]


def test_two_rows_of_one_file_differing_only_in_zeros_are_a_repeated_key(tmp_path, db, load):
    same = load(write_csv(tmp_path / "advice_a.csv", [
        ADVICE_HEADER, advice("000123", "C1"), advice("123", "C1")]))
    assert (same.loaded, same.duplicates, same.rejected) == (1, 1, 0)
    assert [(w.row, w.rule) for w in same.warnings] == [(3, RULE)]
    assert rows(db, "SELECT advice_id FROM health_advice") == [("000123",)]

    differ = load(write_csv(tmp_path / "advice_b.csv", [
        ADVICE_HEADER, advice("0456", "C1"), advice("456", "C1", returned="05/01/2026")]))
    assert (differ.loaded, differ.rejected) == (0, 2)
    assert {(r.row, r.rule) for r in differ.rejects} == {(2, "conflict"), (3, "conflict")}
    assert differ.reconciles()
    assert rows(db, "SELECT count(*) FROM health_advice WHERE advice_id LIKE '%456'") == [(0,)]


def test_a_known_row_and_a_new_spelling_of_it_conflict_as_when_every_row_is_validated(
        tmp_path, monkeypatch):
    """Next month's CSV recognised by its rows (`known_rows`) judges a reference written two
    ways in it as a full validation does: both versions rejected, the record left alone."""
    january = [ADVICE_HEADER, advice("000123", "C1"), advice("000124", "C2"),
               advice("000125", "C3")]
    february = [*january, advice("123", "C1", returned="05/01/2026")]
    outcomes = []
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "test-key-not-secret")
    for recognise in (True, False):
        db = tmp_path / f"{recognise}.duckdb"
        ingest_file(db, write_csv(tmp_path / "advice_2026-01.csv", january), as_of=AS_OF)
        result = ingest_file(db, write_csv(tmp_path / "advice_2026-02.csv", february),
                             as_of=AS_OF, recognise_known=recognise)
        outcomes.append(((result.loaded, result.unchanged, result.updated, result.rejected),
                         sorted((r.row, r.rule) for r in result.rejects),
                         rows(db, "SELECT advice_id, returned_date FROM health_advice "
                                  "ORDER BY 1")))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][1] == [(2, "conflict"), (5, "conflict")]


def test_a_reference_holding_an_nhs_number_is_one_pseudonym_as_text_or_a_number(
        tmp_path, db, load):
    load(write_csv(tmp_path / "advice_2026-01.csv", [ADVICE_HEADER,
                                                     advice("943 476 5919", "C1")]))
    february = load(write_xlsx(tmp_path / "advice_2026-02.xlsx", {"S": [
        ADVICE_HEADER, advice(9434765919, "C1", returned="05/01/2026")]}))
    assert (february.inserted, february.updated) == (0, 1)
    (held,), = rows(db, "SELECT advice_id FROM health_advice")
    assert held.startswith("PSEUDONYM-") and "5919" not in held


def test_a_spelling_is_said_once_and_the_rows_are_recognised_next_month(tmp_path, db, load):
    first = [advice(f"00012{n}", f"C{n}") for n in range(3)]
    load(write_csv(tmp_path / "advice_2026-01.csv", [ADVICE_HEADER, *first]))
    as_numbers = [advice(120 + n, f"C{n}") for n in range(3)]
    february = load(write_xlsx(tmp_path / "advice_2026-02.xlsx", {"S": [ADVICE_HEADER,
                                                                        *as_numbers]}))
    assert [(w.row, w.rule) for w in february.warnings] == [(2, RULE), (3, RULE), (4, RULE)]
    # March's workbook holds the same rows: those recognised as loaded are not read again (all
    # but the last, which ends the table: `known_rows`), and their spelling not said again.
    march = load(write_xlsx(tmp_path / "advice_2026-03.xlsx", {"March": [ADVICE_HEADER,
                                                                         *as_numbers]}))
    assert march.status == "loaded"
    assert (march.inserted, march.updated, march.unchanged) == (0, 0, 3)
    assert [(w.row, w.rule) for w in march.warnings] == [(4, RULE)]
    assert rows(db, "SELECT advice_id FROM health_advice ORDER BY 1") == [
        ("000120",), ("000121",), ("000122",)]


def test_an_older_extract_in_another_spelling_is_stale(tmp_path, db, load):
    february = load(write_xlsx(tmp_path / "advice_2026-02.xlsx", {"S": [
        ADVICE_HEADER, advice(123, "C1", returned="05/01/2026")]}))
    assert february.inserted == 1
    january = load(write_csv(tmp_path / "advice_2026-01.csv", [ADVICE_HEADER,
                                                               advice("000123", "C1")]))
    assert (january.inserted, january.updated, january.stale) == (0, 0, 1)
    assert [w.rule for w in january.warnings] == [RULE]
    assert rows(db, "SELECT advice_id, returned_date FROM health_advice") == [
        ("123", dt.date(2026, 1, 5))]
    assert rows(db, "SELECT advice_id, history_note FROM health_advice_history") == [
        ("123", "stale")]


def test_a_case_is_one_across_datasets_however_each_wrote_it(tmp_path, db, load, capsys):
    """The LA's case system pads its references and the provider's log does not: the advice
    is for the case held, so the plan it contributed to is found (`health_contribution`)."""
    load(write_csv(tmp_path / "ehcp_2026-01.csv", [EHCP_HEADER, [
        "00777", "Northshire", "01/10/2025", "20/11/2025", "Yes", "", "10/02/2026", "", ""]]))
    result = load(write_xlsx(tmp_path / "advice_2026-01.xlsx", {"S": [
        ADVICE_HEADER, advice("HA-1", 777, returned="05/01/2026")]}))
    assert [(w.header, w.value) for w in result.warnings] == [("case_id", "777")]
    assert rows(db, "SELECT a.advice_id FROM health_advice a JOIN ehcp e "
                    "USING (local_authority, case_id)") == [("HA-1",)]
    # And the other way round: a case first stored by the provider's log keeps its spelling.
    load(write_csv(tmp_path / "advice_2026-02.csv", [ADVICE_HEADER, advice("HA-2", "0888")]))
    later = load(write_csv(tmp_path / "ehcp_2026-02.csv", [EHCP_HEADER, request("888")]))
    assert (later.inserted, [w.value for w in later.warnings]) == (1, ["888"])
    assert rows(db, "SELECT case_id FROM ehcp ORDER BY 1") == [("00777",), ("0888",)]


def test_an_nhs_number_padded_with_zeros_is_never_stored_and_is_the_same_reference(
        tmp_path, db, load):
    """A system that pads its references pads an NHS number held as one too: it is still an NHS
    number, kept only as the pseudonym the number alone gets."""
    load(write_csv(tmp_path / "advice_2026-01.csv", [ADVICE_HEADER,
                                                     advice("009434765919", "C1")]))
    february = load(write_xlsx(tmp_path / "advice_2026-02.xlsx", {"S": [
        ADVICE_HEADER, advice(9434765919, "C1", returned="05/01/2026")]}))
    assert (february.inserted, february.updated) == (0, 1)
    (held,), = rows(db, "SELECT advice_id FROM health_advice")
    assert held.startswith("PSEUDONYM-")
    assert rows(db, "SELECT count(*) FROM health_advice_history WHERE advice_id LIKE '%5919%'"
                ) == [(0,)]


def test_a_database_holding_two_spellings_from_before_keeps_each_as_it_was(
        tmp_path, db, load, monkeypatch):
    """A database loaded before spellings were read as one may hold 000123 and 123 as two
    records. Upgrading changes neither: a row written as one of them is that record, as before;
    a third spelling is the one first stored."""
    with monkeypatch.context() as before:  # loaded as the earlier version did
        before.setattr(reference_spelling, "respell", lambda con, schema, tables: (tables, []))
        load(write_csv(tmp_path / "advice_2026-01.csv", [ADVICE_HEADER, advice("000123", "C1")]))
        load(write_csv(tmp_path / "advice_2026-02.csv", [ADVICE_HEADER, advice("123", "C1")]))
    assert rows(db, "SELECT advice_id FROM health_advice ORDER BY 1") == [("000123",), ("123",)]
    march = load(write_csv(tmp_path / "advice_2026-03.csv", [
        ADVICE_HEADER, advice("123", "C1", returned="05/01/2026"), advice("0123", "C1")]))
    assert (march.inserted, march.updated, march.unchanged) == (0, 1, 1)
    assert [(w.row, w.value) for w in march.warnings] == [(3, "0123")]
    assert "000123" in march.warnings[0].reason
    assert rows(db, "SELECT advice_id, returned_date FROM health_advice ORDER BY 1") == [
        ("000123", None), ("123", dt.date(2026, 1, 5))]


def test_ingest_says_how_many_rows_were_read_in_another_spelling_and_where(tmp_path, db, capsys):
    write_csv(tmp_path / "advice_2026-01.csv", [ADVICE_HEADER, advice("000123", "0777"),
                                                advice("000124", "0777")])
    write_xlsx(tmp_path / "advice_2026-02.xlsx", {"Feb": [ADVICE_HEADER, advice(123, 777),
                                                          advice(124, 777)]})
    for name in ("advice_2026-01.csv", "advice_2026-02.xlsx"):
        assert main(["ingest", "--db", str(db), "--as-of", AS_OF.isoformat(),
                     str(tmp_path / name)]) == 0
    said = capsys.readouterr().err.splitlines()  # warnings on stderr
    warned = [line for line in said if RULE in line]
    assert len(warned) == 1
    assert "2 row(s), first Feb row 2, Feb row 3: advice_id 123 is the reference 000123" in warned[0]
    assert "advice_2026-01.csv" in warned[0]


def test_a_school_keeps_one_spelling_of_its_urn_across_audits(tmp_path, db, load):
    """A reference that is one within other key columns than dates: a school's audits on two
    dates are two records, of one school however its URN was written."""
    header = ["URN", "School Name", "LA", "Audit Date"]
    load(write_csv(tmp_path / "audit_2025.csv",
                   [header, ["0100001", "Ash Primary", "Northshire", "01/10/2024"]]),
         kind="schools")
    later = load(write_xlsx(tmp_path / "audit_2026.xlsx", {"Audit": [
        header, [100001, "Ash Primary", "Northshire", "01/10/2025"]]}), kind="schools")
    assert (later.inserted, [w.value for w in later.warnings]) == (1, ["100001"])
    assert rows(db, "SELECT urn, audit_date FROM schools ORDER BY 2") == [
        ("0100001", dt.date(2024, 10, 1)), ("0100001", dt.date(2025, 10, 1))]
