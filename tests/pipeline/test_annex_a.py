"""Annex A lists (List 1: EHC plans; List 2: SEN support) as the DfE's template lays them out:
title rows, en-dash headers, option letters, Excel and text dates, and no LA column."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from pipelines import cli, metrics
from pipelines.db import reader
from tests.annex_a_files import (
    CHILDREN,
    LIST_1_HEADER,
    independent_counts,
    last_day_in_time,
    list_1_rows,
    list_2_rows,
)
from tests.conftest import AS_OF, write_csv, write_xlsx


@pytest.fixture
def annex_a(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "annex-a.xlsx", {"List 1": list_1_rows(), "List 2": list_2_rows()})


def test_lists_are_refused_without_an_la_and_say_so(annex_a: Path, load, db: Path) -> None:
    result = load(annex_a)
    assert result.status == "failed"
    assert "no local authority column" in result.error
    assert "--la" in result.error
    assert not db.exists() or _count(db, "SELECT count(*) FROM cohort") == 0


def test_list_1_and_list_2_load_with_la(annex_a: Path, load, db: Path) -> None:
    result = load(annex_a, la="Northshire")
    assert result.status == "loaded", result.error
    assert result.rejected == 0, result.rejects
    assert result.loaded == len(CHILDREN) + 2
    with reader(db) as con:
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT child_id, local_authority, support, sex, ethnicity, primary_need, phase, "
            "plan_issued_date, plan_updated_date, last_reviewed_date, birth_year, school_urn, "
            "elective_home_education FROM cohort").fetchall()}
    assert rows["C1"] == ("Northshire", "EHC plan", "male", "WBRI", "ASD", "primary",
                          dt.date(2020, 1, 10), None, dt.date(2025, 6, 1), 2012, "100001", False)
    assert rows["C2"][1:9] == ("EHC plan", "female", "APKN", "SLCN", "secondary",
                               dt.date(2022, 2, 1), dt.date(2023, 4, 3), dt.date(2025, 3, 10))
    assert rows["C3"][3] == "WBRI"  # the long name of the code
    assert rows["C4"][6] == dt.date(2024, 11, 15) and rows["C4"][9] == 2008
    assert rows["S1"][:5] == ("Northshire", "SEN support", "male", "WBRI", "SLCN")
    assert rows["S2"][1] == "SEN support" and rows["S2"][6] is None


def test_no_upn_uln_or_birth_date_is_stored(annex_a: Path, load, db: Path) -> None:
    load(annex_a, la="Northshire")
    with reader(db) as con:
        columns = [r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'cohort'").fetchall()]
        ids = [r[0] for r in con.execute("SELECT person_id FROM cohort ORDER BY child_id").fetchall()]
    assert not {"upn", "uln", "date_of_birth", "postcode", "name"} & set(columns)
    assert all(ids) and len(set(ids)) == len(ids)
    data = db.read_bytes()
    for _, upn, *_ in CHILDREN:
        assert upn.encode() not in data
    assert b"17/09/2010" not in data and b"2010-09-17" not in data


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2025, 8, 31), dt.date(2026, 3, 30)])
def test_metrics_equal_an_independent_count(annex_a: Path, load, db: Path, as_of: dt.date) -> None:
    load(annex_a, la="Northshire")
    f = metrics.Filters(dt.date(2025, 4, 1), as_of, as_of)
    with reader(db) as con:
        h = metrics.headline(con, f)
    assert (h["cohort_with_plan"], h["plans_not_reviewed_in_12_months"]) == independent_counts(as_of)
    assert h["cohort_sen_support"] == 2


@pytest.mark.parametrize(("as_of", "c6", "c7"), [
    (dt.date(2026, 3, 29), False, False),  # C7 reviewed 30/03/2025: its last day in time
    (dt.date(2026, 3, 30), False, True),  # C7's anniversary; C6's (31/03/2025) last day
    (AS_OF, True, True),  # 31/03/2026: C6's anniversary, 365 days on
])
def test_a_plan_is_overdue_from_the_anniversary(annex_a: Path, load, db: Path, as_of: dt.date,
                                                c6: bool, c7: bool) -> None:
    """CFA 2014 s44: reviewed "in the period of 12 months starting with" the last review, which
    ends the day before the anniversary."""
    load(annex_a, la="Northshire")
    base = metrics.plan_cohort_base(metrics.Filters(as_of, as_of, as_of))
    with reader(db) as con:
        days = dict(con.execute(f"SELECT child_id, overdue FROM ({base})",
                                {"as_of": as_of}).fetchall())
    assert (days["C6"], days["C7"], days["C5"]) == (c6, c7, None)


@pytest.mark.parametrize(("start", "last"), [
    (dt.date(2024, 2, 29), dt.date(2025, 2, 28)),  # no 29 February next year
    (dt.date(2024, 3, 1), dt.date(2025, 2, 28)),
    (dt.date(2023, 3, 1), dt.date(2024, 2, 29)),  # into a leap year
    (dt.date(2025, 1, 31), dt.date(2026, 1, 30)),
    (dt.date(2025, 12, 31), dt.date(2026, 12, 30)),
])
def test_the_last_day_of_the_12_months(start: dt.date, last: dt.date) -> None:
    sql = f"SELECT {metrics.cohort.review_period_end('$start')}"
    with duckdb.connect() as con:  # not the module's shared connection, left mid-result
        assert con.execute(sql, {"start": start}).fetchone()[0] == last
    assert last_day_in_time(start) == last


def test_breakdown_by_group_adds_up(annex_a: Path, load, db: Path) -> None:
    load(annex_a, la="Northshire")
    f = metrics.Filters(AS_OF, AS_OF, AS_OF)
    with reader(db) as con:
        overall = metrics.cohort_reviews(con, f).iloc[0]
        for by in metrics.COHORT_GROUPS:
            frame = metrics.cohort_reviews(con, f, by)
            assert frame["with_plan"].sum() == overall["with_plan"], by
            assert frame["not_reviewed_in_12_months"].sum() == overall["not_reviewed_in_12_months"]
        ages = metrics.cohort_reviews(con, f, "age_band").set_index("group")["with_plan"]
        assert list(ages.index) == ["5 to 10", "11 to 15", "16 to 19"]
        groups = metrics.cohort_reviews(con, f, "ethnicity").set_index("group")["with_plan"]
    # Born 2012, 2010, 2019, 2008, 2014, 2013, 2011: ages reached in 2026.
    assert ages.to_dict() == {"11 to 15": 4, "16 to 19": 2, "5 to 10": 1}
    assert groups.to_dict() == {"White": 5, "Asian": 1, "Black": 1}


def test_metrics_command_prints_the_cohort(annex_a: Path, load, db: Path, capsys) -> None:
    load(annex_a, la="Northshire")
    assert cli.main(["metrics", "--db", str(db), "--json", "--as-of", str(AS_OF)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["cohort_with_plan"], out["plans_not_reviewed_in_12_months"]) == \
        independent_counts(AS_OF)


def test_ingest_la_option_and_unknown_la(annex_a: Path, db: Path, capsys) -> None:
    assert cli.main(["ingest", "--db", str(db), "--as-of", str(AS_OF), "--la", "Nowhere",
                     str(annex_a)]) == 1
    assert "unknown local authority 'Nowhere'" in capsys.readouterr().err
    assert cli.main(["ingest", "--db", str(db), "--as-of", str(AS_OF), "--la", "Northshire",
                     str(annex_a)]) == 0
    out = capsys.readouterr().out
    assert "sheet 'List 1': columns not used: Subsidiary education establishment – phase " \
           "(dual registration), Suspensions, Known to children's social care?, Does the child " \
           "or young person have a disability?" in out
    assert "sheet 'List 2': columns not used: Absence" in out


def test_list_2_csv_is_sen_support_by_its_file_name(tmp_path: Path, load, db: Path) -> None:
    path = write_csv(tmp_path / "annex_a_list_2.csv", list_2_rows()[2:])
    result = load(path, la="Riverside")
    assert result.status == "loaded", result.error
    assert _count(db, "SELECT count(*) FROM cohort WHERE support = 'SEN support'") == 2


def test_a_file_with_its_own_la_column_keeps_it(tmp_path: Path, load, db: Path) -> None:
    rows = [["Local Authority", *LIST_1_HEADER]]
    rows += [["Riverside", *row] for row in list_1_rows()[4:6]]
    result = load(write_xlsx(tmp_path / "list1.xlsx", {"Sheet1": rows}))
    assert result.status == "loaded", result.error
    assert _count(db, "SELECT count(*) FROM cohort WHERE local_authority = 'Riverside' "
                      "AND support = 'EHC plan'") == 2
    # Given another LA for the file (`--la`), its rows naming Riverside contradict it: rejected,
    # not loaded under either on a guess.
    other = [["Local Authority", *LIST_1_HEADER]] + [["Riverside", *row]
                                                      for row in list_1_rows()[6:8]]
    result = load(write_xlsx(tmp_path / "list1_again.xlsx", {"Sheet1": other}), la="Northshire")
    assert (result.loaded, result.rejected) == (0, 2)
    assert {r.rule for r in result.rejects} == {"not_the_la_given"}
    assert _count(db, "SELECT count(*) FROM cohort") == 2


def _count(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def test_metrics_on_a_database_made_before_the_cohort(tmp_path: Path, load, db: Path,
                                                      capsys) -> None:
    load(write_csv(tmp_path / "none.csv", [["Case ID", "Local Authority", "Request Date"],
                                           ["C1", "Northshire", "01/04/2025"]]))
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE cohort")
    con.execute("DROP TABLE cohort_history")
    con.close()
    assert cli.main(["metrics", "--db", str(db), "--json", "--as-of", str(AS_OF)]) == 0
    assert json.loads(capsys.readouterr().out)["cohort_with_plan"] == 0


def test_a_list_1_whose_title_mentions_sen_support_stays_list_1(tmp_path, db):
    """Its plan-date columns say List 1 whatever a title says of the other list."""
    from pipelines.load import ingest_file
    from tests.conftest import write_xlsx

    path = write_xlsx(tmp_path / "annex_a_2026-11.xlsx", {"Sheet1": [
        ["Annex A: children with an EHC plan (pupils on SEN support are in the other return)"],
        ["Child unique ID", "Date initial EHC plan issued", "SEN primary need"],
        ["P1", dt.date(2020, 1, 1), "ASD"]]})
    assert ingest_file(db, path, la="Riverside").loaded == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT support FROM cohort").fetchall() == [("EHC plan",)]
