"""Reads and writes for the inspection readiness page: cached reads keyed on the database file
(as `data_access` does), and writes that go through `pipelines.inspection` (open, write in one
transaction, close) and then drop every cached result.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.components import data_access
from pipelines import inspection, inspection_pack
from pipelines.db import reader
from pipelines.formats import sen2_tables
from pipelines.metrics import Filters

Version = data_access.Version


@st.cache_data(show_spinner=False, max_entries=64)
def _live(f: Filters, version: Version) -> pd.DataFrame:
    with reader(data_access.db_file(), wait_seconds=data_access.BUSY_WAIT_SECONDS) as con:
        return inspection.live_metrics(con, f)


def live_metrics(f: Filters) -> pd.DataFrame:
    """Every live metric for the filters (see `pipelines.inspection.live_metrics`)."""
    return _live(f, data_access.data_version())


@st.cache_data(show_spinner=False, max_entries=16)
def _dmo_dco(las: tuple[str, ...], version: Version) -> pd.DataFrame:
    with reader(data_access.db_file(), wait_seconds=data_access.BUSY_WAIT_SECONDS) as con:
        return pd.DataFrame(sen2_tables.header_flags(con, las),
                            columns=["local_authority", "collection_year", "dmo", "dco",
                                     "dmo_in_post", "dco_in_post"])


def dmo_dco(las: tuple[str, ...]) -> pd.DataFrame:
    """The DMO and DCO flags the LAs' own SEN2 returns gave, latest collection first."""
    return _dmo_dco(las, data_access.data_version())


@st.cache_data(show_spinner=False, max_entries=16)
def _tracker(version: Version, today: dt.date) -> dict[str, pd.DataFrame]:
    with reader(data_access.db_file(), wait_seconds=data_access.BUSY_WAIT_SECONDS) as con:
        return {"items": inspection.evidence_items(con),
                "history": inspection.evidence_history(con),
                "notes": inspection.self_evaluations(con),
                "current": inspection.current_self_evaluations(con),
                "readiness": inspection.readiness(con, today)}


def tracker(today: dt.date) -> dict[str, pd.DataFrame]:
    """Evidence items, their history, self-evaluation notes (all, and current per theme) and the
    readiness summary by theme."""
    return _tracker(data_access.data_version(), today)


def evidence_pack(f: Filters) -> bytes:
    """The health evidence pack (xlsx), built when the download button is pressed."""
    return inspection_pack.health_evidence_pack(data_access.db_file(), f)


def _write(change: Any, *args: Any, **fields: Any) -> Any:
    """Make one change to the tracker (this run's read connection let go first: a writer cannot
    open beside it), then drop cached figures so the page shows it at once."""
    data_access.release()
    result = change(data_access.db_file(), *args, **fields)
    data_access.clear_caches()
    return result


def add_item(theme: str, **fields: Any) -> int:
    return _write(inspection.add_evidence_item, theme, **fields)


def save_changes(theme: str, **changes: Any) -> inspection.TrackerChanges:
    return _write(inspection.save_evidence_changes, theme, **changes)


def add_note(theme: str, note: str, **fields: Any) -> int:
    return _write(inspection.add_self_evaluation, theme, note, **fields)
