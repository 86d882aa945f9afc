"""A provider's waiting-list return that suppresses small counts ("<5", "*", "c"...): every row
loads, each suppressed count stored as unknown (NULL) with its symbol beside it and a warning
naming its cell; sums and shares leave it out and say so, never reading it as 0."""

import datetime as dt
import json

import duckdb
import pandas as pd
import pytest

from pipelines import metrics
from pipelines.board_pack import build_board_pack
from pipelines.cli import main
from pipelines.db import reader, table_columns
from pipelines.schemas import WAITING_TIMES
from tests.conftest import write_csv, write_xlsx
from tests.suppressed_return import HEADER, NCH, ROWS

PERIOD = metrics.Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31))


def stored(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def suppressed_db(db, load, tmp_path):
    result = load(write_xlsx(tmp_path / "return.xlsx", {"Jan return": [HEADER, *ROWS]}))
    assert (result.loaded, result.rejected) == (len(ROWS), 0), result.rejects
    return db


def test_every_row_loads_with_its_suppressed_counts_unknown_and_marked(suppressed_db):
    rows = stored(suppressed_db, """
        SELECT service, local_authority, waiting_total, waiting_total_symbol,
               waiting_over_18_weeks, waiting_over_18_weeks_symbol,
               waiting_over_52_weeks, waiting_over_52_weeks_symbol,
               referrals_received, referrals_received_symbol
        FROM waiting_times ORDER BY service, local_authority""")
    assert rows == [
        ("Autism Assessment", "Northshire", 1200, None, 900, None, None, "<5", 60, None),
        ("Occupational Therapy", "Northshire", 40, None, None, "c", None, "<5", 5, None),
        ("Speech and Language Therapy", "Northshire", None, "*", 3, None, 0, None, None, "*"),
        ("Speech and Language Therapy", "Riverside", 300, None, 100, None, 20, None, 25, None),
    ]


def test_each_suppressed_cell_is_a_warning_naming_its_sheet_row_and_column(suppressed_db):
    warnings = stored(suppressed_db, "SELECT file_name, sheet, row_number, column_letter, "
                                     "column_header, value, rule FROM row_warnings ORDER BY 3, 4")
    assert warnings == [
        ("return.xlsx", "Jan return", 2, "G", "Over 52 Weeks", "<5", "suppressed_at_source"),
        ("return.xlsx", "Jan return", 3, "E", "Total Waiting", "*", "suppressed_at_source"),
        ("return.xlsx", "Jan return", 3, "I", "Referrals Received", "*", "suppressed_at_source"),
        ("return.xlsx", "Jan return", 4, "F", "Over 18 Weeks", "c", "suppressed_at_source"),
        ("return.xlsx", "Jan return", 4, "G", "Over 52 Weeks", "< 5", "suppressed_at_source"),
    ]
    reason = stored(suppressed_db, "SELECT reason FROM row_warnings WHERE row_number = 3 "
                                   "AND column_letter = 'E'")[0][0]
    assert reason.startswith("waiting_total: suppressed at source ('*': suppressed); loaded as "
                             "unknown, not 0")


def test_the_load_says_how_many_cells_were_suppressed_where(db, tmp_path, capsys):
    path = write_csv(tmp_path / "return.csv", [HEADER, *ROWS])
    assert main(["ingest", str(path), "--db", str(db), "--as-of", "2026-03-31"]) == 0
    said = capsys.readouterr()
    warned = said.err  # the counts on stdout, the warnings on stderr
    assert "4 loaded" in said.out and "0 rejected" in said.out
    assert ("warning: return.csv: sheet 'return.csv', column G (Over 52 Weeks): 2 cells "
            "suppressed at source (rows 2, 4); loaded as unknown, not 0") in warned
    assert ("warning: return.csv: sheet 'return.csv', column E (Total Waiting): 1 cell "
            "suppressed at source (row 3)") in warned
    assert "suppressed_at_source," not in warned  # told per column, not again per rule
    assert main(["ingest", str(path), "--db", str(tmp_path / "second.duckdb"), "--as-of",
                 "2026-03-31", "--json"]) == 0
    (summary,) = json.loads(capsys.readouterr().out)
    assert summary["warnings"] == 5 and len(summary["suppressed_at_source"]) == 4
    assert summary["suppressed_at_source"][0].startswith(
        "return.csv: sheet 'return.csv', column G (Over 52 Weeks): 2 cells suppressed at source")


@pytest.mark.parametrize("cell, reason", [
    ("lots", "not a number: 'lots'; a count suppressed at source may be written <5, *, c"),
    ("<0", "not a number: '<0'"),
    ("n/a", "not a number: 'n/a'"),
    ("-3", "not a count (a whole number, 0 or more): '-3'"),
])
def test_a_cell_neither_a_count_nor_a_known_symbol_is_still_refused(load, tmp_path, cell, reason):
    row = [*ROWS[3][:5], cell, *ROWS[3][6:]]
    result = load(write_csv(tmp_path / "bad.csv", [HEADER, ROWS[0], row]))
    assert (result.loaded, result.rejected) == (1, 1) and result.reconciles()
    (reject,) = result.rejects
    assert (reject.row, reject.column, reject.header, reject.rule) == (
        3, "F", "Over 18 Weeks", "invalid_count")
    assert reason in reject.reason


def test_a_blank_total_is_still_missing_but_a_suppressed_one_loads(load, tmp_path):
    blank = load(write_csv(tmp_path / "blank.csv", [HEADER, [*ROWS[3][:4], "", *ROWS[3][5:]]]))
    assert [r.rule for r in blank.rejects] == ["missing_required"]
    starred = load(write_csv(tmp_path / "star.csv", [HEADER, [*ROWS[3][:4], "*", *ROWS[3][5:]]]))
    assert (starred.loaded, starred.rejected) == (1, 0)


def test_reloading_changes_nothing_and_a_figure_given_later_is_an_update(suppressed_db, load,
                                                                       tmp_path):
    again = load(write_csv(tmp_path / "again.csv", [HEADER, *ROWS]))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(ROWS))
    revised = [r[:] for r in ROWS]
    revised[1][4] = "4"  # the total the provider had suppressed, given in a later extract
    later = load(write_csv(tmp_path / "revised_2026-03-31.csv", [HEADER, *revised]))
    assert (later.inserted, later.updated, later.unchanged) == (0, 1, len(ROWS) - 1)


def test_a_row_without_symbols_hashes_as_earlier_versions_stored_it(db, load, tmp_path):
    load(write_csv(tmp_path / "plain.csv", [HEADER, [
        "Jan 2026", NCH, "Northshire", "OT", "40", "3", "1", "10", "5"]]))
    assert stored(db, "SELECT row_hash FROM waiting_times") == [("abe2a30aec9b2530",)]


def test_a_database_from_before_the_symbol_columns_is_brought_up_to_date(db, load, tmp_path):
    old = [(c, t) for c, t in table_columns(WAITING_TIMES) if not c.endswith("_symbol")]
    first = write_csv(tmp_path / "plain.csv", [HEADER, ROWS[3]])
    load(first)
    with duckdb.connect(str(db)) as con:  # the table as the code before symbols made it
        con.execute("CREATE TABLE w AS SELECT " + ", ".join(c for c, _ in old)
                    + " FROM waiting_times")
        con.execute("DROP TABLE waiting_times")
        con.execute("ALTER TABLE w RENAME TO waiting_times")
        con.execute("DELETE FROM meta WHERE key = 'schema'")
        con.execute("DELETE FROM known_rows")  # so that the row is validated and hashed again
    again = load(write_xlsx(tmp_path / "plain.xlsx", {"Return": [HEADER, ROWS[3]]}))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
    assert load(write_csv(tmp_path / "more.csv", [HEADER, *ROWS])).rejected == 0
    with reader(db) as con:
        now = metrics.waiting_times_current(con, PERIOD).set_index("service")
    assert pd.isna(now.loc["Speech and Language Therapy"].waiting_total)


def test_sums_withhold_a_total_with_a_suppressed_part_and_shares_leave_it_out(suppressed_db):
    with reader(suppressed_db) as con:
        now = metrics.waiting_times_current(con, PERIOD).set_index("service")
        month = metrics.waiting_times_trend(con, PERIOD, None).iloc[0]
        by_la = metrics.waiting_times_current(con, PERIOD, by="local_authority")
    salt = now.loc["Speech and Language Therapy"]
    # Northshire's SALT total is '*': the service's total is withheld, not 300, and not 300 + 0.
    assert pd.isna(salt.waiting_total) and salt.waiting_total_given == 300
    assert salt.waiting_total_suppressed == 1
    # Its 18-week count (3) has no known total, so the share is Riverside's alone: 100 of 300.
    assert (salt.over_18_weeks, salt.total_reporting_18, salt.over_18_weeks_pct) == (100, 300, 33.3)
    assert salt.over_18_weeks_suppressed == 1
    assert pd.isna(salt.referrals_received) and salt.referrals_received_suppressed == 1
    # Occupational therapy's counts over 18 and 52 weeks were both suppressed: no share at all.
    ot = now.loc["Occupational Therapy"]
    assert ot.waiting_total == 40 and pd.isna(ot.over_18_weeks_pct) and pd.isna(ot.over_52_weeks_pct)
    assert (ot.over_18_weeks_suppressed, ot.over_52_weeks_suppressed) == (1, 1)
    # The autism pathway's 52-week count was '<5': its share is unknown, never 0%.
    autism = now.loc["Autism Assessment"]
    assert autism.over_18_weeks_pct == 75.0 and pd.isna(autism.over_52_weeks_pct)
    assert pd.isna(month.waiting_total) and month.waiting_total_given == 1540
    # 52 weeks: the autism and OT counts were '<5', SALT Northshire's 0 has no known total.
    assert (month.waiting_total_suppressed, month.over_52_weeks_suppressed) == (1, 3)
    assert (month.over_52_weeks, month.total_reporting_52) == (20, 300)
    riverside = by_la[by_la.local_authority == "Riverside"].iloc[0]
    assert riverside.waiting_total == 300 and riverside.waiting_total_suppressed == 0


def test_the_metrics_command_shows_the_list_suppressed_not_zero(suppressed_db, capsys):
    assert main(["metrics", "--json", "--db", str(suppressed_db), "--from", "2026-01-01",
                 "--to", "2026-03-31", "--as-of", "2026-03-31"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["waiting_list_month"] == "2026-01"
    assert got["waiting_total"] is None  # withheld: one service's total was suppressed
    assert (got["waiting_total_given"], got["waiting_total_suppressed"]) == (1540, 1)
    assert (got["waiting_over_18_weeks_numerator"], got["waiting_over_18_weeks_denominator"],
            got["waiting_over_18_weeks_pct"]) == (1000, 1500, 66.7)
    assert got["waiting_over_18_weeks_suppressed"] == 2
    assert got["waiting_over_52_weeks_pct"] == 6.7 and got["waiting_over_52_weeks_suppressed"] == 3


def test_the_board_pack_shows_suppressed_counts_as_such_and_still_withholds_small_ones(
        db, load, tmp_path):
    rows = [["Dec 2025", "Trust", "Riverside", "Community Paediatrics", "120", "40", "10", "14", "30"],
            ["Dec 2025", "Trust", "Riverside", "Occupational Therapy", "*", "<5", "0", "12", "*"],
            ["Dec 2025", "Trust", "Riverside", "Dietetics", "3", "0", "0", "3", "2"],
            ["Dec 2025", "Trust", "Riverside", "ASD Pathway", "*", "", "", "30", ""]]
    assert load(write_csv(tmp_path / "dec.csv", [HEADER, *rows]),
                as_of=dt.date(2025, 12, 31)).rejected == 0
    pack = build_board_pack(db, "2025Q4", as_of=dt.date(2025, 12, 31), basis="calendar")
    page = next(p for p in pack.pages if p.spec.metric == "waiting_over_18_weeks")
    figures = {fig.label: fig for fig in page.figures}
    assert figures["Children waiting"].value == "suppressed at source"
    assert "2 return(s) suppressed the total at source: left out, not 0" in (
        figures["Children waiting"].made_of)
    assert "1 return(s) suppressed a figure at source" in figures["Waiting over 52 weeks"].made_of
    table = page.tables[0].frame.set_index("Service")
    assert table.loc["Occupational Therapy", "Children waiting"] == "suppressed at source"
    assert table.loc["Occupational Therapy", "Over 18 weeks"] == "suppressed at source"
    assert table.loc["Dietetics", "Children waiting"] == "<5"  # small-number protection kept
    assert table.loc["Community Paediatrics", "Children waiting"] == "120"
    # A median over a list its provider suppressed as small is withheld like one of 1-4.
    assert table.loc["Autism Assessment", "Autism: NICE 13 weeks"] == "withheld"
    assert "0" not in set(table["Children waiting"])
