"""The DCO's area: the local authorities settings.toml lists. Each load keeps how many rows it
loaded per LA (`load_las`), so a file of another LA is told apart: it loads (a neighbour may be
added on purpose) and is said to lie outside the area, and the area's default as-of date is
worked out from the loads that hold the area's rows (`loads_of_the_area`), never moved by it.
Its rows count only where its LA is chosen (`metrics.la_in`). With no local authorities listed,
every load is the area's, as before.
"""

from __future__ import annotations

import duckdb

from pipelines.config import load_settings
from pipelines.published import has_table, sql_literal
from pipelines.schemas import Schema


def has_la(schema: Schema) -> bool:
    """Whether the dataset's records name a local authority."""
    return any(c.name == "local_authority" for c in schema.columns)


def count_staged(con: duckdb.DuckDBPyConnection, schema: Schema, counts: dict[str, int]) -> None:
    """Add the staged records to load (`staging.stage`) per local authority to `counts` (a
    dataset without an LA adds none, nor an area-wide row, whose LA is blank: '')."""
    if not has_la(schema):
        return
    for la, n in con.execute("SELECT local_authority, count(*) FROM staged WHERE fate = 'load' "
                             "GROUP BY ALL").fetchall():
        if la:
            counts[la] = counts.get(la, 0) + n


def keep(con: duckdb.DuckDBPyConnection, load_id: int, counts: dict[str, int]) -> None:
    """Record a load's rows per LA, in its transaction."""
    rows = [(load_id, la, n) for la, n in sorted(counts.items()) if la]
    if rows:
        con.executemany("INSERT INTO load_las VALUES (?, ?, ?)", rows)


def outside(counts: dict[str, int]) -> dict[str, int]:
    """The LAs of `counts` that are not the area's, with their rows (none when no area is set)."""
    area = set(load_settings().area_las)
    return {la: n for la, n in counts.items() if area and la and la not in area}


def notice(file: str, outside_rows: dict[str, int]) -> str:
    """What a load says, once per file, of its rows outside the area ('' if none)."""
    if not outside_rows:
        return ""
    parts = [f"{n:,} row{'s' * (n != 1)} for {la}" for la, n in sorted(outside_rows.items())]
    rows = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    chosen = next(iter(outside_rows)) if len(outside_rows) == 1 else "its LA"
    return (f"{file}: {rows}, outside the area ({', '.join(load_settings().area_las)} in "
            f"settings.toml): loaded, and shown only where {chosen} is chosen in the filters "
            "(the area's figures leave them out; roll the load back if it was a mistake); the "
            "area's default as-of date is set by the area's own extracts only")


def _names(las: list[str]) -> str:
    return ", ".join(map(sql_literal, las))


def loads_of_the_area(con: duckdb.DuckDBPyConnection) -> str:
    """A condition on `loads` that keeps the loads speaking for the area: every load but one
    whose rows all name LAs outside it (a load of no LA's rows, a waiting-times return, is the
    area's). While no standing load holds the area's rows, and where no area is set, every load."""
    area = load_settings().area_las
    if not area or not has_table(con, "load_las"):
        return "TRUE"
    of_the_area = (f"load_id NOT IN (SELECT load_id FROM load_las GROUP BY load_id "
                   f"HAVING NOT bool_or(local_authority IN ({_names(area)})))")
    held = con.execute(f"SELECT count(*) FROM loads WHERE status = 'loaded' AND {of_the_area} "
                       "AND load_id IN (SELECT load_id FROM load_las)").fetchall()[0][0]
    return of_the_area if held else "TRUE"


def outside_by_load(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Load id -> its rows outside the area, as the load history shows them ("Leeds (3 rows)")."""
    area = load_settings().area_las
    if not area or not has_table(con, "load_las"):
        return {}
    found: dict[int, list[str]] = {}
    for load_id, la, n in con.execute(
            f"SELECT load_id, local_authority, rows FROM load_las WHERE local_authority NOT IN "
            f"({_names(area)}) ORDER BY load_id, local_authority").fetchall():
        found.setdefault(load_id, []).append(f"{la} ({n:,} row{'s' * (n != 1)})")
    return {load_id: "; ".join(parts) for load_id, parts in found.items()}
