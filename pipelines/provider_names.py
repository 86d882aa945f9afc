"""One provider, however an export capitalises or spaces its name. "Northshire Community Health
NHS Trust" in September's return and "NORTHSHIRE COMMUNITY HEALTH NHS TRUST" in October's name
one organisation: as two, a waiting list keyed by provider would count the trust twice and the
later export would correct none of the earlier one's months. Names compare without case or
extra spaces, as local authority and service spellings are read as one; the name keeps the
spelling first stored, else that of the first row of the file to write it.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import row_hash
from pipelines.carried import replaced
from pipelines.schemas import Schema

COLUMN = "provider"


def compared(name: str) -> str:
    """A provider's name as it compares: without case, and its spaces single."""
    return " ".join(name.split()).casefold()


def respell(con: duckdb.DuckDBPyConnection, schema: Schema, tables: list[pa.Table]
            ) -> list[pa.Table]:
    """Inside the load's transaction, before anything is staged: a dataset's records from each
    sheet of a file, with each provider written in the spelling its table holds (the first
    stored), else in that of the first row of the file to write it, and the row hashes of the
    rows changed made again. A spelling held as written is kept (a database may hold two
    spellings of one provider from before they were read as one)."""
    if not any(c.name == COLUMN and c.kind == "text" for c in schema.columns):
        return tables
    spelling = _spellings(con, schema, _written(tables))
    if not spelling:
        return tables
    olds, news = pa.array(list(spelling)), pa.array(list(spelling.values()))
    out = []
    for table in tables:
        column = table[COLUMN].cast(pa.string()).combine_chunks()
        at = pc.index_in(column, value_set=olds)
        mask = pc.is_valid(at).to_numpy(zero_copy_only=False)
        if mask.any():
            table = replaced(table, COLUMN, mask, news.take(at.filter(pa.array(mask))))
            table = replaced(table, "row_hash", mask,
                             row_hash.of_records(schema, table.filter(pa.array(mask))))
        out.append(table)
    return out


def _written(tables: list[pa.Table]) -> list[str]:
    """The file's provider names, each once, in the order its rows first write them."""
    seen: dict[str, None] = {}
    for table in tables:
        for name in pc.unique(table[COLUMN].cast(pa.string())).to_pylist():
            if name:
                seen.setdefault(name)
    return list(seen)


def _spellings(con: duckdb.DuckDBPyConnection, schema: Schema, written: list[str]
               ) -> dict[str, str]:
    """{name as written: the spelling it is read as}, for each name read otherwise."""
    if not written:
        return {}
    # Each spelling held, first stored first (a dataset holds few providers).
    held = [r[0] for r in con.execute(f"""
        SELECT {COLUMN} FROM {schema.table} WHERE {COLUMN} <> ''
        GROUP BY ALL ORDER BY min(load_id * 4294967296 + source_row)""").fetchall()]
    chosen: dict[str, str] = {}
    for name in [*held, *written]:
        chosen.setdefault(compared(name), name)
    kept = set(held)
    return {w: chosen[compared(w)] for w in written
            if w not in kept and chosen[compared(w)] != w}
