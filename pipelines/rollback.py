"""Undo a whole load by its id: what it added goes, what it changed comes back from history.

Only a load whose records no later load has changed, or held again as they were, can be undone
(roll back the later one first), so the database never holds a mixture, nor loses a record a
standing load holds. The load stays in the log, marked rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines import known_rows
from pipelines.db import one, table_columns, transaction, writing
from pipelines.formats import sen2_tables
from pipelines.schemas import SCHEMAS


class RollbackRefused(Exception):
    """The load cannot be undone as things stand; the message says why."""


@dataclass
class RollbackResult:
    load_id: int
    file: str
    removed: int  # records the load added
    restored: int  # records it changed, back to their earlier version


def rollback(db: Path, load_id: int) -> RollbackResult:
    with writing(db) as con:
        row = one(con, "SELECT file_name, status FROM loads WHERE load_id = ?", [load_id])
        if row is None:
            raise RollbackRefused(f"there is no load {load_id}")
        file_name, status = row
        if status != "loaded":
            raise RollbackRefused(f"load {load_id} ({file_name}) is already {status}")
        for schema in SCHEMAS.values():
            later = one(con, f"SELECT min(superseded_by_load) FROM {schema.table}_history h "
                        "JOIN loads l ON l.load_id = h.superseded_by_load "
                        "WHERE h.load_id = ? AND l.status = 'loaded'", [load_id])[0]
            if later is not None:
                raise RollbackRefused(f"load {later} later changed records that load {load_id} "
                                      f"wrote ({schema.table}); roll back load {later} first")
        held = one(con, "SELECT r.load_id, l.file_name, sum(r.records) FROM load_restated r "
                   "JOIN loads l USING (load_id) WHERE r.of_load = ? AND l.status = 'loaded' "
                   "GROUP BY ALL ORDER BY r.load_id DESC LIMIT 1", [load_id])
        if held is not None:
            them = "them" if held[2] != 1 else "it"
            raise RollbackRefused(
                f"load {held[0]} ({held[1]}) holds {held[2]:,} record{'s' * (held[2] != 1)} as "
                f"load {load_id} wrote {them} (unchanged, or an older version kept as stale): "
                f"undoing load {load_id} alone would remove {them} though load {held[0]} still "
                f"holds {them}; roll back load {held[0]} first, then load {load_id}, then load "
                f"{held[1]} again")
        with transaction(con):
            removed = restored = 0
            for schema in SCHEMAS.values():
                t = schema.table
                cols = ", ".join(c for c, _ in table_columns(schema))
                restored_here = one(con, f"SELECT count(*) FROM {t}_history "
                                    "WHERE superseded_by_load = ?", [load_id])[0]
                written = one(con, f"SELECT count(*) FROM {t} WHERE load_id = ?", [load_id])[0]
                con.execute(f"DELETE FROM {t} WHERE load_id = ?", [load_id])
                con.execute(f"INSERT INTO {t} ({cols}) SELECT {cols} FROM {t}_history "
                            "WHERE superseded_by_load = ?", [load_id])
                con.execute(f"DELETE FROM {t}_history WHERE superseded_by_load = ?", [load_id])
                # An older extract's versions, and earlier months' versions, this load kept out
                # of the live table go with it.
                con.execute(f"DELETE FROM {t}_history WHERE load_id = ? "
                            "AND history_note IN ('stale', 'superseded')", [load_id])
                restored += restored_here
                removed += written - restored_here
            con.execute("DELETE FROM rejects WHERE load_id = ?", [load_id])
            sen2_tables.forget(con, load_id)
            con.execute("DELETE FROM row_warnings WHERE load_id = ?", [load_id])
            # Its rows per LA go too: the load history's "Outside the area" and the area's
            # default as-of date (`area`) then read as if the load never happened.
            con.execute("DELETE FROM load_las WHERE load_id = ?", [load_id])
            con.execute("DELETE FROM load_restated WHERE ? IN (load_id, of_load)", [load_id])
            known_rows.forget(con, load_id)
            con.execute("UPDATE loads SET status = 'rolled back' WHERE load_id = ?", [load_id])
    return RollbackResult(load_id, file_name, removed, restored)
