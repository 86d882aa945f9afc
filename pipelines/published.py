"""Reading a published Parquet snapshot (`python -m pipelines publish --parquet DIR`): `--db DIR`
or `SEND_DB=DIR` opens it read-only as an in-memory DuckDB with one view per table, so the
metrics, the command line's reads and the app run on it unchanged. A folder without its
manifest (a publish that did not finish) is refused; nothing is ever written to one.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import duckdb

MANIFEST = "manifest.json"
FORMAT = "send-dashboard parquet snapshot"
FORMAT_VERSION = 1
REFUSED = "{path} is a published snapshot; load into the working database"


class SnapshotError(Exception):
    """A published snapshot that cannot be used for what was asked."""


class NotPublished(SnapshotError):
    """A folder named as the database that holds no finished publish."""


class ReadOnlySnapshot(SnapshotError):
    """A write (a load, a rollback, a save in the app) aimed at a published snapshot."""


def is_snapshot(path: Path) -> bool:
    """A folder named where a database file is expected: a snapshot, or a publish not finished."""
    return path.is_dir()


def refuse_writes(path: Path) -> None:
    if is_snapshot(path):
        raise ReadOnlySnapshot(REFUSED.format(path=path))


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the snapshot at `path`, whose presence says the publish finished."""
    file = path / MANIFEST
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotPublished(
            f"{path} holds no {MANIFEST}: it is not a published snapshot, or its publish did not "
            "finish. Publish again: python -m pipelines publish --parquet "
            f"{path}") from None
    except (OSError, ValueError) as exc:
        raise NotPublished(f"{file} cannot be read ({exc}): publish again") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise NotPublished(f"{file} is not the manifest of a snapshot this version reads "
                           f"({FORMAT} {FORMAT_VERSION}): publish again")
    return manifest


def version(path: Path) -> tuple[int, int, int]:
    """Changes when a new publish lands: the manifest is replaced by a rename, so its inode,
    time and size say which publish is current without reading it."""
    try:
        stat = (path / MANIFEST).stat()
    except OSError:
        return (0, 0, 0)
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """The database holds `table`: as a table, or (a published snapshot) as the view over its
    files. A check for a table made by a later version than the database's."""
    return bool(con.execute(
        "SELECT count(*) FROM (SELECT schema_name, table_name FROM duckdb_tables() UNION ALL "
        "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal) "
        "WHERE schema_name = 'main' AND table_name = ?", [table]).fetchall()[0][0])


def sql_literal(text: str) -> str:
    """`text` as an SQL string literal, for the few places a value cannot be a parameter (a
    path in a view's definition, a condition handed to other queries)."""
    return "'" + text.replace("'", "''") + "'"


def view_sql(folder: Path, table: str, spec: dict[str, Any]) -> str:
    """The view of one table: its columns as the database held them, read from its Parquet files
    (the derived partition column left out), or no rows where the table was published empty."""
    columns = spec["columns"]
    if not spec["files"]:
        typed = ", ".join(f'CAST(NULL AS {sql_type}) AS "{name}"' for name, sql_type in columns)
        return f'CREATE VIEW "{table}" AS SELECT {typed} WHERE false'
    names = ", ".join(f'"{name}"' for name, _ in columns)
    files = sql_literal(str(folder / table / "**" / "*.parquet"))
    return (f'CREATE VIEW "{table}" AS SELECT {names} FROM read_parquet({files}, '
            "hive_partitioning = false)")


def _open(path: Path, manifest: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    try:
        # The files of a publish never change (a new publish writes a new folder), so their
        # footers are read once per process rather than once per query.
        con.execute("SET GLOBAL parquet_metadata_cache = true")
        folder = path / manifest["data"]
        if not folder.is_dir():
            raise NotPublished(f"{path}: its manifest names {manifest['data']}, which is not "
                               "there: copy a publish's folder before its manifest")
        for table, spec in manifest["tables"].items():
            con.execute(view_sql(folder, table, spec))
    except BaseException:
        con.close()
        raise
    return con


_OPEN: dict[str, tuple[str, duckdb.DuckDBPyConnection]] = {}  # path -> (publish id, database)
_OPEN_LOCK = threading.Lock()


def connect(path: Path, schema_signature: str) -> duckdb.DuckDBPyConnection:
    """A connection to the newest publish at `path`; the caller closes it. One in-memory
    database per folder and publish is kept for the process, and each caller gets its own
    cursor on it, so the views are made once and a new publish is read from the next call on.
    `schema_signature`: the schema this version of the code reads; a snapshot published under
    another is refused rather than failing query by query."""
    manifest = read_manifest(path)
    if manifest.get("schema_signature") != schema_signature:
        raise SnapshotError(
            f"{path} was published by another version of the dashboard (its tables differ from "
            "those this version reads): publish it again from the working database")
    key, publish_id = str(path.resolve()), manifest["publish_id"]
    with _OPEN_LOCK:
        held = _OPEN.get(key)
        if held is None or held[0] != publish_id:
            # An earlier publish's database is dropped here, not closed: a query another
            # thread is running on it finishes first.
            held = (publish_id, _open(path, manifest))
            _OPEN[key] = held
        return held[1].cursor()


def replace_file(path: Path, text: str) -> None:
    """Write `text` to `path` whole: to a temporary file beside it, flushed to disk, then renamed
    over it, so a reader finds the old file or the new one and never part of one."""
    tmp = path.with_name(f".tmp-{path.name}-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
