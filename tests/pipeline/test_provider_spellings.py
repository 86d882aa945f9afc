"""A provider is one organisation however an export capitalises or spaces its name: the later
export in capitals replaces the earlier one's months instead of adding a second provider, and
the name keeps the spelling first stored."""

import datetime as dt
import json

import duckdb

from pipelines.cli import main
from tests.conftest import ADVICE_HEADER, write_csv

NCH = "Northshire Community Health NHS Trust"
HEADER = ["Month", "Provider", "Local Authority", "Service", "Total Waiting", "Over 18 Weeks",
          "Over 52 Weeks"]
AS_OF = dt.date(2026, 12, 1)


def stored(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_later_export_in_capitals_corrects_the_earlier_months(db, load, tmp_path, capsys):
    september = write_csv(tmp_path / "waits_2026-09.csv", [
        HEADER, ["Aug 2026", NCH, "Northshire", "SALT", "100", "50", "10"],
        ["Sep 2026", NCH, "Northshire", "SALT", "110", "55", "11"]])
    october = write_csv(tmp_path / "waits_2026-10.csv", [
        HEADER,
        ["Aug 2026", NCH.upper(), "Northshire County Council", "Speech and Language Therapy",
         "100", "50", "10"],
        ["Sep 2026", f"  {NCH.upper()}", "Northshire", "SALT", "120", "60", "12"],
        ["Oct 2026", NCH.upper().replace(" ", "  "), "Northshire", "SALT", "130", "65", "13"]])
    assert load(september, as_of=AS_OF).loaded == 2
    second = load(october, as_of=AS_OF)
    assert (second.inserted, second.updated, second.unchanged) == (1, 1, 1)
    assert stored(db, "SELECT month, provider, waiting_total FROM waiting_times ORDER BY 1") == [
        (dt.date(2026, 8, 1), NCH, 100), (dt.date(2026, 9, 1), NCH, 120),
        (dt.date(2026, 10, 1), NCH, 130)]
    assert main(["metrics", "--json", "--db", str(db), "--as-of", "2026-09-30"]) == 0
    assert json.loads(capsys.readouterr().out)["waiting_total"] == 120
    # Loaded again, nothing changes.
    assert load(october, as_of=AS_OF).status == "unchanged"


def test_two_spellings_in_one_file_are_one_provider_in_the_first(db, load, tmp_path):
    result = load(write_csv(tmp_path / "waits.csv", [
        HEADER, ["Sep 2026", NCH.lower(), "Northshire", "SALT", "10", "5", "1"],
        ["Oct 2026", NCH, "Northshire", "SALT", "12", "5", "1"],
        ["Oct 2026", NCH.upper(), "Northshire", "SALT", "12", "5", "1"]]), as_of=AS_OF)
    assert (result.loaded, result.duplicates, result.rejected) == (2, 1, 0)
    assert stored(db, "SELECT DISTINCT provider FROM waiting_times") == [(NCH.lower(),)]


def test_health_advice_providers_are_one_spelling_for_the_breakdowns(db, load, tmp_path):
    request = ["Northshire", "SALT", "01/02/2026", ""]
    result = load(write_csv(tmp_path / "advice.csv", [
        ADVICE_HEADER, ["HA1", "C1", *request, NCH, "", "", ""],
        ["HA2", "C2", *request, NCH.upper(), "", "", ""]]))
    assert result.loaded == 2, result.rejects
    assert stored(db, "SELECT DISTINCT provider FROM health_advice") == [(NCH,)]
