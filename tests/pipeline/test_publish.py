"""`publish --parquet DIR` and `--db DIR`: the sample database published as Parquet gives every
metric and every page query exactly what the database gives; what a reader of the metrics does not
need is left out; writes are refused; a publish that did not finish is never read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import json
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from pipelines import benchmark_local, benchmark_show, bootstrap, metrics, published, queries
from pipelines.cli import main
from pipelines.db import reader, upgrade, writing
from pipelines.isolated import load_file
from pipelines.pseudonym import nhs_number_is_valid
from pipelines.publish import NOT_REVIEWED, PUBLISHED, WITHHELD, Layout, layout, publish
from pipelines.schemas import SCHEMAS
from tests.conftest import ADVICE_HEADER, write_csv

pytestmark = pytest.mark.xdist_group("publish")  # one worker: its module fixtures are made once

REFUSED = "is a published snapshot; load into the working database"


@pytest.fixture(scope="module")
def snapshot(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("published") / "snapshot"
    publish(sample_db, out)
    return out


@pytest.fixture(scope="module")
def filters(sample_db: Path) -> metrics.Filters:
    with reader(sample_db) as con:
        as_of = queries.filter_options(con).latest_as_of
    return metrics.Filters(dt.date(as_of.year - 2, 4, 1), as_of, as_of)


def comparable(value: Any) -> Any:
    """A result as plain values, a frame with its column types, to compare exactly."""
    if isinstance(value, pd.DataFrame):
        return {"dtypes": value.dtypes.astype(str).to_dict(), "index": value.index.tolist(),
                "rows": value.astype(object).where(value.notna(), None).values.tolist()}
    if isinstance(value, pd.Series):
        return comparable(value.to_frame())
    if dataclasses.is_dataclass(value):
        return comparable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [comparable(v) for v in value]
    return value


def both(db: Path, snapshot: Path, call: Any) -> tuple[Any, Any]:
    with reader(db) as con:
        on_db = comparable(call(con))
    with reader(snapshot) as con:
        on_snapshot = comparable(call(con))
    return on_db, on_snapshot


# ---- the metric set --------------------------------------------------------------------------

def test_metrics_json_is_the_same_on_the_snapshot(sample_db, snapshot, filters, capsys) -> None:
    args = ["metrics", "--json", "--from", str(filters.date_from), "--to", str(filters.date_to),
            "--as-of", str(filters.as_of)]
    assert main([*args, "--db", str(sample_db)]) == 0
    on_db = json.loads(capsys.readouterr().out)
    assert main([*args, "--db", str(snapshot)]) == 0
    assert json.loads(capsys.readouterr().out) == on_db
    assert on_db["health_advice_due"] > 0 and on_db["ehcp_plans_issued"] > 0


@pytest.mark.parametrize("las", [(), ("Northshire",)])
def test_the_headline_is_the_same_for_one_la(sample_db, snapshot, filters, las) -> None:
    f = dataclasses.replace(filters, las=las)
    on_db, on_snapshot = both(sample_db, snapshot, lambda con: metrics.headline(con, f))
    assert on_snapshot == on_db


def _catalogue_calls(f: metrics.Filters) -> dict[str, Any]:
    """Every catalogue entry as the pages call it: a base query's rates overall, by month and by
    local authority; any other entry's query on the filters."""
    calls: dict[str, Any] = {}
    for key, entry in metrics.CATALOGUE.items():
        if entry.kind == "base":
            for by in (None, "month", "local_authority"):
                calls[f"{key} by {by}"] = lambda con, k=key, b=by: metrics.rates(con, k, f, b)
        elif "con" in inspect.signature(entry.query).parameters:
            calls[key] = lambda con, q=entry.query: q(con, f)
        else:  # a breakdown built on a base query: its rows, in an order of their own
            calls[key] = lambda con, q=entry.query: metrics.query(
                con, f"SELECT * FROM ({q(f)}) WHERE anchor BETWEEN $date_from AND $date_to "
                     "ORDER BY ALL", f)
    return calls


def test_every_catalogue_metric_is_the_same_on_the_snapshot(sample_db, snapshot, filters) -> None:
    calls = _catalogue_calls(filters)
    assert len(calls) > len(metrics.CATALOGUE)
    differ, empty = [], []
    for name, call in calls.items():
        on_db, on_snapshot = both(sample_db, snapshot, call)
        if on_snapshot != on_db:
            differ.append(name)
        if not on_db.get("rows"):
            empty.append(name)
    assert differ == []
    assert len(empty) < len(calls) / 4, empty  # the comparison is of figures, not of nothing


def _page_calls(f: metrics.Filters) -> dict[str, Any]:
    """Every query function the pages read through the gateway (`queries.__all__`)."""
    calls = {}
    for name in queries.__all__:
        function = getattr(queries, name)
        if not inspect.isfunction(function):
            continue
        params = list(inspect.signature(function).parameters)[1:]
        if params == ["f"]:
            calls[name] = lambda con, fn=function: fn(con, f)
        elif params == ["metric", "f"]:
            calls[name] = lambda con, fn=function: fn(con, "health_advice", f)
        elif params == ["metric", "f", "by"]:
            calls[name] = lambda con, fn=function: fn(con, "health_advice", f, "service")
        elif params == ["today"]:
            calls[name] = lambda con, fn=function: fn(con, f.as_of)
        else:
            assert params == [], (name, params)
            calls[name] = function
    return calls


def test_every_page_query_is_the_same_on_the_snapshot(sample_db, snapshot, filters) -> None:
    calls = _page_calls(filters)
    assert {"filter_options", "rates_table", "days_to_return", "stage_durations"} <= set(calls)
    differ = [name for name, call in calls.items()
              if (lambda pair: pair[0] != pair[1])(both(sample_db, snapshot, call))]
    assert differ == []


def test_benchmarks_are_the_same_on_the_snapshot(sample_db_copy, tmp_path, filters) -> None:
    bootstrap.import_bundled_release(sample_db_copy)
    out = tmp_path / "snapshot"
    publish(sample_db_copy, out)
    for area in ("England", "Yorkshire and The Humber", "Leeds"):
        on_db = benchmark_show.show(sample_db_copy, area)
        assert on_db["years"], area
        assert benchmark_show.show(out, area) == on_db
    on_db, on_snapshot = both(sample_db_copy, out, lambda con: benchmark_local.local_figures(
        con, "Northshire", 2025, filters.as_of))
    assert on_db["rows"] and on_snapshot == on_db


def test_every_column_keeps_its_type(sample_db, snapshot) -> None:
    describe = ("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                "WHERE table_name = ? ORDER BY column_index")
    with reader(sample_db) as con:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()]
        on_db = {t: con.execute(describe, [t]).fetchall() for t in tables}
    with reader(snapshot) as con:
        on_snapshot = {t: con.execute(describe, [t]).fetchall() for t in tables}
    assert on_snapshot == on_db
    assert len(tables) > 30


# ---- the manifest and the files --------------------------------------------------------------

def test_the_manifest_counts_rows_and_files(sample_db, snapshot) -> None:
    manifest = published.read_manifest(snapshot)
    folder = snapshot / manifest["data"]
    with reader(sample_db) as con:
        for table, spec in manifest["tables"].items():
            files = list((folder / table).rglob("*.parquet"))
            assert spec["files"] == len(files), table
            assert spec["bytes"] == sum(f.stat().st_size for f in files), table
            held = con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
            assert spec["rows"] == (0 if table in WITHHELD else held), table
    assert manifest["schema_version"] == 1 and manifest["published_at"]
    assert manifest["rows"] == sum(s["rows"] for s in manifest["tables"].values()) > 30_000


def _folders(snapshot: Path, table: str) -> set[str]:
    folder = snapshot / published.read_manifest(snapshot)["data"] / table
    return {p.parent.relative_to(folder).as_posix() for p in folder.rglob("*.parquet")}


def test_record_tables_are_split_by_year(snapshot) -> None:
    manifest = published.read_manifest(snapshot)
    assert manifest["tables"]["health_advice"]["partition_by"] == ["year"]
    assert manifest["tables"]["loads"]["partition_by"] == []
    folders = _folders(snapshot, "health_advice")
    assert "year=2025" in folders
    assert all(re.fullmatch(r"year=(\d{4}|__HIVE_DEFAULT_PARTITION__)", f) for f in folders)
    # the year of the first date: requested_date, the clock's start
    advice = snapshot / manifest["data"] / "health_advice"
    with duckdb.connect() as con:
        years = con.execute(f"SELECT DISTINCT year(requested_date) FROM read_parquet("
                            f"'{advice}/year=2025/*.parquet')").fetchall()
    assert years == [(2025,)]


def test_split_by_la_gives_a_folder_per_la_and_year_and_the_same_figures(
        sample_db, tmp_path, filters) -> None:
    out = tmp_path / "by-la"
    manifest = publish(sample_db, out, split_by_la=True)
    assert manifest["tables"]["ehcp"]["partition_by"] == ["local_authority", "year"]
    assert "local_authority=Northshire/year=2025" in _folders(out, "ehcp")
    on_db, on_snapshot = both(sample_db, out, lambda con: metrics.headline(con, filters))
    assert on_snapshot == on_db


@pytest.mark.parametrize(("columns", "split_by_la", "expected"), [
    ([("local_authority", "VARCHAR"), ("requested_date", "DATE"), ("returned_date", "DATE")],
     False, Layout(("year",), 'year("requested_date")', ("local_authority", "requested_date"))),
    ([("local_authority", "VARCHAR"), ("requested_date", "DATE")], True,
     Layout(("local_authority", "year"), 'year("requested_date")',
            ("local_authority", "requested_date"))),
    ([("local_authority", "VARCHAR"), ("collection_year", "INTEGER")], False,
     Layout(("collection_year",), None, ("local_authority",))),
    ([("local_authority", "VARCHAR"), ("note", "VARCHAR")], True,
     Layout(("local_authority",), None, ("local_authority",))),
    ([("load_id", "INTEGER"), ("as_of", "DATE")], True, Layout()),
])
def test_layout(columns, split_by_la, expected) -> None:
    assert layout(columns, split_by_la) == expected


# ---- what leaves ----------------------------------------------------------------------------

def test_free_text_staff_names_and_rejected_values_stay_behind(sample_db_copy, tmp_path) -> None:
    now = dt.datetime(2026, 11, 20, 9, 30)
    with writing(sample_db_copy) as con:
        con.execute("INSERT INTO chase_notes VALUES ('Northshire', 'A1', 'provider', DATE "
                    "'2026-11-19', 'spoke to Dr Jones', 'jo.bloggs', ?)", [now])
        con.execute("INSERT INTO commentary_edits VALUES ('health_advice', 'Q3 2026/27', "
                    "'Better', 'Draft', 'jo.bloggs', ?)", [now])
        con.execute("INSERT INTO self_evaluation_notes VALUES (1, 'Health', 'note', DATE "
                    "'2026-11-19', 'jo.bloggs', ?)", [now])
        held = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in WITHHELD}
        rejected = con.execute("SELECT count(*) FROM rejects WHERE value IS NOT NULL").fetchall()
    assert held["chase_notes"] == held["pseudonym_key"] == 1 and held["health_advice_history"] > 0
    assert rejected[0][0] > 0
    out = tmp_path / "snapshot"
    manifest = publish(sample_db_copy, out)
    with reader(out) as con:
        for table in WITHHELD:
            assert con.execute(f"SELECT count(*) FROM {table}").fetchall() == [(0,)], table
            assert manifest["tables"][table]["withheld"], table
        assert con.execute("SELECT count(*), count(value) FROM rejects").fetchall() == [
            (rejected[0][0], 0)]
    # nothing of those rows is in any file
    files = list((out / manifest["data"]).rglob("*.parquet"))
    with duckdb.connect() as con:
        text = con.execute("SELECT string_agg(CAST(COLUMNS(*) AS VARCHAR), '|') FROM "
                           "read_parquet(?, union_by_name = true)", [[str(f) for f in files]]
                           ).fetchall()[0]
    assert not any("Dr Jones" in (t or "") or "jo.bloggs" in (t or "") for t in text)


def test_every_table_is_published_or_withheld_by_name(sample_db, snapshot) -> None:
    """A table added to the database is published empty until someone decides otherwise."""
    manifest = published.read_manifest(snapshot)
    assert not PUBLISHED & set(WITHHELD)
    assert set(manifest["tables"]) == PUBLISHED | set(WITHHELD)
    assert [t for t, spec in manifest["tables"].items() if "withheld" in spec] == sorted(WITHHELD)


def test_a_table_not_reviewed_is_published_empty(sample_db_copy, tmp_path) -> None:
    with writing(sample_db_copy) as con:
        con.execute("CREATE TABLE scratch AS SELECT 'a note about Jane' AS note")
    out = tmp_path / "snapshot"
    manifest = publish(sample_db_copy, out)
    assert manifest["tables"]["scratch"] == {
        "columns": [["note", "VARCHAR"]], "partition_by": [], "rows": 0, "files": 0,
        "bytes": 0, "withheld": NOT_REVIEWED}
    with reader(out) as con:
        assert con.execute("SELECT count(*) FROM scratch").fetchall() == [(0,)]


def test_no_personal_column_and_no_nhs_number_is_published(snapshot) -> None:
    manifest = published.read_manifest(snapshot)
    personal = {c.name for s in SCHEMAS.values() for c in s.columns if c.personal}
    columns = {name for spec in manifest["tables"].values() for name, _ in spec["columns"]}
    assert personal and not personal & columns
    found = []
    with reader(snapshot) as con:
        for table, spec in manifest["tables"].items():
            for name, sql_type in spec["columns"]:
                if sql_type == "VARCHAR":
                    found += [v for (v,) in con.execute(
                        f'SELECT DISTINCT "{name}" FROM "{table}" WHERE regexp_matches("{name}", '
                        r"'\b\d{3}[ -]?\d{3}[ -]?\d{4}\b')").fetchall()]
    assert not [v for v in found if nhs_number_is_valid(re.sub(r"\D", "", v)[:10])]


# ---- read-only, whole publishes only ---------------------------------------------------------

def test_write_commands_refuse_a_snapshot(snapshot, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "k")
    monkeypatch.setenv("SEND_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    advice = write_csv(tmp_path / "advice.csv", [ADVICE_HEADER, ["A1", "C1", "Northshire",
                                                                 "SALT", "01/04/2025"]])
    before = sorted(p.name for p in snapshot.parent.iterdir())
    for args in (["ingest", str(advice)], ["rollback", "1", "--yes"], ["rekey", "--yes"],
                 ["benchmarks", "import", str(advice)], ["publish", "--parquet",
                                                          str(tmp_path / "again")]):
        assert main([*args, "--db", str(snapshot)]) == 1, args
        assert REFUSED in capsys.readouterr().err or args[0] == "publish"
    assert sorted(p.name for p in snapshot.parent.iterdir()) == before  # no key file made beside
    with pytest.raises(published.ReadOnlySnapshot, match=REFUSED), writing(snapshot):
        pass
    result = load_file(snapshot, advice, "a test")
    assert result.status == "failed" and REFUSED in result.error
    assert upgrade(snapshot) is False


def test_read_commands_run_on_a_snapshot(sample_db, snapshot, tmp_path, monkeypatch,
                                         capsys) -> None:
    monkeypatch.setenv("SEND_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    for command in (["status", "--json"], ["loads"]):
        assert main([*command, "--db", str(sample_db)]) == 0
        on_db = capsys.readouterr().out.replace(str(sample_db), "DB")
        assert main([*command, "--db", str(snapshot)]) == 0
        assert capsys.readouterr().out.replace(str(snapshot), "DB") == on_db
    for db in (sample_db, snapshot):
        assert main(["rejects", "--out", str(tmp_path / f"{db.name}.csv"), "--db", str(db)]) == 0
    on_db, on_snapshot = (pd.read_csv(tmp_path / f"{db.name}.csv") for db in (sample_db, snapshot))
    assert len(on_db) > 0 and on_snapshot["value"].isna().all()
    assert on_snapshot.drop(columns="value").equals(on_db.drop(columns="value"))


def test_a_folder_without_its_manifest_is_refused(snapshot, tmp_path, capsys) -> None:
    half = tmp_path / "half"
    shutil.copytree(snapshot, half)
    (half / published.MANIFEST).unlink()
    assert main(["metrics", "--json", "--db", str(half)]) == 1
    err = capsys.readouterr().err
    assert f"{half} holds no manifest.json" in err and "did not finish" in err
    with pytest.raises(published.NotPublished), reader(half):
        pass


def test_a_manifest_without_its_files_is_refused(snapshot, tmp_path) -> None:
    copied = tmp_path / "copied"
    copied.mkdir()
    shutil.copy(snapshot / published.MANIFEST, copied)
    with pytest.raises(published.NotPublished, match="copy a publish's folder before its manifest"
                       ), reader(copied):
        pass


def test_a_failed_publish_leaves_the_previous_one(sample_db, tmp_path, monkeypatch) -> None:
    out = tmp_path / "snapshot"
    first = publish(sample_db, out)

    def broken(*args: Any) -> None:
        raise published.SnapshotError("disk full")

    monkeypatch.setattr("pipelines.publish._check_types", broken)
    with pytest.raises(published.SnapshotError, match="disk full"):
        publish(sample_db, out)
    assert published.read_manifest(out)["publish_id"] == first["publish_id"]
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
        [first["data"], published.MANIFEST])
    with reader(out) as con:
        assert con.execute("SELECT count(*) FROM health_advice").fetchall()[0][0] > 0


def test_a_new_publish_is_read_and_the_one_before_last_removed(sample_db_copy, tmp_path) -> None:
    out = tmp_path / "snapshot"
    first = publish(sample_db_copy, out)
    version = published.version(out)
    with reader(out) as con:
        advice = con.execute("SELECT count(*) FROM health_advice").fetchall()[0][0]
    with writing(sample_db_copy) as con:
        con.execute("DELETE FROM health_advice WHERE local_authority = 'Northshire'")
    second = publish(sample_db_copy, out)
    assert published.version(out) != version
    with reader(out) as con:
        assert 0 < con.execute("SELECT count(*) FROM health_advice").fetchall()[0][0] < advice
    assert (out / first["data"]).is_dir()  # a reader may still be on it
    third = publish(sample_db_copy, out)
    assert not (out / first["data"]).exists()
    assert {p.name for p in out.iterdir() if p.name.startswith("publish-")} == {
        second["data"], third["data"]}


def test_files_are_owner_only(snapshot) -> None:
    assert all(p.stat().st_mode & 0o077 == 0 for p in [snapshot, *snapshot.rglob("*")]
               if not p.name.startswith("."))
