"""Publish the working database as a Parquet snapshot that readers elsewhere (app replicas, a
region's analysts) open with `--db DIR`: one folder per table, a record table split by year (and
by local authority if asked), and a manifest written last, by a rename, so that a reader sees
the previous publish or this one, never part of one.

DATA PROTECTION: the database holds children only by pseudonym. Only the tables in `PUBLISHED`
leave with their rows; any other is published empty (`WITHHELD` says why for each known one: free
text written in the app, staff names, earlier record versions, the audit chain and the key's
fingerprint), and a rejected cell's value is left out (`WITHHELD_COLUMNS`). A snapshot is
record-level data all the same: its folders are made owner-only, like the database.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from pipelines.db import SCHEMA_VERSION, one, reader, upgrade
from pipelines.published import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SnapshotError,
    is_snapshot,
    read_manifest,
    replace_file,
    sql_literal,
)
from pipelines.schemas import SCHEMAS

# What a reader of the metrics and pages needs: the datasets, the SEN2 return's items, where the
# data came from and how clean they are, the published benchmarks, the schema's version.
PUBLISHED = frozenset({
    *(s.table for s in SCHEMAS.values()), "sen2_header_flags", "sen2_requests",
    "loads", "load_sheets", "load_las", "rejects", "row_warnings", "meta",
    "benchmarks", "benchmark_imports", "benchmark_dmo_dco", "benchmark_waiting_lists",
})
NOT_REVIEWED = ("a table not yet reviewed for publishing: add it to publish.PUBLISHED once it is "
                "known to hold nothing a reader should not see")
_NOTES = ("free text written in the app and the names of the staff who wrote it: one area's "
          "working notes, which may name people; no metric reads them")
WITHHELD: dict[str, str] = {
    "chase_notes": _NOTES,
    "evidence_items": _NOTES,
    "evidence_items_history": _NOTES,
    "self_evaluation_notes": _NOTES,
    "commentary_edits": _NOTES + " (a board pack made from the snapshot uses the drafted "
                                 "commentary)",
    "audit_head": "the audit log's chain head: it checks a log kept beside the working database",
    "pseudonym_key": "the fingerprint of the pseudonym key: only a load needs it",
    "known_rows": "hashes of the raw rows already loaded, so the next load can skip them: only a "
                  "load needs them",
    "load_restated": "which loads hold records another load wrote: only a rollback needs it",
    **{f"{s.table}_history": "earlier versions of records, kept for rollback in the working "
                             "database; no metric or page reads them" for s in SCHEMAS.values()},
}
WITHHELD_COLUMNS: dict[tuple[str, str], str] = {
    ("rejects", "value"): "a rejected cell as written: it may hold what should never have been "
                          "in that column; the reason, row and column are kept",
    ("row_warnings", "value"): "a queried cell as written: it may hold what should never have "
                               "been in that column; the reason, row and column are kept",
}
DATA_PREFIX = "publish-"


@dataclasses.dataclass(frozen=True)
class Layout:
    """How a table's files are laid out: the folders it is split into (partition columns, one
    of them a `year` made by `derived_year` if that is given) and the order of its rows within
    each file."""

    partition_by: tuple[str, ...] = ()
    derived_year: str | None = None  # SQL of the year column the folders are named by
    order_by: tuple[str, ...] = ()


def layout(columns: list[tuple[str, str]], split_by_la: bool = False) -> Layout:
    """A record table (one with a local authority) in a folder per year: its own year column,
    else the year of its first date (a dataset's anchor: a request, a registration, a month);
    rows ordered by local authority within, so that a reader of some local authorities skips the
    row groups of the others. `split_by_la`: a folder per local authority too (one file per
    local authority and year). Any other table in one file."""
    names = [name for name, _ in columns]
    if "local_authority" not in names:
        return Layout()
    first_date = next((name for name, sql_type in columns if sql_type == "DATE"), None)
    by_la = ("local_authority",) if split_by_la else ()
    order = ("local_authority", *([first_date] if first_date else []))
    if "collection_year" in names:
        return Layout((*by_la, "collection_year"), None, order)
    if first_date is None or "year" in names:
        return Layout(by_la, None, order)
    return Layout((*by_la, "year"), f'year("{first_date}")', order)


def _copy(con: duckdb.DuckDBPyConnection, folder: Path, table: str,
          columns: list[tuple[str, str]], split_by_la: bool) -> dict[str, Any]:
    """Write one table's files; its entry in the manifest."""
    plan = layout(columns, split_by_la)
    spec: dict[str, Any] = {"columns": [list(c) for c in columns],
                            "partition_by": list(plan.partition_by), "rows": 0, "files": 0,
                            "bytes": 0}
    withheld = {name: why for (t, name), why in WITHHELD_COLUMNS.items() if t == table}
    if table not in PUBLISHED:
        spec["withheld"] = WITHHELD.get(table, NOT_REVIEWED)
        return spec
    if withheld:
        spec["withheld_columns"] = withheld
    spec["rows"] = one(con, f'SELECT count(*) FROM "{table}"')[0]
    if not spec["rows"]:
        return spec
    select = [f'CAST(NULL AS {sql_type}) AS "{name}"' if name in withheld else f'"{name}"'
              for name, sql_type in columns]
    if plan.derived_year:
        select.append(f"{plan.derived_year} AS year")
    order = f" ORDER BY {', '.join(plan.order_by)}" if plan.order_by else ""
    target = folder / table
    options = "FORMAT parquet, COMPRESSION zstd"
    if plan.partition_by:
        options += (f", PARTITION_BY ({', '.join(plan.partition_by)}), "
                    "WRITE_PARTITION_COLUMNS true")
    else:
        target.mkdir()
        target = target / "data_0.parquet"
    con.execute(f'COPY (SELECT {", ".join(select)} FROM "{table}"{order}) TO '
                f"{sql_literal(str(target))} ({options})")
    files = list((folder / table).rglob("*.parquet"))
    spec["files"], spec["bytes"] = len(files), sum(f.stat().st_size for f in files)
    return spec


def _check_types(folder: Path, tables: dict[str, dict[str, Any]]) -> None:
    """Every published column reads back with the type the database gave it."""
    con = duckdb.connect(":memory:")
    try:
        for table, spec in tables.items():
            if not spec["files"]:
                continue
            glob = sql_literal(str(folder / table / "**" / "*.parquet"))
            read = {row[0]: row[1] for row in con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({glob}, hive_partitioning = false)"
            ).fetchall()}
            for name, sql_type in spec["columns"]:
                if read.get(name) != sql_type:
                    raise SnapshotError(f"{table}.{name} reads back from Parquet as "
                                        f"{read.get(name)}, not {sql_type}: not published")
    finally:
        con.close()


def _owner_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o700 if path.is_dir() else 0o600)


@contextlib.contextmanager
def _one_publisher(out: Path) -> Iterator[None]:
    """One publish into a folder at a time (a second would remove the first's files as old)."""
    fd = os.open(out / ".publish.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SnapshotError(f"{out}: another publish is writing to it; try again when it has "
                                "finished") from None
        yield
    finally:
        os.close(fd)


def _prune(out: Path, keep: set[str]) -> None:
    """Remove the files of publishes older than the previous one (a reader that opened the
    previous manifest a moment ago may still be reading its files), and any left by a publish
    that did not finish."""
    for path in out.iterdir():
        if path.name in keep:
            continue
        if path.is_dir() and path.name.startswith(DATA_PREFIX):
            shutil.rmtree(path)
        elif path.name.startswith(".tmp-"):
            path.unlink()


def publish(db: Path, out: Path, split_by_la: bool = False, now: dt.datetime | None = None
            ) -> dict[str, Any]:
    """Publish the database at `db` into the folder `out` (made if absent); the manifest, with
    `seconds` the publish took. `split_by_la`: a folder per local authority as well as per year
    (see `layout`)."""
    started = time.perf_counter()
    if is_snapshot(db):
        raise SnapshotError(f"{db} is a published snapshot: publish from the working database")
    if not db.exists():
        raise SnapshotError(f"no database at {db}: load exports first (python -m pipelines ingest)")
    if out.exists() and not out.is_dir():
        raise SnapshotError(f"{out} is a file: name a folder to publish into")
    upgrade(db)  # a database made by an earlier version is published with today's tables
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = now or dt.datetime.now(dt.UTC)
    publish_id = f"{now:%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(3)}"
    folder = out / f"{DATA_PREFIX}{publish_id}"
    with _one_publisher(out):
        previous = read_manifest(out)["data"] if (out / MANIFEST).exists() else None
        folder.mkdir(mode=0o700)
        try:
            manifest = _write(db, folder, publish_id, now, split_by_la)
            _check_types(folder, manifest["tables"])
            _owner_only(folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        manifest["seconds"] = round(time.perf_counter() - started, 3)
        replace_file(out / MANIFEST, json.dumps(manifest, indent=2) + "\n")
        _prune(out, {folder.name, previous or "", MANIFEST, ".publish.lock"})
    return manifest


def _write(db: Path, folder: Path, publish_id: str, now: dt.datetime, split_by_la: bool
           ) -> dict[str, Any]:
    with reader(db) as con:
        con.execute("BEGIN TRANSACTION")  # every table as of one moment
        columns: dict[str, list[tuple[str, str]]] = {}
        for table, name, sql_type in con.execute(
                "SELECT table_name, column_name, data_type FROM duckdb_columns() "
                "JOIN duckdb_tables() USING (database_name, schema_name, table_name) "
                "WHERE database_name = current_database() AND schema_name = 'main' "
                "AND NOT duckdb_tables.internal ORDER BY table_name, column_index").fetchall():
            columns.setdefault(table, []).append((name, sql_type))
        tables = {table: _copy(con, folder, table, cols, split_by_la)
                  for table, cols in columns.items()}
        signature = one(con, "SELECT value FROM meta WHERE key = 'schema'")[0]
        last_load = one(con, "SELECT max(loaded_at) FROM loads")[0]
        con.execute("COMMIT")
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "schema_version": SCHEMA_VERSION, "schema_signature": signature,
        "publish_id": publish_id, "published_at": now.isoformat(timespec="seconds"),
        "last_load": last_load.isoformat() if last_load else None,
        "data": folder.name, "tables": tables,
        "rows": sum(t["rows"] for t in tables.values()),
        "files": sum(t["files"] for t in tables.values()),
        "bytes": sum(t["bytes"] for t in tables.values()),
    }
