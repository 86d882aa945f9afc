"""A return for a month (waiting lists) with no date in its name or title rows is dated by its
latest month's last day, not its first: a waiting list counts a month once its last day has
passed, so dated by the first day the latest month would never show by default."""

import datetime as dt
import json

import duckdb

from pipelines.cli import main
from tests.conftest import write_csv

NCH = "Northshire Community Health NHS Trust"
HEADER = ["Month", "Provider", "Local Authority", "Service", "Total Waiting", "Over 18 Weeks",
          "Over 52 Weeks"]
AS_OF = dt.date(2026, 12, 1)


def test_the_latest_month_shows_by_default(db, load, tmp_path, capsys):
    rows = [["Apr 2026", NCH, "Northshire", "SALT", "100", "50", "10"],
            ["May 2026", NCH, "Northshire", "SALT", "200", "100", "20"],
            ["Jun 2026", NCH, "Northshire", "SALT", "300", "150", "30"]]
    result = load(write_csv(tmp_path / "community_waits.csv", [HEADER, *rows]), as_of=AS_OF)
    assert result.loaded == 3
    assert (result.extract_date, result.extract_basis) == (dt.date(2026, 6, 30),
                                                           "latest date in the file")
    assert main(["metrics", "--json", "--db", str(db)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["waiting_list_month"], shown["waiting_total"]) == ("2026-06", 300)


def test_a_month_written_as_a_day_or_a_number_is_the_months_return(db, load, tmp_path):
    for name, month in (("a.csv", "2026-10"), ("b.csv", "15/10/2026")):
        result = load(write_csv(tmp_path / name, [
            HEADER, ["Sep 2026", NCH, "Northshire", "SALT", "10", "5", "1"],
            [month, NCH, "Riverside", "SALT", "10", "5", "1"]]), as_of=AS_OF)
        assert result.extract_date == dt.date(2026, 10, 31), name


def test_a_month_still_running_dates_the_extract_to_the_as_of_date(load, tmp_path):
    result = load(write_csv(tmp_path / "waits.csv", [
        HEADER, ["Nov 2026", NCH, "Northshire", "SALT", "10", "5", "1"]]),
        as_of=dt.date(2026, 11, 20))
    assert result.extract_date == dt.date(2026, 11, 20)


def test_rows_recognised_from_an_earlier_load_date_the_extract_by_their_months_end(
        db, load, tmp_path):
    """Next month's export repeats June's row, recognised and not validated again: its month
    still dates the extract to 30 June, so the export's correction of May is no stale row."""
    june = [["Jun 2026", NCH, "Northshire", "SALT", "300", "150", "30"],
            ["Apr 2026", NCH, "Northshire", "SALT", "100", "50", "10"]]
    first = load(write_csv(tmp_path / "waits_a.csv", [
        HEADER, *june, ["May 2026", NCH, "Northshire", "SALT", "200", "100", "20"]]), as_of=AS_OF)
    assert first.extract_date == dt.date(2026, 6, 30)
    second = load(write_csv(tmp_path / "waits_b.csv", [
        HEADER, *june, ["May 2026", NCH, "Northshire", "SALT", "250", "100", "20"],
        ["Apr 2026", NCH, "Riverside", "SALT", "40", "10", "0"]]), as_of=AS_OF)
    assert second.extract_date == dt.date(2026, 6, 30)
    assert second.stale == 0
    with duckdb.connect(str(db), read_only=True) as con:
        may = con.execute("SELECT waiting_total FROM waiting_times WHERE month = DATE "
                          "'2026-05-01'").fetchall()
    assert may == [(250,)]
