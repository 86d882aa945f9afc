"""What is held for one area, as `benchmarks show` prints it: the DfE figures by year with their
symbols, numerators, denominators and small-denominator flags, an LA's DMO/DCO flags, and NHS
England's children's waiting lists. Read-only; published area totals only, no personal data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines import dmo_dco, nhs_waiting_lists
from pipelines.benchmark_files import SYMBOLS
from pipelines.benchmarks import (
    LOCAL,
    MEASURES,
    NATIONAL,
    REGIONAL,
    UnknownArea,
    england_figures,
    has_table,
    imported,
    resolve_area,
)
from pipelines.db import reader
from pipelines.metrics.core import SMALL_DENOMINATOR


def show(db: Path, area: str) -> dict[str, Any]:
    """What is held for one area: {"area": name, "years": {"2024": {measure: value}}}, plus, where
    held, "figures" (each published figure with its symbol, numerator, denominator and a
    small-denominator flag), "dmo_dco" (an LA's flags) and "waiting_lists" (NHS England's CHS
    lists for England, a region, an ICB or a provider, given by name or code).

    Read-only (no table is created), so it works while the app or a load holds the file."""
    try:
        level, name = resolve_area(area)
    except UnknownArea:
        org = _chs_org(db, area)
        if org is None:
            raise
        level, name = org
    measures = list(MEASURES)
    extra: dict[str, Any] = {}
    if not db.exists():
        frame = england_figures(None, measures) if level == NATIONAL else pd.DataFrame()
    else:
        with reader(db) as con:
            frame = (england_figures(con, measures) if level == NATIONAL
                     else imported(con, level, [name], measures))
            extra = _extras(con, level, name)
    years: dict[str, dict[str, float | int]] = {}
    for row in frame.sort_values(["year"]).itertuples() if not frame.empty else []:
        value = float(row.value)
        years.setdefault(str(int(row.year)), {})[row.measure] = _typed(row.measure, value)
    ordered = {y: {m: v[m] for m in MEASURES if m in v} for y, v in sorted(years.items())}
    return {"area": name, "years": ordered, **{k: v for k, v in extra.items() if v}}


def _typed(measure: str, value: float | None) -> float | int | None:
    if value is None or pd.isna(value):
        return None
    return int(value) if MEASURES[measure].unit == "count" and float(value).is_integer() else value


def _chs_org(db: Path, area: str) -> tuple[str, str] | None:
    """An ICB or provider (or NHS region) named in an imported CHS workbook."""
    if not db.exists():
        return None
    with reader(db) as con:
        if not has_table(con, "benchmark_waiting_lists"):
            return None
        return nhs_waiting_lists.find_org(con, area)


def _extras(con: duckdb.DuckDBPyConnection, level: str, name: str) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if level in (NATIONAL, REGIONAL, LOCAL) and has_table(con, "benchmarks"):
        extra["figures"] = figures(con, level, name)
    if level == LOCAL and has_table(con, "benchmark_dmo_dco"):
        extra["dmo_dco"] = dmo_dco.flags_for(con, name)
    if has_table(con, "benchmark_waiting_lists"):
        org = ("National", name) if level == NATIONAL else (
            (level, name) if level in nhs_waiting_lists.ORG_TYPES.values()
            else nhs_waiting_lists.find_org(con, name) if level == REGIONAL else None)
        if org:
            extra["waiting_lists"] = nhs_waiting_lists.waiting_lists(con, *org)
    return extra


def figures(con: duckdb.DuckDBPyConnection, level: str, name: str) -> dict[str, Any]:
    """Every published figure for the area, symbols included: {"2024": {measure: {...}}}. A table
    from before statuses were stored (never imported again since) reads as having none."""
    held_columns = {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'benchmarks'").fetchall()}
    status = {c: c if c in held_columns else f"NULL AS {c}"
              for c in ("value_status", "numerator_status", "denominator_status")}
    rows = con.execute(f"""
        SELECT year, measure, value, {status['value_status']}, numerator,
               {status['numerator_status']}, denominator, {status['denominator_status']}
        FROM benchmarks WHERE area_level = ? AND area_name = ? ORDER BY year, measure""",
                       [level, name]).fetchall()
    held: dict[str, dict[str, Any]] = {}
    for year, measure, value, vs, num, ns, den, ds in rows:
        if measure not in MEASURES:
            continue
        figure: dict[str, Any] = {"value": _typed(measure, value), "status": vs,
                                  "meaning": SYMBOLS.get(vs) if vs else None}
        if MEASURES[measure].unit == "%":
            figure.update(numerator=None if num is None else int(num) if num.is_integer() else num,
                          numerator_status=ns,
                          denominator=None if den is None else int(den) if den.is_integer() else den,
                          denominator_status=ds,
                          small_denominator=den is not None and den < SMALL_DENOMINATOR)
        held.setdefault(str(year), {})[measure] = figure
    return held


def show_table(result: dict[str, Any]) -> pd.DataFrame:
    """show()'s result for reading: one row per measure, one column per year; a published
    symbol where the file has one, "-" where nothing is held."""
    years = {y: dict(v) for y, v in result["years"].items()}
    for year, measures in result.get("figures", {}).items():
        for measure, figure in measures.items():
            if figure["value"] is None and figure["status"]:
                years.setdefault(year, {})[measure] = figure["status"]
    years = dict(sorted(years.items()))
    held = [m for m in MEASURES if any(m in v for v in years.values())]
    rows = [[m, *(_cell(years[y].get(m)) for y in years)] for m in held]
    return pd.DataFrame(rows, columns=["measure", *years])


def _cell(value: float | int | str | None) -> str:
    if isinstance(value, str):
        return value
    return "-" if value is None else f"{value:,}" if isinstance(value, int) else f"{value:.1f}"
