"""A record replaced by a row that names another organisation under the same reference: most
often two providers who number their requests alike (each log starting at 1), whose different
requests then share a key, and the later load silently stands in for the earlier one's. The
row still loads (a provider renamed, or a record corrected, looks the same), with a warning
naming both organisations, so the DCO can tell which it is."""

from __future__ import annotations

import duckdb

from pipelines.schemas import Schema
from pipelines.validate import Reject

OWNER = "provider"  # the column that says whose record it is, where a dataset has one
RULE = "reference_reused"


def warnings(con: duckdb.DuckDBPyConnection, schema: Schema) -> list[Reject]:
    """Inside `load._upsert`, before the changed records are replaced: a warning for each staged
    row that replaces a record whose `OWNER` is another (both given, compared as written)."""
    staged = {d[0] for d in con.execute("SELECT * FROM staged LIMIT 0").description}
    if OWNER not in staged or not any(c.name == OWNER for c in schema.columns):
        return []
    on = " AND ".join(f"t.{k} = s.{k}" for k in schema.key)
    matched = " AND ".join(f"m.{k} = s.{k}" for k in schema.key)
    rows = con.execute(f"""
        SELECT s.source_sheet, s.source_row, s.{schema.record_id}, t.{OWNER}, s.{OWNER},
               t.source_file
        FROM staged s JOIN {schema.table} t ON {on} JOIN matched m ON {matched}
        WHERE s.fate = 'load' AND NOT m.same AND NOT m.newer_held
          AND lower(trim(t.{OWNER})) <> lower(trim(s.{OWNER}))
        ORDER BY s.source_sheet, s.source_row""").fetchall()
    return [Reject(sheet, row, "", schema.record_id, str(ref),
                   f"replaces {ref} loaded from {file} for {held}, but names {given}: if these "
                   "are two organisations' different requests under one reference, the earlier "
                   "one is now in history only (ask one of them to prefix its references)",
                   RULE)
            for sheet, row, ref, held, given, file in rows]


# A dataset whose key holds a date besides the reference (a budget's start: one reference may
# have several budgets, one after another): a new row of a reference whose earlier record is
# still open when it starts, and which the file no longer lists, is most often the same record
# with its date corrected, which would then count twice.
DATED_KEYS = {"phb": ("start_date", "end_date")}
MOVED = "reference_date_moved"


def moved_dates(con: duckdb.DuckDBPyConnection, schema: Schema) -> list[Reject]:
    """Inside `load._upsert`: a warning for each new staged record of a reference the table
    holds under another date, still open at the new one's, that this file does not list."""
    if schema.kind not in DATED_KEYS:
        return []
    start, end = DATED_KEYS[schema.kind]
    ref, t = schema.record_id, schema.table
    same = " AND ".join(f"{{0}}.{k} = {{1}}.{k}" for k in schema.key if k != start)
    rows = con.execute(f"""
        SELECT s.source_sheet, s.source_row, s.{ref}, s.{start}, t.{start}, t.load_id, t.source_file
        FROM staged s JOIN {t} t ON {same.format("t", "s")} AND t.{start} <> s.{start}
        WHERE s.fate = 'load' AND (t.{end} IS NULL OR t.{end} >= s.{start})
          AND NOT EXISTS (SELECT 1 FROM {t} n WHERE {same.format("n", "s")} AND n.{start} = s.{start})
          AND NOT EXISTS (SELECT 1 FROM staged o WHERE {same.format("o", "t")} AND o.{start} = t.{start})
        ORDER BY s.source_sheet, s.source_row""").fetchall()
    return [Reject(sheet, row, "", ref, str(held_ref),
                   f"{held_ref} starts {new:%d/%m/%Y} here, but {held_ref} starting {old:%d/%m/%Y} "
                   f"(load {load}, {file}) is open then and this file does not list it: both now "
                   f"count; if its start date was corrected, roll back load {load} (the command "
                   "names any later load to roll back first) and load this file again; if both "
                   "are budgets, give the earlier its end date", MOVED)
            for sheet, row, held_ref, new, old, load, file in rows]
