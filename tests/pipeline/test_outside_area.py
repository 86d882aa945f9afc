"""The DCO's area is the local authorities listed in settings.toml (Northshire, Riverside and
Eastmoor as shipped). A file naming an LA outside it loads (a neighbour may be added on purpose),
says so once per file, is marked in the load history, and never moves the area's default as-of
date: the app, `metrics` and `board-pack` take that from the area's own extracts. Every export
is built here by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from pipelines import board_pack, cli, queries, rollback, status
from pipelines.config import ROOT, load_settings
from pipelines.db import connect_writer, upgrade
from pipelines.periods import Quarter

HEADER = "Case Ref,Local Authority,EHCNA Request Date,Decision Date,Decision,Primary Need"
AREA_EXTRACT = dt.date(2026, 1, 31)
LEEDS_EXTRACT = dt.date(2026, 3, 31)


def _export(path: Path, las: list[str]) -> Path:
    """An LA's requests; the extract date is in the file's name."""
    lines = [HEADER] + [f"{path.stem[:2].upper()}-{n:04d},{la},0{n}/01/2026,0{n}/02/2026,Yes,ASD"
                        for n, la in enumerate(las, 1)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return path


def _ingest(db: Path, path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    assert cli.main(["ingest", str(path), "--db", str(db), "--as-of", "2026-03-31", *extra]) == 0
    captured = capsys.readouterr()
    return captured.out + captured.err


def _con(db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(db), read_only=True)


@pytest.fixture
def area_then_leeds(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                    ) -> tuple[str, str]:
    """The area's export of January, then Leeds's of March: what each load printed."""
    area = _ingest(db, _export(tmp_path / f"northshire_{AREA_EXTRACT}.csv",
                               ["Northshire", "Riverside", "Eastmoor"]), capsys)
    leeds = _ingest(db, _export(tmp_path / f"leeds_{LEEDS_EXTRACT}.csv",
                                ["Leeds", "Leeds", "Leeds (383)"]), capsys)
    return area, leeds


def test_a_file_outside_the_area_loads_and_says_so_once(area_then_leeds, db):
    area, leeds = area_then_leeds
    assert "outside the area" not in area
    assert leeds.count("outside the area") == 1, leeds
    [line] = [x for x in leeds.splitlines() if "outside the area" in x]
    assert "3 rows" in line and "Leeds" in line and "Northshire" in line
    with _con(db) as con:
        assert con.execute("SELECT local_authority, count(*) FROM ehcp GROUP BY 1 "
                           "ORDER BY 1").fetchall() == [
            ("Eastmoor", 1), ("Leeds", 3), ("Northshire", 1), ("Riverside", 1)]
        history = status.loads(con)
    assert list(history["outside_area"]) == [None, "Leeds (3 rows)"]


def test_the_json_result_names_the_las_outside_the_area(db, tmp_path, capsys):
    path = _export(tmp_path / f"mixed_{LEEDS_EXTRACT}.csv", ["Northshire", "Leeds", "Wakefield"])
    assert cli.main(["ingest", str(path), "--db", str(db), "--as-of", "2026-03-31",
                     "--json"]) == 0
    [result] = json.loads(capsys.readouterr().out)
    assert result["outside_area"] == {"Leeds": 1, "Wakefield": 1}


def test_a_later_extract_outside_the_area_does_not_move_the_default_as_of(area_then_leeds, db):
    with _con(db) as con:
        assert queries.filter_options(con).latest_as_of == AREA_EXTRACT
        assert status.freshness(con).latest == AREA_EXTRACT
        quarter = Quarter(2026, 1)  # January-March 2026: the area's data stop at its end of January
        assert board_pack.pack_as_of(con, quarter) == AREA_EXTRACT
        # Leeds is still there for whoever picks it.
        assert "Leeds" in queries.filter_options(con).las


def test_metrics_default_as_of_is_the_areas_latest_extract(area_then_leeds, db, capsys):
    assert cli.main(["metrics", "--db", str(db)]) == 0
    assert f"as of {AREA_EXTRACT:%d/%m/%Y}" in capsys.readouterr().out
    assert cli.main(["metrics", "--db", str(db), "--la", "Leeds", "--as-of", "2026-03-31",
                     "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ehcp_decided_within_6_weeks_denominator"] == 3


def test_a_file_with_the_areas_rows_too_still_dates_the_area(db, tmp_path, capsys):
    _ingest(db, _export(tmp_path / f"northshire_{AREA_EXTRACT}.csv", ["Northshire"]), capsys)
    out = _ingest(db, _export(tmp_path / f"mixed_{LEEDS_EXTRACT}.csv", ["Riverside", "Leeds"]),
                  capsys)
    assert "1 row for Leeds" in out
    with _con(db) as con:
        assert queries.filter_options(con).latest_as_of == LEEDS_EXTRACT


def test_reloading_the_file_changes_nothing(area_then_leeds, db, tmp_path, capsys):
    out = _ingest(db, tmp_path / f"leeds_{LEEDS_EXTRACT}.csv", capsys)
    assert "already loaded" in out and "outside the area" not in out
    with _con(db) as con:
        assert len(status.loads(con)) == 2
        assert con.execute("SELECT count(*) FROM load_las").fetchall() == [(4,)]


def test_without_an_area_in_the_settings_nothing_changes(db, tmp_path, capsys, monkeypatch):
    text = (ROOT / "settings.toml").read_text(encoding="utf-8")
    no_area = text[:text.index("[[local_authorities]]")] + text[text.index("# Local targets"):]
    settings = tmp_path / "settings.toml"
    settings.write_text(no_area, encoding="utf-8")
    monkeypatch.setenv("SEND_SETTINGS", str(settings))
    load_settings.cache_clear()
    try:
        _ingest(db, _export(tmp_path / f"northshire_{AREA_EXTRACT}.csv", ["Northshire"]), capsys)
        out = _ingest(db, _export(tmp_path / f"leeds_{LEEDS_EXTRACT}.csv", ["Leeds"]), capsys)
        assert "outside the area" not in out
        with _con(db) as con:
            assert queries.filter_options(con).latest_as_of == LEEDS_EXTRACT
    finally:
        load_settings.cache_clear()


def test_when_only_other_las_are_loaded_their_extract_is_the_default(db, tmp_path, capsys):
    _ingest(db, _export(tmp_path / f"leeds_{LEEDS_EXTRACT}.csv", ["Leeds"]), capsys)
    with _con(db) as con:
        assert queries.filter_options(con).latest_as_of == LEEDS_EXTRACT


def test_next_months_export_counts_the_rows_recognised_as_loaded_too(db, tmp_path, capsys):
    _ingest(db, _export(tmp_path / f"northshire_{AREA_EXTRACT}.csv", ["Northshire"]), capsys)
    _ingest(db, _export(tmp_path / f"leeds_{AREA_EXTRACT}.csv", ["Leeds", "Leeds"]), capsys)
    later = _export(tmp_path / f"leeds_{LEEDS_EXTRACT}.csv", ["Leeds", "Leeds", "Leeds"])
    out = _ingest(db, later, capsys)
    assert "2 unchanged" in out  # recognised, not validated again (`known_rows`)
    assert "3 rows for Leeds" in out
    with _con(db) as con:
        assert list(status.loads(con)["outside_area"]) == [None, "Leeds (2 rows)",
                                                            "Leeds (3 rows)"]
        assert queries.filter_options(con).latest_as_of == AREA_EXTRACT


def test_an_area_wide_return_names_no_la_and_is_the_areas(db, tmp_path, capsys):
    # A provider's waiting-times return without an LA column: figures for the whole area.
    path = tmp_path / f"waiting_{LEEDS_EXTRACT}.csv"
    path.write_bytes(b"Month,Service,Provider,Waiting Total\r\n2026-02,SALT,Trust,40\r\n"
                     b"2026-02,OT,Trust,12\r\n")
    out = _ingest(db, path, capsys)
    assert "outside the area" not in out
    with _con(db) as con:
        assert list(status.loads(con)["outside_area"]) == [None]
        assert con.execute("SELECT count(*) FROM load_las").fetchall() == [(0,)]
        assert queries.filter_options(con).latest_as_of == LEEDS_EXTRACT


def _tables(db: Path, leave_out: tuple[str, ...] = ("loads", "load_sheets", "audit_head")
            ) -> dict[str, list]:
    """Every table's rows, sorted, but the load log's (which keeps a rolled-back load, marked)
    and the audit chain's head (the audit log keeps the load and its rollback)."""
    with _con(db) as con:
        names = [n for (n,) in con.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_type = 'BASE TABLE'").fetchall()]
        return {n: sorted(map(repr, con.execute(f'SELECT * FROM "{n}"').fetchall()))
                for n in sorted(names) if n not in leave_out}


def test_a_rolled_back_outside_load_leaves_no_trace(db, tmp_path, capsys):
    _ingest(db, _export(tmp_path / f"northshire_{AREA_EXTRACT}.csv", ["Northshire"]), capsys)
    before = _tables(db)
    _ingest(db, _export(tmp_path / f"leeds_{LEEDS_EXTRACT}.csv", ["Leeds", "Northshire"]), capsys)
    with _con(db) as con:
        assert queries.filter_options(con).latest_as_of == LEEDS_EXTRACT  # the area's rows too
    rollback.rollback(db, 2)
    assert _tables(db) == before
    with _con(db) as con:
        assert con.execute("SELECT load_id FROM load_las WHERE load_id = 2").fetchall() == []
        history = status.loads(con)
        assert list(history["status"]) == ["loaded", "rolled back"]
        assert list(history["outside_area"]) == [None, None]
        assert status.default_as_of(con) == AREA_EXTRACT


def test_when_the_only_load_is_rolled_back_there_is_no_default_as_of(db, tmp_path, capsys):
    _ingest(db, _export(tmp_path / f"leeds_{LEEDS_EXTRACT}.csv", ["Leeds"]), capsys)
    rollback.rollback(db, 1)
    with _con(db) as con:
        assert status.default_as_of(con) is None  # nothing is loaded
        assert list(status.loads(con)["outside_area"]) == [None]


def test_an_earlier_versions_rows_of_rolled_back_loads_go_once_on_upgrade(db, tmp_path, capsys):
    """Before rollback forgot a load's rows per LA, a rolled-back load kept them, and the load
    history still said "Outside the area" of it. Upgrading such a database removes them, once,
    in the writer that brings its schema up to date; nothing else changes."""
    _ingest(db, _export(tmp_path / f"northshire_{AREA_EXTRACT}.csv", ["Northshire"]), capsys)
    _ingest(db, _export(tmp_path / f"leeds_{LEEDS_EXTRACT}.csv", ["Leeds", "Leeds"]), capsys)
    _ingest(db, _export(tmp_path / "wakefield_2026-02-28.csv", ["Wakefield"]), capsys)
    rollback.rollback(db, 2)
    before = _tables(db, leave_out=("meta",))
    with duckdb.connect(str(db)) as con:  # as an earlier version left it
        con.execute("INSERT INTO load_las VALUES (2, 'Leeds', 2)")
        con.execute("DELETE FROM meta WHERE key NOT IN ('schema', 'schema_version')")
        assert list(status.loads(con)["outside_area"]) == [None, "Leeds (2 rows)",
                                                           "Wakefield (1 row)"]
    assert upgrade(db) is True
    assert _tables(db, leave_out=("meta",)) == before
    with _con(db) as con:
        assert list(status.loads(con)["outside_area"]) == [None, None, "Wakefield (1 row)"]
    assert upgrade(db) is False  # once: a database already cleaned is left alone
    with duckdb.connect(str(db)) as con:  # nor does a later writer run it again
        con.execute("INSERT INTO load_las VALUES (2, 'Leeds', 2)")
    connect_writer(db).close()
    with _con(db) as con:
        assert con.execute("SELECT count(*) FROM load_las WHERE load_id = 2").fetchall() == [(1,)]
