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
