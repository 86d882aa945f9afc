"""Rows already loaded, recognised by their raw cells before validation, so that next month's
export (the same rows again, a few new or changed) validates only what is new.

Each row a sheet loads leaves a hash of its raw cells (the columns its header maps, as read; a
CSV's row, where its bytes hold exactly those cells, by its bytes before it is parsed, so that
only the rows not known are read: `csv_lines`) in `known_rows`, with where its record was
loaded from, under the sheet's context: the dataset, the columns mapped, the values given for
columns it lacks (`--la`, `--source`, `--provider`, a title's list), the settings and code that
validate, and the pseudonym key. A row of a later file with a known hash in the same context, at
that as-of date or later, whose record is the live version of its key, is that record: the same
cells under the same rules make the same record (only the future-date rule reads the as-of date,
and a date accepted then is accepted later). Such a row is taken from the live table instead of
being validated; every count, conflict, duplicate and extract date stays as a full load makes it.

Not recognised, so validated as before: rows that had a warning (so it is reported again; a
reference read in its stored spelling, `reference_spelling`, is said once), rows
of a derived dataset (annual reviews: a row's cycle depends on the others), of a dataset whose
row may be a subtotal of others (waiting lists: `subtotals`), SEN2 returns, and
sheets with fewer than two required columns of their own. DATA PROTECTION: personal cells enter
the hash only through a digest keyed by the pseudonym key, so the hash cannot test a guess.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import area, csv_lines, extract_date
from pipelines.config import load_settings
from pipelines.db import one, reader
from pipelines.headers import HeaderMatch
from pipelines.names_in_text import Names
from pipelines.pseudonym import fingerprint
from pipelines.readers import Cells, RawSheet, read_rows
from pipelines.schemas import EXCEPTION_KINDS, Schema
from pipelines.scratch import scratch
from pipelines.sheet_names import names_in_sheet
from pipelines.subtotals import SUBTOTALLED
from pipelines.validate import SheetOutcome

_PACKAGE = Path(__file__).resolve().parent


class KnownRowsChanged(Exception):
    """A recognised row's record is no longer live: another load or a rollback came between
    reading the database and writing to it. The file is loaded again with every row validated."""


@dataclass
class SheetKnown:
    """A sheet's raw hashes, and which of its rows were recognised."""

    context: str
    hashes: np.ndarray  # uint64: the raw hash of every row below the header, by position
    first_row: int  # the Excel row of position 0
    skipped: np.ndarray  # positions recognised, not validated
    # Where each one's live record was loaded from: the load, the sheet (of `record_sheets`,
    # by its index) and the row.
    record_load: np.ndarray | None = None
    record_sheet: np.ndarray | None = None
    record_row: np.ndarray | None = None
    record_sheets: list[str] = field(default_factory=list)
    latest: dt.date | None = None  # the latest date up to the as-of date their records hold
    kept: np.ndarray | None = None  # positions validated, when some were recognised
    remembered: bool = True  # whether the rows validated are remembered for the next load
    # The names in the whole sheet's name columns, for the rows validated (`names_in_text`).
    names: Names | None = None


@dataclass
class Merged:
    """A dataset's records with the recognised rows that share a key with another row of the
    file put back among them; the rest counted by sheet and their unlawful reasons counted."""

    tables: list[pa.Table]
    loaded: dict[str, int]  # sheet -> recognised rows loaded as they are (unchanged)
    unlawful: dict[tuple[str, str], int]  # (column, text as recorded) -> rows
    las: dict[str, int] = field(default_factory=dict)  # local authority -> recognised rows loaded


def eligible(schema: Schema, match: HeaderMatch) -> bool:
    """Whether a sheet's rows may be recognised. A loaded row fills every required column, so
    with two of them in the sheet it is a data row wherever it stands (never a blank row, a
    total or a lone remark below the table: `validate._classify_rows`). Not a dataset whose
    row may be judged a subtotal of others (`subtotals`): its parts must be read beside it."""
    own = [c for c in schema.required if c in match.columns]
    return not schema.derived and schema.kind not in SUBTOTALLED and len(own) >= 2


def context(schema: Schema, match: HeaderMatch, given: dict[str, str], key: bytes,
            lines: tuple[str, int] | None = None) -> str:
    """What besides a row's cells decides what validating it makes. `lines`: (delimiter,
    cells in the header) when a row's hash is of its bytes as a CSV holds them
    (`csv_lines`), which then depend on where each column stands too."""
    settings = load_settings()
    payload = {
        "code": _code_fingerprint(), "duckdb": duckdb.__version__, "kind": schema.kind,
        "columns": _mapped(schema, match), "given": sorted(given.items()),
        "las": [(la.name, list(la.aliases)) for la in settings.local_authorities],
        "exceptions": settings.exception_map, "key": fingerprint(key),
    }
    if lines is not None:
        payload["lines"] = [*lines, sorted(match.columns.items())]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]


@functools.cache
def _code_fingerprint() -> str:
    """The package's code and the local authorities it knows: a row known under other code is
    validated again, as a rule or parser may have changed."""
    digest = hashlib.sha256()
    for path in sorted([*_PACKAGE.rglob("*.py"), _PACKAGE / "reference" / "local_authorities.csv"]):
        digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _mapped(schema: Schema, match: HeaderMatch) -> list[str]:
    return [c.name for c in schema.columns if c.name in match.columns]


def raw_hashes(body: list[Cells], n: int, schema: Schema, match: HeaderMatch, key: bytes
               ) -> np.ndarray:
    """A 64-bit hash of each row's cells in the mapped columns, by DuckDB over Arrow text. A
    cell that is not text is written with its type, as validation reads 1.0 and '1.0' apart."""
    plain: dict[str, pa.Array] = {}
    personal: dict[str, pa.Array] = {}
    for col in schema.columns:
        if col.name in match.columns:
            c = match.columns[col.name]
            text = _as_text(body[c] if c < len(body) else Cells(None, n), n)
            (personal if col.personal else plain)[f"c{len(plain) + len(personal)}"] = text
    args = list(plain)
    params: dict[str, str] = {}
    if personal:
        # Keyed: without the key, the hash of a row cannot test a guessed NHS number or birth date.
        params["salt"] = hashlib.sha256(b"known rows\0" + key).hexdigest()
        cells = ", ".join(f"coalesce({c}, chr(30))" for c in personal)
        args.append(f"sha256(concat_ws(chr(31), $salt, {cells}))")
    with scratch() as con:
        con.register("raw", pa.table({**plain, **personal}))
        hashed = con.execute(f"SELECT hash({', '.join(args)}) FROM raw", params).fetchnumpy()
        con.unregister("raw")
    return next(iter(hashed.values())).astype(np.uint64, copy=False)


def _as_text(cells: Cells, n: int) -> pa.Array:
    """A column's cells as Arrow text. Cells read as Python objects (a workbook) are hashed by
    their distinct values, which validation reads too, so a first load finds them only once."""
    values = cells.values
    if values is None:
        return pa.nulls(n, pa.string())
    if isinstance(values, pa.Array):
        return values if pa.types.is_string(values.type) else values.cast(pa.string())
    codes, uniques = cells.distinct
    if cells.dictionary is not None:  # text: the distinct values, then None (blank)
        missing = codes == len(cells.dictionary)
        indices = pa.array(codes.astype(np.int32), mask=missing if missing.any() else None)
        return pa.DictionaryArray.from_arrays(indices, cells.dictionary)
    typed = [v if v is None or v.__class__ is str else f"\x1e{type(v).__name__}:{v!r}"
             for v in uniques]
    return pa.array(typed, type=pa.string()).take(pa.array(codes))


def read_body(db: Path, sheet: RawSheet, match: HeaderMatch, given: dict[str, str],
              as_of: dt.date, key: bytes, look_up: bool = True,
              snapshot: duckdb.DuckDBPyConnection | None = None
              ) -> tuple[list[Cells], int, int, SheetKnown | None]:
    """The sheet's body with the rows recognised as loaded left out: (its columns, the rows
    below the header, the rows in the columns, what was recognised; None when the sheet's
    rows may not be recognised). A CSV whose rows can be told from its bytes (`csv_lines`)
    is recognised row by row before it is parsed, and only the other rows are read; any other
    sheet is read whole and recognised by its cells (`recognise`). `snapshot`: a reader of
    `db` to look the rows up in (else one is opened)."""
    start = match.row_index + 1
    bounds = _csv_rows(sheet, match)
    if bounds is None:
        columns, n = sheet.body(start)
        found = recognise(db, columns, n, match, given, as_of, key, look_up, snapshot)
        if found is None:
            return columns, n, n, None
        found.names = names_in_sheet(columns, match)
        columns, left = rest(found, columns, n)
        return columns, n, left, found
    csv = sheet.csv
    assert csv is not None  # `_csv_rows` found the rows in its bytes
    n = len(bounds) - 1
    schema = match.schema
    found = SheetKnown(context(schema, match, given, key, (csv.delimiter, csv.widths[start - 1])),
                       csv_lines.row_hashes(csv.data, bounds, snapshot), start + 1,
                       np.zeros(0, dtype=np.int64))
    if n and look_up:
        _look_up_in(db, snapshot, schema, found, as_of)
    # Most rows recognised: only the others are read (their bytes gathered row by row, which
    # would cost more than Arrow reading them all were few rows recognised).
    if len(found.skipped) * 2 >= n:
        keep = np.ones(n, dtype=bool)
        keep[found.skipped] = False
        kept = np.flatnonzero(keep)
        read = read_rows(csv, start, csv_lines.rows_bytes(csv.data, bounds, kept))
        if read is not None and read[1] == len(kept):
            found.kept = kept
            return read[0], n, read[1], found
    columns, read_n = sheet.body(start)
    # Rows of other widths than the header's are read by the csv module (values, not Arrow):
    # their bytes may hold cells no column takes, so they are not remembered by their bytes.
    found.remembered = all(isinstance(c.values, pa.Array) for c in columns)
    if read_n != n:  # not the rows counted in the bytes: recognise nothing (never expected)
        found.skipped, found.remembered = found.skipped[:0], False
        return columns, read_n, read_n, found
    found.names = names_in_sheet(columns, match)
    columns, left = rest(found, columns, n)
    return columns, n, left, found


def _csv_rows(sheet: RawSheet, match: HeaderMatch) -> np.ndarray | None:
    """The bounds of each body row in a CSV's bytes (`csv_lines.row_bounds`), when its rows may
    be recognised by their bytes: a UTF-8 CSV read with Arrow, every cell of whose header a
    column takes, none of them personal (so a row's bytes hold exactly the cells its record is
    made from, and no personal cell enters an unkeyed hash)."""
    csv, schema = sheet.csv, match.schema
    if csv is None or not eligible(schema, match):
        return None
    width = csv.widths[match.row_index]
    if sorted(match.columns.values()) != list(range(width)) or any(
            schema.column(c).personal for c in match.columns):
        return None
    return csv_lines.row_bounds(csv.data, csv.starts[match.row_index + 1], csv.delimiter)


def recognise(db: Path, body: list[Cells], n: int, match: HeaderMatch, given: dict[str, str],
              as_of: dt.date, key: bytes, look_up: bool = True,
              snapshot: duckdb.DuckDBPyConnection | None = None) -> SheetKnown | None:
    """The sheet's raw hashes and (if `look_up`) the rows among them the database knows, or
    None when the sheet's rows may not be recognised (`eligible`)."""
    schema = match.schema
    if not eligible(schema, match):
        return None
    found = SheetKnown(context(schema, match, given, key), raw_hashes(body, n, schema, match, key),
                       match.row_index + 2, np.zeros(0, dtype=np.int64))
    if n and look_up:
        _look_up_in(db, snapshot, schema, found, as_of)
    return found


def _look_up_in(db: Path, snapshot: duckdb.DuckDBPyConnection | None, schema: Schema,
                found: SheetKnown, as_of: dt.date) -> None:
    if snapshot is None:
        if db.exists():
            with reader(db) as con:
                _look_up_in(db, con, schema, found, as_of)
        return
    # A database of an earlier version is brought up to date by the load's writer: until then
    # its known rows (if any) are not read. (A cursor: the caller's connection may hold a
    # result not fetched to its end.)
    with snapshot.cursor() as con:
        if one(con, "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'known_rows' "
                    "AND column_name = 'record_row'")[0]:
            _look_up(con, schema, found, as_of)


def _look_up(con: duckdb.DuckDBPyConnection, schema: Schema, found: SheetKnown,
             as_of: dt.date) -> None:
    """The rows whose raw hash is known in this context at this as-of date or earlier, and
    whose record is live, with the latest date (up to the as-of date) those records hold, as
    `extract_date.latest_date` finds it in records validated (a month as its last day, to the
    as-of date). The last of them is validated all the same, so that the rows left to validate
    end the table where the file does (see `eligible`)."""
    months = extract_date.month_columns([schema.kind])
    dates = [f"CASE WHEN t.{c} <= $as_of THEN "
             f"{f'least(last_day(t.{c}), $as_of)' if c in months else f't.{c}'} END"
             for c, sql in schema.stored_columns if sql == "DATE"]
    latest = f"greatest({', '.join(dates)})" if dates else "CAST(NULL AS DATE)"
    params = {"kind": schema.kind, "context": found.context, "as_of": as_of}
    known_in = ("FROM known_rows WHERE kind = $kind AND context = $context "
                "AND as_of <= $as_of")
    # One sheet at a time, named as a constant: DuckDB then compares the sheets' names once
    # per distinct name, not once per row.
    found.record_sheets = [r[0] for r in con.execute(
        f"SELECT DISTINCT record_sheet {known_in}", params).fetchall()]
    con.register("incoming_raw", pa.table({
        "pos": pa.array(np.arange(len(found.hashes), dtype=np.int64)),
        "raw_hash": pa.array(found.hashes)}))
    parts = []
    for code, sheet in enumerate(found.record_sheets):
        part = con.sql(f"""
            SELECT i.pos, t.load_id, t.source_row, {latest} AS latest
            FROM incoming_raw i
            JOIN known_rows k ON k.raw_hash = i.raw_hash AND k.kind = $kind
                AND k.context = $context AND k.as_of <= $as_of AND k.record_sheet = $sheet
            JOIN {schema.table} t ON t.load_id = k.record_load AND t.source_row = k.record_row
                AND t.source_sheet = $sheet""", params={**params, "sheet": sheet}
                       ).to_arrow_table()
        parts.append(part.append_column("sheet", pa.repeat(code, len(part))))
    con.unregister("incoming_raw")
    if not parts:
        return
    known = pa.concat_tables(parts)
    # A row known to several loads is one row, in the order of the sheet. (Two records for one
    # raw hash would mean two raw rows of one 64-bit hash: as unlikely as a new row sharing a
    # known row's hash, which no look-up can tell.)
    entry = np.full(len(found.hashes), -1, dtype=np.int64)
    entry[known["pos"].to_numpy()] = np.arange(len(known))
    positions = np.flatnonzero(entry >= 0)
    if len(positions) < 2:
        return
    found.skipped = positions[:-1]
    chosen = entry[found.skipped]
    found.record_load = known["load_id"].to_numpy()[chosen]
    found.record_row = known["source_row"].to_numpy()[chosen]
    found.record_sheet = known["sheet"].to_numpy()[chosen]
    found.latest = pc.max(known["latest"]).as_py()


def latest_dates(known: dict[int, SheetKnown]) -> list[pa.Table]:
    """The latest dates of the recognised rows' records, as tables `extract_date.decide` reads
    beside the records validated."""
    return [pa.table({"latest": pa.array([k.latest], pa.date32())}) for k in known.values()
            if k.latest is not None]


def rest(found: SheetKnown, body: list[Cells], n: int) -> tuple[list[Cells], int]:
    """The body without the recognised rows (every column, so blank and note rows count as
    before)."""
    if not len(found.skipped):
        return body, n
    keep = np.ones(n, dtype=bool)
    keep[found.skipped] = False
    found.kept = np.flatnonzero(keep)
    taken = pa.array(found.kept)
    columns = []
    for cells in body:
        values = cells.values
        if isinstance(values, pa.Array):
            values = values.take(taken)
        elif values is not None:
            values = values[found.kept]
        columns.append(Cells(values, len(found.kept)))
    return columns, len(found.kept)


def restore(found: SheetKnown, outcome: SheetOutcome, n: int) -> None:
    """The outcome of validating the rest, told in the rows of the whole sheet."""
    if found.kept is None:
        return
    kept, first = found.kept, found.first_row
    outcome.rows_read = n
    for finding in (*outcome.rejects, *outcome.warnings):
        finding.row = int(first + kept[finding.row - first])
    if outcome.records is not None and len(outcome.records):
        at = outcome.records.schema.get_field_index("source_row")
        rows = outcome.records["source_row"].to_numpy() - first
        outcome.records = outcome.records.set_column(
            at, "source_row", pa.array((first + kept[rows]).astype(np.int32)))


def merge(con: duckdb.DuckDBPyConnection, schema: Schema, sheets: list[str],
          tables: list[pa.Table], found: list[SheetKnown | None], extract: dt.date | None,
          load_id: int) -> Merged:
    """Inside the load's transaction: the recognised rows of a dataset's sheets checked live,
    each stamped with the newer extract as a full load stamps an unchanged record, and those
    sharing a key with another row of the file (a duplicate, or a conflict with a new version)
    put back among the records, so that `staging.stage` judges them as it would have."""
    t = schema.table
    parts = [p for p, f in enumerate(found) if f is not None and len(f.skipped)]
    if not parts:
        return Merged(tables, {}, {})
    total = sum(len(found[p].skipped) for p in parts)
    con.execute("CREATE OR REPLACE TEMP TABLE known_live "
                "(part INTEGER, source_row INTEGER, rid BIGINT)")
    for p in parts:  # where each record lies, one sheet it was loaded from at a time
        f = found[p]
        for code, sheet in enumerate(f.record_sheets):
            mine = f.record_sheet == code
            con.register("known_incoming", pa.table({
                "source_row": pa.array((f.first_row + f.skipped[mine]).astype(np.int32)),
                "record_load": pa.array(f.record_load[mine]),
                "record_row": pa.array(f.record_row[mine])}))
            con.execute(f"INSERT INTO known_live SELECT $part, k.source_row, t.rowid "
                        f"FROM known_incoming k JOIN {t} t ON t.load_id = k.record_load "
                        "AND t.source_row = k.record_row AND t.source_sheet = $sheet",
                        {"part": p, "sheet": sheet})
            con.unregister("known_incoming")
    # A load makes at most one record of a sheet's row, and a version once replaced comes back
    # only as itself (a rollback): as many matches as rows means every recognised row's record
    # is still live.
    if one(con, "SELECT count(*) FROM known_live")[0] != total:
        _drop(con)
        raise KnownRowsChanged(f"{t}: a recognised row's record changed before the load began")
    con.register("known_validated", pa.concat_tables(
        [table.select(list(schema.key)) for table in tables]))
    on = " AND ".join(f"v.{k} = t.{k}" for k in schema.key)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE known_shared AS
        SELECT part, source_row, rid FROM known_live
        WHERE rid IN (SELECT rid FROM known_live GROUP BY rid HAVING count(*) > 1)
           OR rid IN (SELECT t.rowid FROM {t} t SEMI JOIN known_validated v ON {on})""")
    con.unregister("known_validated")
    con.execute("CREATE OR REPLACE TEMP TABLE known_alone AS SELECT part, rid FROM known_live "
                "ANTI JOIN known_shared USING (part, source_row)")
    tables = _put_back(con, schema, sheets, tables)
    loaded = {sheets[p]: n for p, n in con.execute(
        "SELECT part, count(*) FROM known_alone GROUP BY part").fetchall()}
    unlawful = _unlawful(con, schema)
    las = dict(con.execute(f"SELECT t.local_authority, count(*) FROM known_alone k JOIN {t} t "
                           "ON t.rowid = k.rid GROUP BY ALL").fetchall()) if area.has_la(schema) else {}
    con.execute(f"INSERT INTO load_restated SELECT $load_id, t.load_id, $kind, count(*) "
                f"FROM known_alone k JOIN {t} t ON t.rowid = k.rid GROUP BY t.load_id",
                {"load_id": load_id, "kind": schema.kind})  # as `load._upsert` records them
    if extract is not None:  # as `load._upsert` stamps an unchanged record with a newer extract
        con.execute(f"UPDATE {t} SET extract_date = CAST($extract AS DATE) "
                    "WHERE rowid IN (SELECT rid FROM known_alone) "
                    "AND (extract_date IS NULL OR extract_date < CAST($extract AS DATE))",
                    {"extract": extract})
    _drop(con)
    return Merged(tables, loaded, unlawful, las)


def _put_back(con: duckdb.DuckDBPyConnection, schema: Schema, sheets: list[str],
              tables: list[pa.Table]) -> list[pa.Table]:
    """Each sheet's records with its recognised rows that share a key, taken from the live
    table, in the order the sheet holds them."""
    if not one(con, "SELECT count(*) FROM known_shared")[0]:
        return tables
    stored = ", ".join(f"t.{c}" for c, _ in schema.stored_columns)
    shared = con.sql(f"SELECT k.part, {stored}, k.source_row, t.row_hash FROM known_shared k "
                     f"JOIN {schema.table} t ON t.rowid = k.rid").to_arrow_table()
    if not len(shared):
        return tables
    # Text as plain strings in every sheet's table (they are concatenated): Arrow cannot sort
    # columns of several dictionaries.
    plain = pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f
                       for f in tables[0].schema])
    out = []
    parts = shared["part"].to_numpy()
    for p, table in enumerate(tables):
        mine = shared.filter(pa.array(parts == p)).drop_columns(["part"])
        if not len(mine):
            out.append(table.cast(plain))
            continue
        mine = mine.add_column(len(schema.stored_columns), "source_sheet",
                               pa.repeat(sheets[p], len(mine)))
        joined = pa.concat_tables([table.cast(plain), mine.select(plain.names).cast(plain)])
        out.append(joined.sort_by("source_row"))
    return out


def _unlawful(con: duckdb.DuckDBPyConnection, schema: Schema) -> dict[tuple[str, str], int]:
    """The delay reasons recorded that are not lawful exceptions, of the rows loaded as they
    are, counted as `exception_reasons.unlawful_reasons` counts them in records."""
    counts: dict[tuple[str, str], int] = {}
    for col in schema.columns:
        if col.kind not in EXCEPTION_KINDS:
            continue
        for text, rows in con.execute(
                f"SELECT {col.name}_recorded, count(*) FROM {schema.table} "
                f"WHERE rowid IN (SELECT rid FROM known_alone) AND {col.name} IS NULL "
                f"AND {col.name}_recorded IS NOT NULL GROUP BY ALL").fetchall():
            counts[(col.name, text)] = rows
    return counts


def _drop(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("known_live", "known_shared", "known_alone"):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def entries(found: SheetKnown, outcome: SheetOutcome) -> pa.Table:
    """(raw hash, row hash, source row) of the rows this sheet validated without a warning."""
    records = outcome.records
    if records is None or not len(records) or not found.remembered:
        return pa.table({"raw_hash": pa.array([], pa.uint64()), "row_hash": pa.array([], pa.string()),
                         "source_row": pa.array([], pa.int32())})
    rows = records["source_row"].to_numpy()
    unwarned = ~np.isin(rows, np.array([w.row for w in outcome.warnings], dtype=np.int64))
    return pa.table({"raw_hash": pa.array(found.hashes[rows[unwarned] - found.first_row]),
                     "row_hash": records["row_hash"].filter(pa.array(unwarned)),
                     "source_row": pa.array(rows[unwarned].astype(np.int32))})


def store(con: duckdb.DuckDBPyConnection, schema: Schema, sheet: str, context: str,
          load_id: int, as_of: dt.date, rows: pa.Table) -> None:
    """Remember the rows a load validated whose records are live once it has written them
    (not a duplicate, a conflict or a stale version), each with where its live record was
    loaded from, under the load's id, so that a rollback forgets them."""
    if not len(rows):
        return
    t = schema.table
    params = {"kind": schema.kind, "context": context, "load_id": load_id, "as_of": as_of,
              "sheet": sheet}
    into = ("INSERT INTO known_rows SELECT $kind, $context, n.raw_hash, $load_id, "
            "CAST($as_of AS DATE), t.load_id, t.source_sheet, t.source_row FROM known_new n ")
    here = "t.load_id = $load_id AND t.source_sheet = $sheet AND t.source_row = n.source_row"
    con.register("known_new", rows)
    # The records this load wrote, found by where they came from (integers); then the rest
    # (a record already live, unchanged; a repeat of a row written) by their row hash.
    placed = one(con, f"{into} JOIN {t} t ON {here}", params)[0]
    if placed < len(rows):
        con.execute(f"{into} JOIN {t} t ON t.row_hash = n.row_hash WHERE NOT ({here})", params)
    con.unregister("known_new")


def forget(con: duckdb.DuckDBPyConnection, load_id: int) -> None:
    """The rows a load remembered, forgotten when it is rolled back: loaded again, they are
    validated again."""
    con.execute("DELETE FROM known_rows WHERE load_id = ?", [load_id])
