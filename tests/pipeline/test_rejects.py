"""Every rejection reason: the reject names sheet, Excel row, column letter and header, and why."""

import datetime as dt

import duckdb
import pytest

from tests.conftest import ADVICE_HEADER, EHCP_HEADER, TRIBUNAL_HEADER, write_csv, write_xlsx

GOOD_ADVICE = ["A0", "C0", "Northshire", "SALT", "01/04/2025", "01/05/2025", "", "", "", ""]


def only_reject(result):
    assert result.rejected == 1 and result.reconciles()
    (reject,) = result.rejects
    return reject


@pytest.mark.parametrize(
    "row, column, header, rule, reason",
    [
        (
            ["A1", "", "Northshire", "SALT", "01/04/2025", "", "", "", "", ""],
            "B",
            "Case ID",
            "missing_required",
            "case_id: missing required field",
        ),
        (
            ["A1", "C1", "Northshire", "SALT", "31/02/2025", "", "", "", "", ""],
            "E",
            "Requested Date",
            "impossible_date",
            "impossible date '31/02/2025'",
        ),
        (
            ["A1", "C1", "Northshire", "SALT", "01/04/2025", "01/03/2025", "", "", "", ""],
            "F",
            "Returned Date",
            "end_before_start",
            "returned before requested",
        ),
        (
            ["A1", "C1", "Northshire", "SALT", "01/04/2025", "01/04/2027", "", "", "", ""],
            "F",
            "Returned Date",
            "future_date",
            "after the load's as-of date 31/03/2026",
        ),
        (
            ["A1", "C1", "Northshire", "Chiropody", "01/04/2025", "", "", "", "", ""],
            "D",
            "Service",
            "invalid_service",
            "unknown service 'Chiropody'",
        ),
        (
            ["A1", "C1", "Westshire", "SALT", "01/04/2025", "", "", "", "", ""],
            "C",
            "Local Authority",
            "invalid_la",
            "unknown local authority 'Westshire'",
        ),
        (
            ["A1", "C1", "Northshire", "SALT", "01/04/2025", "", "", "", "lots", ""],
            "I",
            "Quality Score",
            "invalid_number",
            "not a number: 'lots'",
        ),
        (
            ["A1", "C1", "Northshire", "SALT", "sometime in May", "", "", "", "", ""],
            "E",
            "Requested Date",
            "invalid_date",
            "not a date: 'sometime in May'",
        ),
    ],
)
def test_advice_row_rules(load, tmp_path, row, column, header, rule, reason):
    result = load(write_csv(tmp_path / "a.csv", [ADVICE_HEADER, GOOD_ADVICE, row]))
    reject = only_reject(result)
    assert (reject.sheet, reject.row, reject.column, reject.header, reject.rule) == (
        "a.csv",
        3,
        column,
        header,
        rule,
    )
    assert reason in reject.reason
    assert result.loaded == 1


@pytest.mark.parametrize(
    "row, column, reason",
    [
        (
            ["E1", "Northshire", "01/04/2025", "01/03/2025", "Y", "", "", "", ""],
            "D",
            "decision before request",
        ),
        (
            ["E1", "Northshire", "01/04/2025", "", "", "", "01/03/2025", "", ""],
            "G",
            "final plan before request",
        ),
        (
            ["E1", "Northshire", "01/04/2025", "", "", "01/03/2025", "", "", ""],
            "F",
            "draft plan before request",
        ),
        (["E1", "Northshire", "01/04/2025", "", "Maybe", "", "", "", ""], "E", "unknown decision 'Maybe'"),
        (["E1", "Northshire", "01/04/2025", "", "", "", "", "", "XYZ"], "I", "unknown primary need"),
    ],
)
def test_ehcp_row_rules(load, tmp_path, row, column, reason):
    reject = only_reject(load(write_csv(tmp_path / "e.csv", [EHCP_HEADER, row])))
    assert reject.column == column and reason in reject.reason


def test_response_before_recommendation_and_bad_yes_no(load, tmp_path):
    result = load(
        write_csv(
            tmp_path / "t.csv",
            [
                TRIBUNAL_HEADER,
                ["T1", "", "Northshire", "01/04/2025", "", "Y", "", "", "Y", "01/06/2025", "01/05/2025"],
                ["T2", "", "Northshire", "01/04/2025", "", "perhaps", "", "", "", "", ""],
            ],
        )
    )
    assert result.rejected == 2
    by_row = {r.row: r for r in result.rejects}
    assert "response before recommendation" in by_row[2].reason and by_row[2].column == "K"
    assert "not a yes/no value: 'perhaps'" in by_row[3].reason and by_row[3].column == "F"


def test_hearing_date_may_lie_ahead(load, tmp_path):
    result = load(
        write_csv(
            tmp_path / "t.csv",
            [
                TRIBUNAL_HEADER,
                ["T1", "", "Northshire", "01/03/2026", "", "Y", "15/06/2026", "Pending", "", "", ""],
            ],
        )
    )
    assert (result.loaded, result.rejected) == (1, 0)


def test_several_problems_in_one_row_count_once(load, tmp_path):
    result = load(
        write_csv(
            tmp_path / "a.csv",
            [ADVICE_HEADER, ["A1", "", "Westshire", "Chiropody", "31/02/2025", "", "", "", "", ""]],
        )
    )
    assert result.rejected == 1 and len(result.rejects) == 4
    assert {r.column for r in result.rejects} == {"B", "C", "D", "E"}


def test_exact_duplicates_dropped_and_conflicts_rejected(load, tmp_path, db):
    result = load(
        write_xlsx(
            tmp_path / "a.xlsx",
            {
                "One": [
                    ADVICE_HEADER,
                    GOOD_ADVICE,
                    GOOD_ADVICE,
                    ["A7", "C7", "Northshire", "CAMHS", "01/04/2025", "", "", "", "", ""],
                ],
                "Two": [
                    ADVICE_HEADER,
                    ["a7 ", "C7", "Northshire", "CAMHS", "02/04/2025", "", "", "", "", ""],
                    GOOD_ADVICE,
                ],
            },
        )
    )
    assert (result.rows_read, result.loaded, result.duplicates, result.rejected) == (5, 1, 2, 2)
    assert result.reconciles()
    conflicts = [r for r in result.rejects if r.rule == "conflict"]
    assert sorted((r.sheet, r.row) for r in conflicts) == [("One", 4), ("Two", 2)]
    assert conflicts[0].reason == ("conflict: 2 different versions of Northshire/A7/provider in "
                                   "this file (One row 4, Two row 2)")
    # Said at the reference's column, under the header the file gives it.
    assert {(r.column, r.header) for r in conflicts} == {("A", ADVICE_HEADER[0])}
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT advice_id FROM health_advice").fetchall() == [("A0",)]
        stored = con.execute("SELECT sheet, row_number, rule FROM rejects ORDER BY 1, 2").fetchall()
    assert stored == [("One", 4, "conflict"), ("Two", 2, "conflict")]


def test_personal_data_never_stored_in_clear(load, tmp_path, db):
    header = ["Case ID", "LA", "Request Date", "NHS Number", "Child Name", "Date of Birth", "Postcode"]
    result = load(
        write_csv(
            tmp_path / "p.csv",
            [
                header,
                ["E1", "Northshire", "01/04/2025", "943 476 5919", "Zoë Quigley", "14/02/2015", "NE1 4XY"],
                ["E2", "Northshire", "01/04/2025", "9434765918", "Amir Kowalczyk", "03/07/2012", "NE2 1AB"],
                ["E3", "Northshire", "01/04/2025", "", "Amir Kowalczyk", "03/07/2012", ""],
            ],
        )
    )
    assert (result.loaded, result.rejected) == (2, 1)
    assert result.rejects[0].value == "(withheld: personal data)"
    with duckdb.connect(str(db), read_only=True) as con:
        dump = " ".join(
            str(v)
            for t in ("ehcp", "rejects", "loads", "load_sheets")
            for row in con.execute(f"SELECT * FROM {t}").fetchall()
            for v in row
        )
        people = con.execute("SELECT case_id, person_id, birth_year FROM ehcp ORDER BY 1").fetchall()
    for secret in (
        "9434765919",
        "943 476 5919",
        "9434765918",
        "Quigley",
        "Kowalczyk",
        "2015-02-14",
        "14/02/2015",
        "NE1 4XY",
    ):
        assert secret not in dump
    assert [(c, y) for c, _, y in people] == [("E1", 2015), ("E3", 2012)]
    assert all(len(p) == 20 for _, p, _ in people)


def test_a_reason_never_quotes_a_date_of_birth(load, tmp_path, db):
    """A date of birth that is impossible, in the future, or after the request is rejected or
    queried with the date withheld from the reason, as from the value, in every form a check
    writes it: as the file has it, dd/mm/yyyy and ISO."""
    header = ["Case ID", "LA", "Request Date", "Child Name", "Date of Birth"]
    rows = [["E1", "Northshire", "01/04/2025", "Zoë Quigley", "31/02/2016"],  # impossible
            ["E2", "Northshire", "01/04/2025", "Amir Kowalczyk", "07/03/2030"],  # future
            ["E3", "Northshire", "01/04/2025", "Ada Lovell", "2025-08-01"]]  # after the request
    result = load(write_csv(tmp_path / "dob.csv", [header, *rows]))
    findings = result.rejects + result.warnings
    assert {r.rule for r in findings} >= {"impossible_date", "future_date", "end_before_start"}
    with duckdb.connect(str(db), read_only=True) as con:
        stored = " ".join(str(v) for t in ("rejects", "row_warnings")
                          for row in con.execute(f"SELECT * FROM {t}").fetchall() for v in row)
    shown = " ".join(f"{r.value} {r.reason}" for r in findings)
    for secret in ("31/02/2016", "07/03/2030", "2030-03-07", "01/08/2025", "2025-08-01"):
        assert secret not in shown and secret not in stored, secret
    assert "(withheld)" in shown and "01/04/2025" in shown  # the request date is no secret


def test_same_child_gets_same_pseudonym_across_files(load, tmp_path, db):
    header = ["Case ID", "LA", "Request Date", "NHS No"]
    load(write_csv(tmp_path / "a.csv", [header, ["E1", "Northshire", "01/04/2025", "9434765919"]]))
    load(write_csv(tmp_path / "b.csv", [header, ["E2", "Riverside", "01/05/2025", "943-476-5919"]]))
    with duckdb.connect(str(db), read_only=True) as con:
        ids = con.execute("SELECT DISTINCT person_id FROM ehcp").fetchall()
    assert len(ids) == 1


def test_as_of_defaults_to_today(db, tmp_path):
    from pipelines.load import ingest_file

    tomorrow = (dt.date.today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    result = ingest_file(
        db,
        write_csv(tmp_path / "e.csv", [EHCP_HEADER, ["E1", "Northshire", tomorrow, "", "", "", "", "", ""]]),
    )
    assert result.rejects[0].rule == "future_date"
