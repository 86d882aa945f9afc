"""England, regional and local authority benchmarks, as the DfE, MoJ and NHS England publish them.

Users download the DfE "Education, health and care plans" release (the SEND Tribunal appeal-rate
table, sen2_dmo_dco.csv) and NHS England's CHS waiting lists themselves; this recognises each file
by its content and imports its headline rows so any LA can be set beside England, its region and
its statistical neighbours. Published figures and their symbols are stored, never recomputed.
Every benchmark table is declared in `pipelines/tables.py`. Area totals only: no personal data.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines import config, dmo_dco, nhs_waiting_lists, published
from pipelines.benchmark_files import (
    Parsed,
    SourceFile,
    cell_value,
    csv_rows,
    gather,
    head_rows,
    is_long,
    sheets_as_csv,
    strip_footnote,
    widen,
)
from pipelines.db import one, transaction, writing
from pipelines.readers import FileError

NATIONAL, REGIONAL, LOCAL = "national", "regional", "local authority"
ENGLAND = "England"
ROLES = ("local authority", "region", "England", "statistical neighbour")


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
# The 2022 release (and the time series before it) published the 20-week figures in one wide
# table, sen2_mi.csv, without breakdown columns: the same measures under other names.
OLDER = [
    TidySpec("timeliness", "sen2_mi.csv", {
        "within_20_weeks_pct_excl_exceptions":
            ("no_exc_20week_rate", "no_exc_20week_ehc", "tot_no_exc_ehc"),
        "within_20_weeks_pct_incl_exceptions":
            ("inc_exc_20week_rate", "inc_exc_20week_ehc", "tot_inc_exc_ehc"),
    }),
]
TRIBUNAL_DATASET = "appeal_rate"
DATASET_MEASURES = {
    **{spec.dataset: tuple(spec.columns) for spec in TIDY},
    TRIBUNAL_DATASET: ("appeal_rate_pct", "appeal_rate_pct_in_development"),
}
_AREA_COLUMNS = ("time_period", "geographic_level")
_PLACE_COLUMNS = ("region_name", "la_name", "old_la_code", "new_la_code")  # any one will do
_LEVELS = {"national": NATIONAL, "regional": REGIONAL, "local authority": LOCAL}

_DASHES = frozenset({"-", "–", "—"})


# --- recognising the files -----------------------------------------------------------------

TRIBUNAL_NAME = "send_tribunals_and_appeal_rate_*.csv"
KNOWN = ", ".join([s.file for s in TIDY] + [TRIBUNAL_NAME, "sen2_dmo_dco.csv",
                                            "NHS England's community health services workbook"])


def _tidy_header(rows: list[list[str]]) -> set[str]:
    return {h.strip().lower() for h in rows[0]} if rows else set()


def recognise(file: SourceFile) -> str | None:
    """The dataset a file holds, judged by its content alone; None for anything else."""
    if file.is_workbook:
        return nhs_waiting_lists.CHS_DATASET if nhs_waiting_lists.is_chs_workbook(file) else None
    rows = head_rows(file)
    header = _tidy_header(rows)
    if {"time_period", "geographic_level"} <= header:
        if dmo_dco.fits(header):
            return dmo_dco.DATASET
        spec = tidy_spec(header)
        return spec.dataset if spec else None
    if nhs_waiting_lists.is_inclusion_series(header):
        return nhs_waiting_lists.SERIES_DATASET
    text = " ".join(" ".join(r) for r in rows).lower()
    if "appeal rate" in text and any(r and r[0].strip().lower() == "local authority" for r in rows):
        return TRIBUNAL_DATASET
    return None


def tidy_spec(header: set[str]) -> TidySpec | None:
    """The layout (today's, else an older release's) whose measure columns a tidy header has."""
    return next((spec for spec in (*TIDY, *OLDER)
                 if any(cols[0].lower() in header for cols in spec.columns.values())), None)


def _named_as(file: SourceFile) -> str | None:
    """The dataset whose DfE file name this file carries: used only to refuse a damaged copy
    loudly instead of skipping it, never to accept a file."""
    base = file.base.lower()
    if re.fullmatch(r"send_tribunals?_and_appeal_rate.*\.csv", base):
        return TRIBUNAL_DATASET
    return next((s.dataset for s in TIDY if base == s.file), None)


def _refusal(file: SourceFile) -> str:
    """Why a file given on its own is not imported."""
    header = _tidy_header(head_rows(file))
    if {"time_period", "geographic_level"} <= header:
        return (f"{file.name}: a DfE table, but not one imported here (its columns or indicators "
                f"fit none of {KNOWN}; a release before 2023 may lack them)")
    if "indicator" in header:
        return (f"{file.name}: its columns ({', '.join(sorted(header)[:8])}) fit no benchmark "
                "table (expected a DfE or NHS England waiting-list layout)")
    return f"{file.name}: not a DfE, MoJ or NHS England file imported here (expected any of {KNOWN})"


def _tables_of(file: SourceFile) -> list[SourceFile]:
    """The tables a file holds: a workbook's sheets as CSV (a DfE file saved from Excel), unless
    it is NHS England's workbook, read as itself; any other file is one table."""
    if not file.is_workbook or nhs_waiting_lists.is_chs_workbook(file):
        return [file]
    return sheets_as_csv(file) or [file]


def find_release_files(source: Path) -> dict[str, SourceFile]:
    """The publications in a folder (two levels down), a zip or one file, recognised by content
    (a long-form tidy file as the wide one it stands for); for each dataset the shallowest copy
    wins, then the latest-named."""
    found = gather(source)
    recognised = []
    for depth, given in found:
        tables = _tables_of(given)
        for table in tables:
            rows = head_rows(table, 1)
            file = widen(table) if rows and is_long(rows[0]) else table
            dataset = recognise(file) or _named_as(file)
            if dataset:
                recognised.append((depth, file.base, dataset, file))
        if source.is_file() and given.name == source.name and not recognised:
            raise FileError(_refusal(tables[0]) if len(tables) == 1 and tables[0] is given
                            else f"{given.name}: no sheet of it is a DfE, MoJ or NHS England "
                                 f"table imported here (expected any of {KNOWN})")
    if not recognised:
        raise FileError(f"{source.name or source}: none of the release files found (expected "
                        f"any of {KNOWN})")
    chosen: dict[str, SourceFile] = {}
    for dataset in dict.fromkeys(r[2] for r in recognised):
        candidates = [r for r in recognised if r[2] == dataset]
        shallowest = min(r[0] for r in candidates)
        chosen[dataset] = max((r for r in candidates if r[0] == shallowest), key=lambda r: r[1])[3]
    return chosen


# --- parsing -------------------------------------------------------------------------------

BENCHMARK_COLUMNS = ["area_level", "area_name", "old_la_code", "new_la_code", "region_name", "year",
                     "measure", "value", "numerator", "denominator", "source_file", "value_status",
                     "numerator_status", "denominator_status"]


def _bench_row(level: str, area: str, old: str | None, new: str | None, region: str | None,
               year: int, measure: str, figures: list[tuple[float | None, str | None]],
               base: str) -> tuple:
    """A benchmarks row: (value, status) of the figure, its numerator and its denominator."""
    (value, vs), (num, ns), (den, ds) = figures
    return (level, area, old, new, region, year, measure, value, num, den, base, vs, ns, ds)


def _is_total(text: str) -> bool:
    return text.strip().lower().startswith("all ") or text.strip().lower() == "total"


def parse_tidy(source: SourceFile, spec: TidySpec) -> Parsed:
    """The 'All ...' rows of a DfE tidy CSV for England, its regions and its LAs. An older
    release lacking some measures' columns loads the measures it has, with a warning; a file
    without breakdown columns is all totals."""
    parsed = Parsed(source, spec.dataset, BENCHMARK_COLUMNS)
    rows = csv_rows(source)
    first = next(rows, None)
    header = [h.strip().lower() for h in first[1]] if first else []
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(name, i)  # annual_reviews.csv repeats a column; the first is as good
    usable = {m: cols for m, cols in spec.columns.items()
              if all(c.lower() in index for c in cols if c)}
    missing = [c for c in _AREA_COLUMNS if c not in index] or (
        [] if any(c in index for c in _PLACE_COLUMNS) else ["la_name or new_la_code"]) or (
        [] if usable else [c for cols in spec.columns.values() for c in cols if c])
    if missing:
        raise FileError(f"{source.name}: not the DfE {spec.file} (missing columns: "
                        f"{', '.join(missing)})")
    for measure in spec.columns.keys() - usable.keys():
        parsed.warnings.append(f"{source.name}: no columns for {measure} (an older layout?); "
                               "not imported from this file")
    seen: set[tuple] = set()
    # Most rows are breakdowns, passed over on these few cells before the row is taken apart.
    at_level = index["geographic_level"]
    breakdowns = [index[c] for c in ("breakdown", "breakdown_topic") if c in index]
    for line, cells in rows:
        level = _LEVELS.get(cells[at_level].strip().lower())
        if level is None or not all(_is_total(cells[i]) for i in breakdowns):
            continue
        cell = dict.fromkeys(_PLACE_COLUMNS, "") | {name: cells[i].strip()
                                                    for name, i in index.items()}
        if not re.fullmatch(r"\d{4}", cell["time_period"]):
            raise FileError(f"{source.name}: line {line}: time_period '{cell['time_period']}' is "
                            "not a calendar year")
        area, old, new, region = _tidy_area(level, cell)
        key = (level, area, cell["time_period"])
        if key in seen:
            raise FileError(f"{source.name}: line {line}: a second total row for {area} in "
                            f"{cell['time_period']}")
        seen.add(key)
        for measure, columns in usable.items():
            figures = [cell_value(source, line, c, cell[c.lower()]) if c else (None, None)
                       for c in columns]
            if any(v is not None or st is not None for v, st in figures):
                parsed.rows.append(_bench_row(level, area, old, new, region,
                                              int(cell["time_period"]), measure, figures,
                                              source.base))
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
    parsed = Parsed(source, TRIBUNAL_DATASET, BENCHMARK_COLUMNS)
    rows = list(csv_rows(source, ragged=True))
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
    by_year: dict[int, dict[str, tuple[float | None, str | None]]] = {}
    for col, (year, kind) in columns.items():
        cell = cells[col]
        # The table's legend defines only ".." (not available) and "~" (suppressed). A lone dash
        # is the statistical convention for nil: every dash in the appeals column sits beside a
        # published rate of 0.00% over a positive number of decisions, so it is stored as 0
        # appeals, its status "-" kept beside it. Every other symbol is stored as a status.
        if kind == "appeals" and cell.strip() in _DASHES:
            figure: tuple[float | None, str | None] = (0.0, "-")
        else:
            figure = cell_value(parsed.source, line, f"{year} {kind.replace('_', ' ')}", cell)
        by_year.setdefault(year, {})[kind] = figure
    for year, f in sorted(by_year.items()):
        for measure, rate, den, own, needs_figure in (
            ("appeal_rate_pct", "rate", "decisions", ("rate", "decisions", "appeals"), False),
            # Borrows the year's appeals registered, so it exists only where its own figures do.
            ("appeal_rate_pct_in_development", "dev_rate", "dev_decisions",
             ("dev_rate", "dev_decisions"), True),
        ):
            held = [f.get(kind, (None, None)) for kind in own]
            if any(v is not None or (st is not None and not needs_figure) for v, st in held):
                figures = [f.get(k, (None, None)) for k in (rate, "appeals", den)]
                parsed.rows.append(_bench_row(level, name, old, new, region, year, measure,
                                              figures, parsed.source.base))


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

TABLES = {dmo_dco.DATASET: "benchmark_dmo_dco",
          **dict.fromkeys(nhs_waiting_lists.DATASETS, "benchmark_waiting_lists")}


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return published.has_table(con, table)


def import_release(db: Path, source: Path) -> dict[str, Any]:
    """Import whichever release files `source` (folder, zip or file) holds, in one transaction.

    Each dataset imported replaces that dataset's earlier rows, so importing again changes
    nothing and a later release supersedes an earlier one. Every file is read before the
    database is touched: one unreadable file leaves the database exactly as it was."""
    files = find_release_files(source)
    parsed = []
    for dataset, file in files.items():
        spec = next((s for s in TIDY if s.dataset == dataset), None)
        if spec:
            spec = tidy_spec(_tidy_header(head_rows(file))) or spec
            parsed.append(parse_tidy(file, spec))
        elif dataset == TRIBUNAL_DATASET:
            parsed.append(parse_appeal_rate(file))
        elif dataset == dmo_dco.DATASET:
            parsed.append(dmo_dco.parse(file))
        else:
            parsed.append(nhs_waiting_lists.parse(file))
    now = dt.datetime.now().replace(microsecond=0)
    # The writer makes the tables (`db`, from their declarations in `tables`).
    with writing(db) as con, transaction(con):
        for p in parsed:
            _replace(con, p, now, source)
    return {"source": str(source), "files": [p.summary() for p in parsed]}


def _replace(con: duckdb.DuckDBPyConnection, p: Parsed, now: dt.datetime, source: Path) -> None:
    table = TABLES.get(p.dataset, "benchmarks")
    if table == "benchmarks":
        measures = DATASET_MEASURES[p.dataset]
        con.execute(f"DELETE FROM benchmarks WHERE measure IN ({', '.join('?' * len(measures))})",
                    list(measures))
    elif table == "benchmark_waiting_lists":
        # A file replaces only its own months' lists of the service lines it holds, so the
        # workbook and the dashboard's series of four lines can sit side by side.
        for month in sorted(set(p.column("month"))):
            lines = sorted({r[4] for r in p.rows if r[0] == month})
            con.execute(f"DELETE FROM {table} WHERE month = ? AND service IN "
                        f"({', '.join('?' * len(lines))})", [month, *lines])
    else:
        con.execute(f"DELETE FROM {table}")
    frame = pd.DataFrame(p.rows, columns=p.columns)
    for name in frame.columns:
        if name in ("value", "numerator", "denominator", "total") or name.startswith(
                ("weeks_", "over_")) and not name.endswith("_status"):
            frame[name] = frame[name].astype("float64")
    con.register("incoming_benchmarks", frame)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_benchmarks")
    finally:
        con.unregister("incoming_benchmarks")
    con.execute("INSERT INTO benchmark_imports VALUES (?, ?, ?, ?, ?, ?)",
                [p.dataset, p.source.name, p.source.sha256, now, len(p.rows), str(source)])


def describe_import(file: dict[str, Any]) -> str:
    """One line per imported file, as the command line prints it."""
    years = file["years"]
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "none")
    if file["dataset"] in nhs_waiting_lists.DATASETS:
        return (f"{file['file']}: {file['rows']:,} rows, months {span}, {file['areas']:,} "
                "organisations")
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


def england_figure(measure: str, year: int) -> tuple[int, float] | None:
    """England's figure for the latest published calendar year up to `year`, if there is one."""
    frame = england_headlines()
    rows = frame[(frame.measure == measure) & (frame.year <= year)].sort_values("year")
    if rows.empty:
        return None
    return int(rows.year.iloc[-1]), float(rows.value.iloc[-1])


def imported(con: duckdb.DuckDBPyConnection, level: str, names: list[str],
              measures: list[str]) -> pd.DataFrame:
    """Imported figures for areas of one level; empty where nothing (or no table) exists."""
    columns = ["area", "year", "measure", "value", "numerator", "denominator"]
    if not names or not has_table(con, "benchmarks"):
        return pd.DataFrame(columns=columns)
    sql = f"""
        SELECT area_name AS area, year, measure, value, numerator, denominator
        FROM benchmarks
        WHERE area_level = ? AND value IS NOT NULL
          AND area_name IN ({', '.join('?' * len(names))})
          AND measure IN ({', '.join('?' * len(measures))})
        ORDER BY area_name, year, measure"""
    return con.execute(sql, [level, *names, *measures]).df()


def england_figures(con: duckdb.DuckDBPyConnection | None, measures: list[str]) -> pd.DataFrame:
    """England's imported figures; a measure never imported comes from the headline series."""
    held = imported(con, NATIONAL, [ENGLAND], measures) if con is not None else pd.DataFrame(
        columns=["area", "year", "measure", "value", "numerator", "denominator"])
    headlines = england_headlines()
    fallback = headlines[headlines.measure.isin(measures) & ~headlines.measure.isin(held.measure)]
    parts = [f for f in (held, fallback[held.columns]) if not f.empty]
    return pd.concat(parts, ignore_index=True) if parts else held


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
    own = imported(con, LOCAL, [name], [measure])
    region = _region_of(con, name)
    parts = [
        own.assign(role="local authority"),
        imported(con, REGIONAL, [region] if region else [], [measure]).assign(role="region"),
        england_figures(con, [measure]).assign(role="England"),
        imported(con, LOCAL, neighbours, [measure]).assign(role="statistical neighbour"),
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
    if not has_table(con, "benchmarks"):
        return None
    row = one(con, "SELECT max(region_name) FROM benchmarks WHERE area_level = ? AND area_name = ?",
              [LOCAL, la])
    return row[0] if row else None
