"""Area SEND inspection readiness: the framework's outcomes and themes as data, the live metrics
that speak to each theme, an evidence tracker and dated self-evaluation notes kept in DuckDB.

Writers open the database, write in one transaction and close. Evidence items and notes are free
text about services, never about a child: text holding a valid NHS number is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines import metrics, published
from pipelines.dates import DateError, parse_date
from pipelines.db import one, transaction, writing
from pipelines.free_text import IDENTIFIES, identifier_in, is_blank
from pipelines.tables import EVIDENCE_ITEMS, SELF_EVALUATION_NOTES

# ---- the framework (Ofsted/CQC area SEND inspection, 2023, updated 2025) ---------------------

FRAMEWORK = ("Ofsted and CQC inspect the local area partnership jointly, under the area SEND "
             "framework from January 2023, updated June 2025.")


@dataclass(frozen=True)
class Outcome:
    name: str
    consequence: str


OUTCOMES = (
    Outcome("Positive experiences and outcomes", ""),
    Outcome("Inconsistent experiences and outcomes", ""),
    Outcome("Widespread and/or systemic failings",
            "Brings a priority action plan and a monitoring inspection after about 18 months."),
)


@dataclass(frozen=True)
class LiveMetric:
    """A figure the database computes that speaks to a theme."""

    key: str
    label: str
    kind: str  # "rate" (a percentage) or "count"
    dataset: str  # the table it is computed from
    link: str | None  # the dashboard page that shows it in full, if there is one
    of_what: str  # a rate's denominator ("requests due"), or what a count counts
    good: str = "up"  # "up", "down" (fewer is better) or "neither"
    source: str = ""  # the catalogue entry it comes from (a key of metrics.CATALOGUE)
    reference: str = ""  # a published figure to read it against, where one exists

    @property
    def series(self) -> str | None:
        """The metric whose monthly rates make this rate's trend, if it has one."""
        return self.source if self.kind == "rate" and self.source in metrics.BASES else None


# The figures that speak to a theme (keys of metrics.FIGURES: their labels, what they count and
# which way is better come from the catalogue), each with the page that shows it in full.
LIVE: dict[str, str | None] = {
    "health_advice_within_6_weeks_pct": "/health-advice",
    "health_advice_overdue_open": "/health-advice#overdue",
    "ehcp_decided_within_6_weeks_pct": "/ehcp-timeliness",
    "ehcp_within_20_weeks_pct_excl_exceptions": "/ehcp-timeliness",
    "ehcp_open_past_20_weeks": "/ehcp-timeliness#at-risk",
    "tribunal_appeals_with_health_aspects": "/tribunals",
    "tribunal_health_responses_within_5_weeks_pct": "/tribunals#recommendations",
    "waiting_over_18_weeks_pct": "/waiting-times",
    "complaints_with_health_aspect": "/budgets-and-complaints",
    "complaint_responses_by_due_date_pct": "/budgets-and-complaints#complaints",
    "annual_reviews_held_on_time_pct": "/annual-reviews",
    "annual_review_decisions_within_4_weeks_pct": "/annual-reviews",
    "annual_review_amended_plans_within_12_weeks_pct": "/annual-reviews",
    "annual_review_health_contribution_pct": "/annual-reviews",
    "schools_policy_compliant_pct": "/schools",
    "schools_with_mhst_pct": "/schools",
    "phb_active": "/budgets-and-complaints",
}


def live_metric(key: str, link: str | None) -> LiveMetric:
    """The catalogue's figure `key` as a live metric linking to `link`."""
    figure = metrics.FIGURES[key]
    metric = metrics.CATALOGUE[figure.metric]
    return LiveMetric(key, figure.label, figure.kind, metric.datasets[0], link, figure.of_what,
                      good=figure.direction, source=figure.metric,
                      reference=metric.reference if key == metric.figure else "")


LIVE_METRICS: dict[str, LiveMetric] = {key: live_metric(key, link) for key, link in LIVE.items()}


@dataclass(frozen=True)
class Theme:
    key: str
    title: str
    short: str  # a tab's label
    checks: str  # what inspectors look at, in DOMAIN.md's words
    health_evidence: str  # what health's data can show, and what they cannot
    metrics: tuple[str, ...]  # keys of LIVE_METRICS


THEMES: dict[str, Theme] = {t.key: t for t in (
    Theme("identified_in_time", "Needs are identified and assessed in time",
          "Assessed in time",
          "Inspectors check that needs are identified and assessed in time.",
          "The statutory clocks: health advice within 6 weeks of the service receiving the "
          "request (reg 8(1)), the decision whether to assess within 6 weeks (reg 5) and the "
          "final plan within 20 weeks (reg 13(2)).",
          ("health_advice_within_6_weeks_pct", "health_advice_overdue_open",
           "ehcp_decided_within_6_weeks_pct", "ehcp_within_20_weeks_pct_excl_exceptions",
           "ehcp_open_past_20_weeks")),
    Theme("families_take_part", "Children and families take part in decisions",
          "Families take part",
          "Inspectors check that families take part in decisions.",
          "The data held here show this only indirectly: disagreements that reached the SEND "
          "Tribunal or a complaint. Evidence of taking part (co-production, feedback from "
          "families) belongs in the tracker.",
          ("tribunal_appeals_with_health_aspects", "complaints_with_health_aspect",
           "complaint_responses_by_due_date_pct")),
    Theme("right_help_right_time", "Children get the right help at the right time",
          "Right help, right time",
          "Inspectors check that children get the right help at the right time.",
          "Health advice on time, health's written response to Tribunal health recommendations "
          "within 5 weeks (SI 2017/1306), health's contribution to annual reviews, and how long "
          "children wait for health services.",
          ("health_advice_within_6_weeks_pct", "tribunal_health_responses_within_5_weeks_pct",
           "annual_review_health_contribution_pct", "waiting_over_18_weeks_pct")),
    Theme("next_steps", "Children are prepared for next steps",
          "Next steps",
          "Inspectors check that children are prepared for next steps.",
          "Annual reviews (every 12 months; decision within 4 weeks of the meeting; amended plan "
          "within 12 weeks) are where next steps are planned.",
          ("annual_reviews_held_on_time_pct", "annual_review_decisions_within_4_weeks_pct",
           "annual_review_amended_plans_within_12_weeks_pct",
           "annual_review_health_contribution_pct")),
    Theme("included", "Children are included",
          "Included",
          "Inspectors check that children are included.",
          "Schools' support for pupils with medical conditions (Children and Families Act 2014 "
          "s100: a medical conditions policy and individual healthcare plans) and mental health "
          "support in schools, from the DCO's schools audit.",
          ("schools_policy_compliant_pct", "schools_with_mhst_pct")),
    Theme("commissioning", "Commissioning and the information inspectors ask for",
          "Commissioning and information",
          "Inspectors ask for person-level lists, a self-evaluation and commissioning information "
          "(a health commissioning template since 2025).",
          "The health evidence pack on this page gives the record-level lists; the "
          "self-evaluation notes and the commissioning template are kept in the tracker.",
          ("phb_active", "tribunal_appeals_with_health_aspects")),
)}

STATUSES = ("not started", "in progress", "ready", "needs update")
MAX_ITEM, MAX_OWNER, MAX_TEXT, MAX_NOTE = 300, 120, 2000, 20000
EDITABLE = ("item", "owner", "status", "due_date", "link_or_note")


class EvidenceError(ValueError):
    """An evidence item or note that cannot be saved, with the reason in words."""


class EvidenceConflict(EvidenceError):
    """Someone else changed an item since it was read."""


# ---- tables ------------------------------------------------------------------------------------

ITEM_FIELDS = EVIDENCE_ITEMS.column_names
NOTE_FIELDS = SELF_EVALUATION_NOTES.column_names


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return published.has_table(con, table)


def _transaction(db: Path, work: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
    # The writer makes the tables (`db`, from their declarations in `tables`).
    with writing(db, wait_seconds=10.0) as con, transaction(con):
        return work(con)


# ---- validation --------------------------------------------------------------------------------

def _text(value: Any, field: str, limit: int, required: bool = False) -> str:
    text = "" if is_blank(value) else str(value).strip()
    if required and not text:
        raise EvidenceError(f"{field} is empty: it is required.")
    if len(text) > limit:
        raise EvidenceError(f"{field} is {len(text):,} characters long; at most {limit:,} fit.")
    if found := identifier_in(text):
        raise EvidenceError(f"{field} appears to hold {found[0]} ('{found[1]}'). {IDENTIFIES}")
    return text


def _date(value: Any, field: str) -> dt.date | None:
    if is_blank(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    try:
        return parse_date(value)
    except DateError as exc:
        raise EvidenceError(f"{field} '{value}' is not a date ({exc}).") from None


def _theme(value: Any) -> str:
    key = "" if is_blank(value) else str(value).strip()
    if key in THEMES:
        return key
    by_title = {t.title.lower(): k for k, t in THEMES.items()}
    if key.lower() in by_title:
        return by_title[key.lower()]
    raise EvidenceError(f"Theme '{key}' is not one of: {', '.join(THEMES)}.")


def _status(value: Any) -> str:
    status = "not started" if is_blank(value) else " ".join(str(value).lower().split())
    if status not in STATUSES:
        raise EvidenceError(f"Status '{value}' is not one of: {', '.join(STATUSES)}.")
    return status


def clean_item(fields: dict[str, Any]) -> dict[str, Any]:
    """An evidence item's editable fields checked and tidied, or EvidenceError saying why not."""
    return {
        "item": _text(fields.get("item"), "Item", MAX_ITEM, required=True),
        "owner": _text(fields.get("owner"), "Owner", MAX_OWNER),
        "status": _status(fields.get("status")),
        "due_date": _date(fields.get("due_date"), "Due date"),
        "link_or_note": _text(fields.get("link_or_note"), "Link or note", MAX_TEXT),
    }


def _who(updated_by: Any) -> str:
    return _text(updated_by, "Your name or role (recorded with the change)", MAX_OWNER,
                 required=True)


# ---- the evidence tracker ----------------------------------------------------------------------

def _stamp(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now()


def _insert_item(con: duckdb.DuckDBPyConnection, theme: str, fields: dict[str, Any], who: str,
                 now: dt.datetime) -> int:
    item_id = one(con, "SELECT nextval('evidence_item_seq')")[0]
    row = [item_id, theme, fields["item"], fields["owner"], fields["status"], fields["due_date"],
           now, fields["link_or_note"], who]
    con.execute("INSERT INTO evidence_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
    con.execute("INSERT INTO evidence_items_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'added')",
                row)
    return int(item_id)


def _current(con: duckdb.DuckDBPyConnection, item_id: int, seen: Any = None) -> dict[str, Any]:
    rows = con.execute(f"SELECT {', '.join(ITEM_FIELDS)} FROM evidence_items WHERE item_id = ?",
                       [int(item_id)]).fetchall()
    if not rows:
        raise EvidenceError(f"Evidence item {item_id} does not exist (deleted by someone else?).")
    current = dict(zip(ITEM_FIELDS, rows[0], strict=True))
    if not is_blank(seen) and pd.Timestamp(seen) != pd.Timestamp(current["last_updated"]):
        raise EvidenceConflict(
            f"Evidence item {item_id} ('{current['item']}') was changed by "
            f"{current['updated_by']} at {current['last_updated']:%d/%m/%Y %H:%M} after you "
            "opened it. Reload the page to see their change, then make yours again.")
    return current


def _update_item(con: duckdb.DuckDBPyConnection, item_id: int, changes: dict[str, Any], who: str,
                 now: dt.datetime, seen: Any = None) -> bool:
    current = _current(con, item_id, seen)
    fields = clean_item({**{k: current[k] for k in EDITABLE}, **changes})
    if all(fields[k] == current[k] for k in EDITABLE):
        return False
    con.execute("UPDATE evidence_items SET item = ?, owner = ?, status = ?, due_date = ?, "
                "link_or_note = ?, last_updated = ?, updated_by = ? WHERE item_id = ?",
                [fields["item"], fields["owner"], fields["status"], fields["due_date"],
                 fields["link_or_note"], now, who, int(item_id)])
    con.execute("INSERT INTO evidence_items_history SELECT *, 'edited' FROM evidence_items "
                "WHERE item_id = ?", [int(item_id)])
    return True


def _delete_item(con: duckdb.DuckDBPyConnection, item_id: int, who: str, now: dt.datetime,
                 seen: Any = None) -> None:
    _current(con, item_id, seen)
    con.execute("INSERT INTO evidence_items_history SELECT item_id, theme, item, owner, status, "
                "due_date, ?, link_or_note, ?, 'deleted' FROM evidence_items WHERE item_id = ?",
                [now, who, int(item_id)])
    con.execute("DELETE FROM evidence_items WHERE item_id = ?", [int(item_id)])


def add_evidence_item(db: Path, theme: str, item: str, *, updated_by: str, owner: str = "",
                      status: str = "not started", due_date: Any = None, link_or_note: str = "",
                      now: dt.datetime | None = None) -> int:
    """Add an item to a theme's tracker; its new id. EvidenceError if a field is not valid."""
    key, who = _theme(theme), _who(updated_by)
    fields = clean_item({"item": item, "owner": owner, "status": status, "due_date": due_date,
                         "link_or_note": link_or_note})
    return _transaction(db, lambda con: _insert_item(con, key, fields, who, _stamp(now)))


def update_evidence_item(db: Path, item_id: int, *, updated_by: str, seen: Any = None,
                         now: dt.datetime | None = None, **changes: Any) -> bool:
    """Change some of an item's fields (item, owner, status, due_date, link_or_note); False if
    nothing changed. `seen`: the item's last_updated as the caller read it, so a change made by
    someone else in between is refused (EvidenceConflict) rather than overwritten."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise EvidenceError(f"Cannot change {', '.join(sorted(unknown))} of an evidence item.")
    who = _who(updated_by)
    return _transaction(db, lambda con: _update_item(con, item_id, changes, who, _stamp(now), seen))


def delete_evidence_item(db: Path, item_id: int, *, updated_by: str, seen: Any = None,
                         now: dt.datetime | None = None) -> None:
    """Remove an item from the tracker; its history, and who deleted it, are kept."""
    who = _who(updated_by)
    _transaction(db, lambda con: _delete_item(con, item_id, who, _stamp(now), seen))


@dataclass(frozen=True)
class TrackerChanges:
    """What a save did: ids added, edited (with a real change) and deleted."""

    added: tuple[int, ...]
    edited: tuple[int, ...]
    deleted: tuple[int, ...]

    def describe(self) -> str:
        parts = [f"{len(ids)} {word}" for ids, word in ((self.added, "added"),
                 (self.edited, "changed"), (self.deleted, "deleted")) if ids]
        return ", ".join(parts) if parts else "nothing changed"


def save_evidence_changes(db: Path, theme: str, *, updated_by: str,
                          added: Iterable[dict[str, Any]] = (),
                          edited: dict[int, dict[str, Any]] | None = None,
                          deleted: Iterable[int] = (), seen: dict[int, Any] | None = None,
                          now: dt.datetime | None = None) -> TrackerChanges:
    """Apply a table editor's changes to one theme's tracker in one transaction: all or none.
    `seen` maps item ids to the last_updated each was read with (see update_evidence_item).
    Every row is checked before anything is written; the first problem is raised, naming the
    row."""
    key, who, stamp = _theme(theme), _who(updated_by), _stamp(now)
    edited, seen = edited or {}, seen or {}
    new_rows = [row for row in added if any(not is_blank(v) for v in row.values())]
    checked = []
    for number, row in enumerate(new_rows, start=1):
        try:
            checked.append(clean_item(row))
        except EvidenceError as exc:
            raise EvidenceError(f"New row {number}: {exc}") from None
    for changes in edited.values():
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise EvidenceError(f"Cannot change {', '.join(sorted(unknown))} of an evidence item.")
    removed = [int(i) for i in deleted]

    def work(con: duckdb.DuckDBPyConnection) -> TrackerChanges:
        changed = []
        for item_id, changes in edited.items():
            if int(item_id) in removed:
                continue
            _check_theme(con, int(item_id), key)
            try:
                if _update_item(con, int(item_id), changes, who, stamp, seen.get(item_id)):
                    changed.append(int(item_id))
            except EvidenceConflict:
                raise
            except EvidenceError as exc:
                raise EvidenceError(f"Item {item_id}: {exc}") from None
        for item_id in removed:
            _check_theme(con, item_id, key)
            _delete_item(con, item_id, who, stamp, seen.get(item_id))
        new = [_insert_item(con, key, fields, who, stamp) for fields in checked]
        return TrackerChanges(tuple(new), tuple(changed), tuple(removed))

    return _transaction(db, work)


def _check_theme(con: duckdb.DuckDBPyConnection, item_id: int, theme: str) -> None:
    row = one(con, "SELECT theme FROM evidence_items WHERE item_id = ?", [item_id])
    if row and row[0] != theme:
        raise EvidenceError(f"Evidence item {item_id} belongs to another theme ({row[0]}).")


# ---- self-evaluation notes (append-only) -------------------------------------------------------

def add_self_evaluation(db: Path, theme: str, note: str, *, author: str, written_on: Any = None,
                        today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Add a dated self-evaluation note to a theme; notes are never changed or deleted, so the
    history is every note. `written_on` defaults to today and may not lie after it."""
    today = today or dt.date.today()
    key = _theme(theme)
    text = _text(note, "Self-evaluation note", MAX_NOTE, required=True)
    who = _text(author, "Author", MAX_OWNER, required=True)
    day = _date(written_on, "Written on") or today
    if day > today:
        raise EvidenceError(f"Written on {day:%d/%m/%Y} is after today ({today:%d/%m/%Y}).")
    stamp = _stamp(now)

    def work(con: duckdb.DuckDBPyConnection) -> int:
        note_id = one(con, "SELECT nextval('self_evaluation_seq')")[0]
        con.execute("INSERT INTO self_evaluation_notes VALUES (?, ?, ?, ?, ?, ?)",
                    [note_id, key, text, day, who, stamp])
        return int(note_id)

    return _transaction(db, work)


# ---- readers: each copes with a database that has no inspection tables yet ---------------------

def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=columns)


def evidence_items(con: duckdb.DuckDBPyConnection, theme: str | None = None) -> pd.DataFrame:
    """The tracker: one row per item, by theme (in framework order), due date and id."""
    if not _has_table(con, "evidence_items"):
        return _empty(ITEM_FIELDS)
    where = "WHERE theme = ?" if theme else ""
    frame = con.execute(f"SELECT {', '.join(ITEM_FIELDS)} FROM evidence_items {where}",
                        [_theme(theme)] if theme else []).df()
    order = {k: i for i, k in enumerate(THEMES)}
    frame = frame.assign(_order=frame.theme.map(order))
    return frame.sort_values(["_order", "due_date", "item_id"], na_position="last").drop(
        columns="_order").reset_index(drop=True)


def evidence_history(con: duckdb.DuckDBPyConnection, theme: str | None = None,
                     item_id: int | None = None) -> pd.DataFrame:
    """Every version of every item (or of one theme's, or one item's), newest first."""
    columns = [*ITEM_FIELDS, "change"]
    if not _has_table(con, "evidence_items_history"):
        return _empty(columns)
    clauses, params = [], []
    if theme:
        clauses.append("theme = ?")
        params.append(_theme(theme))
    if item_id is not None:
        clauses.append("item_id = ?")
        params.append(int(item_id))
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return con.execute(f"SELECT {', '.join(columns)} FROM evidence_items_history {where} "
                       "ORDER BY last_updated DESC, item_id DESC", params).df()


def self_evaluations(con: duckdb.DuckDBPyConnection, theme: str | None = None) -> pd.DataFrame:
    """Every self-evaluation note (or one theme's), the newest first: latest written-on date,
    then the latest written."""
    if not _has_table(con, "self_evaluation_notes"):
        return _empty(NOTE_FIELDS)
    where = "WHERE theme = ?" if theme else ""
    return con.execute(f"SELECT {', '.join(NOTE_FIELDS)} FROM self_evaluation_notes {where} "
                       "ORDER BY written_on DESC, created_at DESC, note_id DESC",
                       [_theme(theme)] if theme else []).df()


def current_self_evaluations(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The current note of each theme that has one: the latest dated (ties: the latest written),
    in framework order."""
    notes = self_evaluations(con)
    if notes.empty:
        return notes
    current = notes.drop_duplicates("theme", keep="first")
    order = {k: i for i, k in enumerate(THEMES)}
    return current.assign(_order=current.theme.map(order)).sort_values("_order").drop(
        columns="_order").reset_index(drop=True)


READINESS_COLUMNS = ["theme", "title", "items", "ready", "in_progress", "not_started",
                     "needs_update", "overdue", "latest_self_evaluation"]


def readiness(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> pd.DataFrame:
    """Per theme: evidence items by status, items overdue (due before `today` and not ready), and
    the date of the current self-evaluation note."""
    return readiness_of(evidence_items(con), current_self_evaluations(con), today)


def readiness_of(items: pd.DataFrame, notes: pd.DataFrame, today: dt.date | None = None
                 ) -> pd.DataFrame:
    """`readiness` of given evidence items and current self-evaluation notes (one per theme)."""
    today = today or dt.date.today()
    latest = dict(zip(notes.theme, notes.written_on, strict=True)) if not notes.empty else {}
    rows = []
    for key, theme in THEMES.items():
        mine = items[items.theme == key]
        due = pd.to_datetime(mine.due_date)
        overdue = int(((due < pd.Timestamp(today)) & (mine.status != "ready")).sum())
        counts = mine.status.value_counts()
        written = latest.get(key)
        rows.append([key, theme.title, len(mine), int(counts.get("ready", 0)),
                     int(counts.get("in progress", 0)), int(counts.get("not started", 0)),
                     int(counts.get("needs update", 0)), overdue,
                     None if written is None else pd.Timestamp(written).date()])
    return pd.DataFrame(rows, columns=READINESS_COLUMNS)


# ---- live metrics ------------------------------------------------------------------------------

LIVE_COLUMNS = ["key", "label", "kind", "value", "numerator", "denominator", "held", "link",
                "good"]  # link: the page that shows the metric in full, "" where none does


def _row_of(frame: pd.DataFrame) -> dict[str, Any]:
    return frame.iloc[0].to_dict() if len(frame) else {}


def _rate(frame: pd.DataFrame, pct: str = "pct", num: str = "numerator",
          den: str = "denominator") -> tuple[Any, Any, Any]:
    row = _row_of(frame)
    return row.get(pct), row.get(num), row.get(den)


def _values(con: duckdb.DuckDBPyConnection, f: metrics.Filters, held: set[str]
            ) -> dict[str, tuple[Any, Any, Any]]:
    """(value, numerator, denominator) of each live metric whose table exists; counts have no
    numerator or denominator."""
    h = metrics.headline(con, f)
    out: dict[str, tuple[Any, Any, Any]] = {
        "health_advice_within_6_weeks_pct": (
            h["health_advice_within_6_weeks_pct"], h["health_advice_within_6_weeks_numerator"],
            h["health_advice_within_6_weeks_denominator"]),
        "health_advice_overdue_open": (h["health_advice_overdue_open"], None, None),
        "ehcp_decided_within_6_weeks_pct": (
            h["ehcp_decided_within_6_weeks_pct"], h["ehcp_decided_within_6_weeks_numerator"],
            h["ehcp_decided_within_6_weeks_denominator"]),
        "ehcp_within_20_weeks_pct_excl_exceptions": (
            h["ehcp_within_20_weeks_pct_excl_exceptions"],
            h["ehcp_within_20_weeks_numerator_excl_exceptions"],
            h["ehcp_within_20_weeks_denominator_excl_exceptions"]),
        "ehcp_open_past_20_weeks": (h["ehcp_open_past_20_weeks"], None, None),
        "tribunal_appeals_with_health_aspects": (
            h["tribunal_appeals_with_health_aspects"], None, None),
        "tribunal_health_responses_within_5_weeks_pct": (
            h["tribunal_health_responses_within_5_weeks_pct"],
            h["tribunal_health_responses_within_5_weeks_numerator"],
            h["tribunal_health_responses_within_5_weeks_denominator"]),
    }
    if "complaints" in held:
        out["complaints_with_health_aspect"] = (
            _row_of(metrics.rates(con, "complaints_received", f)).get("numerator"), None, None)
        out["complaint_responses_by_due_date_pct"] = _rate(metrics.rates(con, "complaint_responses", f))
    if "annual_reviews" in held:
        for key, metric in (("annual_reviews_held_on_time_pct", "annual_reviews_held"),
                            ("annual_review_decisions_within_4_weeks_pct",
                             "annual_review_decisions"),
                            ("annual_review_amended_plans_within_12_weeks_pct",
                             "annual_review_amended_plans"),
                            ("annual_review_health_contribution_pct",
                             "annual_review_health_contribution")):
            out[key] = _rate(metrics.rates(con, metric, f))
    if "schools" in held:
        out["schools_policy_compliant_pct"] = _rate(
            metrics.school_policy_position(con, f), "compliant_pct", "compliant", "schools")
        out["schools_with_mhst_pct"] = _rate(
            metrics.school_mental_health(con, f), "mhst_pct", "with_mhst", "mhst_recorded")
    if "waiting_times" in held:
        months = metrics.waiting_times_trend(con, f, by=None)
        latest = months.iloc[[-1]] if len(months) else months
        out["waiting_over_18_weeks_pct"] = _rate(latest, "over_18_weeks_pct", "over_18_weeks",
                                                 "total_reporting_18")
    if "phb" in held:
        out["phb_active"] = (_row_of(metrics.phb_active(con, f)).get("active"), None, None)
    return out


def datasets_held(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The datasets with at least one row loaded."""
    held = set()
    for dataset in {m.dataset for m in LIVE_METRICS.values()}:
        if _has_table(con, dataset) and one(con, f"SELECT count(*) > 0 FROM {dataset}")[0]:
            held.add(dataset)
    return held


def live_metrics(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> pd.DataFrame:
    """Every live metric for the filters: value, numerator and denominator (rates), whether its
    dataset holds any rows (`held`; if not, the value is None), and the page that shows it."""
    held = datasets_held(con)
    values = _values(con, f, held)
    rows = []
    for key, m in LIVE_METRICS.items():
        value, num, den = values.get(key, (None, None, None)) if m.dataset in held else (
            None, None, None)
        rows.append([key, m.label, m.kind, None if is_blank(value) else value,
                     None if is_blank(num) else int(num), None if is_blank(den) else int(den),
                     m.dataset in held, m.link or "", m.good])
    frame = pd.DataFrame(rows, columns=LIVE_COLUMNS)
    return frame.astype({"numerator": "Int64", "denominator": "Int64"})
