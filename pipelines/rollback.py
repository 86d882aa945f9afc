"""Undo a whole load by its id: what it added goes, what it changed comes back from history.

Only a load whose records no later load has changed, or held again as they were, can be undone
(roll back the later one first), so the database never holds a mixture, nor loses a record a
standing load holds. The load stays in the log, marked rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

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
        if blocking := _blockers(con, load_id):
            raise RollbackRefused(_order(load_id, blocking))
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


def _held_by(con: duckdb.DuckDBPyConnection, load_id: int) -> dict[int, set[str]]:
    """The standing loads that changed records `load_id` wrote, or hold them again as it wrote
    them (unchanged, or an older version kept as stale), each with the tables concerned."""
    found: dict[int, set[str]] = {}
    for schema in SCHEMAS.values():
        for (later,) in con.execute(
                f"SELECT DISTINCT h.superseded_by_load FROM {schema.table}_history h JOIN loads l "
                "ON l.load_id = h.superseded_by_load WHERE h.load_id = ? AND l.status = 'loaded'",
                [load_id]).fetchall():
            found.setdefault(later, set()).add(schema.table)
    for later, kind in con.execute(
            "SELECT DISTINCT r.load_id, r.kind FROM load_restated r JOIN loads l USING (load_id) "
            "WHERE r.of_load = ? AND l.status = 'loaded' AND r.load_id <> ?",
            [load_id, load_id]).fetchall():
        found.setdefault(later, set()).add(SCHEMAS[kind].table if kind in SCHEMAS else kind)
    return found


def _blockers(con: duckdb.DuckDBPyConnection, load_id: int) -> dict[int, tuple[str, set[str]]]:
    """Every standing load that must be rolled back before `load_id` can be, with its file and
    the tables it holds of the loads it blocks: those that changed or hold again what it wrote,
    and theirs in turn."""
    found: dict[int, tuple[str, set[str]]] = {}
    todo = [load_id]
    while todo:
        for later, tables in _held_by(con, todo.pop()).items():
            if later not in found:
                todo.append(later)
                found[later] = (one(con, "SELECT file_name FROM loads WHERE load_id = ?",
                                    [later])[0], set())
            found[later][1].update(tables)
    return found


def _order(load_id: int, blocking: dict[int, tuple[str, set[str]]]) -> str:
    """What to do instead, in order: the blocking loads newest first, then this one, then their
    files loaded again (what they held comes back without this load's)."""
    ids = sorted(blocking, reverse=True)
    tables = sorted(set().union(*(t for _, t in blocking.values())))
    loads = ", ".join(f"load {i} ({blocking[i][0]})" for i in ids)
    files = " and ".join(dict.fromkeys(blocking[i][0] for i in sorted(blocking)))
    one_load = len(ids) == 1
    return (f"{loads} changed or hold{'s' * one_load} again records that load {load_id} wrote "
            f"({', '.join(tables)}): undone alone, load {load_id} would take back what "
            f"{'it' if one_load else 'they'} still hold{'s' * one_load}; roll back "
            + ", then ".join(f"load {i}" for i in ids) + f", then load {load_id}, then load "
            f"{files} again")
