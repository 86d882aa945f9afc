"""One reference, however a spreadsheet wrote it. "000123" in one export and 123 in the next
(Excel made the reference a number and dropped its zeros, or one system pads and another does
not) name one record: a reference of digits alone compares without its leading zeros (and
without a trailing ".0", as a whole number written from a column of decimals has). A record
keeps the spelling it was first stored with; a row that writes it otherwise loads under that
spelling, with a warning. A reference with any other character ("EHC0123", "HA-0012") compares
as written: its zeros may mean something.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import row_hash
from pipelines.schemas import Schema
from pipelines.validate import Reject

RULE = "reference_respelled"
_DIGITS = "[0-9]+(\\.0+)?"  # all digits, or a whole number with its decimal point


def numbered(expr: str) -> str:
    """SQL: the reference `expr` as it compares (a number's digits without leading zeros)."""
    return (f"CASE WHEN regexp_full_match({expr}, '{_DIGITS}') THEN coalesce(nullif(ltrim("
            f"regexp_replace({expr}, '\\.0+$', ''), '0'), ''), '0') ELSE {expr} END")


def _rough(expr: str) -> str:
    """SQL: what two spellings of one reference share, cheap enough to join a whole table on;
    the pairs it finds are compared as `numbered`."""
    return f"ltrim(split_part({expr}, '.', 1), '0')"


def same_reference(schema: Schema, left: str, right: str) -> str:
    """SQL: the rows `left` and `right` have one key, a reference compared as `numbered`."""
    ref = reference(schema)
    terms = []
    for k in schema.key:
        if k != ref:
            terms.append(f"{left}.{k} = {right}.{k}")
            continue
        a, b = f"{left}.{k}", f"{right}.{k}"
        terms.append(f"{_rough(a)} = {_rough(b)} AND ({a} = {b} OR "
                     f"{numbered(a)} = {numbered(b)})")
    return " AND ".join(terms)


def reference(schema: Schema) -> str | None:
    """The key column that holds a reference, if the dataset has one."""
    ref = schema.record_id
    return ref if schema.column(ref).kind == "id" else None


def respell(con: duckdb.DuckDBPyConnection, schema: Schema, records: pa.Table
            ) -> tuple[pa.Table, list[Reject]]:
    """Inside the load's transaction: `records` (with their read order, `ord`) with each
    reference written in the spelling its record is held under, else in that of the first row
    of this file to write it, and the row hashes of the rows changed made again; with a
    warning for each such row. A spelling held as written is kept (a database may hold two
    spellings of one reference from before they were read as one)."""
    ref = reference(schema)
    if ref is None or not len(records) or not _may_need(records[ref]):
        return records, []
    others = [k for k in schema.key if k != ref and k in records.column_names]
    con.register("spelt", records.select([*others, ref, "ord"]))
    same = "".join(f" AND s.{k} = h.{k}" for k in others)
    by = "".join(f"{k}, " for k in others)
    partition = "".join(f"s.{k}, " for k in others)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE spellings AS
        WITH here AS (
            SELECT {by}{ref} AS written, {numbered(ref)} AS number, min(ord) AS first
            FROM spelt WHERE regexp_full_match({ref}, '{_DIGITS}') GROUP BY ALL),
        held AS (
            SELECT {by}{numbered('t.' + ref)} AS number,
                   list(t.{ref} ORDER BY t.load_id, t.source_row) AS spellings,
                   list(t.source_file ORDER BY t.load_id, t.source_row)[1] AS source_file
            FROM {schema.table} t
            WHERE {_rough('t.' + ref)} IN (SELECT DISTINCT {_rough('written')} FROM here)
              AND regexp_full_match(t.{ref}, '{_DIGITS}')
            GROUP BY ALL),
        chosen AS (
            SELECT s.*, CASE WHEN list_contains(h.spellings, s.written) THEN s.written
                             ELSE coalesce(h.spellings[1], arg_min(s.written, s.first) OVER (
                                 PARTITION BY {partition}s.number)) END AS spelling,
                   h.source_file
            FROM here s LEFT JOIN held h ON s.number = h.number{same})
        SELECT * FROM chosen WHERE written <> spelling""")
    on = "".join(f" AND s.{k} = c.{k}" for k in others)
    changed = con.sql(f"""
        SELECT s.ord, c.spelling, c.written, c.source_file FROM spelt s
        JOIN spellings c ON s.{ref} = c.written{on} ORDER BY s.ord""").to_arrow_table()
    con.execute("DROP TABLE spellings")
    con.unregister("spelt")
    if not len(changed):
        return records, []
    at = changed["ord"].to_numpy()
    mask = np.zeros(len(records), dtype=bool)
    mask[at] = True
    spelling = changed["spelling"].combine_chunks().cast(pa.string())
    records = _replaced(records, ref, pa.array(mask), spelling)
    again = row_hash.of_records(schema, records.take(pa.array(at)))
    records = _replaced(records, "row_hash", pa.array(mask), again)
    sheets = records["source_sheet"].take(pa.array(at)).to_pylist()
    source_rows = records["source_row"].take(pa.array(at)).to_pylist()
    warnings = [
        Reject(sheet, row, "", ref, written, _reason(ref, written, held, file), RULE)
        for sheet, row, written, held, file in zip(
            sheets, source_rows, changed["written"].to_pylist(), spelling.to_pylist(),
            changed["source_file"].to_pylist(), strict=True)]
    return records, warnings


def _reason(ref: str, written: str, held: str, file: str | None) -> str:
    where = f"held from {file}" if file else "written so by an earlier row of this file"
    return (f"{ref} {written} is the reference {held} ({where}) written with other leading "
            f"zeros (a spreadsheet may drop them): read as {held}, one record")


def _may_need(column: pa.ChunkedArray) -> bool:
    """Whether any value is all digits: only those are read again."""
    for chunk in column.chunks:
        values = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
        if pc.any(pc.match_substring_regex(values, f"^{_DIGITS}$")).as_py():
            return True
    return False


def _replaced(records: pa.Table, name: str, mask: pa.Array, values: pa.Array) -> pa.Table:
    """`records` with column `name`'s values where `mask` is true replaced by `values`, in order."""
    column = records[name].cast(pa.string()).combine_chunks()
    at = records.schema.get_field_index(name)
    return records.set_column(at, name, pc.replace_with_mask(column, mask, values))
