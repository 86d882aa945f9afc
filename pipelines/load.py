"""Load one export into DuckDB in a single transaction: records, history, rejects and the load log.

Re-loading a file already loaded changes nothing. A record seen again with new values replaces
the old one, which moves to `<dataset>_history`; a column the file does not carry keeps the old
one's value (`carried`). Counts reconcile for every file:
rows read = loaded + stale + superseded + duplicates + rejected + blank + notes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from pipelines import (
    area,
    carried,
    counts,
    exception_reasons,
    extract_date,
    known_rows,
    provider_names,
    reference_clash,
    reference_spelling,
    refusals,
    review_cycles,
    sheet_months,
    sheet_roles,
    staging,
    subtotals,
)
from pipelines.config import canonical_la
from pipelines.dates import MONTH_FIRST, DateError, parse_date
from pipelines.db import held_here, one, reader, table_columns, transaction, writing
from pipelines.formats import sen2, sen2_tables
from pipelines.headers import HeaderMatch, context_untold, find_header, in_sheet, taken_twice
from pipelines.limits import Limits
from pipelines.pseudonym import (
    PseudonymKeyError,
    claim_key,
    fingerprint,
    fingerprint_in,
    load_key,
    wrong_key,
)
from pipelines.readers import (
    FileError,
    RawSheet,
    column_letter,
    is_blank,
    read_file,
    rows_to_columns,
)
from pipelines.rules import LA_FILLED
from pipelines.schemas import SCHEMAS, Schema
from pipelines.validate import Reject, SheetOutcome, validate_body
from pipelines.vocab import normalise_token

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
    stale: int = 0  # rows an older extract holds differently from the newer one already loaded
    superseded: int = 0  # earlier months' versions of a record a later month's tab holds
    extract_date: dt.date | None = None
    extract_basis: str = ""  # how the extract date was found (`extract_date.decide`)
    sheets: list[dict] = field(default_factory=list)
    skipped_sheets: list[dict] = field(default_factory=list)  # hidden, or no recognisable header
    unused: list[str] = field(default_factory=list)  # items of a SEN2 return not loaded
    outside_area: dict[str, int] = field(default_factory=dict)  # LAs not the area's -> rows loaded
    # What reading and checking found of the file as a whole (stray bytes and controls changed,
    # two headers naming one column, dates written month first), audited with the load.
    read_warnings: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    # Rows loaded but queried by a warning rule (`rules.py`), kept in `row_warnings`.
    warnings: list[Reject] = field(default_factory=list)
    # Delay reasons recorded that are not lawful exceptions, one per distinct text with its rows
    # ({"code", "kind", "column", "value", "rows", "message"}): the rows load and count as late.
    unlawful_reasons: list[dict] = field(default_factory=list)

    def reconciles(self) -> bool:
        return self.rows_read == (self.loaded + self.stale + self.superseded + self.duplicates
                                  + self.rejected + self.blank + self.notes)

    def warned_rows(self) -> int:
        """The rows loaded with a warning, each once however many it has."""
        return len({(w.sheet, w.row) for w in self.warnings})

    def summary(self) -> dict:
        keys = ("file", "status", "load_id", "error", "kinds", "rows_read", "loaded", "inserted",
                "updated", "unchanged", "stale", "superseded", "duplicates", "rejected", "blank", "notes",
                "extract_date", "extract_basis", "sheets", "skipped_sheets", "unused",
                "unlawful_reasons", "read_warnings", "outside_area")
        out = {**{k: getattr(self, k) for k in keys}, "warnings": len(self.warnings),
               "loaded_with_a_warning": self.warned_rows(),
               "suppressed_at_source": counts.suppressed_cells(self.file, self.warnings)}
        if self.extract_date is not None:  # JSON as it is printed: a date as yyyy-mm-dd
            out["extract_date"] = self.extract_date.isoformat()
        return out


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Sen2Load:
    """A SEN2 return being loaded: what is stored beside its ehcp rows."""

    ret: sen2.Sen2Return
    kept: list[dict]
    year: int


@dataclass
class Prepared:
    """A file read and validated, before anything is written."""

    outcomes: list[SheetOutcome]
    skipped: list[dict] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # rows above the headers: may date the data
    sen2_load: Sen2Load | None = None
    stated: tuple[dt.date, str] | None = None  # the extract date the file declares, if any
    # Outcome index -> its sheet's raw hashes and the rows recognised as loaded (`known_rows`).
    known: dict[int, known_rows.SheetKnown] = field(default_factory=dict)
    carried: dict[str, frozenset[str]] = field(default_factory=dict)  # sheet -> `carried` columns


def _prepare(path: Path, kind: str | None, as_of: dt.date, key: bytes,
             given: dict[str, str] | None = None, la: str | None = None,
             limits: Limits | None = None, warnings: list[str] | None = None,
             known_in: Path | None = None, look_up: bool = True,
             snapshot: duckdb.DuckDBPyConnection | None = None) -> Prepared:
    """Read and validate every sheet; raise FileError for a file that cannot load at all.
    Hidden sheets (lookups, old copies) and sheets with no recognisable header are skipped and
    listed, so the user sees they were passed over. Sheets are read one at a time, and each
    one's cells are let go once it is validated. A SEN2 return (XML, or flattened to sheets
    that name SEN2 items and a child) becomes one ehcp sheet of its requests. `known_in`: the
    database whose rows already loaded are recognised rather than validated again (`look_up`,
    in `snapshot`, a reader of it, if given), and which remembers the rows validated now."""
    if _starts_as_xml(path):
        if kind not in (None, "ehcp"):
            raise FileError(f"{path.name}: an XML file loads only as a SEN2 return, whose requests "
                            f"are ehcp rows, not {kind}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FileError(f"{path.name}: cannot be opened ({exc.strerror or exc})") from exc
        return _sen2_outcome(sen2.read_xml(path, data), la, as_of, key)
    fixed = {**(given or {}), **({"local_authority": la} if la else {})}
    outcomes: list[SheetOutcome] = []
    known: dict[int, known_rows.SheetKnown] = {}
    columns_carried: dict[str, frozenset[str]] = {}
    skipped = []
    passed: list[tuple[str, str]] = []  # every sheet not loaded, empty ones too, with why
    titles = []
    published = None
    flat: list[sen2.Sen2Sheet] = []
    for sheet in read_file(path, limits):
        if warnings is not None:
            warnings += sheet.warnings
        if sheet.hidden:
            skipped.append({"sheet": sheet.name, "reason": sheet_roles.HIDDEN})
            passed.append((sheet.name, sheet_roles.HIDDEN))
            continue
        if kind in (None, "ehcp") and (found := _flat_sen2(sheet)) is not None:
            flat.append(found)
            continue
        match = find_header(sheet.rows, kind)
        given = {} if match is None else carried.given_values(path, sheet.name, sheet.rows, match,
                                                                fixed)
        missing = [] if match is None else [c for c in match.missing if c not in given]
        if (match is None or missing) and not sheet.complete:
            # A file that cannot be read says so before its header is judged, as when every
            # row was read up front.
            sheet.body(0 if match is None else match.row_index + 1)
        if match is None or missing:
            published = published or refusals.publication(sheet.rows, sheet.name)
        if reason := sheet_roles.skip_reason(sheet.rows, sheet.complete, match, missing):
            passed.append((sheet.name, reason))
            if reason != sheet_roles.EMPTY:  # an empty sheet is told only if no sheet loads
                skipped.append({"sheet": sheet.name, "reason": reason})
            continue
        assert match is not None  # a sheet without a header is skipped
        if missing:
            if published:
                raise FileError(refusals.publication_message(path.name, published))
            raise FileError(refusals.missing_columns(path.name, sheet.name, match, kind))
        _check_whose_log(path, sheet.name, match, given)
        if warnings is not None:
            warnings += _headers_taken_twice(path.name, sheet.name, match)
            warnings += context_untold(path.name, sheet.name, match, given)
        titles += [" ".join(str(c) for c in row if not is_blank(c))
                   for row in sheet.rows[:match.row_index]]
        if known_in is None:
            columns, rows = sheet.body(match.row_index + 1)
            left, recognised = rows, None
        else:  # validated: the rows not recognised as loaded already
            columns, rows, left, recognised = known_rows.read_body(
                known_in, sheet, match, given, as_of, key, look_up, snapshot)
        sheet.release()  # the cells live on in `columns` only, freed once validated
        if recognised is not None:
            known[len(outcomes)] = recognised
        outcome = validate_body(sheet.name, columns, left, match, as_of, key, given,
                                None if recognised is None else recognised.names)
        del columns
        if recognised is not None:
            known_rows.restore(recognised, outcome, rows)
        outcomes.append(subtotals.pass_over(path.name, outcome, warnings))
        columns_carried[sheet.name] = carried.columns_carried(match, given)
    found = None
    if flat:
        found = _sen2_outcome(ret := sen2.from_sheets(path.name, flat), la, as_of, key)
        if warnings is not None:
            warnings += ret.unmatched  # a module's rows that join no request
    filled = sum(w.rule == LA_FILLED for o in outcomes + (found.outcomes if found else [])
                 for w in o.warnings)
    if filled and warnings is not None:
        warnings.append(f"{path.name}: {filled:,} row{'s' * (filled != 1)} with a blank local "
                        f"authority filled with {canonical_la(fixed['local_authority'])}, the LA "
                        "given (--la, or the upload's \"Local authority\")")
    if found:
        return Prepared(outcomes + found.outcomes, skipped, titles, found.sen2_load, found.stated,
                        known, columns_carried | found.carried)
    if not outcomes:
        if published:
            raise FileError(refusals.publication_message(path.name, published))
        raise FileError(sheet_roles.nothing_to_load(path.name, kind, passed))
    return Prepared(outcomes, skipped, titles, known=known, carried=columns_carried)


def _starts_as_xml(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return sen2.looks_like_xml(fh.read(4096))
    except OSError:
        return False  # read_file says why


_CASE_IDS = frozenset(t for t, c in SCHEMAS["ehcp"].header_index().items() if c == "case_id")


def _flat_sen2(sheet: RawSheet) -> sen2.Sen2Sheet | None:
    """The sheet as part of a flattened SEN2 return: it names SEN2 items and a child (their
    identity items or a person id), or joins on a request id without naming its LA; and has no
    case reference of an LA's own export. Else None, and the sheet loads as before."""
    found = sen2.sen2_sheet(sheet.name, sheet.rows)
    if found is None:
        return None
    index, flat = found
    request_only = flat.request_id is not None and flat.la is None
    if not (flat.has_identity or flat.person_id is not None or request_only):
        return None
    ids = {flat.person_id, flat.request_id}
    if any(normalise_token(str(c)) in _CASE_IDS for p, c in enumerate(flat.header) if p not in ids
           and isinstance(c, str)):
        return None
    columns, n = sheet.body(index + 1)
    sheet.release()
    flat.rows, flat.first_row = sen2.body_rows(columns, n), index + 2
    return flat


def _sen2_outcome(ret: sen2.Sen2Return, la: str | None, as_of: dt.date, key: bytes) -> Prepared:
    """The return's requests validated as one ehcp sheet; with `la` given, an LA column's blank
    cells take it and a request naming another LA is rejected (`rules.not_the_la_given`). What
    is kept beside the requests is kept for those loaded, under their LA."""
    rows, kept = sen2.ehcp_rows(ret, sen2.local_authority(ret, la), key)
    match = find_header(rows[:1], "ehcp")
    assert match is not None and not match.missing  # the header is made from the schema's names
    outcome = validate_body(sen2.sheet_name(ret), rows_to_columns(rows[1:]), len(rows) - 1, match,
                            as_of, key, {"local_authority": la} if la else None)
    loaded = {} if outcome.records is None else dict(zip(  # Excel row n is request n - 2
        outcome.records["source_row"].to_pylist(), outcome.records["local_authority"].to_pylist(),
        strict=True))
    kept = [{**k, "local_authority": loaded.get(n)} for n, k in enumerate(kept, start=2)]
    for reject in outcome.rejects:
        if reject.header == "case_id" and reject.rule == "missing_required":
            reject.reason = ("no UPN, ULN, or name and date of birth: the request cannot be told "
                             "apart from the child's others")
    sen2.place_in_sheets(ret, outcome)
    return Prepared([outcome], sen2_load=Sen2Load(ret, kept, sen2.read_year(ret, as_of)),
                    stated=_stated(ret.made, "SEN2 header"),
                    carried={outcome.sheet: carried.columns_carried(match, {})})


def _stated(text: str | None, where: str) -> tuple[dt.date, str] | None:
    """A date a file declares about itself (e.g. '2024-01-20T10:00:00'), if it reads as one."""
    try:
        day = parse_date(text[:10]) if text else None
    except DateError:
        return None
    return (day, f"{where} '{text}'") if day else None


def _check_whose_log(path: Path, sheet: str, match: HeaderMatch, given: dict[str, str]) -> None:
    """A health-advice file must say whose log it is, since the statutory clock starts at the
    provider: with a Source or a Provider column, or `--source`. A file with none of these is
    refused rather than taken for a provider's log."""
    if match.schema.kind == "health_advice" and not (
            {"source", "provider"} & (set(match.columns) | set(given))):
        raise FileError(
            f"{path.name}: sheet '{sheet}': whose log is this? Health advice needs a Source column "
            "(provider or local authority), a Provider column, or `ingest --source provider` (with "
            "`--provider NAME`) or `--source local-authority` for a file that has neither")


def _headers_taken_twice(file_name: str, sheet: str, match: HeaderMatch) -> list[str]:
    """A warning for each column two headers of the sheet name ("Date Advice Requested" and
    "Date Request Received"): the first is read and the other left out, so the user is told
    which, and how to choose the other."""
    where = in_sheet(file_name, sheet)
    out = []
    for name, others in taken_twice(match).items():
        used = f"'{match.headers[name]}' (column {column_letter(match.columns[name])})"
        also = " and ".join(f"'{cell}' (column {column_letter(p)})" for p, cell in others)
        out.append(f"{file_name}:{where} {also} could also be {name}, which is read from {used}:"
                   " that one is used and the other left out; if the other is meant, rename "
                   "the header of the one used and load the file again")
    return out


def _upsert(con: duckdb.DuckDBPyConnection, schema: Schema, load_id: int, file_name: str,
            now: dt.datetime, extract: dt.date | None, superseded: bool = False
            ) -> tuple[int, int, int, dict[str, int], list[Reject]]:
    """Insert the staged records to load and replace changed ones (keeping the old in history),
    unless the table's version comes from a newer extract: then the staged version is stale, kept
    in history as such and out of the live table, so an older export loaded after a newer one
    undoes no correction. Earlier months' versions (`superseded`: the file's tabs are months)
    go to history too. (new, changed, same, {sheet: stale}, warnings of references reused)."""
    t = schema.table
    cols = [c for c, _ in table_columns(schema)]
    on = " AND ".join(f"t.{k} = s.{k}" for k in schema.key)
    params = {"load_id": load_id, "file": file_name, "now": now, "extract": extract}
    # One join tells which staged records the table holds already, whether unchanged, and
    # whether the table's version is from a newer extract than this file.
    keys = ", ".join(f"s.{k}" for k in schema.key)
    con.execute(f"CREATE OR REPLACE TEMP TABLE matched AS SELECT {keys}, s.source_sheet, "
                "t.load_id AS held_by, t.row_hash = s.row_hash AS same, "
                "coalesce(t.extract_date > CAST($extract AS DATE), FALSE) AS newer_held "
                f"FROM staged s JOIN {t} t ON {on} WHERE s.fate = 'load'", {"extract": extract})
    same, changed = one(con, "SELECT count(*) FILTER (WHERE same), "
                             "count(*) FILTER (WHERE NOT same AND NOT newer_held) FROM matched")
    stale = dict(con.execute("SELECT source_sheet, count(*) FROM matched "
                             "WHERE NOT same AND newer_held GROUP BY ALL").fetchall())
    con.execute("INSERT INTO load_restated SELECT $load_id, held_by, $kind, count(*) FROM matched "
                "WHERE same OR newer_held GROUP BY held_by", {"load_id": load_id, "kind": schema.kind})
    col_list = ", ".join(cols)
    t_cols = ", ".join(f"t.{c}" for c in cols)
    given = {"load_id": "$load_id", "source_file": "$file", "loaded_at": "$now",
             "extract_date": "$extract"}
    select = ", ".join(f"CAST({given[c]} AS {sql})" if c in given else f"s.{c}"
                       for c, sql in table_columns(schema))
    clashes = ((reference_clash.warnings(con, schema) if changed else [])
               + reference_clash.moved_dates(con, schema))
    if superseded:
        staging.keep_superseded(con, schema, select, params)
    if changed:
        con.execute(f"INSERT INTO {t}_history SELECT {t_cols}, ?, ?, 'replaced' FROM {t} t "
                    f"JOIN matched s ON {on} WHERE NOT s.same AND NOT s.newer_held", [load_id, now])
        con.execute(f"DELETE FROM {t} t USING matched s WHERE {on} AND NOT s.same "
                    "AND NOT s.newer_held")
    if stale:
        con.execute(f"INSERT INTO {t}_history SELECT {select}, NULL, $now, 'stale' FROM staged s "
                    f"SEMI JOIN matched t ON {on} AND NOT t.same AND t.newer_held", params)
    if same and extract is not None:
        # The same version seen in a newer extract: it now stands as of that extract.
        con.execute(f"UPDATE {t} t SET extract_date = CAST($extract AS DATE) FROM matched s "
                    f"WHERE {on} AND s.same AND (t.extract_date IS NULL OR t.extract_date < "
                    "CAST($extract AS DATE))", {"extract": extract})
    kept = (f" AND NOT EXISTS (SELECT 1 FROM matched t WHERE {on} AND (t.same OR t.newer_held))"
            if same or stale else "")
    inserted = one(con, f"INSERT INTO {t} ({col_list}) SELECT {select} FROM staged s "
                        f"WHERE s.fate = 'load'{kept}", params)[0]
    con.execute("DROP VIEW staged")
    con.execute("DROP TABLE IF EXISTS repeated")
    con.execute("DROP TABLE matched")
    con.unregister("incoming")
    return inserted - changed, changed, same, stale, clashes


BeforeCommit = Callable[[duckdb.DuckDBPyConnection, FileResult], None]


def ingest_file(db: Path, path: Path, kind: str | None = None,
                as_of: dt.date | None = None, extract_date: dt.date | None = None,
                given: dict[str, str] | None = None, la: str | None = None,
                before_commit: BeforeCommit | None = None,
                limits: Limits | None = None, recognise_known: bool = True) -> FileResult:
    """Load one file. Never raises for a bad file: the result says what went wrong.
    `extract_date`: when the export was made, if known (else found: `extract_date.decide`).
    `given`: {column: value} for columns the file lacks (e.g. `source`, `provider`).
    `la` names the file's local authority: every row's where it has no LA column (a SEN2
    return that does not name its own, an Annex A list), a blank LA cell's where it has one.
    `before_commit` sees the connection and the counted result inside the transaction (the
    audit log's "load started" entry and its head): if it raises, nothing is committed.
    `limits`: how big a sheet may be (default: settings.toml's).
    `recognise_known`: rows loaded before are recognised by their raw cells and not validated
    again (`known_rows`); False validates every row, as a first load does (the rows are still
    remembered for the next load).
    Inside `db.one_writer(db)` (a build of many loads) nothing is looked up in the readers'
    snapshot first (the file's hash is still checked under the writer, so a repeat changes
    nothing), and the build publishes the snapshot once."""
    look_back = not held_here(db)
    with collector_paused():
        try:
            return _ingest(db, path, kind, as_of, extract_date, given, la, before_commit, limits,
                           recognise_known, look_back)
        except known_rows.KnownRowsChanged:  # rolled back: another load came in between
            return _ingest(db, path, kind, as_of, extract_date, given, la, before_commit, limits,
                           False, look_back)


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
            given_extract: dt.date | None, given: dict[str, str] | None,
            la: str | None, before_commit: BeforeCommit | None,
            limits: Limits | None, recognise_known: bool, look_back: bool) -> FileResult:
    as_of = as_of or dt.date.today()
    result = FileResult(file=path.name)
    if la is not None and canonical_la(la) is None:
        return FileResult(file=path.name, status="failed",
                          error=f"{path.name}: not loaded: unknown local authority '{la}' (--la): "
                                "not an English local authority name or code, nor a spelling "
                                "listed in settings.toml")
    try:
        digest = file_hash(path)
    except OSError as exc:
        return FileResult(file=path.name, status="failed",
                          error=f"{path.name}: cannot be opened ({exc.strerror or exc})")
    # A file already loaded changes nothing: say so before spending time validating it again.
    held = None  # the fingerprint of the key the database's pseudonyms were made with
    # The readers' snapshot, read until the file is validated: the rows loaded before are
    # looked up in it too.
    with reader(db) if db.exists() and look_back else contextlib.nullcontext() as con:
        if con is not None:
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
            prepared = _prepare(path, kind, as_of, key, given, la, limits, result.read_warnings,
                                db, recognise_known and look_back, con)
        except FileError as exc:
            result.status, result.error = "failed", str(exc)
            if refusals.release_zip(path):
                result.error = refusals.publication_message(path.name, "DfE")
            return result
        except PseudonymKeyError as exc:
            result.status, result.error = "failed", f"{path.name}: not loaded: {exc}"
            return result

    outcomes, result.skipped_sheets = prepared.outcomes, prepared.skipped
    extract = extract_date.decide(given_extract, prepared.titles, path.name,
                                  [o.records for o in outcomes if o.records is not None]
                                  + known_rows.latest_dates(prepared.known), as_of,
                                  prepared.stated, _latest_tab(outcomes),
                                  extract_date.month_columns({o.kind for o in outcomes}))
    result.extract_date, result.extract_basis = extract
    with writing(db) as con:
        previous = one(con, "SELECT load_id FROM loads WHERE file_hash = ? AND status = 'loaded' "
                               "ORDER BY load_id LIMIT 1", [digest])
        if previous:
            result.status, result.load_id = "unchanged", previous[0]
            return result
        try:
            con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
            with transaction(con):
                _write(con, path, digest, as_of, outcomes, result, prepared.sen2_load,
                       prepared.known, prepared.carried)
                claim_key(con, key)
                if before_commit is not None:
                    before_commit(con, result)
        except PseudonymKeyError as exc:  # rolled back: the key was not checked before (a
            # build's load looks nothing up first), or was changed since
            return FileResult(file=path.name, status="failed",
                              error=f"{path.name}: not loaded: {exc}",
                              skipped_sheets=result.skipped_sheets,
                              read_warnings=result.read_warnings)
        except duckdb.OutOfMemoryException:
            # Rolled back: write it again with all the memory DuckDB would take by default.
            _end_transaction(con)
            con.execute("RESET memory_limit")
            result = FileResult(file=path.name, skipped_sheets=result.skipped_sheets,
                                extract_date=extract[0], extract_basis=extract[1],
                                read_warnings=result.read_warnings)
            with transaction(con):
                _write(con, path, digest, as_of, outcomes, result, prepared.sen2_load,
                       prepared.known, prepared.carried)
                claim_key(con, key)
                if before_commit is not None:
                    before_commit(con, result)
    return result


def _latest_tab(outcomes: list[SheetOutcome]) -> tuple[dt.date, str] | None:
    """The latest month tab of any dataset whose tabs are months (`sheet_months`)."""
    kinds = dict.fromkeys(o.kind for o in outcomes)
    tabs = [sheet_months.latest_tab([o.sheet for o in outcomes if o.kind == k]) for k in kinds]
    return max((t for t in tabs if t is not None), default=None)


def _keep_findings(con: duckdb.DuckDBPyConnection, table: str,
                   findings: list[tuple[str, Reject]], load_id: int, file_name: str) -> None:
    """Write rejects or warnings to their table, as one Arrow table: DuckDB runs `executemany`
    as a statement per row."""
    if not findings:
        return
    fields = ("sheet", "row", "column", "header", "value", "reason", "rule")
    con.register("new_findings", pa.table({
        "kind": [kind for kind, _ in findings],
        **{f: [getattr(r, f) for _, r in findings] for f in fields}}))
    con.execute(f'INSERT INTO {table} SELECT $load_id, $file, sheet, kind, "row", "column", '
                "header, value, reason, rule FROM new_findings",
                {"load_id": load_id, "file": file_name})
    con.unregister("new_findings")


def _end_transaction(con: duckdb.DuckDBPyConnection) -> None:
    """Make sure no transaction is left open (one that failed in COMMIT may be); if none is,
    `transaction` had rolled it back and DuckDB's complaint is ignored."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


def _write(con: duckdb.DuckDBPyConnection, path: Path, digest: str, as_of: dt.date,
           outcomes: list[SheetOutcome], result: FileResult, sen2_load: Sen2Load | None = None,
           known: dict[int, known_rows.SheetKnown] | None = None,
           columns_carried: dict[str, frozenset[str]] | None = None) -> None:
    now = dt.datetime.now().replace(microsecond=0)
    load_id = one(con, "SELECT nextval('load_seq')")[0]
    result.load_id = load_id
    known = known or {}
    rejects: list[tuple[str, Reject]] = [(o.kind, r) for o in outcomes for r in o.rejects]
    fates: dict[tuple[str, str], int] = {}  # (sheet, fate) -> rows
    all_records: list[tuple[str, pa.Table]] = []
    recognised: dict[tuple[str, str, str], int] = {}
    reused: list[tuple[str, Reject]] = []  # records replaced by another provider's row
    las: dict[str, int] = {}  # rows loaded per local authority
    for kind in dict.fromkeys(o.kind for o in outcomes):
        schema = SCHEMAS[kind]
        parts = [i for i, o in enumerate(outcomes) if o.kind == kind]
        tables, respelled = reference_spelling.respell(con, schema, provider_names.respell(
            con, schema, [outcomes[i].records for i in parts]))
        if not schema.derived:  # a derived key is made below: what it holds is kept then
            tables = [carried.keep_uncarried(con, schema, t, columns_carried or {}) for t in tables]
        for i, table in zip(parts, tables, strict=True):  # remembered as read (`known_rows`)
            outcomes[i].records = table
        merged = known_rows.merge(con, schema, [outcomes[i].sheet for i in parts], tables,
                                  [known.get(i) for i in parts], result.extract_date, load_id)
        for sheet, n in merged.loaded.items():  # unchanged records, counted as `_upsert` would
            fates[(sheet, "load")] = fates.get((sheet, "load"), 0) + n
            result.unchanged += n
        recognised |= {(kind, column, text): n for (column, text), n in merged.unlawful.items()}
        for la, n in merged.las.items():
            las[la] = las.get(la, 0) + n
        tables = merged.tables
        all_records += [(kind, table) for table in tables]
        records = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
        del tables
        # The order rows were read in, so that of exact repeats the first is the one loaded.
        records = records.append_column("ord", pa.array(np.arange(len(records))))
        if schema.derived:
            records = carried.keep_uncarried(con, schema, review_cycles.assign(con, schema, records),
                                             columns_carried or {})
        records = staging.with_tab_order(
            records, sheet_months.month_order([outcomes[i].sheet for i in parts]))
        conflicts, counts = staging.stage(con, schema, records)
        del records
        area.count_staged(con, schema, las)
        # Said at the reference's column, under its header as the file writes it.
        at = {outcomes[i].sheet: outcomes[i].record_column for i in parts}
        for r in conflicts:
            letter, header = at.get(r.sheet, ("", ""))
            rejects.append((kind, dataclasses.replace(r, column=letter, header=header)
                            if letter else r))
        for fate, n in counts.items():
            fates[fate] = fates.get(fate, 0) + n
        new, changed, same, stale, clashes = _upsert(
            con, schema, load_id, path.name, now, result.extract_date,
            superseded=any(fate == "superseded" for _, fate in counts))
        reused += [(kind, w) for w in clashes + respelled]
        result.inserted += new
        result.updated += changed
        result.unchanged += same
        for i in parts:  # once written: each row remembered with where its live record is
            if i in known:
                known_rows.store(con, schema, outcomes[i].sheet, known[i].context, load_id,
                                 as_of, known_rows.entries(known[i], outcomes[i]))
        for sheet, n in stale.items():
            fates[(sheet, "load")] -= n
            fates[(sheet, "stale")] = fates.get((sheet, "stale"), 0) + n
        result.kinds.append(kind)
    if sen2_load is not None:
        sen2_tables.store(con, sen2_load.ret, sen2_load.kept, sen2_load.year, load_id, now)
        result.unused = sen2_load.ret.unused

    for o in outcomes:
        conflicted = fates.get((o.sheet, "conflict"), 0)
        sheet = {"sheet": o.sheet, "kind": o.kind, "header_row": o.header_row,
                 "rows_read": o.rows_read, "loaded": fates.get((o.sheet, "load"), 0),
                 "stale": fates.get((o.sheet, "stale"), 0),
                 "superseded": fates.get((o.sheet, "superseded"), 0),
                 "duplicates": fates.get((o.sheet, "duplicate"), 0),
                 "rejected": len({r.row for r in o.rejects}) + conflicted,
                 "blank": o.blank, "notes": o.notes}
        result.sheets.append({**sheet, "unused_columns": o.unused})
        for k in ("rows_read", "loaded", "stale", "superseded", "duplicates", "rejected", "blank",
                  "notes"):
            setattr(result, k, getattr(result, k) + sheet[k])
        con.execute("INSERT INTO load_sheets VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    [load_id, o.sheet, o.kind, o.header_row, o.rows_read, sheet["loaded"],
                     sheet["duplicates"], sheet["rejected"], o.blank, o.notes, None,
                     sheet["superseded"]])
    for skipped in result.skipped_sheets:
        con.execute("INSERT INTO load_sheets (load_id, sheet, note) VALUES (?, ?, ?)",
                    [load_id, skipped["sheet"], "skipped: " + skipped["reason"]])
    result.rejects = [r for _, r in rejects]
    if month_first := [r for r in result.rejects if MONTH_FIRST in r.reason]:
        r = month_first[0]  # one date written month first: its column's others may be misread
        result.read_warnings.append(
            f"{path.name}: {len(month_first):,} date(s) read only month first, the first "
            f"'{r.value}' ({'' if r.sheet == path.name else r.sheet + ' '}row {r.row}, column "
            f"{r.column}): if a column is written "
            "month first (mm/dd/yyyy), its dates that read either way (04/02/2025) were read day "
            "first and are wrong: export it day first and load the file again")
    _keep_findings(con, "rejects", rejects, load_id, path.name)
    # A warning about a row another sheet's duplicate or conflict kept out is still reported:
    # it is about the file as written.
    warnings = [(o.kind, w) for o in outcomes for w in o.warnings] + reused
    result.warnings = [w for _, w in warnings]
    _keep_findings(con, "row_warnings", warnings, load_id, path.name)
    result.unlawful_reasons = exception_reasons.unlawful_reasons(all_records, recognised)
    area.keep(con, load_id, las)
    result.outside_area = area.outside(las)
    con.execute("INSERT INTO loads (load_id, file_name, file_hash, file_bytes, loaded_at, as_of, "
                "kinds, rows_read, loaded, inserted, updated, unchanged, duplicates, rejected, "
                "blank, notes, status, extract_date, extract_basis, stale, superseded) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
        load_id, path.name, digest, path.stat().st_size, now, as_of, ",".join(result.kinds),
        result.rows_read, result.loaded, result.inserted, result.updated, result.unchanged,
        result.duplicates, result.rejected, result.blank, result.notes, "loaded",
        result.extract_date, result.extract_basis, result.stale, result.superseded])
