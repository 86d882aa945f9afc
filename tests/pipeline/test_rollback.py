"""Rolling back a load by id returns the database to what it was before that load."""

import pytest

from pipelines.rollback import RollbackRefused, rollback
from tests.conftest import ADVICE_HEADER, write_csv
from tests.pipeline.test_loads import snapshot


def advice(path, *rows):
    return write_csv(path, [ADVICE_HEADER, *[[*r, "", "", "", ""] for r in rows]])


def data_only(db):
    import duckdb
    with duckdb.connect(str(db), read_only=True) as con:
        return (con.execute("SELECT * EXCLUDE (loaded_at) FROM health_advice ORDER BY ALL").fetchall(),
                con.execute("SELECT count(*) FROM health_advice_history").fetchone()[0])


def test_rollback_removes_what_a_load_added_and_restores_what_it_changed(load, db, tmp_path):
    load(advice(tmp_path / "a.csv", ["A1", "C1", "Northshire", "SALT", "01/04/2025", ""]))
    before = data_only(db)
    later = load(advice(tmp_path / "b.csv", ["A1", "C1", "Northshire", "SALT", "01/04/2025", "01/05/2025"],
                        ["A2", "C2", "Northshire", "OT", "01/04/2025", ""],
                        ["A3", "C3", "Westshire", "OT", "01/04/2025", ""]))
    assert (later.inserted, later.updated, later.rejected) == (1, 1, 1)
    result = rollback(db, later.load_id)
    assert (result.removed, result.restored) == (1, 1)
    assert data_only(db) == before
    import duckdb
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM loads WHERE load_id = ?", [later.load_id]).fetchone() == (
            "rolled back",)
        rejects = con.execute("SELECT count(*) FROM rejects WHERE load_id = ?", [later.load_id]).fetchone()
    assert rejects == (0,)


def test_the_same_file_loads_again_after_a_rollback(load, db, tmp_path):
    path = advice(tmp_path / "a.csv", ["A1", "C1", "Northshire", "SALT", "01/04/2025", ""])
    first = load(path)
    rollback(db, first.load_id)
    assert load(path).status == "loaded"


def test_refused_while_a_later_load_changed_the_same_records(load, db, tmp_path):
    first = load(advice(tmp_path / "a.csv", ["A1", "C1", "Northshire", "SALT", "01/04/2025", ""]))
    second = load(advice(tmp_path / "b.csv", ["A1", "C1", "Northshire", "SALT", "01/04/2025", "01/05/2025"]))
    before = snapshot(db)
    with pytest.raises(RollbackRefused, match=f"roll back load {second.load_id}, then load "
                                              f"{first.load_id}, then load b.csv again"):
        rollback(db, first.load_id)
    assert snapshot(db) == before
    rollback(db, second.load_id)
    rollback(db, first.load_id)
    assert data_only(db) == ([], 0)


@pytest.mark.parametrize("load_id, message", [(99, "there is no load 99")])
def test_unknown_load(db, load_id, message):
    from pipelines.db import connect_writer
    connect_writer(db).close()
    with pytest.raises(RollbackRefused, match=message):
        rollback(db, load_id)


def test_twice_is_refused(load, db, tmp_path):
    first = load(advice(tmp_path / "a.csv", ["A1", "C1", "Northshire", "SALT", "01/04/2025", ""]))
    rollback(db, first.load_id)
    with pytest.raises(RollbackRefused, match="already rolled back"):
        rollback(db, first.load_id)


def _live(db):
    import duckdb
    with duckdb.connect(str(db), read_only=True) as con:
        return sorted(r[0] for r in con.execute("SELECT advice_id FROM health_advice").fetchall())


@pytest.mark.parametrize("known", [True, False], ids=["rows recognised", "rows validated"])
@pytest.mark.parametrize("second_name", ["b_2025-06-30.csv", "b_2025-04-30.csv"],
                         ids=["a newer extract", "an older extract"])
def test_a_load_whose_records_a_later_load_holds_again_is_not_undone_alone(
        load, db, tmp_path, monkeypatch, known, second_name):
    """October's export, then November's repeating October's rows (unchanged, or, loaded after
    a newer one, kept as stale): undoing October alone removed rows November still holds, and
    loading November again was "already loaded; nothing changed". Refused, saying the order."""
    from pipelines import known_rows

    if not known:
        monkeypatch.setattr(known_rows, "eligible", lambda schema, match: False)
    rows = [["A1", "C1", "Northshire", "SALT", "01/04/2025", ""],
            ["A2", "C2", "Northshire", "OT", "02/04/2025", ""]]
    first = load(advice(tmp_path / "a_2025-05-31.csv", *rows))
    older = second_name < "b_2025-05-31"  # its A1 differs: kept as stale, out of the table
    changed = [["A1", "C1", "Northshire", "SALT", "01/04/2025", "20/04/2025"] if older else rows[0],
               rows[1], ["A3", "C3", "Northshire", "OT", "03/04/2025", ""]]
    second = load(advice(tmp_path / second_name, *changed))
    assert (second.loaded, second.stale) == ((2, 1) if older else (3, 0))
    with pytest.raises(RollbackRefused, match=(
            f"load {second.load_id} \\({second_name}\\) changed or holds again records that "
            f"load {first.load_id} wrote \\(health_advice\\).* roll back load {second.load_id}, "
            f"then load {first.load_id}, then load {second_name} again")):
        rollback(db, first.load_id)
    assert "A2" in _live(db)
    rollback(db, second.load_id)
    rollback(db, first.load_id)
    assert _live(db) == []
    assert load(tmp_path / second_name).loaded == 3
    assert _live(db) == ["A1", "A2", "A3"]


def test_a_refusal_gives_the_whole_order_at_once(load, db, tmp_path):
    """October, November and December's exports each repeat the last: undoing October names
    December and November, newest first, and both files to load again."""
    rows = [["A1", "C1", "Northshire", "SALT", "01/04/2025", ""]]
    first = load(advice(tmp_path / "a_2025-10-31.csv", *rows))
    rows.append(["A2", "C2", "Northshire", "OT", "02/04/2025", ""])
    second = load(advice(tmp_path / "b_2025-11-30.csv", *rows))
    rows.append(["A3", "C3", "Northshire", "OT", "03/04/2025", ""])
    third = load(advice(tmp_path / "c_2025-12-31.csv", *rows))
    with pytest.raises(RollbackRefused) as refused:
        rollback(db, first.load_id)
    assert str(refused.value).endswith(
        f"roll back load {third.load_id}, then load {second.load_id}, then load {first.load_id}, "
        "then load b_2025-11-30.csv and c_2025-12-31.csv again")
    for load_id in (third.load_id, second.load_id, first.load_id):
        rollback(db, load_id)
    assert _live(db) == []
