"""The DuckDB database: every table, created from its declaration (a dataset's `Schema`, or a
`Table` in tables.py), the upgrade of a database made by an earlier version, and how to open it.

DuckDB lets one process hold a read-write connection and nobody else open the file meanwhile, so
writers open, write, publish a read-only snapshot of what they committed and close, and readers
(the app, the command line's reads) open the newest snapshot (snapshot.py), never the database.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines import published, repairs, snapshot
from pipelines.formats import sen2_tables
from pipelines.schemas import SCHEMAS, Schema
from pipelines.tables import SEQUENCES, TABLES, Table

SCHEMA_VERSION = 1
_log = logging.getLogger(__name__)
LINEAGE = [
    ("load_id", "INTEGER"),
    ("source_file", "VARCHAR"),
    ("source_sheet", "VARCHAR"),
    ("source_row", "INTEGER"),
    ("row_hash", "VARCHAR"),
    ("loaded_at", "TIMESTAMP"),
    ("extract_date", "DATE"),  # the export's date: a record is replaced only by a newer extract
]


class DatabaseBusy(Exception):
    """Another process holds the database for writing."""


class NotADatabase(DatabaseBusy):
    """The path names no database (a read command's mistyped `--db`) or a file that is not one
    (a spreadsheet named by mistake): caught wherever a busy database is, with its own words."""


def one(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> tuple | None:
    """The first row of a query, the result consumed (DuckDB 2.0 refuses new work on a connection
    while a result is still open)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def table_columns(schema: Schema) -> list[tuple[str, str]]:
    return schema.stored_columns + [(name, sql) for name, sql, _ in schema.derived] + LINEAGE


def _history_columns(schema: Schema) -> list[tuple[str, str]]:
    # history_note: 'replaced' (a later load changed the record), 'stale' (an older extract's
    # version, loaded after a newer one) or 'superseded' (an earlier month tab's version, its
    # file's later tab holding another: `staging`). The last two are kept here, never live, and
    # their superseded_by_load is NULL.
    return table_columns(schema) + [("superseded_by_load", "INTEGER"), ("superseded_at", "TIMESTAMP"),
                                    ("history_note", "VARCHAR")]


def _layouts(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[list[str], list[str]]]:
    """{table: (columns in order, primary key columns)} of the tables the database holds (a
    dataset's table made by an earlier version has a primary key)."""
    layouts: dict[str, tuple[list[str], list[str]]] = {}
    for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' "
            "ORDER BY table_name, column_index").fetchall():
        layouts.setdefault(table, ([], []))[0].append(column)
    for table, key in con.execute(
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
            "WHERE schema_name = 'main' AND constraint_type = 'PRIMARY KEY'").fetchall():
        if table in layouts:
            layouts[table][1].extend(key)
    return layouts


def _rebuild(con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]],
             had: list[str], defaults: dict[str, str], primary_key: tuple[str, ...]) -> None:
    """Recreate a table made by an earlier version of its declaration, keeping its rows: a new
    column is filled with its default, an SQL expression (NULL if it has none), and the key
    made as declared."""
    select = []
    for name, sql_type in columns:
        kind = sql_type.split()[0]  # the type without its constraints
        if name in had:
            select.append(name)
        elif name in defaults:
            select.append(f"CAST({defaults[name]} AS {kind}) AS {name}")
        else:
            select.append(f"CAST(NULL AS {kind}) AS {name}")
    cols = [f"{name} {sql_type}" for name, sql_type in columns]
    if primary_key:
        cols.append(f"PRIMARY KEY ({', '.join(primary_key)})")
    con.execute(f"CREATE TABLE {table}__rebuilt ({', '.join(cols)})")
    con.execute(f"INSERT INTO {table}__rebuilt SELECT {', '.join(select)} FROM {table}")
    con.execute(f"DROP TABLE {table}")
    con.execute(f"ALTER TABLE {table}__rebuilt RENAME TO {table}")


def _declared() -> list[tuple[str, list[tuple[str, str]], dict[str, str], tuple[str, ...]]]:
    """Every table as declared now: (name, columns, defaults of new columns as SQL, primary
    key). A derived column of rows stored before it existed copies its column (an annual
    review's cycle is its due date)."""
    tables = [(t.name, list(t.columns), {}, t.primary_key) for t in TABLES.values()]
    for schema in SCHEMAS.values():
        # No PRIMARY KEY: the load keeps each key to one record (`staging.stage` and `load._upsert`,
        # one writer at a time: `writing`), and DuckDB's index of a key costs a third of the
        # time of inserting the rows and writing them at commit.
        defaults = {c.name: f"'{c.default}'" for c in schema.columns if c.default is not None}
        defaults |= {name: column for name, _, column in schema.derived}
        tables.append((schema.table, table_columns(schema), defaults, ()))
        tables.append((f"{schema.table}_history", _history_columns(schema), defaults, ()))
    return tables


def _stale(layouts: dict) -> list[tuple]:
    """Tables that exist but were made by an earlier version of their declaration."""
    stale = []
    for table, columns, defaults, key in _declared():
        if table in layouts:
            had, had_key = layouts[table]
            if had != [c for c, _ in columns] or sorted(had_key) != sorted(key):
                stale.append((table, columns, had, defaults, key))
    return stale


def schema_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Every table exists with the columns and key its declaration gives now, and every repair
    of an earlier version's data has run (`repairs`)."""
    layouts = _layouts(con)
    return ({t[0] for t in _declared()} <= set(layouts) and not _stale(layouts)
            and not repairs.pending(_meta(con)))


def _meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The `meta` table as a dict (empty in a database too old or too new to have it)."""
    try:
        return dict(con.execute("SELECT key, value FROM meta").fetchall())
    except duckdb.CatalogException:
        return {}


def upgrade(path: Path) -> bool:
    """Bring an existing database up to the current declarations (a reader never can); True if
    it had to. The app calls this once at start, so a database from an earlier version still
    opens. A published snapshot is never changed: it is refused if published by another version."""
    if published.is_snapshot(path):
        open_reader(path).close()
        return False
    with reader(path) as con:
        if schema_is_current(con):
            return False
    with writing(path) as con:
        ensure_schema(con, verify=True)
    return True


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Bring tables made by an earlier version up to their declarations (a column added, a
    dataset's primary key dropped), in one transaction: e.g. `health_advice.source`, 'provider'
    for earlier rows."""
    stale = _stale(_layouts(con))
    if not stale:
        return
    with transaction(con):
        for table, columns, had, defaults, key in stale:
            _rebuild(con, table, columns, had, defaults, key)


def _ddl() -> list[str]:
    statements = [f"CREATE SEQUENCE IF NOT EXISTS {name} START 1" for name in SEQUENCES]
    for table, columns, _, key in _declared():
        statements.append(Table(table, tuple(columns), key).ddl())
    statements += sen2_tables.DDL
    return statements


def _signature() -> str:
    """A fingerprint of the statements that make the schema: stored in `meta` once they have
    run, so that a writer finds a database already up to date with one small query (a look at
    the catalogue costs a load of a small file a fifth of its time)."""
    return hashlib.sha256("\n".join(_ddl()).encode()).hexdigest()[:16]


def ensure_schema(con: duckdb.DuckDBPyConnection, verify: bool = False) -> None:
    """Create what is missing and run the repairs of data an earlier version left (`repairs`) in
    one transaction, so a process killed meanwhile leaves all of the schema or none of it.
    `verify`: look at the tables themselves even when the signature says they are up to date
    (an earlier version may have changed them since)."""
    signature = _signature()
    meta = _meta(con)
    if not verify and meta.get("schema") == signature and not repairs.pending(meta):
        return
    migrate(con)
    with transaction(con):
        for statement in _ddl():
            con.execute(statement)
        con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", [signature])
        repairs.run(con)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All of the block's writes or none of them: committed at its end, rolled back on any error
    (a killed process leaves nothing half-written, as DuckDB never commits an open transaction)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _held_by_a_writer(exc: Exception) -> bool:
    """Another process holds the file (a lock), or this process has it open the other way
    (DuckDB refuses a read-only and a read-write connection to one file in one process)."""
    message = str(exc).lower()
    return "lock" in message or "different configuration" in message


def connect_writer(path: Path, wait_seconds: float = 30.0,
                   schema: bool = True) -> duckdb.DuckDBPyConnection:
    """A read-write connection, waiting a while for another writer to let go; the tables made or
    brought up to date first unless `schema` is False."""
    published.refuse_writes(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if not _held_by_a_writer(exc):
                raise NotADatabase(f"{path} cannot be opened as a database: {exc} (does --db, "
                                   "or SEND_DB, name the database?)") from exc
            if time.monotonic() > deadline:
                raise DatabaseBusy(f"{path}: the database is in use by another process "
                                   f"(a load or the app); try again shortly ({exc})") from exc
            time.sleep(0.2)
    if new:  # children's pseudonyms and case records: readable by the owner only
        os.chmod(path, 0o600)
    try:
        if schema:
            ensure_schema(con)
    except BaseException:
        con.close()  # an open writer would keep every reader of this process out
        raise
    return con


# DuckDB's file lock keeps other processes out, but connections of one process share the open
# database: without this, two sessions of the app could load at the same moment, each unaware of
# the other's rows (the tables have no primary key to refuse the second; see `_declared`).
_WRITING = threading.Lock()
_HELD = threading.local()  # (path, connection) of this thread's `one_writer`, if any


@contextmanager
def writing(path: Path, wait_seconds: float = 30.0,
            schema: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection for the block, held by one thread of this process at a time (other
    processes wait on DuckDB's own lock, in `connect_writer`). When the block ends without an
    error, what it committed is published as the readers' snapshot before the file is let go.
    Inside `one_writer(path)` this thread's writes share its connection, published when it
    ends."""
    if held_here(path):
        yield _HELD.writer[1]
        return
    if not _WRITING.acquire(timeout=wait_seconds):
        raise DatabaseBusy(f"{path}: another load or save is writing to the database; try again "
                           "shortly")
    try:
        con = connect_writer(path, wait_seconds, schema)
        try:
            yield con
            try:
                snapshot.publish(con, path)
            except OSError as exc:  # committed all the same: readers publish it when they can
                _log.error("%s: what was written could not be published for readers (%s); "
                           "they read the previous snapshot until a copy succeeds", path, exc)
        finally:
            con.close()
    finally:
        _WRITING.release()


@contextmanager
def one_writer(path: Path) -> Iterator[None]:
    """This thread's writes to `path` in the block share one read-write connection, opened once,
    and what they commit is published once, as the block ends without an error: a build of many
    small loads (`bootstrap`) would otherwise spend a fifth of its time opening, checkpointing
    and closing the file. Other threads' and processes' writers wait for the block. No reader
    of `path` opens in this process meanwhile (DuckDB refuses one beside its writer), so loads
    in the block look nothing up first (`load.ingest_file`). Inside another `one_writer(path)`,
    the block is part of that one's."""
    if held_here(path):
        yield
        return
    with writing(path) as con:
        _HELD.writer = (path, con)
        try:
            yield
        finally:
            _HELD.writer = None


def held_here(path: Path) -> bool:
    """This thread is inside `one_writer(path)` (where a reader of `path` cannot be opened)."""
    held = getattr(_HELD, "writer", None)
    return held is not None and held[0] == path


def read_source(path: Path, wait_seconds: float = 10.0) -> snapshot.Snapshot:
    """Where readers read: the newest snapshot of the database. If the database changed since
    (a writer of an earlier version, one killed after its commit) or has none yet, one is
    published first: at once when no writer holds the database; while one does, readers keep
    to the snapshot they have (the writer publishes its own as it ends), and only a database
    with none yet waits for it, up to `wait_seconds`."""
    if published.is_snapshot(path):  # a published Parquet folder: read as it is, never copied
        stamp = published.version(path)
        return snapshot.Snapshot(path, stamp[1], [list(stamp)])
    if not path.exists():  # never the snapshot of a database removed since
        raise duckdb.IOException(f"{path}: there is no database here")
    newest = snapshot.newest(path)
    if newest is not None and snapshot.is_current(path, newest):
        snapshot.remove_replaced(path, newest)
        return newest
    try:
        with writing(path, 0.0 if newest else wait_seconds, schema=False) as con:
            return snapshot.publish(con, path)
    except (DatabaseBusy, OSError, duckdb.Error):
        if newest is None:
            raise
        return newest  # a writer is at work (or the copy failed): the last snapshot meanwhile


def open_reader(path: Path, wait_seconds: float = 10.0,
                source: snapshot.Snapshot | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to `source`, a snapshot chosen earlier, or to where readers read
    (`read_source`); to the newest if `source` has been removed since (a newer one replaced it).
    The caller closes it. A folder is a published Parquet snapshot (`pipelines.published`)."""
    return open_snapshot(path, wait_seconds, source)[0]


def open_snapshot(path: Path, wait_seconds: float = 10.0, source: snapshot.Snapshot | None = None
                  ) -> tuple[duckdb.DuckDBPyConnection, snapshot.Snapshot]:
    """`open_reader`, and the snapshot it opened: `source`, or the newest if that was gone."""
    if published.is_snapshot(path):
        return published.connect(path, _signature()), source or read_source(path, wait_seconds)
    for _ in range(3):  # a snapshot can be replaced between the look and the open
        chosen = source or read_source(path, wait_seconds)
        try:
            return duckdb.connect(str(chosen.path), read_only=True), chosen
        except duckdb.IOException:
            if chosen.path.exists():
                raise
            source = None
    raise DatabaseBusy(f"{path}: the data are being updated; try again shortly")


@contextmanager
def reader(path: Path, wait_seconds: float = 10.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection to where readers read (`read_source`)."""
    con = open_reader(path, wait_seconds)
    try:
        yield con
    finally:
        con.close()
