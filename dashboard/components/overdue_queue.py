"""The overdue list as the DCO's work queue (on /health-advice): requests to chase by provider and
service in age bands, a chart whose bars open a provider's or service's list, chase notes edited
in the table (DCO and admin), a workbook per provider, and long-open records apart, to close.
DATA PROTECTION: ids, LA, service and provider only; notes are checked for NHS numbers.
"""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.components import auth, charts, gateway, tables
from pipelines import chase
from pipelines.metrics import Filters

ALL = "All"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Who is late and by how long first, sized to fit a phone (tables.PHONE_WIDTH), the names
# wrapped in the row; the request's identifiers, dates and notes scroll after them.
QUEUE_COLUMNS = {
    "provider": "Provider", "service": "Service", "days_overdue": "Days overdue",
    "age_band": "Overdue by", "advice_id": "Advice ID", "case_id": "Case ID",
    "local_authority": "Local authority", "requested_date": "Received", "due_date": "Due",
    "reason_recorded": "Reason recorded", "chased_on": "Chased on", "chase_note": "Note",
}
LONG_OPEN_COLUMNS = {k: v for k, v in QUEUE_COLUMNS.items() if k != "age_band"}
LEAD_COLUMNS = {
    "Provider": st.column_config.TextColumn(width=150),
    "Service": st.column_config.TextColumn(width=120),
    "Days overdue": st.column_config.NumberColumn(
        "Days", format="%d", width=64, help="Days overdue: days past the 6-week due date"),
}
PICKS = (("provider", "Provider", "chase_provider"), ("service", "Service", "chase_service"))


def chart_pick(event: Any) -> str | None:
    """The category of the bar clicked in a band chart (its y value, drawn escaped), or None."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    return html.unescape(str(points[0]["y"])) if points and points[0].get("y") is not None else None


def _apply_pick(column: str, key: str, event: Any) -> None:
    """A bar clicked opens its list: set the matching selectbox, once per new click (so the
    selectbox can still be changed by hand afterwards)."""
    picked = chart_pick(event)
    seen = f"{key}_chart_seen"
    if picked is not None and picked != st.session_state.get(seen):
        st.session_state[key] = picked
        if column == "provider":  # a provider's list across its services
            st.session_state["chase_service"] = ALL
    st.session_state[seen] = picked


def _charts(queue: pd.DataFrame) -> None:
    tabs = st.tabs(["By provider", "By service"])
    for tab, (column, name, key) in zip(tabs, PICKS, strict=True):
        with tab:
            summary = chase.queue_summary(queue, column)
            fig = charts.band_bars(summary, column, f"Requests to chase by {name.lower()}",
                                   name, chase.BAND_ORDER)
            event = st.plotly_chart(fig, key=f"{key}_chart", on_select="rerun",
                                    selection_mode="points", config=tables.PLOTLY_CONFIG,
                                    width="stretch",
                                    alt=f"Bar chart of overdue health advice to chase by "
                                        f"{name.lower()}, stacked by how long overdue")
            _apply_pick(column, key, event)


def _pickers(queue: pd.DataFrame) -> pd.DataFrame:
    chosen = queue
    for column_ui, (column, name, key) in zip(st.columns(2), PICKS, strict=True):
        options = [ALL, *sorted(queue[column].unique())]
        if st.session_state.get(key) not in options:
            st.session_state[key] = ALL
        pick = column_ui.selectbox(name, options, key=key,
                                   help=f"Or click a bar in the chart by {name.lower()}.")
        if pick != ALL:
            chosen = chosen[chosen[column] == pick]
    return chosen


def _editor_key(shown: pd.DataFrame) -> str:
    """The editor's key names the rows it holds: its edits are kept by row position, so a list
    changed by a pick (or a save) must start a fresh editor, never carry an edit to another row."""
    rows = "|".join(f"{la}/{a}" for la, a in zip(shown["local_authority"], shown["advice_id"],
                                                 strict=True))
    digest = hashlib.sha256(rows.encode()).hexdigest()[:10]
    return f"chase_editor_{st.session_state.get('chase_editor_version', 0)}_{digest}"


def _save(shown: pd.DataFrame, state: dict[str, Any]) -> None:
    """The table editor's edits, checked and stored in one transaction (audited in pipelines)."""
    viewer = auth.current()
    edits = []
    try:
        for pos, change in state.get("edited_rows", {}).items():
            row = shown.iloc[int(pos)]
            values = {"chased_on": row["chased_on"], "chase_note": row["chase_note"]}
            values |= {k: v for k, v in change.items() if k in values}
            edits.append(chase.edit(row["local_authority"], row["advice_id"],
                                    values["chased_on"], values["chase_note"]))
    except chase.ChaseError as exc:
        st.session_state["chase_flash"] = ("error", str(exc))
        return
    counts = gateway.write(chase.save_chase_notes, edits, actor=viewer.actor)
    done = ", ".join(f"{n} {what}" for what, n in counts.items() if n) or "nothing changed"
    st.session_state["chase_flash"] = ("success", f"Chase notes saved: {done}.")
    st.session_state["chase_editor_version"] = st.session_state.get("chase_editor_version", 0) + 1


def _queue_table(shown: pd.DataFrame) -> None:
    table = tables.named_columns(shown, QUEUE_COLUMNS)
    table["Chased on"] = pd.to_datetime(table["Chased on"])
    config = {
        **LEAD_COLUMNS,
        "Received": st.column_config.DateColumn(format="DD/MM/YYYY"),
        "Due": st.column_config.DateColumn(format="DD/MM/YYYY"),
        "Chased on": st.column_config.DateColumn(format="DD/MM/YYYY",
                                                 help="The day you last chased this request."),
        "Note": st.column_config.TextColumn(max_chars=chase.MAX_NOTE,
                                            help="Who you chased and what they said. Never a "
                                                 "child's name or NHS number."),
    }
    if not auth.current().can("dco"):
        tables.show(table, key="chase_queue", column_config=config,
                    row_height=tables.WRAPPED_ROW_HEIGHT)
        return
    st.caption("Type a date in **Chased on** and a **Note** against any request, then save "
               "(before picking another provider or service). Notes stay with the request "
               "across reloads and go into the exports.")
    key = _editor_key(shown)
    tables.edit(table, key=key, num_rows="fixed", column_config=config,
                row_height=tables.WRAPPED_ROW_HEIGHT,
                disabled=[c for c in table.columns if c not in ("Chased on", "Note")])
    edits = st.session_state.get(key, {}) or {}
    renamed = {"edited_rows": {pos: {("chased_on" if k == "Chased on" else "chase_note"): v
                                     for k, v in change.items() if k in ("Chased on", "Note")}
                               for pos, change in edits.get("edited_rows", {}).items()}}
    if st.button("Save chase notes", key="chase_save", type="primary",
                 disabled=not renamed["edited_rows"]):
        _save(shown, renamed)
        st.rerun()


def _downloads(queue: pd.DataFrame, f: Filters) -> None:
    viewer = auth.current()
    day = f"{f.as_of:%Y-%m-%d}"
    provider = st.session_state.get("chase_provider", ALL)
    left, right = st.columns(2)
    if provider != ALL:
        slug = "-".join(re.findall(r"[a-z0-9]+", provider.lower())) or "provider"
        file_name = f"chase-list-{slug}-{day}.xlsx"
        left.download_button(
            f"Download {provider}'s chase list (Excel)", mime=XLSX, file_name=file_name,
            data=auth.audited(lambda: chase.provider_workbook(queue, [provider]), viewer,
                              "Chase list", file_name),
            key="chase_one_xlsx", on_click="ignore", icon=":material/download:", type="primary")
    else:
        left.caption("Pick a provider (click its bar, or choose it above) to download its list.")
    file_name = f"chase-lists-by-provider-{day}.xlsx"
    right.download_button(
        "Download every provider's list, a sheet each (Excel)", mime=XLSX, file_name=file_name,
        data=auth.audited(lambda: chase.provider_workbook(queue), viewer, "Chase lists",
                          file_name),
        key="chase_all_xlsx", on_click="ignore", icon=":material/download:")


def _flash() -> None:
    flash = st.session_state.pop("chase_flash", None)
    if flash:
        (st.error if flash[0] == "error" else st.success)(flash[1])


def chase_queue(f: Filters, queue: pd.DataFrame) -> None:
    """This week's chase list: the requests a provider can still act on."""
    to_chase = queue[queue["to_chase"]]
    st.subheader(f"To chase: overdue up to six months ({len(to_chase):,})", anchor="chase")
    st.caption("Grouped by provider and service, most overdue first within each. Click a bar to "
               "open that provider's or service's list, then download it to send.")
    _flash()
    if to_chase.empty:
        tables.no_data("No request is overdue by six months or less.")
        return
    _charts(queue)
    shown = _pickers(to_chase).reset_index(drop=True)
    _downloads(to_chase, f)
    _queue_table(shown)


def long_open(f: Filters, queue: pd.DataFrame) -> None:
    """Records open more than six months past due: data-quality items to close, not chase."""
    stale = queue[~queue["to_chase"]]
    st.subheader(f"Open more than six months past due: records to close ({len(stale):,})",
                 anchor="long-open")
    st.caption("No provider can act on a request this old: most were returned and the return "
               "was never recorded, or the request was withdrawn. Check each with the provider "
               "or the LA's case system and record the return date or the outcome, so that it "
               "leaves the list.")
    if stale.empty:
        tables.no_data("No request is open more than six months past its due date.")
        return
    table = tables.named_columns(stale, LONG_OPEN_COLUMNS)
    tables.show(table, key="long_open_table", row_height=tables.WRAPPED_ROW_HEIGHT,
                column_config={
                    **LEAD_COLUMNS,
                    "Received": st.column_config.DateColumn(format="DD/MM/YYYY"),
                    "Due": st.column_config.DateColumn(format="DD/MM/YYYY"),
                    "Chased on": st.column_config.DateColumn(format="DD/MM/YYYY")})
    tables.downloads(table, f"health-advice-open-over-6-months-{f.as_of:%Y-%m-%d}",
                     "long_open", sheet="Open over 6 months")


def render(f: Filters) -> None:
    """The chase list, then the long-open records (nothing when no request is overdue)."""
    queue = gateway.read(chase.overdue_queue, f)
    if queue.empty:
        return
    chase_queue(f, queue)
    long_open(f, queue)
