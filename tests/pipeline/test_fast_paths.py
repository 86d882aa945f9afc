"""The fast paths (Arrow reading below a CSV's first rows, clean values recognised in bulk
before the Python parsers see the rest, columns' distinct values found on several threads at
once, and staging that rules out repeated keys from one column) change nothing: every file
loads exactly as the plain path loads it (the csv module reads every row, every distinct value
goes through its parser, one column after another, and staging asks DuckDB for the repeated
keys), to the same records, row hashes, pseudonyms, rejects, warnings and counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

import pipelines.readers as readers
import pipelines.staging as staging
import pipelines.validate as validate
from pipelines import bench
from pipelines.load import ingest_file
from tests.conftest import AS_OF
from tests.pipeline.test_csv_reading import CASES, as_csv

ADVICE = ["Advice Ref", "Case Reference", "Local Authority", "Service", "Type of Request",
          "Date Request Received", "Date Advice Returned", "Exception Reason", "Quality Score",
          "Provider Name"]


def advice(i: int, received: str = "01/04/2025", returned: str = "", ref: str = "") -> list[str]:
    return [ref or f"HA-{i:05d}", f"C{i % 7}", "Northshire", "Speech & Language Therapy",
            "EHC needs assessment", received, returned, "", "3", "Northshire Trust"]


QUIRKS = {
    # every date layout the parser reads beside the two the fast path takes, and the dates it
    # must leave to the parser: impossible, implausible, before the request, after the as-of date
    "dates in many layouts": as_csv([ADVICE, *[advice(i, received) for i, received in enumerate([
        "01/04/2025", "2025-04-01", "1/4/2025", "01-04-2025", "01.04.25", "1 Apr 2025",
        "01-Apr-25", "2025-Apr-01", "April 1, 2025", "01/04/2025 09:30", "2025-04-01T09:30:00",
        "45748", " 01/04/2025 ", "31/02/2025", "29/02/2024", "29/02/2023", "31/12/1949",
        "01/01/1950", "31/12/2100", "01/01/2101", "00/04/2025", "01/13/2025", "2025-02-30",
        "0001-01-01", "9999-12-31", "not a date", "", "01/04/2027"])],
        advice(90, "01/04/2025", "01/03/2025"), advice(91, "01/04/2022", "01/04/2025")]).encode(),
    # ids with spaces, lower case, odd characters; repeats and conflicts of one key
    "ids to clean": as_csv([ADVICE, *[advice(i, ref=ref) for i, ref in enumerate([
        "ha-1", " HA-2", "HA  3", "HA-\xa04", "ha-1", "Ref é5", "HA-6\t", "HA-7", "HA-7"])],
        [*advice(8, ref="HA-7")[:6], "02/04/2025", *advice(8)[7:]]]).encode(),
    # one id written two ways: two distinct raw values, one parsed value (a repeat, a conflict)
    "an id spelled two ways": as_csv([ADVICE, *[advice(i, ref=ref) for i, ref in enumerate([
        "HA-1", "HA-2", "HA-3"])], advice(0, ref=" ha-1"),
        [*advice(1, ref="ha-2")[:6], "02/04/2025", *advice(1)[7:]]]).encode(),
    "personal data, clean and not": as_csv(
        [["Case ID", "LA", "Request Date", "NHS Number", "Child Name", "Date of Birth"],
         *[[f"E{i}", "Northshire", "01/04/2025", number, name, born]
           for i, (number, name, born) in enumerate([
               ("9434765919", "Amir Kowalczyk", "03/07/2012"),
               ("943 476 5919", "Amir  Kowalczyk", "2012-07-03"),
               ("9434765918", "Bea Li", "03/07/2012"), ("1111111111", "Cy Ode", "31/02/2012"),
               ("", "Dee Ray", "3 Jul 2012"), ("", "Dee Ray", "03/07/2012"),
               ("4010232137", "", ""), ("401-023-2137", "Eve", "1899-01-01")])]]).encode(),
}


def dump(db: Path) -> dict:
    """Every table, without the columns a second load writes differently (its id and times),
    except `known_rows`: how the next load recognises these rows depends on how they were read
    (a CSV read by Arrow by its rows' bytes, one read by the csv module by its cells)."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE table_name <> 'known_rows' "
            "ORDER BY ALL").fetchall()]
        out = {}
        for table in tables:
            columns = [c for c, kind in con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
                "ORDER BY column_index", [table]).fetchall()
                if kind != "TIMESTAMP" and c not in ("load_id", "superseded_by_load")]
            select = ", ".join(f'"{c}"' for c in columns)
            out[table] = con.execute(f"SELECT {select} FROM {table} ORDER BY ALL").fetchall()
        return out


def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: Path, fast: bool,
         as_of: dt.date) -> tuple:
    monkeypatch.setattr(readers, "HEAD_ROWS", 6 if fast else 10**9)
    monkeypatch.setattr(validate, "FAST_PATH_FROM", 0 if fast else 10**12)
    if not fast:
        monkeypatch.setattr(validate, "each_column", lambda work, columns: list(map(work, columns)))
        monkeypatch.setattr(staging, "_distinct", lambda column: False)
    db = tmp_path / f"{'fast' if fast else 'python'}.duckdb"
    result = ingest_file(db, path, as_of=as_of)
    summary = result.summary()
    return (summary, [vars(r) for r in result.rejects], [vars(w) for w in result.warnings],
            result.read_warnings, dump(db) if result.status == "loaded" else None)


def fast_and_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: Path,
                    as_of: dt.date = AS_OF) -> tuple:
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "test-key-not-secret")
    return (load(tmp_path, monkeypatch, path, True, as_of),
            load(tmp_path, monkeypatch, path, False, as_of))


@pytest.mark.parametrize("name", [*QUIRKS, *CASES])
def test_a_quirky_file_loads_the_same_by_the_fast_paths_and_by_python(tmp_path, monkeypatch,
                                                                       name):
    path = tmp_path / "export.csv"
    path.write_bytes({**QUIRKS, **CASES}[name])
    fast, python = fast_and_python(tmp_path, monkeypatch, path)
    assert fast == python
    summary = fast[0]
    assert summary["status"] == "failed" or summary["rows_read"] == (
        summary["loaded"] + summary["duplicates"] + summary["rejected"] + summary["blank"]
        + summary["notes"])


def test_the_quirks_are_rejected_and_kept_as_the_parsers_say(tmp_path, monkeypatch):
    """The equality above is not between two empty loads: the fast path takes the clean values,
    the parsers the rest, with their own messages."""
    path = tmp_path / "dates.csv"
    path.write_bytes(QUIRKS["dates in many layouts"])
    fast, _ = fast_and_python(tmp_path, monkeypatch, path)
    summary, rejects, warnings, _, tables = fast
    reasons = {r["value"]: r["reason"] for r in rejects}
    assert reasons["31/02/2025"] == "requested_date: impossible date '31/02/2025'"
    assert reasons["31/12/1949"].startswith("requested_date: implausible date '31/12/1949'")
    assert reasons["not a date"].startswith("requested_date: not a date: 'not a date'")
    assert "after the load's as-of date" in reasons["01/04/2027"]
    assert any(w["rule"] == "long_gap" for w in warnings)
    received = {row[0]: row for row in tables["health_advice"]}
    assert summary["loaded"] == len(received) > 15


@pytest.mark.parametrize("file", ["advice_csv", "ehcp_csv", "tribunals_csv"])
def test_the_bench_exports_load_the_same_by_the_fast_paths_and_by_python(tmp_path, monkeypatch,
                                                                          file):
    scale = bench.Scale("test", advice=3_000, ehcp=1_200, appeals=300, las=3, xlsx=10)
    cases = bench.ehcp_frame(scale, seed=7)
    frame = {"advice_csv": lambda: bench.advice_frame(scale, 7, cases), "ehcp_csv": lambda: cases,
             "tribunals_csv": lambda: bench.tribunal_frame(scale, 7, cases)}[file]()
    path = tmp_path / f"{file}.csv"
    bench.write_csv(frame, path)
    fast, python = fast_and_python(tmp_path, monkeypatch, path, bench.AS_OF)
    assert fast[0]["status"] == "loaded" and fast[0]["loaded"] > 0.9 * len(frame)
    assert fast == python


def test_an_id_spelled_two_ways_is_one_key_to_staging(tmp_path, monkeypatch):
    """No raw value of the id repeats, but two parse to one id: the key repeats, so staging
    must not rule repeats out from the id column (the fast path's equality above would hold
    between two wrong loads only if both missed it)."""
    path = tmp_path / "spelled.csv"
    path.write_bytes(QUIRKS["an id spelled two ways"])
    (summary, rejects, *_), _ = fast_and_python(tmp_path, monkeypatch, path)
    assert (summary["loaded"], summary["duplicates"], summary["rejected"]) == (2, 1, 2)
    assert {r["row"] for r in rejects if r["rule"] == "conflict"} == {3, 6}
