"""The declarations own storage: `db` makes every table from a dataset's `Schema` or a `Table`,
and brings a database made by an earlier version up to them, keeping its rows."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.db import ensure_schema, reader, schema_is_current, table_columns, upgrade
from pipelines.schemas import EHCP, SCHEMAS
from pipelines.tables import TABLES


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
                       "ORDER BY column_index", [table]).fetchall()


def test_every_declared_table_is_made_with_its_columns_and_types() -> None:
    con = duckdb.connect()
    ensure_schema(con)
    for table in TABLES.values():
        assert _columns(con, table.name) == [(n, t.split()[0]) for n, t in table.columns]
    for schema in SCHEMAS.values():
        assert _columns(con, schema.table) == table_columns(schema)
    assert ("request_date", "DATE") in EHCP.stored_columns
    assert "nhs_number" not in dict(EHCP.stored_columns)
    assert schema_is_current(con)


def test_an_earlier_database_gains_the_new_tables_and_columns_keeping_its_rows(
        tmp_path: Path) -> None:
    path = tmp_path / "earlier.duckdb"
    con = duckdb.connect(str(path))
    ensure_schema(con)
    # As an earlier version left it: no benchmark or inspection tables, and rejects without
    # the rule's code.
    for table in ("benchmarks", "benchmark_imports", "evidence_items", "row_warnings"):
        con.execute(f"DROP TABLE {table}")
    con.execute("ALTER TABLE rejects DROP COLUMN rule")
    con.execute("INSERT INTO rejects VALUES (1, 'a.csv', 'Sheet1', 'ehcp', 7, 'C', "
                "'Request Date', '31/02/2025', 'request_date: impossible date')")
    assert not schema_is_current(con)
    con.close()
    assert upgrade(path) is True
    with reader(path) as con:
        assert schema_is_current(con)
        assert con.execute("SELECT row_number, reason, rule FROM rejects").fetchall() == [
            (7, "request_date: impossible date", None)]
        assert con.execute("SELECT count(*) FROM benchmarks").fetchone() == (0,)
    assert upgrade(path) is False
