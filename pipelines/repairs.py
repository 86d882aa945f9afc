"""Data an earlier version left wrong, put right once per database: each repair runs as the
schema is brought up to date (`db.ensure_schema`, inside the writer and its transaction) and is
recorded in `meta`, so it never runs again (a new database records each at once, with nothing
to put right).
"""

from __future__ import annotations

import duckdb

# A repair's key in `meta` is DONE + its name, its value "done" (not a time, so two databases
# built alike hold the same rows).
DONE = "repaired:"
REPAIRS: dict[str, str] = {
    # Before rollback forgot a load's rows per LA (`rollback`), a rolled-back load kept them:
    # the history of loads still said "Outside the area" of it.
    "load_las_of_rolled_back_loads":
        "DELETE FROM load_las WHERE load_id IN "
        "(SELECT load_id FROM loads WHERE status = 'rolled back')",
}


def pending(meta: dict[str, str]) -> list[str]:
    """The repairs not yet recorded in `meta` (the table's rows as a dict)."""
    return [name for name in REPAIRS if DONE + name not in meta]


def run(con: duckdb.DuckDBPyConnection) -> None:
    """Run the repairs pending, each once, in the caller's transaction (the tables exist)."""
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    for name in pending(meta):
        con.execute(REPAIRS[name])
        con.execute("INSERT INTO meta VALUES (?, 'done')", [DONE + name])
