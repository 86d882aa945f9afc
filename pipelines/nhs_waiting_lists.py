"""NHS England's monthly community health services (CHS) waiting lists, children's lines only.

Reads the workbook as published (a cover sheet, then tables 4 and 4a-4h: one row per England,
region, ICB and provider, one column per service line) and the DfE inclusion dashboard's derived
series of the same figures. Counts of children waiting per organisation: no personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import pandas as pd

from pipelines.benchmark_files import (
    SYMBOLS,
    Parsed,
    SourceFile,
    csv_rows,
    parse_cell,
)
from pipelines.metrics.core import SMALL_DENOMINATOR
from pipelines.readers import FileError
from pipelines.vocab import chs_service_line, normalise_token

CHS_DATASET = "chs_waiting_lists"
SERIES_DATASET = "chs_waiting_series"  # the DfE inclusion dashboard's derived series
DATASETS = (CHS_DATASET, SERIES_DATASET)
BANDS = {"4a": "weeks_0_1", "4b": "weeks_1_2", "4c": "weeks_2_4", "4d": "weeks_4_12",
         "4e": "weeks_12_18", "4f": "weeks_18_52", "4g": "weeks_52_104", "4h": "weeks_104_plus"}
COLUMNS = ["month", "org_type", "org_code", "org_name", "service", "total", *BANDS.values(),
           "over_18_weeks", "over_52_weeks", "source_file", "total_status", "over_18_weeks_status",
           "over_52_weeks_status"]
# A figure as published: (value, symbol); a blank cell (no submission) is (None, None), a symbol
# such as "*" (suppressed) is (None, "*"). Never 0.
Figure = tuple[float | None, str | None]
ORG_TYPES = {"national": "National", "england": "National", "region": "Region", "icb": "ICB",
             "provider": "Provider"}
_ORG_SPELLINGS = {**ORG_TYPES, "nhsregion": "Region",
                  "commissioningregion": "Region", "integratedcareboard": "ICB",
                  "trust": "Provider", "nhstrust": "Provider", "nhsprovider": "Provider",
                  "independentsectorprovider": "Provider", "nonnhsprovider": "Provider"}


def org_type_of(label: str) -> str | None:
    """National, Region, ICB or Provider, from the spellings an Organisation Type column uses."""
    return _ORG_SPELLINGS.get(normalise_token(label))
CYP = re.compile(r"^\(cyp\)\s*", re.IGNORECASE)
_TABLE = re.compile(r"\btable\s*(4[a-h]?)\b", re.IGNORECASE)
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"]
_MONTH = re.compile(rf"\b({'|'.join(_MONTHS)})\s+(\d{{4}})\b", re.IGNORECASE)


def _text(cell: Any) -> str:
    return "" if cell is None or (isinstance(cell, float) and pd.isna(cell)) else str(cell).strip()


def _header_at(rows: list[list[Any]]) -> int | None:
    for i, row in enumerate(rows[:25]):
        if any(normalise_token(_text(c)) in {"organisationtype", "orgtype"} for c in row):
            return i
    return None


def _table_of(name: str, rows: list[list[Any]], header: int) -> str | None:
    for row in [[name], *rows[:header]]:
        for cell in row:
            found = _TABLE.search(_text(cell))
            if found:
                return found.group(1).lower()
    return None


def is_chs_workbook(source: SourceFile) -> bool:
    """A workbook with a table 4 whose header names Organisation Type and "(CYP)" service lines."""
    try:
        sheets = source.sheets
    except FileError:
        return False
    for name, rows in sheets.items():
        at = _header_at(rows)
        if at is not None and _table_of(name, rows, at) == "4" and any(
                CYP.match(_text(c)) for c in rows[at]):
            return True
    return False


def _month(sheets: dict[str, list[list[Any]]]) -> str | None:
    """YYYY-MM from the cover sheet, else from a table's title rows."""
    for rows in sheets.values():
        at = _header_at(rows)
        for row in rows[: at if at is not None else 40]:
            for cell in row:
                found = _MONTH.search(_text(cell))
                # A cover also carries the publication's own dates; the month counted is the other.
                if found and not re.search(r"publish|release|next|updated", _text(cell), re.I):
                    return f"{found.group(2)}-{_MONTHS.index(found.group(1).lower()) + 1:02d}"
    return None


def _figure(source: SourceFile, sheet: str, row: int, col: int, cell: Any) -> Figure:
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return (None if pd.isna(cell) else float(cell)), None
    try:
        return parse_cell(_text(cell))  # blank: no submission; a symbol: no figure, its status
    except ValueError as exc:
        raise FileError(f"{source.name}: sheet '{sheet}', row {row + 1}, column "
                        f"{_column_letter(col)}: {exc}") from None


def _column_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def parse(source: SourceFile) -> Parsed:
    """The workbook, or the DfE dashboard's derived series, as benchmark_waiting_lists rows."""
    if not source.is_workbook:
        return parse_inclusion_series(source)
    sheets = source.sheets
    month = _month(sheets)
    if month is None:
        raise FileError(f"{source.name}: no month (such as 'October 2025') on the cover or in "
                        "the tables' titles")
    figures: dict[tuple[str, str, str, str], dict[str, Figure]] = {}
    tables: set[str] = set()
    for name, rows in sheets.items():
        at = _header_at(rows)
        table = _table_of(name, rows, at) if at is not None else None
        if table not in ("4", *BANDS):
            continue  # the cover, or another of the publication's tables
        tables.add(table)
        header = [_text(c) for c in rows[at]]
        keys = [normalise_token(h) for h in header]
        kind = next(i for i, k in enumerate(keys) if k in {"organisationtype", "orgtype"})
        code = next((i for i, k in enumerate(keys) if "code" in k), None)
        org = next((i for i, k in enumerate(keys) if "name" in k), None)
        if org is None:
            raise FileError(f"{source.name}: sheet '{name}', row {at + 1}: no organisation name column")
        services = {i: CYP.sub("", h) for i, h in enumerate(header) if CYP.match(h)}
        for r in range(at + 1, len(rows)):
            cells = rows[r] + [None] * (len(header) - len(rows[r]))
            org_type = org_type_of(_text(cells[kind]))
            if org_type is None or not _text(cells[org]):
                continue  # notes below the table, or a blank row
            key_org = (org_type, _text(cells[code]) if code is not None else "", _text(cells[org]))
            for col, service in services.items():
                figures.setdefault((*key_org, service), {})[table] = _figure(
                    source, name, r, col, cells[col])
    if "4" not in tables:
        raise FileError(f"{source.name}: no table 4 (the total waiting list) with an "
                        "'Organisation Type' header")
    parsed = Parsed(source, CHS_DATASET, COLUMNS)
    absent = [t for t in BANDS if t not in tables]
    if absent:
        parsed.warnings.append(f"{source.name}: no table {', '.join(absent)}; those bands are "
                               "left empty")
    for (org_type, code, org, service), by_table in figures.items():
        bands = [by_table.get(t, _NONE)[0] for t in BANDS]
        total, over_18, over_52 = (by_table.get("4", _NONE), _sum(by_table, "4f", "4g", "4h"),
                                   _sum(by_table, "4g", "4h"))
        parsed.rows.append((month, org_type, code or None, org, service, total[0], *bands,
                            over_18[0], over_52[0], source.base, total[1], over_18[1], over_52[1]))
    return parsed


_NONE: Figure = (None, None)


def _sum(by_table: dict[str, Figure], *tables: str) -> Figure:
    """Bands added up: none if a band was not submitted; a band's symbol if one was published
    as a symbol (the sum is then unknown, never the other bands alone)."""
    parts = [by_table.get(t, _NONE) for t in tables]
    if all(v is not None for v, _ in parts):
        return float(sum(v for v, _ in parts)), None
    if any(v is None and s is None for v, s in parts):
        return _NONE
    return None, next(s for v, s in parts if v is None)


# --- the DfE inclusion dashboard's derived series --------------------------------------------

_SERIES = {"therapy", "totalwaitinglist", "waiting1852weeks", "waiting52weeks"}


def is_inclusion_series(header: Iterable[str]) -> bool:
    return {normalise_token(h) for h in header} >= _SERIES


def parse_inclusion_series(source: SourceFile) -> Parsed:
    """Columns Organisation Type, Organisation Name, Date or formattedDate, Therapy, Total
    waiting list, Waiting >18-52 weeks, Waiting >52 weeks; `NA` where a figure is missing. The
    England series has no organisation columns: every row is England's."""
    rows = csv_rows(source)
    first = next(rows, None)
    keys = [normalise_token(h) for h in first[1]] if first else []
    if not is_inclusion_series(keys) or not {"date", "formatteddate"} & set(keys):
        raise FileError(f"{source.name}: not the inclusion dashboard's community health series "
                        "(needs Date, Therapy, Total waiting list, Waiting >18-52 weeks, Waiting "
                        ">52 weeks)")
    at = {k: i for i, k in reversed(list(enumerate(keys)))}
    parsed = Parsed(source, SERIES_DATASET, COLUMNS)
    for line, cells in rows:
        month = _series_month(source, line, cells, at)
        name = cells[at["organisationname"]].strip() if "organisationname" in at else "England"
        kind = cells[at["organisationtype"]].strip().lower() if "organisationtype" in at else "na"
        org_type = org_type_of(kind) or ("National" if name.lower() == "england" else None)
        if org_type is None:
            raise FileError(f"{source.name}: line {line}: organisation type '{kind}' is not "
                            "National, Region, ICB or Provider")
        total, mid, long = (_series_figure(source, line, cells[at[k]], k) for k in
                            ("totalwaitinglist", "waiting1852weeks", "waiting52weeks"))
        over_18 = _sum({"mid": mid, "long": long}, "mid", "long")
        parsed.rows.append((month, org_type, None, name,
                            chs_service_line(cells[at["therapy"]]), total[0],
                            *[None] * len(BANDS), over_18[0], long[0], source.base, total[1],
                            over_18[1], long[1]))
    return parsed


def _series_month(source: SourceFile, line: int, cells: list[str], at: dict[str, int]) -> str:
    if "formatteddate" in at and re.match(r"\d{4}-\d{2}", cells[at["formatteddate"]].strip()):
        return cells[at["formatteddate"]].strip()[:7]
    found = _MONTH.search(cells[at["date"]]) if "date" in at else None
    if not found:
        raise FileError(f"{source.name}: line {line}: no month in the Date column")
    return f"{found.group(2)}-{_MONTHS.index(found.group(1).lower()) + 1:02d}"


def _series_figure(source: SourceFile, line: int, cell: str, column: str) -> Figure:
    try:
        return parse_cell(cell)
    except ValueError as exc:
        raise FileError(f"{source.name}: line {line}, column {column}: {exc}") from None


# --- reading ---------------------------------------------------------------------------------

def find_org(con: duckdb.DuckDBPyConnection, area: str) -> tuple[str, str] | None:
    """(org type, name) of an organisation held, by name or code in any case; an ICB also by
    its name with or without "NHS" and "Integrated Care Board"."""
    key = _org_key(area)
    for org_type, code, name in con.execute(
            "SELECT DISTINCT org_type, org_code, org_name FROM benchmark_waiting_lists "
            "ORDER BY org_type, org_name").fetchall():
        if key and key in {_org_key(name), normalise_token(code or "")}:
            return org_type, name
    return None


def _org_key(name: str) -> str:
    key = normalise_token(name)
    key = re.sub(r"^nhs", "", key)
    return re.sub(r"(integratedcareboard|icb)$", "", key)


STATUSES = ("total_status", "over_18_weeks_status", "over_52_weeks_status")


def _statuses(con: duckdb.DuckDBPyConnection) -> str:
    """The status columns to select: NULL for a table imported before they were kept (read in
    place, e.g. a snapshot published by then)."""
    held = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() "
                                      "WHERE table_name = 'benchmark_waiting_lists'").fetchall()}
    return ", ".join(c if c in held else f"CAST(NULL AS VARCHAR) AS {c}" for c in STATUSES)


def waiting_lists(con: duckdb.DuckDBPyConnection, org_type: str,
                  name: str) -> dict[str, dict[str, dict[str, int | str | None]]]:
    """{"YYYY-MM": {service: {"total", "over_18_weeks", "over_52_weeks"}}} for one organisation;
    a figure published as a symbol is None with `<figure>_status` beside it ("*": suppressed),
    so that it is told apart from a blank (no submission), which has no status."""
    rows = con.execute(
        f"SELECT month, service, total, over_18_weeks, over_52_weeks, {_statuses(con)} "
        "FROM benchmark_waiting_lists WHERE org_type = ? AND org_name = ? ORDER BY month, service",
        [org_type, name]).fetchall()
    held: dict[str, dict[str, dict[str, int | str | None]]] = {}
    for month, service, *figures in rows:
        counts, statuses = figures[:3], figures[3:]
        shown: dict[str, int | str | None] = {}
        for key, count, status in zip(("total", "over_18_weeks", "over_52_weeks"), counts,
                                      statuses, strict=True):
            shown[key] = None if count is None else int(count)
            if status is not None:
                shown[f"{key}_status"] = status
        held.setdefault(month, {})[service] = shown
    return held


def figure_note(total: Any, small: Any, statuses: Sequence[Any]) -> str:
    """Why a figure of the comparison is missing or must be read with care: a symbol in words
    ("suppressed ('*')"), "no submission" (a blank total), or "small number"."""
    total_status, *parts = statuses
    if isinstance(total_status, str):
        return _symbol_text(total_status)
    if total is None or pd.isna(total):
        return "no submission"
    notes = ["small number"] if small is True else []
    notes += [f"{label}: {_symbol_text(status)}" for label, status in
              zip(("over 18 weeks", "over 52 weeks"), parts, strict=True) if isinstance(status, str)]
    return "; ".join(notes)


def _symbol_text(status: str) -> str:
    return f"{SYMBOLS.get(status, 'not available')} ('{status}')"


def comparison_frame(con: duckdb.DuckDBPyConnection, icb: str, providers: list[str],
                     services: list[str] | None = None) -> pd.DataFrame:
    """The latest month's children's lists for England, the ICB and its providers (each named
    or coded as NHS England does), for the service lines given (all when None): columns month,
    org_type, org_name, service, total, over_18_weeks, over_18_weeks_pct, over_52_weeks,
    over_52_weeks_pct, small (a total under SMALL_DENOMINATOR), the statuses of total and both
    counts (a symbol such as "*", suppressed) and `note`, saying for each row whether a missing
    total was suppressed or not submitted. Shares are of the whole list, never of an unknown."""
    wanted = [org for org in (find_org(con, n) for n in [icb, *providers] if n) if org]
    names = [name for _, name in wanted] or [""]
    lines = services if services is not None else [
        r[0] for r in con.execute("SELECT DISTINCT service FROM benchmark_waiting_lists").fetchall()]
    if not lines:
        lines = [""]
    frame = con.execute(f"""
        WITH latest AS (SELECT max(month) AS month FROM benchmark_waiting_lists),
        chosen AS (
            SELECT w.month, w.org_type, w.org_name, w.service, w.total, w.over_18_weeks,
                   w.over_52_weeks, {_statuses(con)}
            FROM benchmark_waiting_lists w JOIN latest USING (month)
            WHERE (w.org_type = 'National' OR w.org_name IN ({', '.join('?' * len(names))}))
              AND w.service IN ({', '.join('?' * len(lines))})
        ),
        final AS (
            SELECT month, org_type, org_name, service, total,
                   over_18_weeks, round(100.0 * over_18_weeks / nullif(total, 0), 1) AS over_18_weeks_pct,
                   over_52_weeks, round(100.0 * over_52_weeks / nullif(total, 0), 1) AS over_52_weeks_pct,
                   total < ? AS small, {", ".join(STATUSES)}
            FROM chosen
        )
        SELECT * FROM final
        ORDER BY service, CASE org_type WHEN 'National' THEN 0 WHEN 'Region' THEN 1
                 WHEN 'ICB' THEN 2 ELSE 3 END, org_name""",
                       [*names, *lines, SMALL_DENOMINATOR]).df()
    frame["note"] = [figure_note(t, small, statuses) for t, small, *statuses in zip(
        frame["total"], frame["small"], *(frame[c] for c in STATUSES), strict=True)]
    return frame
