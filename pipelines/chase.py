"""The DCO's chase list: overdue health advice as a work queue (by provider and service, in age
bands), long-open records apart as data-quality items to close, a "chased on / note" kept per
request, and one workbook sheet per provider ready to send.
DATA PROTECTION: rows carry ids (advice, case pseudonym), LA, service and provider only; a note
that holds an NHS number is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines import audit, exports, published
from pipelines.db import transaction, writing
from pipelines.free_text import IDENTIFIES, identifier_in, is_blank
from pipelines.metrics.core import Filters
from pipelines.metrics.lists import overdue_advice
from pipelines.tables import CHASE_NOTES

# Days overdue at the top of each band; beyond the last, a request is long open: no provider can
# act on a request asked for that long ago, so it is a record to close, not one to chase.
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (14, "up to 2 weeks"), (28, "2-4 weeks"), (91, "1-3 months"), (182, "3-6 months"))
LONG_OPEN_DAYS = AGE_BANDS[-1][0]  # about six months
LONG_OPEN_BAND = "over 6 months"
BAND_ORDER = [name for _, name in AGE_BANDS] + [LONG_OPEN_BAND]
SOURCE = "provider"  # the overdue list is read from the providers' logs (advice_base's default)
MAX_NOTE = 500
NO_PROVIDER = "(provider not recorded)"
KEY = ("local_authority", "advice_id", "source")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")

# The columns of the chase list as a DCO sends it: ids only, no person's details.
EXPORT_COLUMNS = {
    "provider": "Provider", "service": "Service", "age_band": "Overdue by",
    "days_overdue": "Days overdue", "advice_id": "Advice ID", "case_id": "Case ID",
    "local_authority": "Local authority", "requested_date": "Received", "due_date": "Due",
    "reason_recorded": "Reason recorded", "chased_on": "Chased on", "chase_note": "Note",
}


class ChaseError(ValueError):
    """A chase note that cannot be saved, saying why."""


def age_band(days_overdue: int) -> str:
    for top, name in AGE_BANDS:
        if days_overdue <= top:
            return name
    return LONG_OPEN_BAND


def _has_notes_table(con: duckdb.DuckDBPyConnection) -> bool:
    return published.has_table(con, CHASE_NOTES.name)


def chase_notes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every stored chase note (a database made before notes existed has none)."""
    if not _has_notes_table(con):
        return pd.DataFrame(columns=CHASE_NOTES.column_names)
    return con.execute(f"SELECT {', '.join(CHASE_NOTES.column_names)} FROM {CHASE_NOTES.name} "
                       "ORDER BY local_authority, advice_id, source").df()


def overdue_queue(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Every request `overdue_advice` lists, with its age band, whether a provider can still act
    on it (`to_chase`: overdue up to six months) and its chase note. Requests to chase come first,
    by provider, service and most overdue; long-open records follow, most overdue first."""
    frame = overdue_advice(con, f)
    frame["provider"] = [p if p else NO_PROVIDER for p in frame["provider"]]
    frame["age_band"] = [age_band(int(d)) for d in frame["days_overdue"]]
    frame["to_chase"] = frame["days_overdue"] <= LONG_OPEN_DAYS
    frame["source"] = SOURCE
    notes = chase_notes(con)[[*KEY, "chased_on", "note", "updated_by", "updated_at"]]
    frame = frame.merge(notes.rename(columns={"note": "chase_note"}), how="left", on=list(KEY))
    frame["chase_note"] = frame["chase_note"].fillna("").astype(str)
    frame["chased_on"] = pd.to_datetime(frame["chased_on"]).dt.date
    frame["band_order"] = [BAND_ORDER.index(b) for b in frame["age_band"]]
    chase = frame[frame["to_chase"]].sort_values(
        ["provider", "service", "days_overdue", "local_authority", "advice_id"],
        ascending=[True, True, False, True, True])
    closing = frame[~frame["to_chase"]].sort_values(
        ["days_overdue", "local_authority", "advice_id"], ascending=[False, True, True])
    return pd.concat([chase, closing], ignore_index=True).drop(columns="band_order")


def queue_summary(queue: pd.DataFrame, by: str) -> pd.DataFrame:
    """Requests to chase by `by` (provider or service) and age band: one row each, bands in
    order, groups with the most requests first."""
    chase = queue[queue["to_chase"]]
    counts = chase.groupby([by, "age_band"]).size().rename("requests").reset_index()
    totals = counts.groupby(by)["requests"].sum()
    counts["total"] = counts[by].map(totals)
    counts["band_order"] = [BAND_ORDER.index(b) for b in counts["age_band"]]
    return (counts.sort_values(["total", by, "band_order"], ascending=[False, True, True])
            .drop(columns=["total", "band_order"]).reset_index(drop=True))


# ---- chase notes ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChaseEdit:
    """One request's chased-on date and note as the DCO left them (both blank: cleared)."""

    local_authority: str
    advice_id: str
    chased_on: dt.date | None
    note: str
    source: str = SOURCE


def clean_note(value: Any, where: str) -> str:
    text = "" if is_blank(value) else " ".join(str(value).split())
    if len(text) > MAX_NOTE:
        raise ChaseError(f"{where}: the note is {len(text):,} characters long; at most "
                         f"{MAX_NOTE:,} fit.")
    if found := identifier_in(text):
        raise ChaseError(f"{where}: the note appears to hold {found[0]} ('{found[1]}'). "
                         + IDENTIFIES)
    return text


def clean_date(value: Any, where: str, today: dt.date) -> dt.date | None:
    if is_blank(value):
        return None
    try:
        day = pd.Timestamp(value).date()
    except (TypeError, ValueError):
        raise ChaseError(f"{where}: chased on '{value}' is not a date.") from None
    if day > today:
        raise ChaseError(f"{where}: chased on {day:%d/%m/%Y} is after today ({today:%d/%m/%Y}).")
    return day


def edit(local_authority: str, advice_id: str, chased_on: Any, note: Any, *,
         today: dt.date | None = None) -> ChaseEdit:
    """A checked edit, or ChaseError naming the request and what is wrong."""
    where = f"Advice {advice_id} ({local_authority})"
    return ChaseEdit(str(local_authority), str(advice_id),
                     clean_date(chased_on, where, today or dt.date.today()),
                     clean_note(note, where))


def _apply(con: duckdb.DuckDBPyConnection, change: ChaseEdit, actor: str, now: dt.datetime
           ) -> str | None:
    key = [change.local_authority, change.advice_id, change.source]
    before = con.execute(f"SELECT chased_on, note FROM {CHASE_NOTES.name} WHERE "
                         "local_authority = ? AND advice_id = ? AND source = ?", key).fetchall()
    if not change.note and change.chased_on is None:
        if not before:
            return None
        con.execute(f"DELETE FROM {CHASE_NOTES.name} WHERE local_authority = ? AND "
                    "advice_id = ? AND source = ?", key)
        return "cleared"
    if before and (before[0][0], before[0][1]) == (change.chased_on, change.note):
        return None
    con.execute(f"INSERT OR REPLACE INTO {CHASE_NOTES.name} VALUES (?, ?, ?, ?, ?, ?, ?)",
                [*key, change.chased_on, change.note, actor, now])
    return "changed" if before else "added"


def save_chase_notes(db: Path, changes: Iterable[ChaseEdit], *, actor: str,
                     now: dt.datetime | None = None) -> dict[str, int]:
    """Store the edits in one transaction (all or none) and record them in the audit log; how
    many notes were added, changed and cleared. Notes are keyed by LA, advice id and source, so a
    reload of the same records keeps them."""
    stamp = now or dt.datetime.now()
    edits = list(changes)
    with writing(db, wait_seconds=10.0) as con, transaction(con):
        done = [(c, _apply(con, c, actor, stamp)) for c in edits]
    counts = {what: sum(1 for _, d in done if d == what) for what in ("added", "changed", "cleared")}
    touched = [f"{c.local_authority}/{c.advice_id}" for c, d in done if d]
    if touched:
        audit.record(db, actor, "chase notes saved", requests=touched, **counts)
    return counts


# ---- the workbook to send ----------------------------------------------------------------------

def export_table(queue: pd.DataFrame) -> pd.DataFrame:
    """The chase list as sent: requests to chase, the export's columns and headings."""
    chase = queue[queue["to_chase"]]
    return chase[list(EXPORT_COLUMNS)].rename(columns=EXPORT_COLUMNS).reset_index(drop=True)


def sheet_names(providers: Iterable[str]) -> dict[str, str]:
    """Each provider's sheet name: without the characters Excel refuses, cut to 31 characters,
    and unique (a number added where two would collide)."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for provider in providers:
        base = _SHEET_BAD.sub(" ", provider).strip("' ")[:31] or "Provider"
        name, n = base, 2
        while name.lower() in used:
            suffix = f" ({n})"
            name, n = base[:31 - len(suffix)] + suffix, n + 1
        used.add(name.lower())
        names[provider] = name
    return names


def provider_workbook(queue: pd.DataFrame, providers: Iterable[str] | None = None) -> bytes:
    """One xlsx with a sheet per provider (all providers with requests to chase, or those
    named), each holding that provider's requests to chase; cells made formula-safe."""
    table = export_table(queue)
    wanted = list(providers) if providers is not None else sorted(table["Provider"].unique())
    names = sheet_names(wanted)
    return exports.xlsx_bytes({names[p]: table[table["Provider"] == p].reset_index(drop=True)
                               for p in wanted})
