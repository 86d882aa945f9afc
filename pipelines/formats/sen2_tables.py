"""What a SEN2 return holds beyond its `ehcp` rows: the header's DMO and DCO flags per LA and
collection year (`sen2_header_flags`), and per request the child's sex and ethnicity and the
mediation and tribunal flags (`sen2_requests`, joined to `ehcp` on local_authority, case_id).

Kept apart from the DfE's published `sen2_dmo_dco.csv` (the benchmark tables): these are what
the LA's own return said. DATA PROTECTION: no name, UPN, ULN or postcode is stored here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import duckdb

from pipelines.published import has_table

if TYPE_CHECKING:  # the database's schema (`db`) needs only the DDL, not the SEN2 reader
    from pipelines.formats.sen2 import Sen2Return

FLAG_MEANINGS = {"Y": "in post", "N": "not in post", "R": "role covered by another post"}

DDL = (
    """CREATE TABLE IF NOT EXISTS sen2_header_flags (
        local_authority VARCHAR, collection_year INTEGER, dmo VARCHAR, dco VARCHAR,
        source_file VARCHAR, load_id INTEGER, loaded_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS sen2_requests (
        local_authority VARCHAR, case_id VARCHAR, person_id VARCHAR, collection_year INTEGER,
        sex VARCHAR, ethnicity VARCHAR, request_mediation BOOLEAN, request_tribunal BOOLEAN,
        assessment_mediation BOOLEAN, assessment_tribunal BOOLEAN, load_id INTEGER)""",
)


def _flag(value: str | None) -> bool | None:
    if value is None:
        return None
    return {"true": True, "1": True, "y": True, "false": False, "0": False, "n": False}.get(
        value.strip().lower())


def store(con: duckdb.DuckDBPyConnection, ret: Sen2Return, kept: list[dict[str, Any]],
          year: int, load_id: int, now: dt.datetime) -> None:
    """Write the return's flags and per-request items, replacing what an earlier load of the
    same LA and year (flags) or the same request (items) wrote. Runs in the load's transaction."""
    las = sorted({k["local_authority"] for k in kept if k["local_authority"]})
    if ret.dmo is not None or ret.dco is not None:
        for la in las:
            con.execute("DELETE FROM sen2_header_flags WHERE local_authority = ? "
                        "AND collection_year = ?", [la, year])
            con.execute("INSERT INTO sen2_header_flags VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [la, year, (ret.dmo or "").upper() or None, (ret.dco or "").upper() or None,
                         ret.file, load_id, now])
    rows = [(k["local_authority"], k["case_id"], k["person_id"], year, k["sex"], k["ethnicity"],
             _flag(k["requestmediation"]), _flag(k["requesttribunal"]),
             _flag(k["assessmentmediation"]), _flag(k["assessmenttribunal"]), load_id)
            for k in kept if k["case_id"] and k["local_authority"]]
    if rows:
        con.executemany("DELETE FROM sen2_requests WHERE local_authority = ? AND case_id = ?",
                        [r[:2] for r in rows])
        con.executemany("INSERT INTO sen2_requests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def forget(con: duckdb.DuckDBPyConnection, load_id: int) -> None:
    """A rolled-back load's flags and items go (those an earlier return wrote and this one
    replaced are not brought back: load that return again)."""
    con.execute("DELETE FROM sen2_header_flags WHERE load_id = ?", [load_id])
    con.execute("DELETE FROM sen2_requests WHERE load_id = ?", [load_id])


def header_flags(con: duckdb.DuckDBPyConnection, las: tuple[str, ...] = ()) -> list[dict]:
    """The DMO/DCO flags each LA's return gave, latest year first; every LA held when `las` is
    empty."""
    if not _exists(con):
        return []
    where = f"WHERE local_authority IN ({', '.join('?' * len(las))})" if las else ""
    rows = con.execute(f"SELECT local_authority, collection_year, dmo, dco FROM sen2_header_flags "
                       f"{where} ORDER BY local_authority, collection_year DESC", list(las)).fetchall()
    return [{"local_authority": la, "collection_year": year, "dmo": dmo, "dco": dco,
             "dmo_in_post": FLAG_MEANINGS.get(dmo or ""), "dco_in_post": FLAG_MEANINGS.get(dco or "")}
            for la, year, dmo, dco in rows]


def _exists(con: duckdb.DuckDBPyConnection) -> bool:
    return has_table(con, "sen2_header_flags")
