"""The DfE's sen2_dmo_dco.csv: whether each LA had a designated medical officer (DMO), clinical
officer (DCO) and social care officer in post, by year, from the SEN2 header. Kept as published
("Yes", "No", "Recruiting", "n/a"). Area facts only: no personal data.
"""

from __future__ import annotations

import re

import duckdb

from pipelines import config
from pipelines.benchmark_files import Parsed, SourceFile, csv_rows
from pipelines.readers import FileError

DATASET = "dmo_dco"
COLUMNS = ["la_name", "old_la_code", "new_la_code", "region_name", "year", "dmo", "dco", "dsco",
           "source_file"]
FLAGS = {"dmo": "des_med_off", "dco": "des_clin_off", "dsco": "des_so_care_off"}
_NEEDED = ("time_period", "geographic_level", "la_name", "old_la_code", "new_la_code",
           "region_name", "des_med_off", "des_clin_off")


def fits(header: set[str]) -> bool:
    return {"des_med_off", "des_clin_off"} <= header


def parse(source: SourceFile) -> Parsed:
    """One row per LA and year; national and regional rows (if any) carry no flags and are skipped."""
    parsed = Parsed(source, DATASET, COLUMNS)
    rows = csv_rows(source)
    first = next(rows, None)
    header = [h.strip().lower() for h in first[1]] if first else []
    index = {name: i for i, name in reversed(list(enumerate(header)))}
    missing = [c for c in _NEEDED if c not in index]
    if missing:
        raise FileError(f"{source.name}: not the DfE sen2_dmo_dco.csv (missing columns: "
                        f"{', '.join(missing)})")
    seen: set[tuple[str, int]] = set()
    for line, cells in rows:
        cell = {name: cells[i].strip() for name, i in index.items()}
        if cell["geographic_level"].lower() != "local authority":
            continue
        if not re.fullmatch(r"\d{4}", cell["time_period"]):
            raise FileError(f"{source.name}: line {line}: time_period '{cell['time_period']}' is "
                            "not a calendar year")
        name = next((la for la in (config.canonical_la(cell[c]) for c in
                                   ("la_name", "old_la_code", "new_la_code") if cell[c]) if la),
                    cell["la_name"])
        year = int(cell["time_period"])
        if (name, year) in seen:
            raise FileError(f"{source.name}: line {line}: a second row for {name} in {year}")
        seen.add((name, year))
        flags = [cell.get(column) or None for column in FLAGS.values()]
        parsed.rows.append((name, cell["old_la_code"] or None, cell["new_la_code"] or None,
                            cell["region_name"] or None, year, *flags, source.base))
    return parsed


def flags_for(con: duckdb.DuckDBPyConnection, la: str) -> dict[str, dict[str, str | None]]:
    """{"2025": {"dmo": "Yes", "dco": "Recruiting", "dsco": "n/a"}} for one LA, oldest first."""
    rows = con.execute("SELECT year, dmo, dco, dsco FROM benchmark_dmo_dco WHERE la_name = ? "
                       "ORDER BY year", [la]).fetchall()
    return {str(year): dict(zip(FLAGS, flags, strict=True)) for year, *flags in rows}
