"""Inspection readiness (/inspection): the area SEND framework's outcomes and themes, and for each
theme the live metrics that speak to it, an evidence tracker and dated self-evaluation notes kept
in DuckDB; a readiness summary; and the one-click health evidence pack (xlsx).

DATA PROTECTION: the tracker and notes describe services and evidence, never a child; text that
holds a valid NHS number is refused. The evidence pack carries record-level lists by LA/service
reference (never the pseudonym): it is for the inspection team, not for publication.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard.components import auth, filters, gateway, tables
from dashboard.components.cards import MIN_TREND, rag
from dashboard.components.sparkline import colour, sparkline
from dashboard.components.text import plain
from pipelines import audit, inspection, inspection_example, inspection_pack, metrics, queries, status
from pipelines.config import load_settings
from pipelines.formats import sen2_tables
from pipelines.metrics import SMALL_DENOMINATOR as SMALL
from pipelines.queries import DatabaseBusy

PAGE_NAMES = {"/health-advice": "Health advice", "/ehcp-timeliness": "EHC plan timeliness",
              "/tribunals": "Tribunals", "/annual-reviews": "Annual reviews",
              "/schools": "Schools", "/waiting-times": "Waiting times",
              "/budgets-and-complaints": "Budgets and complaints"}
STATUS_LABELS = {s: s.capitalize() for s in inspection.STATUSES}
EDITOR_COLUMNS = ["item", "owner", "status", "due_date", "link_or_note", "last_updated",
                  "updated_by"]
NO_CHILD = ("Record evidence about services, never about a child: no names, NHS numbers, dates "
            "of birth or case details. Use a role (e.g. 'DCO', 'CAMHS lead') as owner.")


# ---- small helpers -----------------------------------------------------------------------------

def _href(link: str) -> str:
    """A page link that keeps the filters chosen (they live in the address bar)."""
    path, _, anchor = link.partition("#")
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    query = urlencode(params, doseq=True)
    return path + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


def _who() -> str:
    """Who is recorded with a change: the signed-in admin (only admins may change evidence)."""
    viewer = auth.current()
    return viewer.name if viewer.can("admin") else ""


def _audit(action: str, theme: str, **detail: Any) -> None:
    audit.record(gateway.db_file(), auth.current().actor, action, theme=theme, **detail)


def _flash(theme: str, message: str) -> None:
    st.session_state[f"insp_flash_{theme}"] = message


def _version(name: str) -> int:
    """A counter in a widget's key: raised after a save so the widget starts afresh."""
    return st.session_state.setdefault(f"insp_v_{name}", 0)


def _bump(name: str) -> None:
    st.session_state[f"insp_v_{name}"] = _version(name) + 1


def _rag_text(live: pd.DataFrame, keys: tuple[str, ...]) -> str:
    """The theme's rates against their local targets in words: '1 green · 2 amber'."""
    settings = load_settings()
    counts: dict[str, int] = {}
    rows = live[live.key.isin(keys)]
    for row in rows[(rows.kind == "rate") & rows.held].itertuples():
        found = rag(None if pd.isna(row.value) else row.value, settings.targets.get(row.key),
                    settings.amber_margin)
        if found:
            counts[found.status] = counts.get(found.status, 0) + 1
    text = " · ".join(f"{counts[s]} {s}" for s in ("green", "amber", "red") if counts.get(s))
    if not text:
        text = "no local target" if (rows.kind == "rate").any() else "counts only"
    missing = int((~rows.held).sum())
    return text + (f" ({missing} without data)" if missing else "")


# ---- sections ----------------------------------------------------------------------------------

def outcomes() -> None:
    st.markdown(inspection.FRAMEWORK + " An inspection ends in one of three outcomes:")
    st.markdown("\n".join(f"- **{o.name}**" + (f": {o.consequence.lower()}" if o.consequence
                                               else "") for o in inspection.OUTCOMES))
    st.caption("Inspectors ask for person-level lists, a self-evaluation and commissioning "
               "information, and check that needs are identified and assessed in time, families "
               "take part in decisions, children get the right help at the right time, are "
               "prepared for next steps, and are included. The themes below follow that list.")


def summary(tracker: dict[str, pd.DataFrame], live: pd.DataFrame) -> None:
    st.header("Readiness by theme", anchor="readiness")
    frame = tracker["readiness"]
    others = [" · ".join(f"{n} {label}" for n, label in ((p, "in progress"), (s_, "not started"),
                                                          (u, "needs update")) if n)
              for p, s_, u in zip(frame.in_progress, frame.not_started, frame.needs_update,
                                  strict=True)]
    short = {k: f"{i}. {t.short}" for i, (k, t) in enumerate(inspection.THEMES.items(), start=1)}
    table = pd.DataFrame({
        "Theme": frame.theme.map(short),
        "Ready": [f"{r} of {n}" if n else "no items yet"
                  for r, n in zip(frame.ready, frame["items"], strict=True)],
        "Share ready": [100 * r / n if n else 0.0 for r, n in zip(frame.ready, frame["items"],
                                                                   strict=True)],
        "Other items": others,
        "Overdue": frame.overdue,
        "Latest self-evaluation": [f"{d:%d/%m/%Y}" if d is not None and d == d else "none yet"
                                   for d in frame.latest_self_evaluation],
        "Live rates against target": [_rag_text(live, inspection.THEMES[k].metrics)
                                      for k in frame.theme],
    })
    # The theme and its figures first, sized to fit a phone (tables.PHONE_WIDTH).
    table = table[["Theme", "Ready", "Share ready", "Overdue", "Other items",
                   "Latest self-evaluation", "Live rates against target"]]
    tables.show(table, key="insp_readiness", column_config={
        "Theme": st.column_config.TextColumn(width=164),
        "Ready": st.column_config.TextColumn(width=52, help="Evidence items ready, of the "
                                             "theme's items"),
        "Share ready": st.column_config.ProgressColumn(
            "Share", format="%.0f%%", min_value=0, max_value=100, width=76,
            help="Share of the theme's evidence items that are ready"),
        "Overdue": st.column_config.NumberColumn(width=58, help="Evidence items due "
                                                 "before today and not yet ready"),
        # Narrow here: on a wide screen the grid shares the room left over between its columns,
        # and the theme's name needs a share of it to be read whole.
        "Other items": st.column_config.TextColumn(width=80),
        "Latest self-evaluation": st.column_config.TextColumn(
            width=70, help="The date of the theme's latest self-evaluation note"),
        "Live rates against target": st.column_config.TextColumn(width=90),
    })
    st.caption("Overdue: evidence items due before today and not yet ready. Rates against "
               "target: green at or above the local target (settings.toml), amber up to "
               f"{load_settings().amber_margin:g} points below, red further below; only four "
               "measures have a local target. Themes are numbered as the tabs below.")


def dmo_dco_in_post(view: filters.View) -> None:
    """Whether each LA's own SEN2 return says a DMO and a DCO are in post (the header flags)."""
    las = view.filters.las or tuple(la.name for la in load_settings().local_authorities)
    flags = pd.DataFrame(gateway.read(sen2_tables.header_flags, las),
                         columns=["local_authority", "collection_year", "dmo", "dco", "dmo_in_post",
                                  "dco_in_post"])
    st.subheader("DMO/DCO in post", anchor="dmo-dco")
    if flags.empty:
        st.caption("No SEN2 return loaded for these local authorities: its header says whether "
                   "a Designated Medical Officer and a Designated Clinical Officer are in post.")
        return
    latest = flags.drop_duplicates("local_authority")
    tables.show(pd.DataFrame({
        "Local authority": latest.local_authority,
        "SEN2 collection": latest.collection_year,
        "DMO": latest.dmo_in_post.fillna("not given"),
        "DCO": latest.dco_in_post.fillna("not given"),
    }), key="insp_dmo_dco")
    st.caption("From the header of each LA's latest SEN2 return loaded (DMO and DCO: Y in post, "
               "N not in post, R role covered by another post).")


def _pct_text(value: Any) -> str:
    return "-" if value is None or pd.isna(value) else f"{value:.1f}%"


def health_contribution(view: filters.View) -> None:
    """How health advice lines up with plan timeliness: the inspector's "how do you know?"."""
    st.header("Health's contribution to EHC plans", anchor="contribution")
    frame = gateway.read(metrics.health_contribution, view.filters)
    entry = metrics.CATALOGUE["health_contribution"]
    whole = frame.iloc[0]
    if not whole.plans:
        st.caption("No new plans issued in this period (or no EHC plan data loaded).")
        return
    left, right = st.columns(2)
    left.metric("Plans within 20 weeks whose health advice was on time",
                _pct_text(whole.within_advice_on_time_pct), help=entry.definition)
    left.caption(f"{whole.within_advice_on_time:,} of {whole.within:,} plans issued within 20 "
                 "weeks that had health advice")
    right.metric("Late plans that had late health advice",
                 _pct_text(whole.late_advice_late_pct), help=entry.definition)
    right.caption(f"{whole.late_advice_late:,} of {whole.late:,} plans issued after 20 weeks "
                  "that had health advice")
    missing = int(whole.plans - whole.plans_with_advice)
    st.caption(f"{whole.plans:,} new plans issued in the period (without a lawful exception); "
               f"{missing:,} had no health advice request recorded and are left out above.")
    # The service and its two rates first, sized to fit a phone (tables.PHONE_WIDTH); the
    # counts they are made of follow.
    table = pd.DataFrame({
        "Service": frame.group.iloc[1:],
        "% on time": frame.within_advice_on_time_pct.iloc[1:],
        "% late": frame.late_advice_late_pct.iloc[1:],
        "Within 20 weeks": frame.within.iloc[1:],
        "Advice on time": frame.within_advice_on_time.iloc[1:],
        "After 20 weeks": frame.late.iloc[1:], "Advice late": frame.late_advice_late.iloc[1:]})
    tables.show(table, key="insp_contribution", column_config={
        "Service": st.column_config.TextColumn(width=150),
        "% on time": st.column_config.NumberColumn(
            format="%.1f%%", width=100, help="Of the plans issued within 20 weeks with advice "
            "from this service, the share whose advice from it was all on time"),
        "% late": st.column_config.NumberColumn(
            format="%.1f%%", width=100, help="Of the plans issued after 20 weeks with advice "
            "from this service, the share with some of its advice late"),
        "Within 20 weeks": st.column_config.NumberColumn(
            width=100, help="Plans issued within 20 weeks with advice from this service"),
        "Advice on time": st.column_config.NumberColumn(
            width=100, help="Of them, this service's advice was all returned within 6 weeks"),
        "After 20 weeks": st.column_config.NumberColumn(
            width=100, help="Plans issued after 20 weeks with advice from this service"),
        "Advice late": st.column_config.NumberColumn(
            width=90, help="Of them, some of this service's advice was late")})
    st.caption(f"By service: plans with advice from that service (a plan can have advice from "
               f"several). {entry.caveats}")
    st.subheader("Quality of health advice", anchor="advice-quality")
    st.markdown("Each service audits a sample of its advice on a 1 to 4 scale. The scale:")
    # A list, not a table: the descriptions are sentences, and a table of them scrolls on a phone.
    st.markdown("\n".join(f"- **{score}**: {meaning}"
                          for score, meaning in metrics.QUALITY_RUBRIC.items()))
    by_score, _ = gateway.read(queries.quality_scores, view.filters)
    if by_score.empty:
        st.caption("No quality scores recorded for advice due in this period.")
    else:
        scored = int(by_score.advice.sum())
        good = int(by_score[by_score.score >= 3].advice.sum())
        st.caption(f"Advice due in this period and scored: {scored:,} (services score a sample, so "
                   f"fewer than the {metrics.DUE.label.lower()}); scored 3 or 4: {good:,} "
                   f"({metrics.pct(good, scored):.1f}%). By score and service: [Health advice]"
                   f"({_href('/health-advice')}).")


def evidence_pack(view: filters.View) -> None:
    st.header("Health evidence pack", anchor="pack")
    st.markdown(
        "One workbook with the record-level lists inspectors ask for, for the period and filters "
        "in the sidebar: health advice requests due and their timeliness, open overdue requests, "
        "open needs assessments, Tribunal appeals with health aspects and the responses to "
        "health recommendations; the headline figures and their monthly series; the evidence "
        "tracker and the current self-evaluation notes. A README sheet explains each sheet.")
    st.caption("Records carry the LA's, services' and Tribunal's references only; no name, NHS "
               "number or date of birth is held. The lists are still personal data, with exact "
               "small numbers: share them only with the inspection team, securely.")
    f = view.filters
    name = f"health-evidence-pack-{f.date_from:%Y%m%d}-{f.date_to:%Y%m%d}.xlsx"
    st.download_button(
        "Download the health evidence pack (Excel)",
        data=auth.audited(lambda: inspection_pack.health_evidence_pack(gateway.db_file(), f),
                          auth.current(), "health evidence pack", name),
        file_name=name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="insp_pack", on_click="ignore", icon=":material/download:", type="primary")


def _trend(series: str | None, view: filters.View) -> list[float] | None:
    """The last 12 months of a rate, by month (months with nothing counted left out)."""
    if series is None:
        return None
    frame = gateway.read(queries.rates_table, series, view.trend(), "month")
    values = [float(p) for p in frame["pct"] if p is not None and p == p]
    return values if len(values) >= MIN_TREND else None


def metric_tile(row: Any, view: filters.View) -> None:
    """One live metric: value, what it is made of, RAG against the local target, a monthly
    sparkline and a link to the page that shows it in full. Exact numbers (the DCO's view)."""
    spec = inspection.LIVE_METRICS[row.key]
    settings = load_settings()
    value = None if pd.isna(row.value) else row.value
    with st.container(border=True):
        if spec.kind == "rate":
            shown = "-" if value is None else f"{value:.1f}%"
        else:
            shown = "-" if value is None else f"{int(value):,}"
        trend = _trend(spec.series, view) if row.held else None
        status = (rag(value, settings.targets.get(spec.key), settings.amber_margin, spec.good)
                  if row.held and spec.kind == "rate" else None)
        st.metric(spec.label, shown,
                  help=f"Computed by pipelines.metrics ({spec.source}) for the filters in the "
                       "sidebar.")
        if trend:  # a monthly rate, coloured by its RAG (else grey): the tile shows no change
            sparkline(spec.label, trend, "rate", colour(status.colour if status else "off", None))
        if not row.held:
            st.caption(f"No {spec.dataset.replace('_', ' ')} data loaded.")
        elif spec.kind == "rate":
            den = 0 if pd.isna(row.denominator) else int(row.denominator)
            num = 0 if pd.isna(row.numerator) else int(row.numerator)
            small = " · small number" if 0 < den < SMALL else ""
            st.caption(f"{num:,} of {den:,} {spec.of_what}{small}" if den
                       else f"No {spec.of_what} in this period")
            if spec.source == metrics.DUE.metric and den:  # the count of requests due, and why
                due = gateway.read(queries.rates_table, spec.source, view.filters).iloc[0]
                st.caption(metrics.due_reason(due["items"], due["denominator_incl"],
                                              due["denominator"], suppress=False))
            if status:
                st.badge(status.text, icon=status.icon, color=status.colour)
            else:
                st.caption("No local target set")
        else:
            st.caption(spec.of_what.capitalize())
        if spec.reference:
            st.caption(spec.reference + ".")
        if row.link:
            name = PAGE_NAMES.get(row.link.partition("#")[0], "the page")
            st.markdown(f"[Open {name}]({_href(row.link)})")


def live_metrics(theme: inspection.Theme, live: pd.DataFrame, view: filters.View) -> None:
    st.subheader("Live metrics", anchor=False)
    rows = [live[live.key == key].iloc[0] for key in theme.metrics]
    for start in range(0, len(rows), 3):
        for column, row in zip(st.columns(3), rows[start:start + 3], strict=False):
            with column:
                metric_tile(row, view)


def _editor_frame(items: pd.DataFrame) -> pd.DataFrame:
    # A range index (hidden): row positions in the editor's state map to item_id, a column the
    # editor does not show.
    frame = items[["item_id", *EDITOR_COLUMNS]].reset_index(drop=True)
    frame["due_date"] = pd.to_datetime(frame["due_date"]).dt.date
    frame["last_updated"] = pd.to_datetime(frame["last_updated"])
    for col in ("item", "owner", "status", "link_or_note", "updated_by"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), "")
    return frame


def _save_editor(theme: str, frame: pd.DataFrame, state: dict[str, Any]) -> None:
    """Apply the table editor's edit state (row positions -> item ids) in one transaction."""
    ids = [int(i) for i in frame["item_id"]]
    edited = {ids[int(pos)]: {k: v for k, v in change.items() if k in inspection.EDITABLE}
              for pos, change in state.get("edited_rows", {}).items()}
    deleted = [ids[int(pos)] for pos in state.get("deleted_rows", [])]
    added = [{k: v for k, v in row.items() if k in inspection.EDITABLE}
             for row in state.get("added_rows", [])]
    seen = dict(zip(ids, frame["last_updated"], strict=True))
    result = gateway.write(inspection.save_evidence_changes, theme, updated_by=_who(),
                           added=added, edited=edited, deleted=deleted, seen=seen)
    _flash(theme, f"Tracker saved: {result.describe()}.")
    _audit("evidence changed", theme, change=result.describe())


def tracker_section(theme: inspection.Theme, items: pd.DataFrame, history: pd.DataFrame,
                    example: pd.DataFrame | None = None) -> None:
    st.subheader("Evidence tracker", anchor=False)
    st.caption(NO_CHILD)
    if example is not None:
        st.markdown("**Example items** (synthetic sample mode, not saved)")
        tracker_read_only(_editor_frame(example[example.theme == theme.key]))
    mine = items[items.theme == theme.key]
    frame = _editor_frame(mine)
    if not _who():
        tracker_read_only(frame)
    else:
        tracker_editor(theme, frame)
    changes = history[history.theme == theme.key]
    if not changes.empty:
        st.markdown("**Change history**")
        tables.show(changes[["item_id", "change", "last_updated", "updated_by", "item", "owner",
                             "status", "due_date", "link_or_note"]],
                    key=f"insp_hist_{theme.key}",
                    column_config={
                        "item_id": "Item", "change": "Change",
                        "last_updated": st.column_config.DatetimeColumn(
                            "When", format="DD/MM/YYYY HH:mm"),
                        "updated_by": "By", "item": "Item text", "owner": "Owner",
                        "status": "Status",
                        "due_date": st.column_config.DateColumn("Due", format="DD/MM/YYYY"),
                        "link_or_note": "Link or note"})


def tracker_read_only(frame: pd.DataFrame) -> None:
    if frame.empty:
        st.caption("No evidence items saved yet for this theme.")
    else:
        tables.show(frame[EDITOR_COLUMNS], column_config={
            "item": "Item", "owner": "Owner (a role)", "status": "Status",
            "due_date": st.column_config.DateColumn("Due date", format="DD/MM/YYYY"),
            "link_or_note": "Link or note",
            "last_updated": st.column_config.DatetimeColumn("Last updated",
                                                            format="DD/MM/YYYY HH:mm"),
            "updated_by": "Updated by"})


def tracker_editor(theme: inspection.Theme, frame: pd.DataFrame) -> None:
    key = f"insp_editor_{theme.key}_{_version('editor_' + theme.key)}"
    tables.edit(
        frame, key=key, num_rows="dynamic", column_order=EDITOR_COLUMNS,
        disabled=["item_id", "last_updated", "updated_by"],
        column_config={
            "item": st.column_config.TextColumn("Item", required=True,
                                                max_chars=inspection.MAX_ITEM, width="medium"),
            "owner": st.column_config.TextColumn("Owner (a role)", max_chars=inspection.MAX_OWNER),
            "status": st.column_config.SelectboxColumn("Status", options=inspection.STATUSES,
                                                       required=True, default="not started"),
            "due_date": st.column_config.DateColumn("Due date", format="DD/MM/YYYY"),
            "link_or_note": st.column_config.TextColumn("Link or note",
                                                        max_chars=inspection.MAX_TEXT,
                                                        width="medium"),
            "last_updated": st.column_config.DatetimeColumn("Last updated",
                                                            format="DD/MM/YYYY HH:mm"),
            "updated_by": st.column_config.TextColumn("Updated by"),
        })
    state = st.session_state.get(key, {})
    pending = any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))
    save = st.button("Save changes to the tracker", key=f"insp_save_{theme.key}",
                     disabled=not pending, icon=":material/save:")
    if save and _guarded(theme.key, lambda: _save_editor(theme.key, frame, state)):
        _bump("editor_" + theme.key)
        st.rerun()
    st.caption("Edit cells, add a row at the foot of the table or select rows to delete them, "
               "then save. Every change is kept in the history below.")
    add_form(theme)


def add_form(theme: inspection.Theme) -> None:
    v = f"{theme.key}_{_version('add_' + theme.key)}"  # a new version starts with empty fields
    with st.form(f"insp_add_{v}", border=True):
        st.markdown("**Add an evidence item**")
        item = st.text_input("Item", max_chars=inspection.MAX_ITEM, key=f"insp_item_{v}",
                             placeholder="e.g. Health commissioning template 2025-26")
        left, middle, right = st.columns(3)
        owner = left.text_input("Owner (a role)", max_chars=inspection.MAX_OWNER,
                                key=f"insp_owner_{v}")
        status = middle.selectbox("Status", inspection.STATUSES, format_func=STATUS_LABELS.get,
                                  key=f"insp_status_{v}")
        due = right.date_input("Due date", value=None, format="DD/MM/YYYY",
                               key=f"insp_due_{v}")
        note = st.text_input("Link or note", max_chars=inspection.MAX_TEXT,
                             key=f"insp_link_{v}")
        if st.form_submit_button("Add item", icon=":material/add:"):
            def add() -> None:
                new = gateway.write(inspection.add_evidence_item, theme.key, item=item,
                                    owner=owner, status=status, due_date=due,
                                    link_or_note=note, updated_by=_who())
                _flash(theme.key, f"Added evidence item {new}.")
                _audit("evidence item added", theme.key, item_id=new)
            if _guarded(theme.key, add):
                _bump("add_" + theme.key)
                st.rerun()


def notes_section(theme: inspection.Theme, notes: pd.DataFrame) -> None:
    st.subheader("Self-evaluation", anchor=False)
    mine = notes[notes.theme == theme.key]
    if mine.empty:
        st.caption("No self-evaluation note yet for this theme.")
    else:
        current = mine.iloc[0]
        with st.container(border=True):
            st.markdown(f"**Current note**, written {current.written_on:%d/%m/%Y} by "
                        f"{plain(current.author)}")
            st.text(current.note)
    if not _who():
        return
    v = f"{theme.key}_{_version('note_' + theme.key)}"
    with st.form(f"insp_note_{v}", border=True):
        st.markdown("**Add a dated note** (notes are kept, never overwritten)")
        text = st.text_area("Self-evaluation note", key=f"insp_note_text_{v}",
                            max_chars=inspection.MAX_NOTE, height=120)
        today = dt.date.today()
        day = st.date_input("Written on", value=today, max_value=today, format="DD/MM/YYYY",
                            key=f"insp_note_day_{v}")
        if st.form_submit_button("Add note", icon=":material/edit_note:"):
            def add() -> None:
                gateway.write(inspection.add_self_evaluation, theme.key, text, author=_who(),
                              written_on=day)
                _flash(theme.key, "Self-evaluation note added.")
                _audit("self-evaluation note added", theme.key, written_on=str(day))
            if _guarded(theme.key, add):
                _bump("note_" + theme.key)
                st.rerun()
    earlier = mine.iloc[1:]
    if not earlier.empty:
        st.markdown("**Earlier notes**")
        tables.show(earlier[["written_on", "author", "note", "created_at"]],
                    key=f"insp_notes_{theme.key}", column_config={
                        "written_on": st.column_config.DateColumn("Written on",
                                                                  format="DD/MM/YYYY"),
                        "author": "Author", "note": st.column_config.TextColumn("Note",
                                                                                width="large"),
                        "created_at": st.column_config.DatetimeColumn(
                            "Recorded", format="DD/MM/YYYY HH:mm")})


def _guarded(theme: str, write: Any) -> bool:
    """Run a write; say plainly why it failed instead of raising. True if it was saved."""
    if not _who():
        st.error("Only a signed-in admin may change the evidence tracker.",
                 icon=":material/lock:")
        return False
    try:
        write()
    except inspection.EvidenceError as exc:
        st.error(f"Not saved. {plain(exc)}", icon=":material/error:")
        return False
    except DatabaseBusy:
        st.warning("Not saved: the database is being updated (a load is running). Try again in "
                   "a moment.", icon=":material/hourglass_top:")
        return False
    return True


def theme_tab(theme: inspection.Theme, live: pd.DataFrame, tracker: dict[str, pd.DataFrame],
              view: filters.View, example: pd.DataFrame | None = None) -> None:
    st.header(theme.title, anchor=theme.key.replace("_", "-"))
    message = st.session_state.pop(f"insp_flash_{theme.key}", None)
    if message:
        st.success(message, icon=":material/check_circle:")
    st.markdown(f"{theme.checks} **What health's data show:** {theme.health_evidence}")
    live_metrics(theme, live, view)
    tracker_section(theme, tracker["items"], tracker["history"], example)
    notes_section(theme, tracker["notes"])


def render() -> None:
    st.title("Inspection readiness")
    view = filters.sidebar_filters()
    st.caption(view.describe())
    outcomes()
    live = gateway.read(inspection.live_metrics, view.filters)
    tracker = gateway.read(queries.evidence_tracker, dt.date.today())
    example = tracker["items"].empty and gateway.read(status.provenance) == "synthetic"
    shown = tracker | inspection_example.example_tracker(dt.date.today(), tracker["current"]) \
        if example else tracker
    if example:
        st.info("**Example evidence tracker.** Only the synthetic samples are loaded and no "
                "evidence item has been added yet, so the readiness table and each theme's "
                "tracker show example items (not saved) to show what the page is for. The "
                "first real item replaces them.", icon=":material/lightbulb:")
    summary(shown, live)
    dmo_dco_in_post(view)
    health_contribution(view)
    evidence_pack(view)
    st.header("Themes", anchor="themes")
    if _who():
        st.warning(NO_CHILD, icon=":material/privacy_tip:")
        st.caption(f"Changes and notes are recorded as made by **{_who()}**.")
    else:
        st.info("The tracker and notes are kept by the area's admins: sign in as an admin to "
                "change them.", icon=":material/lock:")
    themes = list(inspection.THEMES.values())
    for tab, theme in zip(st.tabs([f"{i}. {t.short}" for i, t in enumerate(themes, start=1)]),
                          themes, strict=True):
        with tab:
            theme_tab(theme, live, tracker, view, shown["items"] if example else None)


render()
