"""The DuckDB database: its tables, created from the schemas, and how to open it.

DuckDB lets one process hold a read-write connection and nobody else open the file meanwhile, so
writers open, write and close at once, and readers (the app) open read-only per query batch.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.schemas import SCHEMAS, Schema
from pipelines.validate import stored_columns

SCHEMA_VERSION = 1
LINEAGE = [
    ("load_id", "INTEGER"),
    ("source_file", "VARCHAR"),
    ("source_sheet", "VARCHAR"),
    ("source_row", "INTEGER"),
    ("row_hash", "VARCHAR"),
    ("loaded_at", "TIMESTAMP"),
]


class DatabaseBusy(Exception):
    """Another process holds the database for writing."""


def one(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> tuple | None:
    """The first row of a query, the result consumed (DuckDB 2.0 refuses new work on a connection
    while a result is still open)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def table_columns(schema: Schema) -> list[tuple[str, str]]:
    return stored_columns(schema) + LINEAGE


def _ddl() -> list[str]:
    statements = [
        "CREATE SEQUENCE IF NOT EXISTS load_seq START 1",
        """CREATE TABLE IF NOT EXISTS loads (
            load_id INTEGER PRIMARY KEY, file_name VARCHAR, file_hash VARCHAR, file_bytes BIGINT,
            loaded_at TIMESTAMP, as_of DATE, kinds VARCHAR, rows_read INTEGER,
            loaded INTEGER, inserted INTEGER, updated INTEGER, unchanged INTEGER,
            duplicates INTEGER, rejected INTEGER, blank INTEGER, notes INTEGER,
            status VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS load_sheets (
            load_id INTEGER, sheet VARCHAR, kind VARCHAR, header_row INTEGER, rows_read INTEGER,
            loaded INTEGER, duplicates INTEGER, rejected INTEGER, blank INTEGER, notes INTEGER,
            note VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS rejects (
            load_id INTEGER, file_name VARCHAR, sheet VARCHAR, kind VARCHAR, row_number INTEGER,
            column_letter VARCHAR, column_header VARCHAR, value VARCHAR, reason VARCHAR,
            rule VARCHAR)""",
        "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    ]
    for schema in SCHEMAS.values():
        cols = ", ".join(f"{name} {sql_type}" for name, sql_type in table_columns(schema))
        key = ", ".join(schema.key)
        statements.append(f"CREATE TABLE IF NOT EXISTS {schema.table} ({cols}, PRIMARY KEY ({key}))")
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {schema.table}_history ({cols}, "
            "superseded_by_load INTEGER, superseded_at TIMESTAMP)"
        )
    return statements


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for statement in _ddl():
        con.execute(statement)
    con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])


def connect_writer(path: Path, wait_seconds: float = 30.0) -> duckdb.DuckDBPyConnection:
    """A read-write connection, waiting a while for another writer (or the app) to let go."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise DatabaseBusy(f"{path}: the database is in use by another process "
                                   f"(a load or the app); try again shortly ({exc})") from exc
            time.sleep(0.2)
    ensure_schema(con)
    return con


@contextmanager
def reader(path: Path, wait_seconds: float = 10.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection, so a command-line load can take the file between uses."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = duckdb.connect(str(path), read_only=True)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise DatabaseBusy(f"{path}: the database is being updated; try again shortly"
                                   ) from exc
            time.sleep(0.2)
    try:
        yield con
    finally:
        con.close()
