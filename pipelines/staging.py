"""One record per key from a file's rows of one dataset, before anything is written: each row's
fate is 'load', 'duplicate' (an exact repeat), 'conflict' (one key written two ways: every row
of it rejected, as no version can be trusted) or, for a tracker kept a tab per month
(`sheet_months`), 'superseded' (an earlier month's version of a record a later tab holds).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import review_cycles
from pipelines.db import one, table_columns
from pipelines.schemas import Schema
from pipelines.sheet_months import months_without_a_year
from pipelines.validate import Reject

TAB_ORDER = "tab_order"  # a record's tab's place in time, when the tabs are months


def with_tab_order(records: pa.Table, order: dict[str, int] | None) -> pa.Table:
    """The records with their tab's place in time (`sheet_months.month_order`), if ordered."""
    if order is None:
        return records
    sheets = records["source_sheet"].to_pylist()
    return records.append_column(TAB_ORDER, pa.array([order[s] for s in sheets], pa.int32()))


def stage(con: duckdb.DuckDBPyConnection, schema: Schema, records: pa.Table
          ) -> tuple[list[Reject], dict[tuple[str, str], int]]:
    """Stage a file's records of one dataset as the view `staged`, each with its fate. A view,
    not a table: DuckDB reads the Arrow records where they are rather than copying them first.
    `load._upsert` lets it all go. Returns the conflicts' rejects and {(sheet, fate): rows}."""
    key = ", ".join(schema.key)
    on = " AND ".join(f"i.{k} = r.{k}" for k in schema.key)
    con.register("incoming", records)
    select = ", ".join(f"CAST(i.{c} AS {sql}) AS {c}" for c, sql in table_columns(schema)
                       if c in records.column_names)
    monthly = TAB_ORDER in records.column_names
    if monthly:
        select += f", i.{TAB_ORDER}"
    if any(_distinct(records[k]) for k in schema.key):
        # A key column with no value twice: no key repeats, and every row loads (the query
        # below would find as much, at twice the cost of this look at one column in Arrow).
        con.execute(f"CREATE OR REPLACE TEMP VIEW staged AS SELECT {select}, 'load' AS fate, "
                    "i.ord FROM incoming i")
        repeats = False
    elif monthly:
        _months_fates(con, schema)
        con.execute(f"""
            CREATE OR REPLACE TEMP VIEW staged AS
            SELECT {select}, coalesce(r.fate, 'load') AS fate, i.ord
            FROM incoming i LEFT JOIN repeated r ON i.ord = r.ord""")
        repeats = bool(one(con, "SELECT count(*) FROM repeated")[0])
    else:
        # Repeated keys are few (none in most files): found first, so that only their rows are
        # looked at again. Of one key's versions, `first` is the row read first.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE repeated AS
            SELECT {key}, row_hash, min(ord) AS first,
                   count(*) OVER (PARTITION BY {key}) > 1 AS clash
            FROM incoming i SEMI JOIN (SELECT {key} FROM incoming GROUP BY ALL HAVING count(*) > 1) r
                ON {on}
            GROUP BY {key}, row_hash""")
        con.execute(f"""
            CREATE OR REPLACE TEMP VIEW staged AS
            SELECT {select}, CASE WHEN r.clash THEN 'conflict' WHEN r.first <> i.ord
                                  THEN 'duplicate' ELSE 'load' END AS fate, i.ord
            FROM incoming i LEFT JOIN repeated r ON {on} AND i.row_hash = r.row_hash""")
        repeats = bool(one(con, "SELECT count(*) FROM repeated")[0])
    if not repeats:  # every row loads
        sheets = records.group_by("source_sheet").aggregate([("source_sheet", "count")])
        return [], dict(zip([(sheet, "load") for sheet in sheets["source_sheet"].to_pylist()],
                            sheets["source_sheet_count"].to_pylist(), strict=True))
    fates = {(sheet, fate): n for sheet, fate, n in con.execute(
        "SELECT source_sheet, fate, count(*) FROM staged GROUP BY ALL").fetchall()}
    return _conflicts(con, schema, monthly), fates


def _months_fates(con: duckdb.DuckDBPyConnection, schema: Schema) -> None:
    """The fate of each row of a repeated key, by `ord`, when the tabs are months: the latest
    tab's version loads (its exact repeats on that tab are duplicates); an earlier tab's row is
    a duplicate of it if the same, else superseded. A key written two ways on one tab is a
    conflict there; on the latest tab, in every tab, as then no version stands."""
    key = ", ".join(schema.key)

    def same(a: str, b: str) -> str:
        return " AND ".join(f"{a}.{k} = {b}.{k}" for k in schema.key)

    on = " AND ".join(f"i.{k} = r.{k}" for k in schema.key)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE repeated AS
        WITH k AS (
            SELECT {key}, row_hash, ord, {TAB_ORDER} AS tab FROM incoming i
            SEMI JOIN (SELECT {key} FROM incoming GROUP BY ALL HAVING count(*) > 1) r ON {on}),
        versions AS (SELECT {key}, tab, row_hash, min(ord) AS first FROM k GROUP BY ALL),
        tabs AS (SELECT {key}, tab, count(*) > 1 AS clash FROM versions GROUP BY ALL),
        top AS (SELECT {key}, max(tab) AS latest FROM k GROUP BY ALL)
        SELECT k.ord, CASE
            WHEN lt.clash OR t.clash THEN 'conflict'
            WHEN k.tab < top.latest AND k.row_hash = lv.row_hash THEN 'duplicate'
            WHEN k.tab < top.latest THEN 'superseded'
            WHEN k.ord <> v.first THEN 'duplicate'
            ELSE 'load' END AS fate
        FROM k JOIN top ON {same('k', 'top')}
        JOIN tabs t ON {same('k', 't')} AND t.tab = k.tab
        JOIN tabs lt ON {same('k', 'lt')} AND lt.tab = top.latest
        JOIN versions v ON {same('k', 'v')} AND v.tab = k.tab AND v.row_hash = k.row_hash
        LEFT JOIN versions lv ON {same('k', 'lv')} AND lv.tab = top.latest AND NOT lt.clash""")


def _conflicts(con: duckdb.DuckDBPyConnection, schema: Schema, monthly: bool) -> list[Reject]:
    """A reject for every row of a conflicting key, naming where each version of it is (tabs of
    months: one tab writes it two ways)."""
    key = ", ".join(schema.key)
    clashing: dict[tuple, list[tuple]] = {}
    for *key_values, sheet, row, row_hash in con.execute(
            f"SELECT {key}, source_sheet, source_row, row_hash FROM staged "
            "WHERE fate = 'conflict' ORDER BY ord").fetchall():
        clashing.setdefault(tuple(key_values), []).append((sheet, row, row_hash))
    rejects = []
    for key_values, rows in clashing.items():
        label = "/".join(str(v) for v in key_values)
        versions = len({row_hash for _, _, row_hash in rows})
        where = ", ".join(f"{sheet} row {row}" for sheet, row, _ in rows)
        note = review_cycles.CONFLICT_NOTE if schema.derived else ""
        if monthly:
            note += "; the sheets are months, but one of them holds two versions"
        elif months_without_a_year({sheet for sheet, _, _ in rows}):
            note += ("; the sheets are named by months without a year: name each with its year "
                     "(\"Nov 2025\") and they are read as versions of one tracker, the latest "
                     "loaded")
        rejects += [Reject(sheet, row, "", schema.record_id, label,
                           f"conflict: {versions} different versions of {label} in this file "
                           f"({where}){note}", "conflict") for sheet, row, _ in rows]
    return rejects


def keep_superseded(con: duckdb.DuckDBPyConnection, schema: Schema, select: str,
                    params: dict[str, object]) -> None:
    """Earlier months' versions in `<table>_history` ('superseded', like a stale version: of
    this load, superseded by none), each distinct version once, as the latest tab that held
    it, unless the live table or history holds it already (last month's tracker loaded
    before). `select`: the staged columns as the table stores them (`load._upsert`)."""
    t = schema.table
    same = " AND ".join(f"x.{k} = s.{k}" for k in schema.key)
    con.execute(f"""
        INSERT INTO {t}_history SELECT {select}, NULL, $now, 'superseded' FROM (
            SELECT *, row_number() OVER (PARTITION BY {', '.join(schema.key)}, row_hash
                                         ORDER BY {TAB_ORDER} DESC, ord) AS nth
            FROM staged WHERE fate = 'superseded') s
        WHERE s.nth = 1
          AND NOT EXISTS (SELECT 1 FROM {t} x WHERE {same} AND x.row_hash = s.row_hash)
          AND NOT EXISTS (SELECT 1 FROM {t}_history x WHERE {same} AND x.row_hash = s.row_hash)""",
                params)


def _distinct(column: pa.ChunkedArray) -> bool:
    """Whether no value of a key column is there twice, nor missing (SQL never matches a NULL
    key, so a repeat cannot be ruled out by a column with one). Text comes as a dictionary whose
    values may repeat (two raw spellings of one id), so the values are compared, not the codes."""
    if column.null_count or not len(column):
        return False
    parts = []
    for array in column.chunks:
        if pa.types.is_dictionary(array.type):
            if len(array) and np.bincount(array.indices.to_numpy(zero_copy_only=False)).max() > 1:
                return False  # the same code twice: a value repeats
            array = array.dictionary.take(array.indices)
        parts.append(array)
    array = parts[0] if len(parts) == 1 else pa.concat_arrays(parts)
    # `unique` rather than `count_distinct`: the same answer, in half the time here.
    return not array.null_count and len(pc.unique(array)) == len(array)
