"""What the database holds and where it came from: rows per dataset, rejected rows, the history
of loads, the files behind each dataset and whether they are the bundled synthetic samples.
`python -m pipelines status|loads|rejects` and the app's pages show these same figures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines import area
from pipelines.db import one, reader
from pipelines.periods import shift_months
from pipelines.sample_manifest import sample_manifest
from pipelines.schemas import SCHEMAS


def holdings(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Rows held per dataset, rejected rows (each rejected row once, however many reasons), the
    number of loads and when the last one ran."""
    rows = {k: one(con, f"SELECT count(*) FROM {k}")[0] for k in SCHEMAS}
    rejected = one(con, "SELECT count(*) FROM (SELECT DISTINCT load_id, sheet, row_number "
                        "FROM rejects)")[0]
    loads_held, last = one(con, "SELECT count(*), max(loaded_at) FROM loads")
    return {"rows": rows, "rejected": rejected, "loads": loads_held,
            "last_load": last.isoformat() if last else None}


def status(db: Path) -> dict[str, Any]:
    """`holdings` of the database at `db` and its path; all zero where there is no database yet
    (none is created)."""
    if not db.exists():
        return {"rows": {k: 0 for k in SCHEMAS}, "rejected": 0, "loads": 0, "last_load": None,
                "database": str(db)}
    with reader(db) as con:
        return {**holdings(con), "database": str(db)}


def loads(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every load: file, hash (first 12 characters), when, as-of and extract dates, datasets,
    counts, and its rows naming LAs outside the area (`area.outside_by_load`)."""
    frame = con.execute("SELECT load_id, file_name, left(file_hash, 12) AS file_hash, loaded_at, "
                        "as_of, extract_date, kinds, rows_read, loaded, inserted, updated, "
                        "unchanged, stale, superseded, duplicates, rejected, blank, notes, status "
                        "FROM loads ORDER BY load_id").df()
    outside = area.outside_by_load(con)
    frame["outside_area"] = pd.Series([outside.get(i) for i in frame["load_id"]], dtype=object)
    return frame


def rejects(con: duckdb.DuckDBPyConnection, load_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Rejected rows (of these loads, else of all) with file, sheet, Excel row, column and reason."""
    where = ""
    if load_ids is not None:
        where = f"WHERE load_id IN ({', '.join('?' * len(load_ids))})" if load_ids else "WHERE false"
    return con.execute(
        "SELECT load_id, file_name AS file, sheet, kind AS dataset, row_number AS row, "
        f"column_letter AS col, column_header AS header, value, reason, rule FROM rejects {where} "
        "ORDER BY load_id, file_name, sheet, row_number, column_letter",
        list(load_ids or [])).df()


def sources(con: duckdb.DuckDBPyConnection, dataset: str) -> pd.DataFrame:
    """The files a dataset was loaded from, with their load dates and rows loaded."""
    frame = loads(con)
    if frame.empty:
        return frame
    mask = frame["kinds"].fillna("").str.split(",").map(lambda kinds: dataset in kinds)
    return frame.loc[mask, ["file_name", "loaded_at", "as_of", "loaded"]]


# What is loaded, in words, by `provenance`: the one place the app and the packs say it, so that
# sample figures are never taken for real ones (the area's name in settings.toml says only where).
DATA_SOURCE = {
    "synthetic": "synthetic samples (invented records)",
    "mixed": "your own loads and synthetic samples, mixed",
    "local": "your own loads",
    "empty": "nothing loaded yet",
}


def provenance(con: duckdb.DuckDBPyConnection) -> str:
    """'empty', 'synthetic' (every file loaded is a bundled sample, by data_samples/MANIFEST.json),
    'mixed' or 'local'."""
    frame = loads(con)
    if frame.empty:
        return "empty"
    manifest = sample_manifest()
    synthetic = [manifest.get(name, "-").startswith(str(digest))
                 for name, digest in zip(frame.file_name, frame.file_hash, strict=True)]
    if all(synthetic):
        return "synthetic"
    return "mixed" if any(synthetic) else "local"


def latest_extracts(con: duckdb.DuckDBPyConnection) -> dict[str, dt.date]:
    """Dataset -> the latest extract date of the loads that still stand (a rolled-back load
    no longer counts), in dataset order; a dataset never loaded, or loaded only by a version
    that recorded no extract date, is left out. An upload's "reject dates after" date is not
    an extract date, so it never moves these; nor does a file of LAs outside the area
    (`area.loads_of_the_area`), nor one that loaded no row (a header alone, every row rejected:
    dated the day it was loaded, it would move every default figure to today)."""
    found = dict(con.execute(
        "SELECT kind, max(extract_date) FROM (SELECT unnest(string_split(kinds, ',')) AS kind, "
        f"extract_date FROM loads WHERE {_STANDING} AND extract_date IS NOT NULL "
        f"AND {area.loads_of_the_area(con)}) GROUP BY kind").fetchall())
    return {kind: found[kind] for kind in [*SCHEMAS, *sorted(set(found) - set(SCHEMAS))]
            if kind in found}


@dataclasses.dataclass(frozen=True)
class Freshness:
    """How current each dataset is: its latest extract date."""

    extracts: dict[str, dt.date]

    @property
    def latest(self) -> dt.date | None:
        """The latest extract across every source of the area's data: the default as-of date."""
        return max(self.extracts.values(), default=None)

    @property
    def earliest(self) -> dt.date | None:
        return min(self.extracts.values(), default=None)

    @property
    def months_apart(self) -> bool:
        """True when the oldest source's extract is more than a month before the newest's."""
        if self.latest is None or self.earliest is None:
            return False
        return self.earliest < shift_months(self.latest, -1)

    def behind(self) -> dict[str, dt.date]:
        """The datasets extracted more than a month before the newest source."""
        if self.latest is None:
            return {}
        cut = shift_months(self.latest, -1)
        return {kind: day for kind, day in self.extracts.items() if day < cut}


def freshness(con: duckdb.DuckDBPyConnection) -> Freshness:
    return Freshness(latest_extracts(con))


def default_as_of(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The as-of date every page, `metrics`, `board-pack` and export take unless told: the
    latest extract date of the area's data (`Freshness.latest`); a database whose loads predate
    extract dates falls back to their as-of dates. None when nothing is loaded."""
    return freshness(con).latest or con.execute(
        f"SELECT max(as_of) FROM loads WHERE {_STANDING} "
        f"AND {area.loads_of_the_area(con)}").fetchall()[0][0]


# A load that stands and holds rows (`loaded` counts unchanged rows too).
_STANDING = "status = 'loaded' AND (loaded IS NULL OR loaded > 0)"
