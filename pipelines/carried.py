"""The columns a sheet carries, and the stored values of those it does not. One dataset may come
from several trackers, each with some of its columns (the ICB's appeals log has the health
recommendation's dates, the LA's the appeal's type): a record a sheet updates takes every column
no header of the sheet maps (nor a value given for it) from the version it replaces, so one
tracker never blanks what another holds. A column the sheet has but leaves blank is a blank.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import row_hash
from pipelines.headers import HeaderMatch, sheet_values
from pipelines.schemas import EXCEPTION_KINDS, Schema

# `--la` says whose file it is: it fills the blank cells of the file's own LA column too (a row
# naming another LA is rejected: `rules.not_the_la_given`).
_FILLS_BLANKS = frozenset({"local_authority"})
# The personal columns a child's pseudonym is made from (`validate._people`).
_PERSON = frozenset({"nhs_number", "upn", "uln", "name", "forename", "surname", "date_of_birth"})


def given_values(path: Path, sheet: str, rows: list, match: HeaderMatch,
                 fixed: dict[str, str]) -> dict[str, str]:
    """Values for whole columns the sheet lacks: what its name, titles or the file's name say
    (an Annex A list's kind), and what the user gave (`ingest --la`, `--source`, `--provider`).
    A column the sheet has wins over a value given, but for the LA (`_FILLS_BLANKS`)."""
    given = sheet_values(match, rows, sheet, path.name)
    names = {c.name for c in match.schema.columns}
    for column, value in fixed.items():
        if column in names and (column not in match.columns or column in _FILLS_BLANKS):
            given[column] = value
    return given


def columns_carried(match: HeaderMatch, given: dict[str, str]) -> frozenset[str]:
    """The stored columns a sheet gives a value for (`Schema.stored_columns`): those its header
    maps or a value given fills, with what each one makes (a delay reason's text as recorded, a
    count's symbol, the child's pseudonym and year of birth), the key and what the load derives."""
    schema = match.schema
    named = set(match.columns) | set(given)
    out = {*schema.key, *(name for name, _, _ in schema.derived)}
    for col in schema.columns:
        if col.name not in named:
            continue
        if col.personal:
            out |= {"person_id"} if col.name in _PERSON else set()
            out |= {"birth_year"} if col.name == "date_of_birth" else set()
            continue
        out.add(col.name)
        if col.kind in EXCEPTION_KINDS:
            out.add(f"{col.name}_recorded")
        if col.suppressible:
            out.add(f"{col.name}_symbol")
    return frozenset(out)


def keep_uncarried(con: duckdb.DuckDBPyConnection, schema: Schema, records: pa.Table,
                   carried: dict[str, frozenset[str]]) -> pa.Table:
    """Inside the load's transaction, before anything is staged: `records` (one dataset's, with
    their key made) whose key the live table holds, with every column their sheet does not carry
    (`carried`: sheet -> its columns; a sheet not named carries them all) taken from the live
    record, and their row hashes made again. A file that carries every column is returned as it
    is, so its row hashes are those it always had."""
    stored = [name for name, _ in schema.stored_columns]
    lacking: dict[tuple[str, ...], list[str]] = {}  # the columns lacked -> the sheets lacking them
    for sheet in pc.unique(records["source_sheet"]).to_pylist():
        lacks = tuple(c for c in stored if sheet in carried and c not in carried[sheet])
        if lacks:
            lacking.setdefault(lacks, []).append(sheet)
    if not lacking or not len(records):
        return records
    changed = np.zeros(len(records), dtype=bool)
    on = " AND ".join(f"k.{k} = t.{k}" for k in schema.key)
    for lacks, sheets in lacking.items():
        mine = pc.is_in(records["source_sheet"], value_set=pa.array(sheets, pa.string()))
        at = np.flatnonzero(mine.to_numpy(zero_copy_only=False))
        con.register("uncarried_keys", records.select(list(schema.key)).take(pa.array(at))
                     .append_column("pos", pa.array(at, pa.int64())))
        found = con.sql(f"SELECT k.pos, {', '.join(f't.{c}' for c in lacks)} FROM uncarried_keys k "
                        f"JOIN {schema.table} t ON {on} ORDER BY k.pos").to_arrow_table()
        con.unregister("uncarried_keys")
        if not len(found):
            continue
        held = np.zeros(len(records), dtype=bool)
        held[found["pos"].to_numpy()] = True
        for column in lacks:
            records = replaced(records, column, held, found[column])
        changed |= held
    if changed.any():
        again = row_hash.of_records(schema, records.filter(pa.array(changed)))
        records = replaced(records, "row_hash", changed, again)
    return records


def replaced(records: pa.Table, name: str, mask: np.ndarray, values: pa.ChunkedArray | pa.Array
             ) -> pa.Table:
    """`records` with column `name`'s values where `mask` is true replaced by `values`, in order."""
    column = records[name]
    kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    new = pc.replace_with_mask(column.cast(kind).combine_chunks(), pa.array(mask),
                               values.cast(kind))
    if kind != column.type:  # as it came, so that the sheets' tables still concatenate
        new = new.dictionary_encode().cast(column.type)
    return records.set_column(records.schema.get_field_index(name), name, new)
