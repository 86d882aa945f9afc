"""Rows already loaded are recognised by their raw cells and not validated again: a file loaded
after another leaves exactly the tables a load that validates every row leaves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import load as load_module
from pipelines.db import upgrade
from pipelines.load import ingest_file
from pipelines.rollback import rollback
from pipelines.schemas import SCHEMAS
from tests.conftest import ADVICE_HEADER, AS_OF, write_csv, write_xlsx

EARLIER = dt.date(2026, 2, 1)
# Advice rows: on time, late with a reason that is not lawful, a year-long gap (a warning), an
# impossible date (a reject), requested after EARLIER (a future date as of EARLIER), open.
BASE = [
    ["A1", "C1", "Northshire", "SALT", "01/04/2025", "01/05/2025", "Trust", "", "3", "New"],
    ["A2", "C2", "Northshire", "OT", "02/04/2025", "", "Trust", "", "", "New"],
    ["A3", "C3", "Riverside", "OT", "03/04/2025", "01/07/2025", "Trust", "Waiting list", "", ""],
    ["A4", "C4", "Northshire", "OT", "01/01/2024", "01/03/2025", "Trust", "", "", ""],
    ["A5", "C5", "Northshire", "SALT", "31/02/2025", "", "Trust", "", "", ""],
    ["A6", "C6", "Riverside", "SALT", "01/03/2026", "", "Trust", "", "", ""],
    ["A7", "C7", "Riverside", "Physio", "05/04/2025", "20/04/2025", "Trust", "", "5", "New"],
    ["A8", "C8", "Northshire", "OT", "06/04/2025", "", "Trust", "", "", ""],
    ["A9", "C9", "Riverside", "SALT", "07/04/2025", "", "Trust", "", "", ""],
]
NEW = ["A20", "C20", "Riverside", "OT", "01/02/2024", "", "Trust", "", "", ""]
EXCLUDED = {"loaded_at", "superseded_at"}  # when each database was written: they differ
OTHER_TABLES = ("loads", "load_sheets", "rejects", "row_warnings")


def changed(rows: list[list[str]], ref: str, column: int, value: str) -> list[list[str]]:
    return [[*r[:column], value, *r[column + 1:]] if r[0] == ref else r for r in rows]


def without(rows: list[list[str]], ref: str) -> list[list[str]]:
    return [r for r in rows if r[0] != ref]


def csv(folder: Path, name: str, rows: list[list[Any]], header: list[str] = ADVICE_HEADER) -> Path:
    return write_csv(folder / name, [header, *rows])


def tables(db: Path) -> dict[str, list[tuple]]:
    """Every table a load writes, without the times the rows were written."""
    names = [t for s in SCHEMAS.values() for t in (s.table, f"{s.table}_history")]
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in (*names, *OTHER_TABLES):
            columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()
                       if r[0] not in EXCLUDED]
            out[table] = con.execute(f"SELECT {', '.join(columns)} FROM {table} "
                                     "ORDER BY ALL").fetchall()
    return out


def run(db: Path, steps: list[tuple], recognise: bool, monkeypatch: pytest.MonkeyPatch
        ) -> tuple[list[Any], list[int]]:
    """Each step's result (summary, rejects, warnings) and how many rows each load validated.
    A step is ("load", path, keyword arguments) or ("rollback", the step whose load to undo)."""
    validated: list[int] = []
    real = load_module.validate_body

    def counting(sheet, body, n, *args, **kwargs):
        validated.append(n)
        return real(sheet, body, n, *args, **kwargs)

    monkeypatch.setattr(load_module, "validate_body", counting)
    results: list[Any] = []
    counts: list[int] = []
    for step in steps:
        if step[0] == "rollback":
            results.append(rollback(db, results[step[1]][0]["load_id"]).removed)
            counts.append(0)
            continue
        _, path, kwargs = step
        validated.clear()
        result = ingest_file(db, path, recognise_known=recognise, **{"as_of": AS_OF, **kwargs})
        assert result.reconciles(), result.summary()
        results.append((result.summary(), result.rejects, result.warnings))
        counts.append(sum(validated))
    monkeypatch.setattr(load_module, "validate_body", real)
    return results, counts


def same_as_every_row_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                steps: list[tuple]) -> list[int]:
    """Run the steps twice, recognising known rows and validating every row; assert the results
    and tables agree; the rows each load validated when recognising."""
    quick, validated = run(tmp_path / "known.duckdb", steps, True, monkeypatch)
    full, every = run(tmp_path / "full.duckdb", steps, False, monkeypatch)
    assert quick == full
    assert tables(tmp_path / "known.duckdb") == tables(tmp_path / "full.duckdb")
    assert validated[0] == every[0]  # a first load validates every row either way
    return validated


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "test-key-not-secret")


def base_then(tmp_path: Path, rows: list[list[Any]], **kwargs: Any) -> list[tuple]:
    return [("load", csv(tmp_path, "a.csv", BASE), {}),
            ("load", csv(tmp_path, "b.csv", rows), kwargs)]


CASES = {
    # case: (next file's rows, keyword arguments of its load, rows it validates)
    "a changed row": (changed(BASE, "A2", 5, "01/05/2025"), {}, 4),
    "a new row, older than the rest": ([*BASE, NEW], {}, 4),
    "a row removed": (without(BASE, "A3"), {}, 3),
    "a recognised row's key written another way": (
        [*BASE, changed(BASE, "A1", 3, "OT")[0]], {}, 4),
    "an exact repeat of a recognised row": ([*BASE, BASE[0]], {}, 3),
    "a recognised record written with other spacing": ([*BASE, [" a7 ", *BASE[6][1:]]], {}, 4),
    "the same rows in another order": ([*BASE[4:], *BASE[:4]], {}, 3),
    "an earlier as-of date": ([*BASE, NEW], {"as_of": EARLIER}, len(BASE) + 1),
    "an older extract that changed a row": (
        changed(BASE, "A8", 5, "01/05/2025"), {"extract_date": dt.date(2025, 12, 31)}, 4),
    "a newer extract given": ([*BASE, NEW], {"extract_date": dt.date(2026, 3, 31)}, 4),
    "a lone cell after the rows validated, and one below": (
        [*BASE[:5], ["A99"], *BASE[5:], ["A98"]], {}, 5),
}


@pytest.mark.parametrize("rows, kwargs, validates", CASES.values(), ids=CASES.keys())
def test_a_next_file_loads_as_if_every_row_were_validated(tmp_path, monkeypatch, rows, kwargs,
                                                          validates):
    validated = same_as_every_row_validated(tmp_path, monkeypatch,
                                            base_then(tmp_path, rows, **kwargs))
    # Validated again: the rows not loaded before (the impossible date, the warned row, the
    # new or changed rows) and the last recognised row, which ends the table as the file does.
    assert validated[1] == validates


def test_a_later_as_of_date_recognises_rows_loaded_at_an_earlier_one(tmp_path, monkeypatch):
    steps = [("load", csv(tmp_path, "a.csv", BASE), {"as_of": EARLIER}),
             ("load", csv(tmp_path, "b.csv", [*BASE, NEW]), {})]
    # The row dated after EARLIER was rejected then: validated now, and loaded.
    assert same_as_every_row_validated(tmp_path, monkeypatch, steps)[1] == 5


def test_an_older_extract_changes_nothing_it_recognises(tmp_path, monkeypatch):
    steps = [("load", csv(tmp_path, "a.csv", BASE), {"extract_date": dt.date(2026, 3, 31)}),
             ("load", csv(tmp_path, "b.csv", changed(BASE, "A1", 6, "Other Trust")),
              {"extract_date": dt.date(2026, 1, 31)})]
    same_as_every_row_validated(tmp_path, monkeypatch, steps)
    with duckdb.connect(str(tmp_path / "known.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM health_advice WHERE extract_date "
                           "<> DATE '2026-03-31'").fetchone() == (0,)
        assert con.execute("SELECT history_note FROM health_advice_history").fetchall() == [
            ("stale",)]


def test_rolled_back_then_loaded_again(tmp_path, monkeypatch):
    b = csv(tmp_path, "b.csv", changed([*BASE, NEW], "A2", 5, "01/05/2025"))
    steps = [("load", csv(tmp_path, "a.csv", BASE), {}), ("load", b, {}), ("rollback", 1),
             ("load", b, {})]
    validated = same_as_every_row_validated(tmp_path, monkeypatch, steps)
    assert validated[1] == validated[3] == 5


def test_a_rolled_back_load_forgets_its_rows(tmp_path, monkeypatch):
    a = csv(tmp_path, "a.csv", BASE)
    steps = [("load", a, {}), ("rollback", 0), ("load", csv(tmp_path, "b.csv", BASE), {})]
    validated = same_as_every_row_validated(tmp_path, monkeypatch, steps)
    assert validated[2] == len(BASE)
    with duckdb.connect(str(tmp_path / "known.duckdb"), read_only=True) as con:
        assert con.execute("SELECT DISTINCT load_id FROM known_rows").fetchall() == [(2,)]


def test_a_provider_given_otherwise_is_validated_again(tmp_path, monkeypatch):
    header = [h for h in ADVICE_HEADER if h != "Provider"]
    rows = [[c for i, c in enumerate(r) if i != 6] for r in BASE]
    trust_a = {"given": {"source": "provider", "provider": "Trust A"}}
    trust_b = {"given": {"source": "provider", "provider": "Trust B"}}
    steps = [("load", csv(tmp_path, "a.csv", rows, header), trust_a),
             ("load", csv(tmp_path, "b.csv", [*rows, NEW[:6] + NEW[7:]], header), trust_a),
             ("load", csv(tmp_path, "c.csv", [*rows, NEW[:6] + NEW[7:], ["A21", *NEW[1:6]]],
                          header), trust_b)]
    validated = same_as_every_row_validated(tmp_path, monkeypatch, steps)
    assert validated[1:] == [4, len(rows) + 2]


@pytest.mark.parametrize("second", [
    [*BASE[5:], BASE[0], changed(BASE, "A7", 3, "OT")[6]],  # across the sheets, and in one
    [*BASE[5:], BASE[5]],  # a repeat within the second sheet only
], ids=["across", "within"])
def test_two_sheets_of_one_workbook(tmp_path, monkeypatch, second):
    book = write_xlsx(tmp_path / "b.xlsx", {"One": [ADVICE_HEADER, *BASE[:5]],
                                            "Two": [ADVICE_HEADER, *second]})
    steps = [("load", write_xlsx(tmp_path / "a.xlsx", {"One": [ADVICE_HEADER, *BASE]}), {}),
             ("load", book, {})]
    same_as_every_row_validated(tmp_path, monkeypatch, steps)


def test_a_corrected_nhs_number_is_validated_again(tmp_path, monkeypatch):
    header = ["Case ID", "Local Authority", "Request Date", "NHS Number", "Date of Birth"]
    rows = [["C1", "Northshire", "01/04/2025", "9434765919", "01/02/2015"],
            ["C2", "Northshire", "02/04/2025", "9434765870", "03/04/2016"],
            ["C3", "Riverside", "03/04/2025", "", "05/06/2017"]]
    fixed = changed(rows, "C2", 3, "9434765889")
    steps = [("load", csv(tmp_path, "a.csv", rows, header), {}),
             ("load", csv(tmp_path, "b.csv", [*rows, ["C4", "Riverside", "04/04/2025", "", ""]],
                          header), {}),
             ("load", csv(tmp_path, "c.csv", fixed, header), {})]
    validated = same_as_every_row_validated(tmp_path, monkeypatch, steps)
    assert validated[1:] == [2, 2]


def test_a_load_between_reading_and_writing_means_every_row_is_validated(tmp_path, monkeypatch):
    """Another process rolls the first load back while this one validates: the rows it
    recognised are no longer live, so it loads the file again validating every row."""
    db = tmp_path / "known.duckdb"
    first = ingest_file(db, csv(tmp_path, "a.csv", BASE), as_of=AS_OF)
    prepare = load_module._prepare
    looked_up = []

    def prepare_then_roll_back(*args, **kwargs):
        prepared = prepare(*args, **kwargs)
        looked_up.append(args[9])
        if args[9]:  # recognising rows (not the load again that validates every row)
            rollback(db, first.load_id)
        return prepared

    monkeypatch.setattr(load_module, "_prepare", prepare_then_roll_back)
    result = ingest_file(db, csv(tmp_path, "b.csv", [*BASE, NEW]), as_of=AS_OF)
    monkeypatch.setattr(load_module, "_prepare", prepare)
    full = tmp_path / "full.duckdb"
    ingest_file(full, csv(tmp_path, "a.csv", BASE), as_of=AS_OF, recognise_known=False)
    rollback(full, first.load_id)
    expected = ingest_file(full, csv(tmp_path, "b.csv", [*BASE, NEW]), as_of=AS_OF,
                           recognise_known=False)
    assert result.summary() == expected.summary()
    assert looked_up == [True, False]
    assert result.inserted == len(BASE)  # all but the impossible date: nothing was left
    assert tables(db) == tables(full)


def test_an_earlier_database_gains_the_table_and_recognises_from_then_on(tmp_path, monkeypatch):
    db = tmp_path / "known.duckdb"
    ingest_file(db, csv(tmp_path, "a.csv", BASE), as_of=AS_OF)
    with duckdb.connect(str(db)) as con:
        con.execute("DROP TABLE known_rows")
    assert upgrade(db)
    steps = [("load", csv(tmp_path, "b.csv", [*BASE, NEW]), {}),
             ("load", csv(tmp_path, "c.csv", [*BASE, NEW, NEW]), {})]
    _, validated = run(db, steps, True, monkeypatch)
    assert validated == [len(BASE) + 1, 3]


def test_no_personal_cell_is_kept(tmp_path):
    header = ["Case ID", "Local Authority", "Request Date", "NHS Number", "Date of Birth"]
    db = tmp_path / "known.duckdb"
    ingest_file(db, csv(tmp_path, "a.csv", [["C1", "Northshire", "01/04/2025", "9434765919",
                                             "01/02/2015"]], header), as_of=AS_OF)
    with duckdb.connect(str(db), read_only=True) as con:
        kept = con.execute("SELECT * FROM known_rows").fetchall()
    assert len(kept) == 1 and "9434765919" not in repr(kept)


EDITS = st.lists(st.tuples(st.sampled_from(["change", "remove", "repeat", "conflict", "new"]),
                           st.integers(0, len(BASE) - 1)), max_size=5)


def edited(base: list[list[str]], edits: list[tuple[str, int]]) -> list[list[str]]:
    """Next month's rows: `base` with each edit (a date changed, a row removed, repeated, in
    conflict with itself, or a new row) made at a place."""
    rows = [list(r) for r in base]
    for n, (edit, at) in enumerate(edits):
        at %= len(rows) or 1
        if edit == "change" and rows:
            rows[at][5] = f"{10 + n}/05/2025"
        elif edit == "remove" and rows:
            rows.pop(at)
        elif edit == "repeat" and rows:
            rows.append(list(rows[at]))
        elif edit == "conflict" and rows:
            rows.append([*rows[at][:3], "Audiology", *rows[at][4:]])
        else:
            rows.append([f"N{n}", "C1", "Riverside", "OT", f"{10 + n}/01/2025", *[""] * 5])
    return rows


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS, as_of=st.sampled_from([AS_OF, EARLIER, dt.date(2026, 6, 30)]))
def test_any_next_file_loads_as_if_every_row_were_validated(tmp_path_factory, monkeypatch, edits,
                                                           as_of):
    folder = tmp_path_factory.mktemp("next")
    rows = edited(BASE, edits)
    steps = [("load", csv(folder, "a.csv", BASE), {}),
             ("load", csv(folder, "b.csv", rows), {"as_of": as_of})]
    same_as_every_row_validated(folder, monkeypatch, steps)
