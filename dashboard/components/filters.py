"""The sidebar filters every metric page shares, kept in the URL so that a link reproduces a view.

The query string is read once per session and rewritten on every run; values also live in the
session, because Streamlit clears the query string when the user moves between pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import streamlit as st

from dashboard.components import gateway
from dashboard.components.text import plain
from pipelines import queries
from pipelines.config import load_settings
from pipelines.metrics import Filters, las_in_words
from pipelines.periods import (
    GRAIN_NAMES,
    GRAINS,
    MONTHS_PER,
    Period,
    period_of,
    periods_between,
    shift_months,
)

PARAMS = ("la", "grain", "from", "to", "service", "as_of")
KEY = {p: f"flt_{p}" for p in PARAMS}  # session-state / widget key of each query parameter
DEFAULT_GRAIN = "month"
DEFAULT_SPAN_MONTHS = 12


@dataclasses.dataclass(frozen=True)
class View:
    """What the user asked for: the metric filters plus the grain and the periods chosen."""

    filters: Filters
    grain: str
    first: Period
    last: Period

    @property
    def periods(self) -> list[Period]:
        return periods_between(self.grain, self.first.start, self.last.start)

    def previous(self) -> Filters:
        """The same span just before: as many periods back, cut at the same day of the last one
        (so a financial year to 16 November compares with the year before to 16 November)."""
        months = -len(self.periods) * MONTHS_PER[self.grain]
        f = self.filters
        return dataclasses.replace(f, date_from=shift_months(f.date_from, months),
                                   date_to=shift_months(f.date_to, months))

    def trend(self) -> Filters:
        """The chosen span, widened to at least the last 12 months, for monthly sparklines."""
        f = self.filters
        start = shift_months(f.date_to, -(DEFAULT_SPAN_MONTHS - 1)).replace(day=1)
        return dataclasses.replace(f, date_from=min(f.date_from, start))

    def describe(self, services: bool = True) -> str:
        """The view in one line, as Markdown for the caption under each page title (the names
        come from the data, so they are escaped)."""
        f = self.filters
        span = (self.first.display if self.first == self.last
                else f"{self.first.display} to {self.last.display}")
        if f.date_to < self.last.end:
            span += f" (to {f.date_to:%d/%m/%Y})"
        las = plain(las_in_words(f.las))
        names = plain(", ".join(f.services)) if f.services else "all services"
        text = f"{span} · as of {f.as_of:%d/%m/%Y} · {las}"
        return text + (f" · health advice: {names}" if services else "")


def capture_url() -> None:
    """Keep the query string the session started with; called by app.py before any page runs,
    since moving to another page clears it before the filters are first drawn."""
    if "_flt_url" not in st.session_state:
        st.session_state["_flt_url"] = {p: st.query_params.get_all(p) for p in PARAMS}


def all_las_placeholder() -> str:
    """What an empty local authority filter stands for, in its box."""
    return "The area's local authorities" if load_settings().area_las else "All local authorities"


def all_las_help() -> str:
    """The local authority filter's help: what leaving it empty counts (`metrics.la_in`)."""
    if not load_settings().area_las:
        return "Leave empty for every local authority in the data."
    return (f"Leave empty for {las_in_words(())} and returns for the whole area. An LA outside "
            "the area (one settings.toml does not list) is shown only when chosen.")


def _default_as_of(options: queries.FilterOptions) -> dt.date:
    return options.latest_as_of or dt.date.today()


def _options_for(grain: str, as_of: dt.date, options: queries.FilterOptions) -> list[Period]:
    return periods_between(grain, min(options.first_day, as_of), as_of)


def _default_span(grain: str, as_of: dt.date) -> tuple[str, str]:
    first = period_of(grain, shift_months(as_of, -(DEFAULT_SPAN_MONTHS - 1)))
    return first.label, period_of(grain, as_of).label


def _from_url(options: queries.FilterOptions) -> dict[str, Any]:
    """Filter values from the query string the session started with; invalid values are dropped."""
    url: dict[str, list[str]] = st.session_state.get("_flt_url") or {}
    first = (url.get("as_of") or [""])[-1]
    try:
        as_of = dt.date.fromisoformat(first)
    except ValueError:
        as_of = _default_as_of(options)
    grain = (url.get("grain") or [""])[-1]
    grain = grain if grain in GRAINS else DEFAULT_GRAIN
    labels = [p.label for p in _options_for(grain, as_of, options)]
    start, end = _default_span(grain, as_of)
    wanted_from = (url.get("from") or [""])[-1]
    wanted_to = (url.get("to") or [""])[-1]
    return {
        "la": [la for la in dict.fromkeys(url.get("la", [])) if la in options.las],
        "grain": grain,
        "from": wanted_from if wanted_from in labels else start,
        "to": wanted_to if wanted_to in labels else end,
        "service": [s for s in dict.fromkeys(url.get("service", [])) if s in options.services],
        "as_of": as_of,
    }


def _initialise(options: queries.FilterOptions) -> None:
    if st.session_state.get("_flt_ready"):
        return
    for param, value in _from_url(options).items():
        st.session_state[KEY[param]] = value
    st.session_state["_flt_ready"] = True


def reset() -> None:
    """Back to the defaults (callback of the reset button, so it runs before the widgets)."""
    st.session_state["_flt_url"] = {}
    st.session_state["_flt_ready"] = False
    st.session_state.pop("_flt_dates", None)


def _keep_valid(options: queries.FilterOptions, period_labels: list[str], grain: str,
                as_of: dt.date) -> None:
    """Repair values the options no longer hold (after a new grain, as-of date or load); a new
    grain keeps the dates chosen, as the periods of that grain that contain them."""
    state = st.session_state
    state[KEY["la"]] = [la for la in state.get(KEY["la"], []) if la in options.las]
    state[KEY["service"]] = [s for s in state.get(KEY["service"], []) if s in options.services]
    start, end = _default_span(grain, as_of)
    dates = state.get("_flt_dates")
    for param, default, index in (("from", start, 0), ("to", end, 1)):
        if state.get(KEY[param]) in period_labels:
            continue
        carried = period_of(grain, dates[index]).label if dates else None
        state[KEY[param]] = carried if carried in period_labels else default
        if state[KEY[param]] not in period_labels:
            state[KEY[param]] = period_labels[0] if param == "from" else period_labels[-1]


def _write_url(values: dict[str, Any]) -> None:
    """Rewrite the query string only when it differs, so the browser history stays short."""
    wanted = {p: v if isinstance(v, list) else [str(v)] for p, v in values.items()}
    wanted = {p: v for p, v in wanted.items() if v}
    current = {p: st.query_params.get_all(p) for p in PARAMS}
    current = {p: v for p, v in current.items() if v}
    if current != wanted:
        st.query_params.from_dict({p: v[0] if len(v) == 1 else v for p, v in wanted.items()})


def _store(param: str) -> None:
    st.session_state[KEY[param]] = st.session_state[f"{KEY[param]}_w"]


def _bound(param: str) -> dict[str, Any]:
    """Widget arguments keeping a filter's value in its own session key: Streamlit drops a
    widget's state when the page changes, so the value is copied in before each draw and
    back on each change."""
    widget = f"{KEY[param]}_w"
    st.session_state[widget] = st.session_state[KEY[param]]
    return {"key": widget, "on_change": _store, "args": (param,)}


def sidebar_filters(show_services: bool = True) -> View:
    """Draw the filters in the sidebar and return what they select."""
    options = gateway.read(queries.filter_options)
    _initialise(options)
    state = st.session_state
    if state.get(KEY["grain"]) not in GRAINS:
        state[KEY["grain"]] = DEFAULT_GRAIN
    if not isinstance(state.get(KEY["as_of"]), dt.date):
        state[KEY["as_of"]] = _default_as_of(options)
    periods = _options_for(state[KEY["grain"]], state[KEY["as_of"]], options)
    by_label = {p.label: p for p in periods}
    _keep_valid(options, list(by_label), state[KEY["grain"]], state[KEY["as_of"]])

    with st.sidebar:
        st.header("Filters")
        las = st.multiselect("Local authorities", options.las, placeholder=all_las_placeholder(),
                             help=all_las_help(), **_bound("la"))
        grain = st.selectbox("Period grain", GRAINS, format_func=GRAIN_NAMES.get,
                             help="Quarters are calendar quarters; financial years run April-March.",
                             **_bound("grain"))
        first = st.selectbox("From", list(by_label), format_func=lambda x: by_label[x].display,
                             **_bound("from"))
        last = st.selectbox("To", list(by_label), format_func=lambda x: by_label[x].display,
                            **_bound("to"))
        services = state[KEY["service"]]
        if show_services:
            services = st.multiselect("Health services", options.services,
                                      placeholder="All services",
                                      help="Applies to the health advice metrics only.",
                                      **_bound("service"))
        as_of = st.date_input("As of", format="DD/MM/YYYY",
                              help="The day the figures describe: later returns and responses "
                                   "count as not yet made. Defaults to the latest extract date "
                                   "of the area's data: a newer export of the area's local "
                                   "authorities moves it; the day a file is loaded, or an "
                                   "export of an LA outside the area, never does.",
                              **_bound("as_of"))
        st.button("Reset filters", on_click=reset, width="stretch", key="flt_reset")
        st.caption("The address bar keeps these filters: copy it to share this view.")

    p_first, p_last = by_label[first], by_label[last]
    if p_first.start > p_last.start:
        p_first, p_last = p_last, p_first
        st.sidebar.caption("'From' was after 'To': the two are read the other way round.")
    f = Filters(date_from=p_first.start, date_to=min(p_last.end, as_of), as_of=as_of,
                las=tuple(las), services=tuple(services))
    state["_flt_dates"] = (p_first.start, p_last.end)
    _write_url({"la": list(las), "grain": grain, "from": p_first.label, "to": p_last.label,
                "service": list(services), "as_of": as_of.isoformat()})
    return View(f, grain, p_first, p_last)
