"""England, regional and local authority benchmarks, as the DfE and MoJ publish them.

Users download the DfE "Education, health and care plans" release (and the SEND Tribunal
appeal-rate table) themselves; this imports its headline rows so any LA can be set beside England,
its region and its statistical neighbours. Published figures are stored, never recomputed.
Area totals only: no personal data.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines import config
from pipelines.db import one, reader, transaction, writing
from pipelines.readers import FileError, decode_text

NATIONAL, REGIONAL, LOCAL = "national", "regional", "local authority"
ENGLAND = "England"
ROLES = ("local authority", "region", "England", "statistical neighbour")
MAX_MEMBER_BYTES = 512 * 1024**2  # the release's largest CSV is a few MB; refuse zip bombs
TRIBUNAL_FILE = re.compile(r"send_tribunals?_and_appeal_rate.*\.csv$", re.IGNORECASE)


@dataclass(frozen=True)
class Measure:
    name: str
    description: str
    unit: str  # "%" (0-100) or "count"
    source: str


_MEASURE_LIST = [
    Measure("within_20_weeks_pct_excl_exceptions",
            "EHC plans issued within 20 weeks of the request, excluding plans where a 20-week "
            "exception applies (the DfE headline); calendar year the plan was issued. Numerator "
            "plans_issued_20_weeks_ex, denominator plans_issued_den_ex.",
            "%", "timeliness_20_week.csv (PC_plans_issued_20_weeks_ex)"),
    Measure("within_20_weeks_pct_incl_exceptions",
            "EHC plans issued within 20 weeks of the request, all plans including exceptions; "
            "calendar year the plan was issued. Numerator plans_issued_within_20_weeks, "
            "denominator plans_issued_den.",
            "%", "timeliness_20_week.csv (pc_plans_issued_within_20_weeks)"),
    Measure("decided_within_6_weeks_pct",
            "Requests for an EHC needs assessment decided within 6 weeks; calendar year of the "
            "request; published from 2023. Numerator request_outcome_six_weeks; no denominator is "
            "published (within + after 6 weeks does not reproduce the 2023 rates).",
            "%", "requests.csv (request_outcome_six_weeks_pc)"),
    Measure("annual_review_decisions_within_4_weeks_pct",
            "Annual review decisions sent within 4 weeks of the review meeting; calendar year; "
            "first published for 2024. Numerator number_decsion_4weeks; no denominator published.",
            "%", "annual_reviews.csv (pc_decsion_4weeks)"),
    Measure("appeal_rate_pct",
            "SEND Tribunal appeal rate: appeals registered as a % of total appealable decisions; "
            "calendar year. Numerator appeals registered, denominator total appealable decisions.",
            "%", "send_tribunals_and_appeal_rate_*.csv (SEND Tribunal Appeal Rate)"),
    Measure("appeal_rate_pct_in_development",
            "The MoJ/DfE 'in development' appeal rate (2024 only): appeals registered over a new "
            "count of appealable decisions; not comparable with appeal_rate_pct; calendar year.",
            "%", "send_tribunals_and_appeal_rate_*.csv (In development: SEND Tribunal Appeal Rate)"),
    Measure("requests_received",
            "Requests for an EHC needs assessment received; calendar year.",
            "count", "requests.csv (requests_received_in_year)"),
    Measure("new_plans",
            "New EHC plans in the calendar year; England only, from england_headlines.csv "
            "(the release's newplans.csv is not imported).",
            "count", "pipelines/reference/england_headlines.csv"),
]
MEASURES: dict[str, Measure] = {m.name: m for m in _MEASURE_LIST}


class UnknownArea(ValueError):
    """An area that is neither England, a region nor a known local authority."""


@dataclass(frozen=True)
class TidySpec:
    """One of the DfE's tidy CSVs: which rows are the totals and which columns hold each measure."""

    dataset: str
    file: str
    # measure -> (value column, numerator column, denominator column); names as in data-guidance
    columns: dict[str, tuple[str, str | None, str | None]]


TIDY = [
    TidySpec("timeliness", "timeliness_20_week.csv", {
        "within_20_weeks_pct_excl_exceptions":
            ("pc_plans_issued_20_weeks_ex", "plans_issued_20_weeks_ex", "plans_issued_den_ex"),
        "within_20_weeks_pct_incl_exceptions":
            ("pc_plans_issued_within_20_weeks", "plans_issued_within_20_weeks", "plans_issued_den"),
    }),
    TidySpec("requests", "requests.csv", {
        "decided_within_6_weeks_pct":
            ("request_outcome_six_weeks_pc", "request_outcome_six_weeks", None),
        "requests_received": ("requests_received_in_year", None, None),
    }),
    TidySpec("annual_reviews", "annual_reviews.csv", {
        "annual_review_decisions_within_4_weeks_pct":
            ("pc_decsion_4weeks", "number_decsion_4weeks", None),
    }),
]
TRIBUNAL_DATASET = "appeal_rate"
DATASET_MEASURES = {
    **{spec.dataset: tuple(spec.columns) for spec in TIDY},
    TRIBUNAL_DATASET: ("appeal_rate_pct", "appeal_rate_pct_in_development"),
}
_AREA_COLUMNS = ("time_period", "geographic_level", "region_name", "la_name", "old_la_code",
                 "new_la_code", "breakdown")
_LEVELS = {"national": NATIONAL, "regional": REGIONAL, "local authority": LOCAL}

# Cells that mean "no figure": the DfE's x (unavailable), z (not applicable), c (confidential),
# low (rounds to 0), u (low reliability); the MoJ's .. (not available) and ~ (suppressed).
PLACEHOLDERS = frozenset({"", "x", "z", "c", "low", "u", "-", "--", "–", "—", "..", "~", ":", "*",
                          "n/a", "na", "[x]", "[z]", "[c]", "[low]", "[u]"})
_DASHES = frozenset({"-", "–", "—"})
_NUMBER = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
_FOOTNOTE = re.compile(r"(?<=[A-Za-z)])\d+(,\d+)*$")  # "Appeals registered4", "Total4,9"


def parse_number(cell: str) -> float | None:
    """A published figure as a number: None for a placeholder; thousands separators and a
    trailing % dropped ("1,071" -> 1071, "1.30%" -> 1.3). Anything else is an error."""
    text = cell.strip()
    if text.lower() in PLACEHOLDERS:
        return None
    if text.endswith("%"):
        text = text[:-1].strip()
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"'{cell.strip()}' is not a number")
    return float(text.replace(",", ""))


def strip_footnote(label: str) -> str:
    """A name or header without its footnote markers: "Cumberland8" -> "Cumberland"."""
    return _FOOTNOTE.sub("", label.strip()).strip()


# --- finding the files ---------------------------------------------------------------------

@dataclass
class SourceFile:
    name: str  # shown in messages: the file name, or zip name/member
    base: str  # the file's own name, stored as source_file
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _dataset_of(base: str) -> str | None:
    for spec in TIDY:
        if base.lower() == spec.file:
            return spec.dataset
    return TRIBUNAL_DATASET if TRIBUNAL_FILE.fullmatch(base) else None


def find_release_files(source: Path) -> dict[str, SourceFile]:
    """The release files in a folder (searched two levels down, as an unzipped release nests
    them in data/), a zip, or a single file; the shallowest wins, then the latest-named."""
    if not source.exists():
        raise FileError(f"{source}: no such file or folder")
    if source.is_dir():
        found = _from_folder(source)
    elif zipfile.is_zipfile(source):
        found = _from_zip(source)
    elif source.suffix.lower() == ".zip":
        raise FileError(f"{source.name}: not a readable zip file")
    else:
        found = [(0, source.name, source)] if _dataset_of(source.name) else []
    if not found:
        expected = ", ".join([s.file for s in TIDY] + ["send_tribunals_and_appeal_rate_*.csv"])
        raise FileError(f"{source.name or source}: none of the release files found (expected "
                        f"any of {expected})")
    chosen: dict[str, tuple[int, str, Any]] = {}
    for dataset in dict.fromkeys(_dataset_of(Path(name).name) for _, name, _ in found):
        candidates = [c for c in found if _dataset_of(Path(c[1]).name) == dataset]
        shallowest = min(depth for depth, _, _ in candidates)
        chosen[dataset] = max((c for c in candidates if c[0] == shallowest),
                              key=lambda c: Path(c[1]).name)
    return {ds: _read_source(source, name, handle) for ds, (_, name, handle) in chosen.items()}


def _from_folder(folder: Path) -> list[tuple[int, str, Any]]:
    found = []
    for root, dirs, files in os.walk(folder):
        depth = len(Path(root).relative_to(folder).parts)
        if depth >= 2:
            dirs.clear()
        found += [(depth, name, Path(root) / name) for name in files if _dataset_of(name)]
    return found


def _from_zip(path: Path) -> list[tuple[int, str, Any]]:
    try:
        with zipfile.ZipFile(path) as zf:
            return [(info.filename.count("/"), info.filename, info) for info in zf.infolist()
                    if not info.is_dir() and _dataset_of(Path(info.filename).name)]
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileError(f"{path.name}: not a readable zip file ({exc})") from exc


def _read_source(source: Path, name: str, handle: Any) -> SourceFile:
    if isinstance(handle, zipfile.ZipInfo):
        label = f"{source.name}/{name}"
        if handle.file_size > MAX_MEMBER_BYTES:
            raise FileError(f"{label}: would expand to {handle.file_size / 1024**2:,.0f} MB; "
                            "refusing to open it")
        try:
            with zipfile.ZipFile(source) as zf:
                data = zf.read(handle)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise FileError(f"{label}: cannot be read from the zip ({exc})") from exc
        return SourceFile(label, Path(name).name, data)
    try:
        data = Path(handle).read_bytes()
    except OSError as exc:
        raise FileError(f"{Path(handle).name}: cannot be opened ({exc.strerror or exc})") from exc
    return SourceFile(Path(handle).name, Path(handle).name, data)


# --- parsing -------------------------------------------------------------------------------

@dataclass
class Parsed:
    """One file's rows, in the order of the benchmarks table's columns."""

    source: SourceFile
    dataset: str
    rows: list[tuple] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        years = sorted({r[5] for r in self.rows})
        return {"file": self.source.name, "dataset": self.dataset,
                "sha256": self.source.sha256, "rows": len(self.rows),
                "years": years, "areas": len({(r[0], r[1]) for r in self.rows}),
                "measures": sorted({r[6] for r in self.rows}), "warnings": self.warnings}


def _csv_rows(source: SourceFile, ragged: bool = False) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each row. In a tidy file a row whose width differs from the
    header's means a truncated or damaged file; a `ragged` table's rows may differ."""
    if not source.data.strip():
        raise FileError(f"{source.name}: the file is empty")
    text = decode_text(Path(source.name), source.data)
    reader_ = csv.reader(io.StringIO(text, newline=""), strict=True)
    width = None
    try:
        for cells in reader_:
            if not cells:
                continue
            width = width or len(cells)
            if not ragged and len(cells) != width:
                raise FileError(f"{source.name}: line {reader_.line_num} has {len(cells)} fields "
                                f"where the header has {width} (truncated or damaged file)")
            yield reader_.line_num, cells
    except csv.Error as exc:
        raise FileError(f"{source.name}: malformed CSV near line {reader_.line_num} ({exc})") from exc


def _number(source: SourceFile, line: int, column: str, cell: str) -> float | None:
    try:
        return parse_number(cell)
    except ValueError as exc:
        raise FileError(f"{source.name}: line {line}, column {column}: {exc}") from None


def _is_total(text: str) -> bool:
    return text.strip().lower().startswith("all ") or text.strip().lower() == "total"


def parse_tidy(source: SourceFile, spec: TidySpec) -> Parsed:
    """The 'All ...' rows of a DfE tidy CSV for England, its regions and its LAs."""
    parsed = Parsed(source, spec.dataset)
    rows = _csv_rows(source)
    first = next(rows, None)
    header = [h.strip().lower() for h in first[1]] if first else []
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(name, i)  # annual_reviews.csv repeats a column; the first is as good
    wanted = [c for cols in spec.columns.values() for c in cols if c]
    missing = [c for c in (*_AREA_COLUMNS, *wanted) if c not in index]
    if missing:
        raise FileError(f"{source.name}: not the DfE {spec.file} (missing columns: "
                        f"{', '.join(missing)})")
    seen: set[tuple] = set()
    for line, cells in rows:
        cell = {name: cells[i].strip() for name, i in index.items()}
        level = _LEVELS.get(cell["geographic_level"].lower())
        if level is None or not _is_total(cell["breakdown"]):
            continue
        if "breakdown_topic" in cell and not _is_total(cell["breakdown_topic"]):
            continue
        if not re.fullmatch(r"\d{4}", cell["time_period"]):
            raise FileError(f"{source.name}: line {line}: time_period '{cell['time_period']}' is "
                            "not a calendar year")
        area, old, new, region = _tidy_area(level, cell)
        key = (level, area, cell["time_period"])
        if key in seen:
            raise FileError(f"{source.name}: line {line}: a second total row for {area} in "
                            f"{cell['time_period']}")
        seen.add(key)
        for measure, columns in spec.columns.items():
            value, num, den = (_number(source, line, c, cell[c]) if c else None for c in columns)
            if value is not None or num is not None or den is not None:
                parsed.rows.append((level, area, old, new, region, int(cell["time_period"]),
                                    measure, value, num, den, source.base))
    return parsed


def _tidy_area(level: str, cell: dict[str, str]) -> tuple[str, str | None, str | None, str | None]:
    region = cell["region_name"] or None
    if level == NATIONAL:
        return ENGLAND, None, None, None
    if level == REGIONAL:
        return cell["region_name"], None, None, region
    name = next((la for la in (config.canonical_la(cell[c]) for c in
                               ("la_name", "old_la_code", "new_la_code") if cell[c]) if la),
                cell["la_name"])
    return name, cell["old_la_code"] or None, cell["new_la_code"] or None, region


def parse_appeal_rate(source: SourceFile) -> Parsed:
    """The SEND Tribunal appeal-rate table: title rows, a header of years over a header of
    measure names, region headings in capitals between LA rows, an England total, then notes."""
    parsed = Parsed(source, TRIBUNAL_DATASET)
    rows = list(_csv_rows(source, ragged=True))
    width = max((len(cells) for _, cells in rows), default=0)
    rows = [(line, cells + [""] * (width - len(cells))) for line, cells in rows]
    at = next((i for i, (_, cells) in enumerate(rows)
               if cells[0].strip().lower() == "local authority"), None)
    if at is None or at + 1 >= len(rows):
        raise FileError(f"{source.name}: no 'Local Authority' header row (not the SEND Tribunal "
                        "appeal-rate table?)")
    columns = _appeal_columns(rows[at][1], rows[at + 1][1])
    if not any(kind == "rate" for _, kind in columns.values()):
        raise FileError(f"{source.name}: no 'SEND Tribunal Appeal Rate' columns under the years")
    regions = {_key(la.region): la.region for la in config.load_settings().england if la.region}
    region: str | None = None
    placed: set[str] = set()
    for line, cells in rows[at + 2:]:
        label, code = strip_footnote(cells[0]), cells[1].strip()
        if not label:
            continue
        figures = {col: cells[col] for col in columns if cells[col].strip()}
        if label.lower() == "england" or label.lower().startswith("england total"):
            if "excluding" in label.lower():
                continue  # a 2024-only variant of England's total, without the suppressed LAs
            _appeal_rows(parsed, line, NATIONAL, ENGLAND, None, None, columns, cells)
            return parsed  # notes and footnotes follow the England total
        if not code and (_key(label) in regions or label.isupper()):
            # A heading: a region (its totals stored where the table gives them), or a grouping
            # inside one (INNER/OUTER LONDON) that keeps the region and is not held.
            region = regions.get(_key(label), region)
            if figures and _key(label) in regions:
                _appeal_rows(parsed, line, REGIONAL, region, None, None, columns, cells, region)
            elif figures:
                parsed.warnings.append(f"{source.name}: line {line}: '{label}' is not a region "
                                       "or local authority; its figures are not imported")
            continue
        if not figures:
            continue
        name, old, la_region = _place_tribunal_la(parsed, line, label, code)
        if name in placed:
            raise FileError(f"{source.name}: line {line}: a second row for {name}")
        placed.add(name)
        _appeal_rows(parsed, line, LOCAL, name, old, _new_code(name), columns, cells,
                     la_region or region)
    raise FileError(f"{source.name}: no 'England Total' row (truncated file?)")


def _appeal_columns(years_row: list[str], names_row: list[str]) -> dict[int, tuple[int, str]]:
    """column -> (year, kind). A year heads its first column and runs on over the blank cells
    to its right, so the 'In development' columns at the end belong to the last year."""
    columns: dict[int, tuple[int, str]] = {}
    year = None
    for col in range(2, len(years_row)):
        if re.fullmatch(r"\d{4}", years_row[col].strip()):
            year = int(years_row[col].strip())
        name = strip_footnote(names_row[col]).lower()
        developing = name.startswith("in development")
        if "appeals registered" in name:
            kind = "appeals"
        elif "appealable decisions" in name:
            kind = "dev_decisions" if developing else "decisions"
        elif "appeal rate" in name:
            kind = "dev_rate" if developing else "rate"
        else:
            continue
        if year is not None:
            columns[col] = (year, kind)
    return columns


def _appeal_rows(parsed: Parsed, line: int, level: str, name: str, old: str | None,
                 new: str | None, columns: dict[int, tuple[int, str]], cells: list[str],
                 region: str | None = None) -> None:
    by_year: dict[int, dict[str, float | None]] = {}
    for col, (year, kind) in columns.items():
        cell = cells[col]
        # The table's legend defines only ".." (not available) and "~" (suppressed). A lone dash
        # is the statistical convention for nil: every dash in the appeals column sits beside a
        # published rate of 0.00% over a positive number of decisions, so it is stored as 0
        # appeals. Everywhere else placeholders stay NULL.
        if kind == "appeals" and cell.strip() in _DASHES:
            value: float | None = 0.0
        else:
            value = _number(parsed.source, line, f"{year} {kind.replace('_', ' ')}", cell)
        by_year.setdefault(year, {})[kind] = value
    for year, f in sorted(by_year.items()):
        for measure, rate, den, own in (
            ("appeal_rate_pct", "rate", "decisions", ("rate", "decisions", "appeals")),
            # Borrows the year's appeals registered, so it exists only where its own cells do.
            ("appeal_rate_pct_in_development", "dev_rate", "dev_decisions", ("dev_rate", "dev_decisions")),
        ):
            if any(f.get(kind) is not None for kind in own):
                parsed.rows.append((level, name, old, new, region, year, measure, f.get(rate),
                                    f.get("appeals"), f.get(den), parsed.source.base))


def _place_tribunal_la(parsed: Parsed, line: int, label: str,
                       code: str) -> tuple[str, str | None, str | None]:
    """The DfE name of an LA row. The name decides and the code is the fallback: in the 2025
    table five rows carry another LA's code (Nottingham 891, Nottinghamshire 928, Northamptonshire
    892, Central Bedfordshire 873, Cambridgeshire 823) while their decisions, year after year,
    match the named LA's size."""
    by_name = config.canonical_la(label)
    by_code = config.canonical_la(code) if code else None
    if by_name and by_code and by_name != by_code:
        parsed.warnings.append(f"{parsed.source.name}: line {line}: '{label}' has LA code {code}, "
                               f"which is {by_code}'s; placed by its name as {by_name}")
    name = by_name or by_code
    if name is None:
        parsed.warnings.append(f"{parsed.source.name}: line {line}: '{label}' is not a current "
                               "local authority; kept under that name")
        return label, code or None, None
    la = _england_la(name)
    return name, (la.old_code if la else code) or None, la.region if la else None


def _england_la(name: str) -> config.LocalAuthority | None:
    return next((la for la in config.load_settings().england if la.name == name), None)


def _new_code(name: str) -> str | None:
    la = _england_la(name)
    return la.new_code if la and la.new_code else None


def _key(text: str) -> str:
    return " ".join(text.lower().replace("&", " and ").split())


# --- the database --------------------------------------------------------------------------

def _has_benchmarks(con: duckdb.DuckDBPyConnection) -> bool:
    return one(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'benchmarks'")[0] > 0


def import_release(db: Path, source: Path) -> dict[str, Any]:
    """Import whichever release files `source` (folder, zip or file) holds, in one transaction.

    Each dataset imported replaces that dataset's earlier rows, so importing again changes
    nothing and a later release supersedes an earlier one. Every file is read before the
    database is touched: one unreadable file leaves the database exactly as it was."""
    files = find_release_files(source)
    parsed = []
    for dataset, file in files.items():
        spec = next((s for s in TIDY if s.dataset == dataset), None)
        parsed.append(parse_tidy(file, spec) if spec else parse_appeal_rate(file))
    now = dt.datetime.now().replace(microsecond=0)
    # The writer makes the tables (`db`, from their declarations in `tables`).
    with writing(db) as con, transaction(con):
        for p in parsed:
            _replace(con, p, now, source)
    return {"source": str(source), "files": [p.summary() for p in parsed]}


def _replace(con: duckdb.DuckDBPyConnection, p: Parsed, now: dt.datetime, source: Path) -> None:
    measures = DATASET_MEASURES[p.dataset]
    con.execute(f"DELETE FROM benchmarks WHERE measure IN ({', '.join('?' * len(measures))})",
                list(measures))
    frame = pd.DataFrame(p.rows, columns=["area_level", "area_name", "old_la_code", "new_la_code",
                                          "region_name", "year", "measure", "value", "numerator",
                                          "denominator", "source_file"])
    frame[["value", "numerator", "denominator"]] = frame[
        ["value", "numerator", "denominator"]].astype("float64")
    con.register("incoming_benchmarks", frame)
    try:
        con.execute("INSERT INTO benchmarks SELECT * FROM incoming_benchmarks")
    finally:
        con.unregister("incoming_benchmarks")
    con.execute("INSERT INTO benchmark_imports VALUES (?, ?, ?, ?, ?, ?)",
                [p.dataset, p.source.name, p.source.sha256, now,
                 len(p.rows), str(source)])


def describe_import(file: dict[str, Any]) -> str:
    """One line per imported file, as the command line prints it."""
    years = file["years"]
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "none")
    return f"{file['file']}: {file['rows']:,} rows, years {span}, {file['areas']:,} areas"


# --- reading benchmarks --------------------------------------------------------------------

def resolve_area(area: str) -> tuple[str, str]:
    """(area level, name) for England, a region (any case) or an LA (any spelling or code)."""
    key = _key(area)
    if key in {"england", "national", "e92000001"}:
        return NATIONAL, ENGLAND
    regions = {_key(la.region): la.region for la in config.load_settings().england if la.region}
    if key in regions:
        return REGIONAL, regions[key]
    la = config.canonical_la(area) if key else None
    if la:
        return LOCAL, la
    raise UnknownArea(f"unknown area '{area}' (give England, a region, or a local authority's "
                      "name or code)")


def england_headlines() -> pd.DataFrame:
    """England's headline series typed from the DfE release (pipelines/reference), long form."""
    wide = pd.read_csv(config.REFERENCE / "england_headlines.csv")
    long = wide.melt(id_vars="year", var_name="measure", value_name="value").dropna(subset="value")
    long["value"] = long["value"].astype("float64")
    return long.assign(area=ENGLAND, numerator=float("nan"), denominator=float("nan"))


def _imported(con: duckdb.DuckDBPyConnection, level: str, names: list[str],
              measures: list[str]) -> pd.DataFrame:
    """Imported figures for areas of one level; empty where nothing (or no table) exists."""
    columns = ["area", "year", "measure", "value", "numerator", "denominator"]
    if not names or not _has_benchmarks(con):
        return pd.DataFrame(columns=columns)
    sql = f"""
        SELECT area_name AS area, year, measure, value, numerator, denominator
        FROM benchmarks
        WHERE area_level = ? AND value IS NOT NULL
          AND area_name IN ({', '.join('?' * len(names))})
          AND measure IN ({', '.join('?' * len(measures))})
        ORDER BY area_name, year, measure"""
    return con.execute(sql, [level, *names, *measures]).df()


def _england(con: duckdb.DuckDBPyConnection | None, measures: list[str]) -> pd.DataFrame:
    """England's imported figures; a measure never imported comes from the headline series."""
    imported = _imported(con, NATIONAL, [ENGLAND], measures) if con is not None else pd.DataFrame(
        columns=["area", "year", "measure", "value", "numerator", "denominator"])
    headlines = england_headlines()
    fallback = headlines[headlines.measure.isin(measures) & ~headlines.measure.isin(imported.measure)]
    parts = [f for f in (imported, fallback[imported.columns]) if not f.empty]
    return pd.concat(parts, ignore_index=True) if parts else imported


def show(db: Path, area: str) -> dict[str, Any]:
    """What is held for one area: {"area": name, "years": {"2024": {measure: value}}}.

    Read-only (no table is created), so it works while the app or a load holds the file."""
    level, name = resolve_area(area)
    measures = list(MEASURES)
    if not db.exists():
        frame = _england(None, measures) if level == NATIONAL else pd.DataFrame()
    else:
        with reader(db) as con:
            frame = (_england(con, measures) if level == NATIONAL
                     else _imported(con, level, [name], measures))
    years: dict[str, dict[str, float | int]] = {}
    for row in frame.sort_values(["year"]).itertuples() if not frame.empty else []:
        value = float(row.value)
        years.setdefault(str(int(row.year)), {})[row.measure] = (
            int(value) if MEASURES[row.measure].unit == "count" and value.is_integer() else value)
    ordered = {y: {m: v[m] for m in MEASURES if m in v} for y, v in sorted(years.items())}
    return {"area": name, "years": ordered}


def show_table(result: dict[str, Any]) -> pd.DataFrame:
    """show()'s result for reading: one row per measure, one column per year, "-" where absent."""
    years = result["years"]
    held = [m for m in MEASURES if any(m in v for v in years.values())]
    rows = [[m, *(_cell(years[y].get(m)) for y in years)] for m in held]
    return pd.DataFrame(rows, columns=["measure", *years])


def _cell(value: float | int | None) -> str:
    return "-" if value is None else f"{value:,}" if isinstance(value, int) else f"{value:.1f}"


def comparison(con: duckdb.DuckDBPyConnection, la: str, measure: str) -> pd.DataFrame:
    """One measure by year for an LA, its region, England and its statistical neighbours
    (settings.toml): columns area, role, year, value, numerator, denominator."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure '{measure}' (one of {', '.join(MEASURES)})")
    name = config.canonical_la(la)
    if name is None:
        raise UnknownArea(f"unknown local authority '{la}'")
    settings = config.load_settings()
    local = next((x for x in settings.local_authorities if x.name == name), None)
    neighbours = [config.canonical_la(n) or n for n in (local.statistical_neighbours if local else ())]
    own = _imported(con, LOCAL, [name], [measure])
    region = _region_of(con, name)
    parts = [
        own.assign(role="local authority"),
        _imported(con, REGIONAL, [region] if region else [], [measure]).assign(role="region"),
        _england(con, [measure]).assign(role="England"),
        _imported(con, LOCAL, neighbours, [measure]).assign(role="statistical neighbour"),
    ]
    columns = ["area", "role", "year", "value", "numerator", "denominator"]
    held = [p for p in parts if not p.empty]
    if not held:  # e.g. the appeal rate before any import: England's headlines lack it
        return pd.DataFrame(columns=columns)
    frame = pd.concat(held, ignore_index=True)
    order = {area: i for i, area in enumerate([name, region, ENGLAND, *neighbours])}
    frame["year"] = frame["year"].astype("int64")
    frame = frame.assign(_role=frame.role.map(ROLES.index), _area=frame.area.map(order))
    return frame.sort_values(["_role", "_area", "year"])[columns].reset_index(drop=True)


def _region_of(con: duckdb.DuckDBPyConnection, la: str) -> str | None:
    known = _england_la(la)
    if known and known.region:
        return known.region
    if not _has_benchmarks(con):
        return None
    row = one(con, "SELECT max(region_name) FROM benchmarks WHERE area_level = ? AND area_name = ?",
              [LOCAL, la])
    return row[0] if row else None
