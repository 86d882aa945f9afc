"""Reads for the benchmarks page, cached on the database file as `data_access` caches: the
published comparison for an LA (`pipelines.benchmarks.comparison`), the import log, the LAs the
imported release holds, and the area's own figures (`pipelines.benchmark_local`). Importing an
uploaded release runs `benchmarks.import_release`, as the command line does.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.components import data_access
from pipelines import (
    audit,
    benchmark_local,
    benchmark_show,
    benchmarks,
    config,
    dmo_dco,
    nhs_waiting_lists,
)
from pipelines.db import one, reader

Version = data_access.Version
IMPORT_COLUMNS = ["dataset", "file", "sha256", "imported_at", "rows", "source"]


def _read() -> Any:
    return reader(data_access.db_file(), wait_seconds=data_access.BUSY_WAIT_SECONDS)


def _has(con: Any, table: str) -> bool:
    return bool(one(con, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND "
                         "table_name = ?", [table])[0])


@st.cache_data(show_spinner=False, max_entries=128)
def _comparison(la: str, measure: str, version: Version) -> pd.DataFrame:
    with _read() as con:
        return benchmarks.comparison(con, la, measure)


def comparison(la: str, measure: str) -> pd.DataFrame:
    """Published figures by year for the LA, its region, England and its neighbours."""
    return _comparison(la, measure, data_access.data_version())


@st.cache_data(show_spinner=False, max_entries=128)
def _figures(la: str, version: Version) -> dict[str, Any]:
    with _read() as con:
        if not _has(con, "benchmarks"):
            return {}
        return benchmark_show.figures(con, benchmarks.LOCAL, la)


def published_symbols(la: str, measure: str) -> list[str]:
    """The years an LA's figure on a measure was published as a symbol, in words:
    ["2024: 'c' (suppressed (confidential))"]."""
    held = _figures(la, data_access.data_version())
    return [f"{year}: '{figure['status']}' ({figure['meaning']})"
            for year, measures in held.items() for m, figure in measures.items()
            if m == measure and figure["value"] is None and figure["status"]]


@st.cache_data(show_spinner=False, max_entries=128)
def _dmo_dco(la: str, version: Version) -> dict[str, dict[str, str | None]]:
    with _read() as con:
        return dmo_dco.flags_for(con, la) if _has(con, "benchmark_dmo_dco") else {}


def dmo_dco_flags(la: str) -> dict[str, dict[str, str | None]]:
    """The DfE's published DMO/DCO/DSCO flags for an LA by year (sen2_dmo_dco.csv)."""
    return _dmo_dco(la, data_access.data_version())


@st.cache_data(show_spinner=False, max_entries=32)
def _nhs_waiting(lines: tuple[str, ...], version: Version) -> pd.DataFrame:
    settings = config.load_settings()
    with _read() as con:
        if not _has(con, "benchmark_waiting_lists"):
            return pd.DataFrame()
        return nhs_waiting_lists.comparison_frame(con, settings.icb, list(settings.nhs_providers),
                                                  list(lines))


def nhs_waiting(lines: list[str]) -> pd.DataFrame:
    """NHS England's latest children's waiting lists for England, the area's ICB and its
    providers (settings.toml), for these service lines; empty before any CHS import."""
    return _nhs_waiting(tuple(lines), data_access.data_version())


@st.cache_data(show_spinner=False, max_entries=8)
def _imports(version: Version) -> pd.DataFrame:
    with _read() as con:
        if not _has(con, "benchmark_imports"):
            return pd.DataFrame(columns=IMPORT_COLUMNS)
        return con.execute(f"SELECT {', '.join(IMPORT_COLUMNS)} FROM benchmark_imports "
                           "ORDER BY imported_at DESC, dataset").df()


def imports() -> pd.DataFrame:
    """Every import of a release file, the latest first."""
    return _imports(data_access.data_version())


def latest_imports() -> pd.DataFrame:
    """The import each dataset's figures come from now (a later import replaces an earlier)."""
    log = imports()
    return log.drop_duplicates("dataset", keep="first").reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=8)
def _published_las(version: Version) -> list[str]:
    with _read() as con:
        if not _has(con, "benchmarks"):
            return []
        return [r[0] for r in con.execute(
            "SELECT DISTINCT area_name FROM benchmarks WHERE area_level = ? ORDER BY 1",
            [benchmarks.LOCAL]).fetchall()]


def published_las() -> list[str]:
    """The local authorities the imported release holds figures for."""
    return _published_las(data_access.data_version())


@st.cache_data(show_spinner=False, max_entries=64)
def _local(la: str, year: int, as_of: dt.date, version: Version
           ) -> tuple[pd.DataFrame, int | None]:
    with _read() as con:
        return (benchmark_local.local_figures(con, la, year, as_of),
                benchmark_local.local_appeals(con, la, year, as_of))


def local_figures(la: str, year: int, as_of: dt.date) -> tuple[pd.DataFrame, int | None]:
    """The LA's own figures for a calendar year, and its appeals registered (local records)."""
    return _local(la, year, as_of, data_access.data_version())


def import_upload(files: list[tuple[str, bytes]], actor: str) -> dict[str, Any]:
    """Import uploaded release files (a zip, or the CSVs themselves) as the command line does;
    each is written to a private temporary folder under its own name first. Each imported file
    goes to the audit log under `actor`."""
    data_access.release()  # a writer cannot open beside this run's read connection
    with tempfile.TemporaryDirectory(prefix="send-benchmarks-") as folder:
        for name, content in files:
            (Path(folder) / (Path(name).name or "upload")).write_bytes(content)
        # One file (a zip, or one CSV) is imported as itself; several CSVs as their folder.
        single = Path(folder) / (Path(files[0][0]).name or "upload")
        source = single if len(files) == 1 else Path(folder)
        try:
            result = benchmarks.import_release(data_access.db_file(), source)
        finally:
            data_access.clear_caches()
    for file in result["files"]:
        audit.record(data_access.db_file(), actor, "load", what="DfE benchmarks",
                     file=file["file"], dataset=file["dataset"], rows=file["rows"])
    return result
