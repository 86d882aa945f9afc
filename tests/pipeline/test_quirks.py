"""Files with the quirks real exports have: each must load, and every row must be accounted for."""

import datetime as dt

import duckdb
import openpyxl
import pytest

from tests.conftest import ADVICE_HEADER, EHCP_HEADER, write_csv, write_xlsx

D = dt.date


def rows(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_title_rows_blank_rows_totals_and_notes(load, tmp_path, db):
    path = write_xlsx(
        tmp_path / "advice.xlsx",
        {
            "Log": [
                ["Northshire Community Trust: health advice requests"],
                ["Report run 31/03/2026", None, None],
                [],
                ADVICE_HEADER,
                ["A1", "C1", "Northshire", "SALT", D(2025, 4, 1), D(2025, 5, 1), "Trust", None, 3, "New"],
                [],
                ["A2", "C2", "Northshire", "OT", D(2025, 4, 2), None, "Trust", None, None, "Annual review"],
                [None, None, None],
                ["Total", None, None, None, None, None, None, None, 2],
                ["Source: case system extract"],
            ]
        },
    )
    result = load(path)
    assert (result.rows_read, result.loaded, result.blank, result.notes, result.rejected) == (6, 2, 2, 2, 0)
    assert result.reconciles()
    assert result.sheets[0]["header_row"] == 4
    assert rows(db, "SELECT advice_id, source_row, stage FROM health_advice ORDER BY 1") == [
        ("A1", 5, "new assessment"),
        ("A2", 7, "annual review"),
    ]


def test_several_sheets_in_one_workbook_and_a_notes_sheet_skipped(load, tmp_path, db):
    path = write_xlsx(
        tmp_path / "multi.xlsx",
        {
            "Notes": [["This workbook holds two years of requests."], ["Contact the SEND team."]],
            "2024-25": [EHCP_HEADER, ["E1", "Northshire", D(2024, 5, 1), None, None, None, None, None, None]],
            "2025-26": [
                ["Requests from April 2025"],
                EHCP_HEADER,
                ["E2", "Riverside", D(2025, 5, 1), None, None, None, None, None, None],
            ],
            "Lookup": [EHCP_HEADER, ["E9", "Northshire", D(2024, 5, 1), None, None, None, None, None, None]],
        },
        hidden=("Lookup",),
    )
    result = load(path)
    assert [s["sheet"] for s in result.sheets] == ["2024-25", "2025-26"]
    assert result.skipped_sheets == [
        {"sheet": "Notes", "reason": "no recognisable header row"},
        {"sheet": "Lookup", "reason": "hidden sheet"},
    ]
    assert rows(db, "SELECT case_id, source_sheet, source_row FROM ehcp ORDER BY 1") == [
        ("E1", "2024-25", 2),
        ("E2", "2025-26", 3),
    ]


def test_every_date_form_in_a_workbook(load, tmp_path, db):
    path = write_xlsx(
        tmp_path / "dates.xlsx",
        {
            "S": [
                EHCP_HEADER,
                ["E1", "Northshire", D(2025, 4, 1), None, None, None, None, None, None],
                ["E2", "Northshire", 45748, None, None, None, None, None, None],
                ["E3", "Northshire", "01/04/2025", None, None, None, None, None, None],
                ["E4", "Northshire", "2025-04-01", None, None, None, None, None, None],
                ["E5", "Northshire", "1 Apr 2025", None, None, None, None, None, None],
                ["E6", "Northshire", dt.datetime(2025, 4, 1, 14, 30), None, None, None, None, None, None],
                ["E7", "Northshire", "01/04/2025 14:30", None, None, None, None, None, None],
            ]
        },
    )
    assert load(path).loaded == 7
    assert rows(db, "SELECT DISTINCT request_date FROM ehcp") == [(D(2025, 4, 1),)]


@pytest.mark.parametrize("encoding, bom", [("utf-8", False), ("utf-8", True), ("cp1252", False)])
def test_csv_encodings(load, tmp_path, db, encoding, bom):
    path = write_csv(
        tmp_path / "ehcp.csv",
        [
            ["Case ID", "LA", "Request Date", "Setting"],
            ["E1", "Northshire", "01/04/2025", "St Mary’s Café School"],
        ],
        encoding=encoding,
    )
    if bom:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load(path).loaded == 1
    assert rows(db, "SELECT setting FROM ehcp") == [("St Mary’s Café School",)]


@pytest.mark.parametrize("bom, encoding", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_unicode_text_as_excel_saves_it(load, tmp_path, db, bom, encoding):
    # Excel's "Unicode Text (*.txt)": UTF-16 with its byte order mark, tab separated; more rows
    # than are read to find the header, so the rest of the file is read as the body.
    lines = ["Northshire SEND: requests", "Case ID\tLA\tRequest Date\tSetting"]
    lines += [f"E{i}\tNorthshire\t01/04/2025\tSt Mary’s Café School" for i in range(1, 101)]
    path = tmp_path / "ehcp.txt"
    path.write_bytes(bom + "\r\n".join(lines).encode(encoding) + "\r\n".encode(encoding))
    result = load(path)
    assert (result.rows_read, result.loaded, result.rejected) == (100, 100, 0)
    assert result.sheets[0]["header_row"] == 2
    assert rows(db, "SELECT DISTINCT setting FROM ehcp") == [("St Mary’s Café School",)]


def test_semicolon_csv_and_thousands_separators(load, tmp_path, db):
    path = tmp_path / "advice.csv"
    path.write_text(
        "Advice ID;Case ID;LA;Service;Date Requested;Quality Score\n"
        'A1;C1;Northshire;Paeds;01/04/2025;"1,234"\n',
        encoding="utf-8",
    )
    assert load(path, given={"source": "provider"}).loaded == 1
    assert rows(db, "SELECT quality_score FROM health_advice") == [(1234.0,)]


def test_a_decimal_comma_is_not_read_as_a_thousands_separator(load, tmp_path, db):
    # A semicolon CSV from a European-locale Excel writes 3.5 as "3,5": never 35.
    path = tmp_path / "advice.csv"
    path.write_text(
        "Advice ID;Case ID;LA;Service;Date Requested;Quality Score\n"
        "A1;C1;Northshire;Paeds;01/04/2025;3,5\n"
        "A2;C2;Northshire;Paeds;01/04/2025;1,234,567.5\n"
        "A3;C3;Northshire;Paeds;01/04/2025;12,50\n",
        encoding="utf-8",
    )
    result = load(path, given={"source": "provider"})
    assert (result.loaded, result.rejected) == (1, 2)
    assert [(r.row, r.column, r.value, r.rule) for r in result.rejects] == [
        (2, "F", "3,5", "invalid_number"), (4, "F", "12,50", "invalid_number")]
    assert "comma" in result.rejects[0].reason
    assert rows(db, "SELECT quality_score FROM health_advice") == [(1234567.5,)]


def test_ids_trimmed_and_upper_cased_so_a_later_export_matches(load, tmp_path, db):
    first = write_csv(
        tmp_path / "oct.csv",
        [ADVICE_HEADER, [" ha-001 ", " c1", "Northshire", "SALT", "01/04/2025", "", "", "", "", ""]],
    )
    later = write_csv(
        tmp_path / "nov.csv",
        [ADVICE_HEADER, ["HA-001", "C1", "NSH", "Salt", "01/04/2025", "01/05/2025", "", "", "", ""]],
    )
    assert load(first).inserted == 1
    result = load(later)
    assert (result.inserted, result.updated) == (0, 1)
    assert rows(db, "SELECT advice_id, case_id, returned_date FROM health_advice") == [
        ("HA-001", "C1", D(2025, 5, 1))
    ]
    assert rows(db, "SELECT advice_id, returned_date, superseded_by_load FROM health_advice_history") == [
        ("HA-001", None, result.load_id)
    ]


def test_yes_no_spellings(load, tmp_path, db):
    header = ["Appeal ID", "LA", "Registered Date", "Health Aspects"]
    spellings = ["Y", "n", "Yes", "NO", "true", "False", "1", "0", "T", "f", ""]
    path = write_csv(
        tmp_path / "t.csv",
        [header] + [[f"T{i}", "Northshire", "01/04/2025", s] for i, s in enumerate(spellings)],
    )
    assert load(path).loaded == len(spellings)
    got = dict(rows(db, "SELECT appeal_id, health_aspects FROM tribunals"))
    assert [got[f"T{i}"] for i in range(len(spellings))] == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
        None,
    ]


def test_a_yes_or_no_with_a_note_after_it(load, tmp_path, db):
    # Trackers add what the yes is about: "Yes - SALT", "Y (OT)"; the answer is the first word.
    header = ["Appeal ID", "LA", "Registered Date", "Health Aspects"]
    answers = {"Yes - SALT": True, "Y (OT)": True, "Yes, OT and SALT": True, "yes: CAMHS": True,
               "No - education only": False, "N (withdrawn)": False, "Yes OT": True}
    path = write_csv(tmp_path / "t.csv", [header] + [
        [f"T{i}", "Northshire", "01/04/2025", text] for i, text in enumerate(answers)] + [
        ["U1", "Northshire", "01/04/2025", "Not yet known"],
        ["U2", "Northshire", "01/04/2025", "Y/N"]])
    result = load(path)
    assert (result.loaded, result.rejected) == (len(answers), 2)
    got = dict(rows(db, "SELECT appeal_id, health_aspects FROM tribunals"))
    assert [got[f"T{i}"] for i in range(len(answers))] == list(answers.values())


def test_sen2_codes(load, tmp_path, db):
    path = write_csv(
        tmp_path / "sen2.csv",
        [
            [
                "RequestID",
                "LA",
                "ReceivedDate",
                "RequestOutcome",
                "RequestOutcomeDate",
                "StartDate",
                "Week20",
                "SENtype",
            ],
            ["R1", "Northshire", "2025-01-01", "Y", "2025-02-01", "2025-05-01", "false", "ASD"],
            ["R2", "Northshire", "2025-01-01", "N", "2025-02-01", "", "", "semh"],
            ["R3", "Northshire", "2025-01-01", "W", "", "", "", ""],
            ["R4", "Northshire", "2025-01-01", "Y", "2025-02-01", "2025-07-01", "TRUE", "DS"],
        ],
    )
    assert load(path).loaded == 4
    assert rows(db, "SELECT case_id, decision, exception, primary_need FROM ehcp ORDER BY 1") == [
        ("R1", "assess", None, "ASD"),
        ("R2", "not assess", None, "SEMH"),
        ("R3", "withdrawn", None, None),
        ("R4", "assess", "exception (unspecified)", "DS"),
    ]


def test_week20_and_exception_flags(load, tmp_path, db):
    header = ["Case ID", "LA", "Request Date", "Week20"]
    flags = ["Y", "N", "1", "0", "TRUE", "false", "Yes", "", "Summer closure"]
    load(write_csv(tmp_path / "e.csv", [header] + [[f"E{i}", "Northshire", "01/04/2025", flag]
                                                  for i, flag in enumerate(flags)]))
    got = dict(rows(db, "SELECT case_id, exception FROM ehcp"))
    assert [got[f"E{i}"] for i in range(len(flags))] == [
        "exception (unspecified)", None, "exception (unspecified)", None, "exception (unspecified)",
        None, "exception (unspecified)", None, "school or setting closure 4+ weeks"]


def test_bare_yes_is_not_a_lawful_advice_exception(load, tmp_path, db):
    header = ["Advice ID", "Case ID", "LA", "Service", "Date Requested", "Exception"]
    load(write_csv(tmp_path / "a.csv", [header, ["A1", "C1", "Northshire", "OT", "01/04/2025", "Y"]]),
         given={"source": "provider"})
    assert rows(db, "SELECT exception, exception_recorded FROM health_advice") == [
        (None, "exception flagged")]


def test_a_total_row_with_several_figures_is_not_data(load, tmp_path):
    result = load(write_xlsx(tmp_path / "t.xlsx", {"S": [
        ["Advice ID", "Case ID", "LA", "Service", "Date Requested", "Quality Score", "Days"],
        ["A1", "C1", "Northshire", "OT", D(2025, 4, 1), 3, 20],
        ["Grand total", None, None, None, None, 3, 20],
    ]}), given={"source": "provider"})
    assert (result.loaded, result.notes, result.rejected) == (1, 1, 0)


def test_unlawful_exception_reason_kept_but_not_treated_as_exception(load, tmp_path, db):
    path = write_csv(
        tmp_path / "a.csv",
        [
            ADVICE_HEADER,
            ["A1", "C1", "Northshire", "SALT", "01/04/2025", "", "", "Waiting list", "", ""],
            ["A2", "C2", "Northshire", "SALT", "01/04/2025", "", "", "Did not attend", "", ""],
        ],
    )
    load(path)
    assert rows(db, "SELECT advice_id, exception, exception_recorded FROM health_advice ORDER BY 1") == [
        ("A1", None, "Waiting list"),
        ("A2", "missed appointment", "Did not attend"),
    ]


def test_a_date_not_recorded_yet_is_a_blank_date(load, tmp_path, db):
    # Case systems write "N/A", "TBC", "-" or 00/00/0000 for a date not yet known: the request
    # is open, not a bad row (rejecting it would drop an overdue request from every count).
    placeholders = ["N/A", "n/a", "TBC", "tba", "-", "–", "00/00/0000", "NULL"]
    body = [[f"A{i}", f"C{i}", "Leeds", "SALT", "01/04/2025", value, "Trust", "", "", "New"]
            for i, value in enumerate(placeholders)]
    body.append(["B1", "C9", "Leeds", "SALT", "TBC", "", "Trust", "", "", "New"])
    body.append(["B2", "C9", "Leeds", "SALT", "01/04/2025", "soon", "Trust", "", "", "New"])
    result = load(write_csv(tmp_path / "advice.csv", [ADVICE_HEADER, *body]))
    assert (result.loaded, result.rejected) == (len(placeholders), 2)
    assert rows(db, "SELECT count(*), count(returned_date) FROM health_advice") == [
        (len(placeholders), 0)]
    assert [(r.row, r.column, r.value, r.rule) for r in result.rejects] == [
        (len(placeholders) + 2, "E", "TBC", "missing_required"),  # required: still missing
        (len(placeholders) + 3, "F", "soon", "invalid_date")]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_header_repeated_below_is_not_a_data_row(load, tmp_path, db, suffix):
    # Two months' exports pasted one under the other: the second header is no request.
    def request(i, day):
        return [f"Q{i}", f"C{i}", "Leeds", "SALT", day, "", "Trust", "", "", "New"]
    table = [ADVICE_HEADER, request(1, "01/04/2025"), request(2, "02/04/2025"),
             [f" {h.upper()} " for h in ADVICE_HEADER], request(3, "01/05/2025")]
    if suffix == "csv":
        path = write_csv(tmp_path / "advice.csv", table)
    else:
        path = write_xlsx(tmp_path / "advice.xlsx", {"Log": table})
    result = load(path)
    assert (result.rows_read, result.loaded, result.rejected, result.notes) == (4, 3, 0, 1)
    assert result.reconciles()
    assert rows(db, "SELECT advice_id FROM health_advice ORDER BY 1") == [("Q1",), ("Q2",), ("Q3",)]


def test_a_header_over_two_rows(load, tmp_path, db):
    # A group heading merged over its columns, their own names in the row below (and the other
    # columns' names in the top row, merged down), as a case system's report lays them out.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Requests"
    sheet.append(["Health advice log"])
    sheet.append(["Advice ID", "Case ID", "LA", "Service", "Date advice", None, "Provider"])
    sheet.append([None, None, None, None, "Requested", "Returned", None])
    sheet.merge_cells("E2:F2")
    for column in "ABCDG":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.append(["G1", "C1", "Leeds", "SALT", D(2025, 4, 1), D(2025, 5, 1), "Trust"])
    sheet.append(["G2", "C2", "Leeds", "OT", D(2025, 4, 2), None, "Trust"])
    path = tmp_path / "advice.xlsx"
    book.save(path)
    result = load(path)
    assert (result.rows_read, result.loaded, result.rejected) == (2, 2, 0)
    assert result.sheets[0]["header_row"] == 3
    assert rows(db, "SELECT advice_id, requested_date, returned_date, source_row FROM health_advice "
                    "ORDER BY 1") == [("G1", D(2025, 4, 1), D(2025, 5, 1), 4),
                                      ("G2", D(2025, 4, 2), None, 5)]


def test_a_header_whose_names_wrap_onto_a_second_row(load, tmp_path, db):
    path = write_csv(tmp_path / "advice.csv", [
        ["Advice ID", "Case ID", "LA", "Service", "Date", "Date", "Provider"],
        ["", "", "", "", "Requested", "Returned", ""],
        ["W1", "C1", "Leeds", "SALT", "01/04/2025", "01/05/2025", "Trust"]])
    result = load(path)
    assert (result.rows_read, result.loaded, result.rejected) == (1, 1, 0)
    assert rows(db, "SELECT requested_date, returned_date FROM health_advice") == [
        (D(2025, 4, 1), D(2025, 5, 1))]


@pytest.mark.parametrize("fast", [True, False], ids=["bulk checks", "parser only"])
def test_a_quote_prefix_is_not_part_of_the_value(load, tmp_path, db, monkeypatch, fast):
    """Exports put an apostrophe before a value to keep it text in Excel ('000123 keeps its
    zeros, some before every text cell); this project's own exports put one before = and +. The
    value is what follows it: '000123 and 000123 are one case, '20/01/2025 a date, 'Twas-1 Twas-1."""
    from pipelines import validate

    monkeypatch.setattr(validate, "FAST_PATH_FROM", 0 if fast else 10**12)
    first = write_csv(tmp_path / "ehcp_2025-05-31.csv", [
        EHCP_HEADER,
        ["'000123", "Northshire", "'20/01/2025", None, None, None, None, None, None],
        ["'Twas-1", "Northshire", "21/01/2025", None, None, None, None, None, None],
    ])
    later = write_csv(tmp_path / "ehcp_2025-06-30.csv", [
        EHCP_HEADER,
        ["000123", "Northshire", "20/01/2025", "'2025-03-01", "Yes", None, None, None, None],
    ])
    assert load(first).loaded == 2
    second = load(later)
    assert (second.loaded, second.rejected) == (1, 0)
    assert rows(db, "SELECT case_id, request_date, decision_date FROM ehcp ORDER BY 1") == [
        ("000123", D(2025, 1, 20), D(2025, 3, 1)),
        ("TWAS-1", D(2025, 1, 21), None),
    ]


def test_a_row_with_more_cells_than_the_header_is_rejected(load, tmp_path, db):
    """A comma in an unquoted cell ("1,085") makes one cell two and moves the rest of the row
    one column right, its last cell past the header: a plausible wrong value would load, so the
    row is rejected, the column named. Trailing empty cells (Excel's CSVs end rows with commas)
    are nothing to say; a value under a blank header cell is queried, not loaded."""
    path = tmp_path / "ehcp_2025-06-30.csv"
    path.write_text("\n".join([
        ",".join(EHCP_HEADER) + ",",
        "E1,Northshire,20/01/2025,,,,,,ASD,,",
        "E2,Northshire,21/01/2025,,,,,,ASD,,SLCN",
        "E3,Northshire,22/01/2025,,,,,,ASD,chased",
        "E4,Northshire,23/01/2025,,,,,,ASD",
    ]) + "\n")
    result = load(path)
    assert (result.loaded, result.rejected) == (3, 1)
    [reject] = result.rejects
    assert (reject.row, reject.value, reject.rule) == (3, "SLCN", "cells_past_the_header")
    assert reject.reason.startswith("column K holds a value but the header ends at column I: "
                                    "the row has more cells than the header")
    assert [(w.row, w.value) for w in result.warnings
            if w.rule == "cells_past_the_header"] == [(4, "chased")]


def test_a_workbook_column_with_no_header_is_said_not_loaded(load, tmp_path, db):
    path = write_xlsx(tmp_path / "ehcp.xlsx", {"Requests": [
        EHCP_HEADER,
        ["E1", "Northshire", D(2025, 1, 20), None, None, None, None, None, "ASD", None, "chased"],
        ["E2", "Northshire", D(2025, 1, 21), None, None, None, None, None, "ASD"],
    ]})
    result = load(path)
    assert result.loaded == 2
    assert [(w.row, w.value) for w in result.warnings
            if w.rule == "cells_past_the_header"] == [(2, "chased")]
