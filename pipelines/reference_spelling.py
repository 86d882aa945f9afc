"""One reference, however a spreadsheet wrote it. "000123" in one export and 123 in the next
(Excel made the reference a number and dropped its zeros, or one system pads and another does
not) name one record: a reference of digits alone compares without its leading zeros (and
without a trailing ".0", as a whole number written from a column of decimals has). A record
keeps the spelling it was first stored with; a row that writes it otherwise loads under that
spelling, with a warning. A case reference is one across datasets (advice, plans, appeals and
reviews of one case meet on it). A reference with any other character ("EHC0123", "HA-0012")
compares as written: its zeros may mean something.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import row_hash
from pipelines.schemas import SCHEMAS, Schema
from pipelines.validate import Reject

RULE = "reference_respelled"
_DIGITS = "[0-9]+(\\.0+)?"  # all digits, or a whole number with its decimal point


def numbered(expr: str) -> str:
    """SQL: the reference `expr` as it compares (a number's digits without leading zeros)."""
    return (f"CASE WHEN regexp_full_match({expr}, '{_DIGITS}') THEN coalesce(nullif("
            f"{_rough(expr)}, ''), '0') ELSE {expr} END")


def _rough(expr: str) -> str:
    """SQL: what two spellings of one number share (its digits before any decimal point, without
    leading zeros), cheap enough to look a whole table up by."""
    return f"ltrim(split_part({expr}, '.', 1), '0')"


def reference(schema: Schema) -> str | None:
    """The key column that holds a reference, if the dataset has one."""
    ref = schema.record_id
    return ref if schema.column(ref).kind == "id" else None


# The LA's case reference names one child's request in every dataset that holds it: a case is
# spelled as it was first stored in any of them, so that advice, plans and appeals still meet.
CASE = "case_id"
CASE_TABLES = tuple(s.table for s in SCHEMAS.values()
                    if {CASE, "local_authority"} <= {c.name for c in s.columns})


def _references(schema: Schema) -> list[tuple[str, list[str], tuple[str, ...]]]:
    """(reference column, the columns it is one within, the tables that hold its spellings)."""
    found = []
    ref = reference(schema)
    if ref is not None and ref != CASE:
        # Whose reference it is (the LA, the source), not when (a school's audits on two dates
        # are two records of one URN).
        within = [k for k in schema.key if k != ref and k in {c.name for c in schema.columns}
                  and schema.column(k).sql_type == "VARCHAR"]
        found.append((ref, within, (schema.table,)))
    if schema.table in CASE_TABLES and schema.column(CASE).kind == "id":
        found.append((CASE, ["local_authority"], CASE_TABLES))
    return found


def respell(con: duckdb.DuckDBPyConnection, schema: Schema, tables: list[pa.Table]
            ) -> tuple[list[pa.Table], list[Reject]]:
    """Inside the load's transaction, before anything is staged: a dataset's records from each
    sheet of a file, with each reference written in the spelling it is held under, else in that
    of the first row of the file to write it, and the row hashes of the rows changed made
    again; with a warning for each reference so read. A spelling held as written is kept (a
    database may hold two spellings of one reference from before they were read as one)."""
    tables = list(tables)
    changed = np.zeros(sum(len(t) for t in tables), dtype=bool)
    starts = np.cumsum([0, *(len(t) for t in tables)])
    warnings = []
    for column, within, held_in in _references(schema):
        if not any(len(t) and _may_need(t[column]) for t in tables):
            continue
        at, spelling, written, files = _spellings(con, column, within, held_in, tables)
        if not len(at):
            continue
        changed[at] = True
        for p, table in enumerate(tables):
            mine = np.flatnonzero((at >= starts[p]) & (at < starts[p + 1]))
            if len(mine):
                mask = np.zeros(len(table), dtype=bool)
                mask[at[mine] - starts[p]] = True
                tables[p] = _replaced(table, column, mask, spelling.take(pa.array(mine)))
        lineage = pa.concat_tables([t.select(["source_sheet", "source_row"]) for t in tables])
        warnings += [
            Reject(sheet, row, "", column, was, _reason(column, was, held, file), RULE)
            for sheet, row, was, held, file in zip(
                lineage["source_sheet"].take(pa.array(at)).to_pylist(),
                lineage["source_row"].take(pa.array(at)).to_pylist(),
                written.to_pylist(), spelling.to_pylist(), files.to_pylist(), strict=True)]
    for p, table in enumerate(tables):
        mask = changed[starts[p]:starts[p + 1]]
        if mask.any():
            again = row_hash.of_records(schema, table.filter(pa.array(mask)))
            tables[p] = _replaced(table, "row_hash", mask, again)
    warnings.sort(key=lambda w: (w.sheet, w.row))
    return tables, warnings


def _spellings(con: duckdb.DuckDBPyConnection, column: str, within: list[str],
               held_in: tuple[str, ...], tables: list[pa.Table]
               ) -> tuple[np.ndarray, pa.Array, pa.Array, pa.Array]:
    """The rows (by position in all `tables` together) whose `column` is to be read in another
    spelling: that spelling, the one written, and the file the spelling is held from (None when
    an earlier row of this file wrote it)."""
    keys = pa.concat_tables([_plain(t.select([*within, column])) for t in tables])
    con.register("spelt", keys.append_column("ord", pa.array(np.arange(len(keys)))))
    by = "".join(f"{k}, " for k in within)

    def same(other: str) -> str:
        return "".join(f" AND s.{k} = {other}.{k}" for k in within)

    # Of the spellings held of a number, the one first stored: (load, row) as one integer.
    held = " UNION ALL ".join(
        f"SELECT {by}{numbered('t.' + column)} AS number, t.{column} AS stored, "
        f"t.load_id * 4294967296 + t.source_row AS rank, t.source_file FROM {table} t "
        f"WHERE {_rough('t.' + column)} IN (SELECT {_rough('written')} FROM here) "
        f"AND regexp_full_match(t.{column}, '{_DIGITS}')" for table in held_in)
    found = con.sql(f"""
        WITH here AS (
            SELECT {by}{column} AS written, {numbered(column)} AS number, min(ord) AS first
            FROM spelt WHERE regexp_full_match({column}, '{_DIGITS}') GROUP BY ALL),
        firsts AS (SELECT {by}number, arg_min(written, first) AS spelling FROM here GROUP BY ALL),
        held AS MATERIALIZED ({held}),
        first_held AS (
            SELECT {by}number, arg_min(stored, rank) AS stored,
                   arg_min(source_file, rank) AS source_file
            FROM held GROUP BY ALL),
        spellings AS (
            SELECT s.*, coalesce(h.stored, f.spelling) AS spelling, h.source_file
            FROM here s JOIN firsts f ON s.number = f.number{same('f')}
            LEFT JOIN first_held h ON s.number = h.number{same('h')}
            WHERE s.written <> coalesce(h.stored, f.spelling)
              AND NOT EXISTS (SELECT 1 FROM held e WHERE e.stored = s.written{same('e')}))
        SELECT s.ord, c.spelling, c.written, c.source_file FROM spelt s
        JOIN spellings c ON s.{column} = c.written{same('c')} ORDER BY s.ord""").to_arrow_table()
    con.unregister("spelt")
    return (found["ord"].to_numpy(), *(found[c].combine_chunks().cast(pa.string())
                                       for c in ("spelling", "written", "source_file")))


def _reason(column: str, written: str, held: str, file: str | None) -> str:
    where = f"held from {file}" if file else "written so by an earlier row of this file"
    return (f"{column} {written} is the reference {held} ({where}) written with other leading "
            f"zeros (a spreadsheet may drop them): read as {held}, one reference")


def _may_need(column: pa.ChunkedArray) -> bool:
    """Whether any value is all digits: only those are read again."""
    for chunk in column.chunks:
        values = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
        if pc.any(pc.match_substring_regex(values, f"^{_DIGITS}$")).as_py():
            return True
    return False


def _plain(table: pa.Table) -> pa.Table:
    """Text held as a dictionary as plain text, so that every sheet's columns are of one type."""
    return table.cast(pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type)
                                 else f for f in table.schema]))


def _replaced(records: pa.Table, name: str, mask: np.ndarray, values: pa.Array) -> pa.Table:
    """`records` with column `name`'s values where `mask` is true replaced by `values`, in order."""
    column = records[name].cast(pa.string()).combine_chunks()
    at = records.schema.get_field_index(name)
    return records.set_column(at, name, pc.replace_with_mask(column, pa.array(mask), values))
