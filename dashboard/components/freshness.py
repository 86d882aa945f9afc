"""How current each source is, on every page: the latest extract date of each dataset in the
sidebar, and a warning above the page when sources are more than a month apart (figures that
combine them then describe different days)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.components import gateway
from pipelines import status

NAMES = {"ehcp": "EHC needs assessment requests", "health_advice": "Health advice requests",
         "tribunals": "Tribunal appeals", "phb": "Personal health budgets",
         "schools": "Schools audited", "cohort": "Children on Annex A lists"}


def dataset_name(kind: str) -> str:
    """A dataset's name as pages show it; a new schema's table name reads as words."""
    return NAMES.get(kind, kind.replace("_", " ").capitalize())


def summary(fresh: status.Freshness) -> str:
    """One compact line: each extract date with the datasets it holds, newest first."""
    by_day: dict[dt.date, list[str]] = {}
    for kind, day in fresh.extracts.items():
        by_day.setdefault(day, []).append(dataset_name(kind))
    parts = [f"{day:%d/%m/%Y}: {', '.join(names)}" for day, names in
             sorted(by_day.items(), reverse=True)]
    return "**Data current to** " + "; ".join(parts) + "."


def show() -> None:
    """The sidebar line, and the warning when sources are more than a month apart."""
    fresh = gateway.read(status.freshness)
    if not fresh.extracts:
        return
    st.sidebar.caption(summary(fresh))
    if fresh.months_apart:
        behind = "; ".join(f"{dataset_name(kind)} to {day:%d/%m/%Y}"
                           for kind, day in fresh.behind().items())
        st.warning(f"**Sources are more than a month apart.** The newest extract is of "
                   f"{fresh.latest:%d/%m/%Y}, but: {behind}. Figures that combine them describe "
                   "different days: load the later exports.", icon=":material/update:")
