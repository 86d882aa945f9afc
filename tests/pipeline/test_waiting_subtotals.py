"""A provider's subtotal (a row with no local authority summing the provider's rows for each LA,
for one service and month) is passed over as a total row, never added on top of its parts; a
row with no LA that is not their sum loads with a warning; a return of area-wide rows alone
loads as before."""

import datetime as dt
import json

import duckdb

from pipelines.cli import main
from pipelines.subtotals import RULE
from tests.conftest import write_csv

NCH = "Northshire Community Health NHS Trust"
HEADER = ["Month", "Provider", "Local Authority", "Service", "Total Waiting", "Over 18 Weeks",
          "Over 52 Weeks", "Referrals Received"]
AS_OF = dt.date(2026, 12, 1)
PARTS = [["Oct 2026", NCH, "Northshire", "SALT", "100", "40", "10", "20"],
         ["Oct 2026", NCH, "Riverside", "SALT", "50", "10", "0", "10"],
         ["Oct 2026", NCH, "Eastmoor", "SALT", "50", "10", "0", "10"]]


def stored(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def headline(db, capsys):
    capsys.readouterr()
    assert main(["metrics", "--json", "--db", str(db)]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_subtotal_is_passed_over_naming_its_row(db, load, tmp_path, capsys):
    path = write_csv(tmp_path / "waits_2026-10.csv", [
        HEADER, *PARTS, ["Oct 2026", NCH, "", "SALT", "200", "60", "10", "40"],
        ["Oct 2026", NCH, "Northshire", "OT", "30", "5", "0", "3"]])
    result = load(path, as_of=AS_OF)
    assert (result.rows_read, result.loaded, result.notes, result.rejected) == (5, 4, 1, 0)
    assert result.reconciles() and result.warnings == []
    assert [w for w in result.read_warnings if "subtotal" in w] == [
        "waits_2026-10.csv: row 5: a subtotal passed over (counted "
        "with the notes and totals): no local authority, 200 waiting, the sum of the rows of its "
        f"3 local authorities ({NCH}, Speech and Language Therapy, Oct 2026)"]
    assert stored(db, "SELECT count(*) FROM waiting_times WHERE local_authority = ''") == [(0,)]
    shown = headline(db, capsys)
    assert (shown["waiting_total"], shown["waiting_over_18_weeks_numerator"]) == (230, 65)
    assert load(path, as_of=AS_OF).status == "unchanged"


def test_next_months_export_repeating_the_parts_still_passes_the_subtotal_over(
        db, load, tmp_path, capsys):
    october = [*PARTS, ["Oct 2026", NCH, "", "SALT", "200", "60", "10", "40"]]
    load(write_csv(tmp_path / "waits_2026-10.csv", [HEADER, *october]), as_of=AS_OF)
    result = load(write_csv(tmp_path / "waits_2026-11.csv", [
        HEADER, *october, ["Nov 2026", NCH, "Northshire", "SALT", "90", "40", "10", "20"]]),
        as_of=AS_OF)
    assert (result.loaded, result.notes) == (4, 1)
    assert stored(db, "SELECT count(*) FROM waiting_times WHERE local_authority = ''") == [(0,)]
    assert headline(db, capsys)["waiting_list_month"] == "2026-11"


def test_a_row_with_no_la_that_is_not_their_sum_loads_with_a_warning(db, load, tmp_path):
    result = load(write_csv(tmp_path / "waits_2026-10.csv", [
        HEADER, *PARTS, ["Oct 2026", NCH, "", "SALT", "12", "2", "0", "1"]]), as_of=AS_OF)
    assert (result.loaded, result.notes) == (4, 0)
    (warning,) = result.warnings
    assert (warning.row, warning.rule) == (5, RULE)
    assert "waiting_total 12, their sum 200" in warning.reason
    assert stored(db, "SELECT row_number, rule FROM row_warnings") == [(5, RULE)]
    # A subtotal whose other counts are not the sum of its parts is no subtotal either.
    result = load(write_csv(tmp_path / "waits_b_2026-10.csv", [
        HEADER, *PARTS, ["Oct 2026", NCH, "", "OT", "200", "60", "10", "40"],
        ["Oct 2026", NCH, "", "SALT", "200", "61", "10", "40"]]), as_of=AS_OF)
    assert [w.row for w in result.warnings] == [6]


def test_a_return_of_area_wide_rows_alone_loads_as_before(db, load, tmp_path):
    result = load(write_csv(tmp_path / "camhs_2026-10.csv", [
        HEADER, ["Sep 2026", "", "", "CAMHS", "800", "300", "50", "70"],
        ["Oct 2026", "", "", "CAMHS", "780", "300", "50", "70"],
        ["Oct 2026", NCH, "Northshire", "SALT", "100", "40", "10", "20"]]), as_of=AS_OF)
    assert (result.loaded, result.notes, result.warnings) == (3, 0, [])


def test_a_subtotal_spelling_its_provider_in_capitals_is_still_passed_over(db, load, tmp_path,
                                                                           capsys):
    path = write_csv(tmp_path / "waits_2026-10.csv", [
        HEADER, *PARTS, ["Oct 2026", NCH.upper(), "", "SALT", "200", "60", "10", "40"]])
    result = load(path, as_of=AS_OF)
    assert (result.loaded, result.notes) == (3, 1)
    assert headline(db, capsys)["waiting_total"] == 200
