"""The board pack's summary tables: overdue health advice and open needs assessments as counts
by local authority (no record-level ids), suppressed for the board."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from pipelines.board_pack.model import Table
from pipelines.config import load_settings
from pipelines.periods import day_text
from pipelines.suppression import part_text, suppress_count, suppress_with_totals

CLOSE_DAYS = 28  # an open case with 4 weeks or fewer left of its 20 is "due within 4 weeks"
OVERDUE_BANDS = ((14, "Up to 2 weeks overdue"), (42, "2 to 6 weeks overdue"),
                 (None, "More than 6 weeks overdue"))


def _crosstab(frame: pd.DataFrame, rows: str, las: list[str], row_order: Sequence[str] = ()
              ) -> pd.DataFrame:
    """Counts by `rows` (every one of `row_order`, then any other) and local authority, with
    totals."""
    counts = (frame.groupby([rows, "local_authority"]).size().unstack(fill_value=0)
              .reindex(columns=las, fill_value=0))
    order = list(row_order) + sorted(r for r in counts.index if r not in row_order)
    counts = counts.reindex(order, fill_value=0)
    counts["Total"] = counts.sum(axis=1)
    counts.loc["Total"] = counts.sum(axis=0)
    counts = counts.astype(int)
    return counts


def suppress_crosstab(counts: pd.DataFrame, first: str) -> pd.DataFrame:
    out = suppress_with_totals(counts).reset_index()
    out.columns = [first, *counts.columns]
    return out


def _band(days: int) -> str:
    return next(label for limit, label in OVERDUE_BANDS if limit is None or days <= limit)


def las_shown(las: tuple[str, ...], *frames: pd.DataFrame) -> list[str]:
    if las:
        return list(las)
    present = set().union(*(set(f.local_authority) for f in frames if not f.empty))
    area = [la for la in load_settings().area_las if la in present]
    return area + sorted(present - set(area))


def _risk(days_left: int) -> str:
    return ("Past 20 weeks" if days_left < 0 else "Due within 4 weeks" if days_left <= CLOSE_DAYS
            else "On track")


RISKS = ("Past 20 weeks", "Due within 4 weeks", "On track")


def past_20_weeks(cases: pd.DataFrame) -> int:
    """The open cases the "Past 20 weeks" row of the time-left table counts (every stage)."""
    return sum(_risk(days) == RISKS[0] for days in cases.days_left)
STAGES = ("Awaiting decision to assess", "Assessment under way", "Draft plan issued")


def summary_tables(overdue: pd.DataFrame, cases: pd.DataFrame, las: tuple[str, ...],
                   as_of: dt.date) -> tuple[tuple[Table, ...], tuple[Table, ...], dict[str, str]]:
    """The overdue advice and open cases in counts only (no record-level ids), suppressed."""
    shown_las = las_shown(las, overdue, cases)
    on = day_text(as_of)
    overdue = overdue.assign(band=[_band(d) for d in overdue.days_overdue])
    over = (
        Table("Overdue health advice by service", suppress_crosstab(
            _crosstab(overdue, "service", shown_las), "Service"),
            f"Requests open on {on} whose 6-week due date has passed, by health service and "
            "local authority. Not bound to the quarter.", "Overdue by service"),
        Table("Overdue health advice by time overdue", suppress_crosstab(
            _crosstab(overdue, "band", shown_las, [b for _, b in OVERDUE_BANDS]), "Time overdue"),
            "The same requests, by days past the due date.", "Overdue by time overdue"),
    )
    cases = cases.assign(risk=[_risk(d) for d in cases.days_left])
    cases = cases.assign(stage=cases.stage.str.capitalize())
    risky = cases[cases.risk != "On track"]
    risk = (
        Table("Open cases at risk by stage", suppress_crosstab(
            _crosstab(risky, "stage", shown_las, STAGES), "Stage"),
            f"Needs assessments open on {on} that are past 20 weeks or have 4 weeks or fewer "
            "left, by the stage each is in and local authority.", "At risk by stage"),
        Table("Open cases by time left of the 20 weeks", suppress_crosstab(
            _crosstab(cases, "risk", shown_las, RISKS), "Time left"),
            "Every open needs assessment, by how near it is to 20 weeks.", "Open cases by time left"),
    )
    totals = {"overdue": suppress_count(len(overdue)), "at_risk": part_text(len(risky), len(cases)),
              "open": suppress_count(len(cases))}
    return over, risk, totals
