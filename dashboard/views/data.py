"""Load data (/data): run the command line's pipeline on uploaded exports; show what each file
gave, its rejected rows with reasons, and the history of every load.
DATA PROTECTION: uploads sit in a private temporary folder only while they load; the pipeline
pseudonymises personal columns before anything is stored.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.components import auth, freshness, gateway, tables
from dashboard.components.text import plain
from pipelines import ingest_report, status, uploads
from pipelines.config import load_settings
from pipelines.schemas import SCHEMAS
from pipelines.uploads import FileResult

KINDS = {"": "Recognise from the column headings", **{k: s.description.split(",")[0]
                                                         for k, s in SCHEMAS.items()}}
# A load's counts, as the upload's result and the history of loads both show them.
COUNT_COLUMNS = {
    "rows_read": "Rows read", "loaded": "Loaded", "inserted": "New", "updated": "Updated",
    "unchanged": "Unchanged", "stale": "Stale", "superseded": "Superseded",
    "duplicates": "Duplicates", "rejected": "Rejected", "blank": "Blank", "notes": "Notes/totals",
}
# Short labels for the longer counts, their full wording as help, and widths that let the
# upload's result read whole at 1440 px (tables.WIDE_WIDTH); the load history takes them too.
COUNT_CONFIG = {
    "Rows read": st.column_config.NumberColumn("Read", width=48, help="Rows read from the file"),
    "Loaded": st.column_config.NumberColumn(width=58, help="Records loaded: new, updated and "
                                                           "unchanged"),
    "New": st.column_config.NumberColumn(width=40),
    "Updated": st.column_config.NumberColumn(width=64),
    "Unchanged": st.column_config.NumberColumn(
        "Same", width=48, help="Unchanged: records held already, as the file has them"),
    "Stale": st.column_config.NumberColumn(
        width=44, help="Stale: a newer export already holds these records differently; kept in "
                       "history, not used"),
    "Superseded": st.column_config.NumberColumn(
        "Earlier", width=56, help="Superseded: earlier months' versions of records a later "
                                  "month's sheet holds; kept in history, not used"),
    "Duplicates": st.column_config.NumberColumn(
        width=76, help="Exact repeats of a row, dropped and counted"),
    "Rejected": st.column_config.NumberColumn(width=66, help="Rows rejected, each with its "
                                                             "reason (below)"),
    "Blank": st.column_config.NumberColumn(width=46, help="Blank rows"),
    "Notes/totals": st.column_config.NumberColumn(
        "Notes", width=48, help="Notes/totals: rows of notes or totals, or the header repeated, "
                                "among the records"),
}
LOAD_ID = {"Load": st.column_config.NumberColumn(width=42)}
# Each file and what became of its rows first, within a phone's width (tables.PHONE_WIDTH), the
# name wrapped in the row; then the status (why a file failed) and the rest of the counts.
RESULT_FIRST = {"File": st.column_config.TextColumn(width=130),
                **{c: COUNT_CONFIG[c] for c in ("Rows read", "Loaded", "Rejected")}}
RESULT_COLUMNS = {"file": "File", "rows_read": "Rows read", "loaded": "Loaded",
                  "rejected": "Rejected", "status": "Status", "kinds": "Datasets",
                  **{k: v for k, v in COUNT_COLUMNS.items() if v not in RESULT_FIRST},
                  "load_id": "Load"}
RESULT_CONFIG = {**RESULT_FIRST, "Status": st.column_config.TextColumn(width=100),
                 "Datasets": st.column_config.TextColumn(width=110), **COUNT_CONFIG, **LOAD_ID}
# Reason first, so it is never off the right edge; then where to find it in the source.
REJECT_COLUMNS = {
    "reason": "Reason", "row": "Row", "error": "Error", "col": "Column", "header": "Heading",
    "value": "Value", "sheet": "Sheet", "file": "File", "dataset": "Dataset", "rule": "Rule",
    "load_id": "Load",
}
# The reason and its row and column fit a phone (tables.PHONE_WIDTH), the reason wrapped onto
# four lines; every column fits the main area at 1440 px (tables.WIDE_WIDTH).
REJECT_WIDTHS = {"Reason": 184, "Row": 50, "Error": 56, "Column": 60, "Heading": 110,
                 "Value": 90, "Sheet": 90, "File": 130, "Dataset": 80, "Rule": 86, "Load": 40}
REJECT_HELP = {"Error": "Which of the row's errors this line is ('1 of 2'): a row with two "
                        "errors has two lines", "Column": "The column's letter, as Excel shows it"}
# A load's number, its file (wrapped) and what became of its rows first, sized to fit a phone
# (tables.PHONE_WIDTH); the other columns shown (HISTORY_ON_SCREEN) scroll after them.
HISTORY_FIRST = {**LOAD_ID, "File": st.column_config.TextColumn(width=130),
                 **{c: COUNT_CONFIG[c] for c in ("Rows read", "Loaded", "Rejected")}}
WARN_SHARE, BAD_SHARE = 0.0, 0.5  # rejected share of data rows above which amber, at which red
# Whose log a health-advice file is, for a file without a Source or Provider column (the
# statutory clock starts at the provider): as `ingest --source` gives it.
SOURCES = {"provider": "A health provider's log", "local authority": "The local authority's export"}
LOAD_COLUMNS = {
    "load_id": "Load", "file_name": "File", "file_hash": "SHA-256 (start)", "loaded_at": "Loaded at",
    "as_of": "As of", "extract_date": "Extract", "kinds": "Datasets", **COUNT_COLUMNS,
    "outside_area": "Outside the area", "status": "Status",
}
# At 1440 px (tables.WIDE_WIDTH) each load's rows read, loaded and rejected, what the loaded ones
# were, when and from what extract, and which datasets and LAs; the hash, the as-of date, the
# status and the rows passed over (which reconcile the counts) are in the downloads.
HISTORY_ON_SCREEN = {
    **HISTORY_FIRST, **{c: COUNT_CONFIG[c] for c in ("New", "Updated", "Unchanged")},
    "Loaded at": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm", width=128),
    "Extract": st.column_config.DateColumn(format="DD/MM/YYYY", width=90),
    "Datasets": st.column_config.TextColumn(width=118),
    "Outside the area": st.column_config.TextColumn(width=140),
}


def results_frame(results: list[FileResult]) -> pd.DataFrame:
    """One row per file: the counts, which reconcile to rows read, and what happened (a failed
    file's status says why, without its name again)."""
    rows = []
    for r in results:
        row = r.summary()
        row["kinds"] = ", ".join(row["kinds"])
        row["status"] = ("already loaded: nothing changed" if r.status == "unchanged"
                         else f"failed: {r.error.removeprefix(r.file + ': ')}" if r.status == "failed"
                         else r.status)
        rows.append({RESULT_COLUMNS[k]: row[k] for k in RESULT_COLUMNS})
    return pd.DataFrame(rows, columns=list(RESULT_COLUMNS.values()))


def upload_form(viewer: auth.Viewer) -> None:
    if not viewer.can("dco"):
        st.info("**Sign in as a DCO or admin to load files.** Loading is recorded in the audit "
                "log under the name of whoever loads.", icon=":material/lock:")
        return
    limit = load_settings().upload_max_mb
    files = st.file_uploader("Export files (Excel .xlsx, .csv or Unicode Text .txt, or a SEN2 "
                             "return's .xml)",
                             type=["xlsx", "xlsm", "csv", "txt", "xml"],
                             accept_multiple_files=True, key="upload_files",
                             max_upload_size=limit,
                             help="EHC needs assessment requests, health advice logs, Tribunal "
                                  "trackers or the Annex A lists (with their local authority "
                                  "below). Each file is recognised from its column headings; "
                                  f"its content must be xlsx or CSV text, at most {limit} MB.")
    left, middle, right = st.columns(3)
    kind = left.selectbox("Dataset", list(KINDS), format_func=KINDS.get, key="upload_kind")
    la = middle.selectbox("Local authority (whose files these are)",
                          load_settings().area_las, index=None, accept_new_options=True,
                          placeholder="The file names its own", key="upload_la",
                          help="Annex A lists and flat SEN2 returns have no local authority "
                               "column: choose the LA they come from (any English LA may be "
                               "typed); without it such a file is refused. A file with an LA "
                               "column takes it where a cell is blank (the load says how many), "
                               "and a row naming another LA is rejected.")
    as_of = right.date_input("Reject dates after", value=dt.date.today(), format="DD/MM/YYYY",
                             key="upload_as_of",
                             help="Dates later than this are rejected as impossible; use the "
                                  "export's run date. It does not change the dashboards' as-of "
                                  "date, which follows the extract dates of the area's data.")
    given = whose_log()
    if st.button("Load files", type="primary", disabled=not files, key="upload_load"):
        with st.spinner(f"Loading {len(files)} file(s)..."):
            results = gateway.write(uploads.load_uploads, [(f.name, f.getvalue()) for f in files],
                                    kind or None, as_of, actor=viewer.actor, la=la,
                                    given=given or None)
        st.session_state["upload_results"] = results
        st.rerun()  # so the banner and every cached figure reflect the new data at once


def whose_log() -> dict[str, str]:
    """Ask whose log a health-advice file is, for a file that does not say (no Source or Provider
    column): such a file is refused rather than taken for a provider's log. A file's own columns
    win over the answers."""
    left, right = st.columns(2)
    source = left.selectbox("Health advice without a Source or Provider column: whose log is it?",
                            list(SOURCES), index=None, format_func=SOURCES.get, key="upload_source",
                            placeholder="The file says (it has a Source or Provider column)",
                            help="The six weeks run from the day the service received the "
                                 "request, which only a provider's log records; the LA's export "
                                 "records the day it sent the request. A health-advice file that "
                                 "does not say whose log it is is not loaded.")
    provider = right.text_input("Provider (a provider's log without a Provider column)",
                                key="upload_provider", placeholder="e.g. the NHS trust's name",
                                disabled=source != "provider",
                                help="The organisation whose log this is, shown beside its "
                                     "requests on the health advice page.")
    given = {"source": source} if source else {}
    if source == "provider" and provider.strip():
        given["provider"] = provider.strip()
    return given


def show_results(results: list[FileResult]) -> None:
    st.header("Result of the last load")
    for r in results:
        if r.status == "failed":
            st.error(f"**{plain(r.file)}** was not loaded: {plain(r.error)}",
                     icon=":material/error:")
        elif r.status == "unchanged":
            st.info(f"**{plain(r.file)}** was loaded before (load {r.load_id}): nothing changed.",
                    icon=":material/info:")
        else:
            loaded_message(r)
        # Every warning `ingest` gives the file, in its words: what reading changed, delay
        # reasons counted as late, another LA's rows, cells loaded as unknown, rows queried.
        for warning in ingest_report.warnings(r):
            st.warning(plain(warning), icon=":material/warning:")
    tables.show(results_frame(results), key="upload_summary", column_config=RESULT_CONFIG,
                row_height=tables.WRAPPED_ROW_HEIGHT)
    for r in results:
        for line in ingest_report.passed_over(r):
            st.caption(f"{r.file}, {line}")
    load_ids = [r.load_id for r in results if r.status == "loaded" and r.rejected]
    if not load_ids:
        return
    st.subheader("Rejected rows")
    st.caption("Row numbers and column letters are as Excel shows them. Correct the source and "
               "load the file again: rows already loaded are recognised and left alone.")
    show_rejects(load_ids, "rejects")


def rejected_share(r: FileResult) -> float:
    """Rejected rows as a share of the file's data rows (blank and note rows left out)."""
    data_rows = r.rows_read - r.blank - r.notes
    return r.rejected / data_rows if data_rows else 0.0


def loaded_message(r: FileResult) -> None:
    """Green only when nothing was rejected; amber when some rows were, red at half or more."""
    # A tracker's earlier months are neither loaded nor rejected: said, so the counts add up.
    superseded = (f", {r.superseded:,} superseded (earlier months' versions, kept in history)"
                  if r.superseded else "")
    text = (f"**{plain(r.file)}**: {r.rows_read:,} row{'s' * (r.rows_read != 1)} read, "
            f"{r.loaded:,} loaded{superseded}, "
            f"{r.rejected:,} rejected.")
    share = rejected_share(r)
    if share >= BAD_SHARE:
        st.error(f"{text} **{share:.0%} of its rows were rejected**: check that this is the "
                 "right export and correct the source (the reasons are below).",
                 icon=":material/error:")
    elif share > WARN_SHARE:
        st.warning(f"{text} Some rows were rejected: the reasons are below.",
                   icon=":material/warning:")
    else:
        st.success(text, icon=":material/check_circle:")


def rejects_table(load_ids: list[int]) -> pd.DataFrame:
    """Every error of every rejected row, a row's errors together and numbered ("1 of 2")."""
    frame = gateway.read(status.rejects, tuple(load_ids))
    row_keys = ["load_id", "file", "sheet", "row"]
    frame = frame.sort_values(row_keys, kind="stable")
    position = frame.groupby(row_keys, sort=False).cumcount() + 1
    count = frame.groupby(row_keys, sort=False)["reason"].transform("size")
    frame["error"] = [f"{p} of {c}" for p, c in zip(position, count, strict=True)]
    return frame[list(REJECT_COLUMNS)].rename(columns=REJECT_COLUMNS)


def show_rejects(load_ids: list[int], key: str) -> None:
    """Rejected rows of some loads, with an Excel download for whoever corrects the source."""
    rejects = rejects_table(load_ids)
    tables.show(rejects, key=f"{key}_table", row_height=tables.WRAPPED_ROW_HEIGHT,
                column_config={c: st.column_config.Column(width=w, help=REJECT_HELP.get(c))
                               for c, w in REJECT_WIDTHS.items()})
    tables.downloads(rejects, f"rejected-rows-load-{'-'.join(map(str, load_ids))}", key,
                     sheet="Rejected rows")


PER_ROW = 4


def holdings() -> None:
    st.header("What the database holds")
    held = gateway.read(status.holdings)
    # Every dataset the pipelines define, so a new schema shows here without a change.
    figures = [(freshness.dataset_name(kind), rows) for kind, rows in held["rows"].items()]
    figures.append(("Rows rejected (all loads)", held["rejected"]))
    for start in range(0, len(figures), PER_ROW):
        for column, (label, value) in zip(st.columns(PER_ROW), figures[start:start + PER_ROW],
                                          strict=False):
            column.metric(label, f"{value:,}")


def history() -> None:
    st.header("History of loads")
    st.caption("Newest first. \"Extract\" is the date a load's export was made, which sets how "
               "current the dashboards are (\"As of\", in the downloads, is the date after which "
               "it rejected dates). \"Outside the area\" names the rows of local authorities that "
               "settings.toml does not list: loaded and shown only where their LA is chosen in "
               "the filters; their extract dates never move the area's default as-of date.")
    loads = gateway.read(status.loads).iloc[::-1].reset_index(drop=True)
    if loads.empty:
        tables.no_data("Nothing has been loaded yet.")
        return
    # Datasets split at ", " so a load of several wraps between them; a load rolled back says
    # so after its file's name, as the status is in the downloads only.
    undone = loads["status"] != "loaded"
    file_name = loads["file_name"].where(~undone, loads["file_name"] + " (" + loads["status"] + ")")
    table = loads.assign(kinds=loads["kinds"].str.replace(",", ", "), file_name=file_name
                         ).rename(columns=LOAD_COLUMNS)
    table = table[[*HISTORY_ON_SCREEN, *(c for c in table.columns if c not in HISTORY_ON_SCREEN)]]
    tables.show_whole(table, HISTORY_ON_SCREEN, "load-history", "history", sheet="Loads",
                      why="With loaded and rejected, the rows passed over (stale, superseded, "
                          "duplicates, blank, notes/totals) reconcile to the rows read.")
    with_rejects = loads.loc[loads["rejected"] > 0, ["load_id", "file_name"]]
    if with_rejects.empty:
        return
    names = dict(zip(with_rejects["load_id"], with_rejects["file_name"], strict=True))
    chosen = st.selectbox("Rejected rows of an earlier load", list(names), index=None,
                          format_func=lambda i: f"Load {i}: {names[i]}", key="history_load",
                          placeholder="Choose a load")
    if chosen is not None:
        show_rejects([int(chosen)], "history_rejects")


def render() -> None:
    st.title("Load data")
    st.markdown("Load the exports from local authorities, health providers and the Tribunal "
                "tracker. Each file runs through the same checks as `python -m pipelines "
                "ingest`: every row is loaded or rejected with a reason, and loading a file twice "
                "changes nothing. The dashboard pages show the new figures straight away.")
    upload_form(auth.current())
    if st.session_state.get("upload_results"):
        show_results(st.session_state["upload_results"])
    holdings()
    history()


render()
