"""Load one export into DuckDB in a single transaction: records, history, rejects and the load log.

Re-loading a file already loaded changes nothing. A record seen again with new values replaces
the old one, which moves to `<dataset>_history`. Counts reconcile for every file:
rows read = loaded + duplicates + rejected + blank + notes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from pipelines.db import one, reader, table_columns, transaction, writing
from pipelines.headers import find_header
from pipelines.limits import Limits
from pipelines.pseudonym import (
    PseudonymKeyError,
    claim_key,
    fingerprint,
    fingerprint_in,
    load_key,
    wrong_key,
)
from pipelines.readers import FileError, read_file
from pipelines.schemas import SCHEMAS, Schema
from pipelines.validate import Reject, SheetOutcome, validate_body

# DuckDB would take up to 80% of the machine's memory for a load, on top of the records Python
# holds; capped, it spills to disk instead, which keeps a national export's load under 2 GB. A
# load that cannot fit is written again uncapped, so no file that loaded before fails now.
LOAD_MEMORY_LIMIT = "600MB"


@dataclass
class FileResult:
    file: str
    status: str = "loaded"  # loaded | unchanged (already loaded) | failed
    load_id: int | None = None
    error: str | None = None
    kinds: list[str] = field(default_factory=list)
    rows_read: int = 0
    loaded: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    blank: int = 0
    notes: int = 0
    sheets: list[dict] = field(default_factory=list)
    skipped_sheets: list[dict] = field(default_factory=list)  # hidden, or no recognisable header
    warnings: list[str] = field(default_factory=list)  # what reading changed (stray bytes, controls)
    rejects: list[Reject] = field(default_factory=list)

    def reconciles(self) -> bool:
        return self.rows_read == (self.loaded + self.duplicates + self.rejected + self.blank
                                  + self.notes)

    def summary(self) -> dict:
        keys = ("file", "status", "load_id", "error", "kinds", "rows_read", "loaded", "inserted",
                "updated", "unchanged", "duplicates", "rejected", "blank", "notes", "sheets",
                "skipped_sheets", "warnings")
        return {k: getattr(self, k) for k in keys}


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _prepare(path: Path, kind: str | None, as_of: dt.date, key: bytes, limits: Limits | None,
             warnings: list[str]) -> tuple[list[SheetOutcome], list[dict]]:
    """Read and validate every sheet; raise FileError for a file that cannot load at all.
    Hidden sheets (lookups, old copies) and sheets with no recognisable header are skipped and
    listed, so the user sees they were passed over. Sheets are read one at a time, and each
    one's cells are let go once it is validated."""
    outcomes = []
    skipped = []
    for sheet in read_file(path, limits):
        warnings += sheet.warnings
        if sheet.hidden:
            skipped.append({"sheet": sheet.name, "reason": "hidden sheet"})
            continue
        match = find_header(sheet.rows, kind)
        if (match is None or match.missing) and not sheet.complete:
            # A file that cannot be read says so before its header is judged, as when every
            # row was read up front.
            sheet.body(0 if match is None else match.row_index + 1)
        if match is None:
            if any(any(not _blank(c) for c in row) for row in sheet.rows) or not sheet.complete:
                skipped.append({"sheet": sheet.name, "reason": "no recognisable header row"})
            continue
        if match.missing:
            where = f"sheet '{sheet.name}', row {match.row_index + 1}"
            raise FileError(f"{path.name}: {where}: the header looks like {match.schema.kind} "
                            f"but lacks required column(s) {', '.join(match.missing)}")
        columns, rows = sheet.body(match.row_index + 1)
        sheet.release()  # the cells live on in `columns` only, freed once validated
        outcomes.append(validate_body(sheet.name, columns, rows, match, as_of, key))
        del columns
    if not outcomes:
        wanted = f"a {kind} header" if kind else "a header naming the columns of a known dataset"
        raise FileError(f"{path.name}: no recognisable header row in any sheet (looked for "
                        f"{wanted}, e.g. case ID, local authority, request date)")
    return outcomes, skipped


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _stage(con: duckdb.DuckDBPyConnection, schema: Schema, records: pa.Table
           ) -> tuple[list[Reject], dict[tuple[str, str], int]]:
    """Stage a file's records of one dataset as the view `staged`, each with its fate: 'load',
    'duplicate' (an exact repeat of an earlier row of this file) or 'conflict' (one key written
    two different ways in this file: every row of that key is rejected, as no version can be
    trusted). A view, not a table: DuckDB reads the Arrow records where they are rather than
    copying them first. `_upsert` lets it all go. Returns the rejects and {(sheet, fate): rows}."""
    key = ", ".join(schema.key)
    on = " AND ".join(f"i.{k} = r.{k}" for k in schema.key)
    con.register("incoming", records)
    # Repeated keys are few (none in most files): found first, so that only their rows are
    # looked at again. Of one key's versions, `first` is the row read first.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE repeated AS
        SELECT {key}, row_hash, min(ord) AS first, count(*) OVER (PARTITION BY {key}) > 1 AS clash
        FROM incoming i SEMI JOIN (SELECT {key} FROM incoming GROUP BY ALL HAVING count(*) > 1) r
            ON {on}
        GROUP BY {key}, row_hash""")
    select = ", ".join(f"CAST(i.{c} AS {sql}) AS {c}" for c, sql in table_columns(schema)
                       if c in records.column_names)
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW staged AS
        SELECT {select}, CASE WHEN r.clash THEN 'conflict' WHEN r.first <> i.ord THEN 'duplicate'
                              ELSE 'load' END AS fate, i.ord
        FROM incoming i LEFT JOIN repeated r ON {on} AND i.row_hash = r.row_hash""")
    if not one(con, "SELECT count(*) FROM repeated")[0]:  # every row loads
        sheets = records.group_by("source_sheet").aggregate([("source_sheet", "count")])
        return [], dict(zip([(sheet, "load") for sheet in sheets["source_sheet"].to_pylist()],
                            sheets["source_sheet_count"].to_pylist(), strict=True))
    fates = {(sheet, fate): n for sheet, fate, n in con.execute(
        "SELECT source_sheet, fate, count(*) FROM staged GROUP BY ALL").fetchall()}
    clashing: dict[tuple, list[tuple]] = {}
    for *key_values, sheet, row, row_hash in con.execute(
            f"SELECT {key}, source_sheet, source_row, row_hash FROM staged "
            "WHERE fate = 'conflict' ORDER BY ord").fetchall():
        clashing.setdefault(tuple(key_values), []).append((sheet, row, row_hash))
    rejects = []
    for key_values, rows in clashing.items():
        label = "/".join(str(v) for v in key_values)
        versions = len({row_hash for _, _, row_hash in rows})
        where = ", ".join(f"{sheet} row {row}" for sheet, row, _ in rows)
        rejects += [Reject(sheet, row, "", schema.record_id, label,
                           f"conflict: {versions} different versions of {label} in this file "
                           f"({where})", "conflict") for sheet, row, _ in rows]
    return rejects, fates


def _upsert(con: duckdb.DuckDBPyConnection, schema: Schema, load_id: int, file_name: str,
            now: dt.datetime) -> tuple[int, int, int]:
    """Insert the staged records to load, replace changed ones (keeping the old in history);
    (new, changed, same)."""
    t = schema.table
    cols = [c for c, _ in table_columns(schema)]
    on = " AND ".join(f"t.{k} = s.{k}" for k in schema.key)
    # One join tells which staged records the table holds already, and whether unchanged.
    keys = ", ".join(f"s.{k}" for k in schema.key)
    con.execute(f"CREATE OR REPLACE TEMP TABLE matched AS SELECT {keys}, "
                f"t.row_hash = s.row_hash AS same FROM staged s JOIN {t} t ON {on} "
                "WHERE s.fate = 'load'")
    same, changed = one(con, "SELECT count(*) FILTER (WHERE same), "
                             "count(*) FILTER (WHERE NOT same) FROM matched")
    col_list = ", ".join(cols)
    t_cols = ", ".join(f"t.{c}" for c in cols)
    if changed:
        con.execute(f"INSERT INTO {t}_history SELECT {t_cols}, ?, ? FROM {t} t "
                    f"JOIN matched s ON {on} WHERE NOT s.same", [load_id, now])
        con.execute(f"DELETE FROM {t} t USING matched s WHERE {on} AND NOT s.same")
    unchanged = f" AND NOT EXISTS (SELECT 1 FROM matched t WHERE {on} AND t.same)" if same else ""
    given = {"load_id": "$load_id", "source_file": "$file", "loaded_at": "$now"}
    select = ", ".join(f"CAST({given[c]} AS {sql})" if c in given else f"s.{c}"
                       for c, sql in table_columns(schema))
    inserted = one(con, f"INSERT INTO {t} ({col_list}) SELECT {select} FROM staged s "
                        f"WHERE s.fate = 'load'{unchanged}",
                   {"load_id": load_id, "file": file_name, "now": now})[0]
    con.execute("DROP VIEW staged")
    con.execute("DROP TABLE repeated")
    con.execute("DROP TABLE matched")
    con.unregister("incoming")
    return inserted - changed, changed, same


BeforeCommit = Callable[[duckdb.DuckDBPyConnection, FileResult], None]


def ingest_file(db: Path, path: Path, kind: str | None = None,
                as_of: dt.date | None = None, before_commit: BeforeCommit | None = None,
                limits: Limits | None = None) -> FileResult:
    """Load one file. Never raises for a bad file: the result says what went wrong.
    `before_commit` sees the connection and the counted result inside the transaction (the
    audit log's "load started" entry and its head): if it raises, nothing is committed.
    `limits`: how big a sheet may be (default: settings.toml's)."""
    with collector_paused():
        return _ingest(db, path, kind, as_of, before_commit, limits)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a file loads. A workbook's cells are millions of
    objects alive for the whole load, and each full collection walks every one of them: a sixth
    of the time of reading a 500,000-row sheet. A load makes few reference cycles, and those are
    collected once it ends. (Process-wide: in the app, other sessions' runs skip collections
    for those seconds too.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ingest(db: Path, path: Path, kind: str | None, as_of: dt.date | None,
            before_commit: BeforeCommit | None, limits: Limits | None) -> FileResult:
    as_of = as_of or dt.date.today()
    result = FileResult(file=path.name)
    try:
        digest = file_hash(path)
    except OSError as exc:
        return FileResult(file=path.name, status="failed",
                          error=f"{path.name}: cannot be opened ({exc.strerror or exc})")
    # A file already loaded changes nothing: say so before spending time validating it again.
    held = None  # the fingerprint of the key the database's pseudonyms were made with
    if db.exists():
        with reader(db) as con:
            tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            earlier = one(con, "SELECT load_id FROM loads WHERE file_hash = ? AND status = 'loaded' "
                          "ORDER BY load_id LIMIT 1", [digest]) if "loads" in tables else None
            held = fingerprint_in(con)
        if earlier:
            result.status, result.load_id = "unchanged", earlier[0]
            return result
    try:
        key = load_key(db)
        if held is not None and held != fingerprint(key):  # said before the file is read
            raise PseudonymKeyError(wrong_key(fingerprint(key), held))
        outcomes, result.skipped_sheets = _prepare(path, kind, as_of, key, limits,
                                                    result.warnings)
    except FileError as exc:
        result.status, result.error = "failed", str(exc)
        return result
    except PseudonymKeyError as exc:
        result.status, result.error = "failed", f"{path.name}: not loaded: {exc}"
        return result

    with writing(db) as con:
        previous = one(con, "SELECT load_id FROM loads WHERE file_hash = ? AND status = 'loaded' "
                               "ORDER BY load_id LIMIT 1", [digest])
        if previous:
            result.status, result.load_id = "unchanged", previous[0]
            return result
        try:
            con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
            with transaction(con):
                _write(con, path, digest, as_of, outcomes, result)
                claim_key(con, key)
                if before_commit is not None:
                    before_commit(con, result)
        except duckdb.OutOfMemoryException:
            # Rolled back: write it again with all the memory DuckDB would take by default.
            _end_transaction(con)
            con.execute("RESET memory_limit")
            result = FileResult(file=path.name, skipped_sheets=result.skipped_sheets,
                                warnings=result.warnings)
            with transaction(con):
                _write(con, path, digest, as_of, outcomes, result)
                claim_key(con, key)
                if before_commit is not None:
                    before_commit(con, result)
    return result


def _end_transaction(con: duckdb.DuckDBPyConnection) -> None:
    """Make sure no transaction is left open (one that failed in COMMIT may be); if none is,
    `transaction` had rolled it back and DuckDB's complaint is ignored."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


def _write(con: duckdb.DuckDBPyConnection, path: Path, digest: str, as_of: dt.date,
           outcomes: list[SheetOutcome], result: FileResult) -> None:
    now = dt.datetime.now().replace(microsecond=0)
    load_id = one(con, "SELECT nextval('load_seq')")[0]
    result.load_id = load_id
    rejects: list[tuple[str, Reject]] = [(o.kind, r) for o in outcomes for r in o.rejects]
    fates: dict[tuple[str, str], int] = {}  # (sheet, fate) -> rows
    for kind in dict.fromkeys(o.kind for o in outcomes):
        schema = SCHEMAS[kind]
        tables = [o.records for o in outcomes if o.kind == kind]
        records = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
        del tables
        # The order rows were read in, so that of exact repeats the first is the one loaded.
        records = records.append_column("ord", pa.array(np.arange(len(records))))
        conflicts, counts = _stage(con, schema, records)
        del records
        rejects += [(kind, r) for r in conflicts]
        fates.update(counts)
        new, changed, same = _upsert(con, schema, load_id, path.name, now)
        result.inserted += new
        result.updated += changed
        result.unchanged += same
        result.kinds.append(kind)

    for o in outcomes:
        conflicted = fates.get((o.sheet, "conflict"), 0)
        sheet = {"sheet": o.sheet, "kind": o.kind, "header_row": o.header_row,
                 "rows_read": o.rows_read, "loaded": fates.get((o.sheet, "load"), 0),
                 "duplicates": fates.get((o.sheet, "duplicate"), 0),
                 "rejected": len({r.row for r in o.rejects}) + conflicted,
                 "blank": o.blank, "notes": o.notes}
        result.sheets.append(sheet)
        for k in ("rows_read", "loaded", "duplicates", "rejected", "blank", "notes"):
            setattr(result, k, getattr(result, k) + sheet[k])
        con.execute("INSERT INTO load_sheets VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    [load_id, o.sheet, o.kind, o.header_row, o.rows_read, sheet["loaded"],
                     sheet["duplicates"], sheet["rejected"], o.blank, o.notes, None])
    for skipped in result.skipped_sheets:
        con.execute("INSERT INTO load_sheets (load_id, sheet, note) VALUES (?, ?, ?)",
                    [load_id, skipped["sheet"], "skipped: " + skipped["reason"]])
    result.rejects = [r for _, r in rejects]
    if rejects:  # as one table: DuckDB runs `executemany` as a statement per row
        fields = ("sheet", "row", "column", "header", "value", "reason", "rule")
        con.register("new_rejects", pa.table({
            "kind": [kind for kind, _ in rejects],
            **{f: [getattr(r, f) for _, r in rejects] for f in fields}}))
        con.execute('INSERT INTO rejects SELECT $load_id, $file, sheet, kind, "row", "column", '
                    "header, value, reason, rule FROM new_rejects",
                    {"load_id": load_id, "file": path.name})
        con.unregister("new_rejects")
    con.execute("INSERT INTO loads VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
        load_id, path.name, digest, path.stat().st_size, now, as_of, ",".join(result.kinds),
        result.rows_read, result.loaded, result.inserted, result.updated, result.unchanged,
        result.duplicates, result.rejected, result.blank, result.notes, "loaded"])
