"""The board's minute: which measures need attention (an SPC special cause of concern, a target the
process consistently fails, or red against target) and one drafted sentence for each, worded from
the metric values: what changed, since when, against what. The Overview's band and the board
pack's pages read the same drafts; a DCO's edit (stored per metric and quarter, audited) replaces
the draft wherever it is shown.
DATA PROTECTION: drafts hold rates and suppressed counts, never a record; an edit that looks like
an NHS number is refused.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines import audit, metrics, spc, suppression
from pipelines.config import load_settings
from pipelines.db import transaction, writing
from pipelines.free_text import IDENTIFIES, identifier_in
from pipelines.periods import day_text, quarter_of, shift_months
from pipelines.suppression import WHY_WITHHELD, is_small, rate_withheld, suppress_count

SERIES_MONTHS = 24  # the monthly series a draft reads, ending with the period (as the pack's SPC)
COMPARE_MONTHS = 3  # "from 84.0% in July": the month this many months before the latest
MAX_EDIT = 600  # characters: an edited sentence, not an essay
# The rate metrics a board is asked to watch, in the order the band lists them.
WATCHED = ("health_advice", "ehcp_plans", "ehcp_decisions", "tribunal_responses",
           "annual_review_decisions", "complaint_responses")
# Where the late items of a metric can be laid at one door: the column that names it.
LATE_BY = {"health_advice": ("service", "late returns")}
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
             "tenth", "eleventh", "twelfth")


class CommentaryError(ValueError):
    """An edit that cannot be stored, with the reason in words."""


@dataclass(frozen=True)
class Rag:
    """Red, amber or green against a local target, in words as well as colour."""

    status: str  # green | amber | red
    text: str


def rag_status(value: float | None, target: float | None, margin: float,
               direction: str = "up") -> Rag | None:
    """Green when the target is met, amber up to `margin` points short of it, red further short.
    For a measure where lower is better ("down"), short means above the target."""
    if value is None or target is None or value != value:
        return None
    short = target - value if direction != "down" else value - target
    if short <= 0:
        return Rag("green", f"Green: meets {target:g}% target")
    if short <= margin:
        return Rag("amber", f"Amber: {'above' if direction == 'down' else 'below'} "
                            f"{target:g}% target")
    return Rag("red", f"Red: well {'above' if direction == 'down' else 'below'} {target:g}% target")


@dataclass(frozen=True)
class Draft:
    """One measure in the worst state, with its drafted sentence and any edit of it."""

    metric: str
    quarter: str  # the calendar quarter the period ends in, '2025 Q4': edits are kept by it
    label: str
    reasons: tuple[str, ...]  # "red against target", "special cause concern", ...
    drafted: str  # the sentence as worded from the figures
    pct: float | None  # the period's rate
    numerator: int
    denominator: int
    target: float | None
    latest: tuple[dt.date, float] | None  # the latest month a board may see, and its rate
    earlier: tuple[dt.date, float] | None  # the month compared with
    months_short: int  # consecutive months up to the latest that missed the target
    edited: str = ""
    edited_by: str = ""
    edited_at: dt.datetime | None = None
    drafted_when_edited: str = ""  # the draft the editor saw, to tell when figures moved since

    @property
    def text(self) -> str:
        """What the band and the pack show: the edit, if any, else the draft."""
        return self.edited or self.drafted

    @property
    def stale_edit(self) -> bool:
        """Whether the figures have moved since the edit was written (the draft reads otherwise)."""
        return bool(self.edited) and self.drafted_when_edited != self.drafted


def month_text(day: dt.date) -> str:
    return f"{calendar.month_name[day.month]} {day.year}"


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def _by_month(con: duckdb.DuckDBPyConnection, metric: str, f: metrics.Filters) -> pd.DataFrame:
    """`metrics.rates` by month over SERIES_MONTHS months ending with the period."""
    end = f.date_to
    first = shift_months(end.replace(day=1), -(SERIES_MONTHS - 1))
    return metrics.rates(con, metric, metrics.Filters(first, end, f.as_of, f.las, f.services),
                         "month")


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The months of a `_by_month` frame a board may see (some cases, none of the counts 1-4):
    month (first day), numerator, denominator, pct."""
    rows = []
    for row in frame.itertuples():
        num, den = int(row.numerator), int(row.denominator)
        if den and not rate_withheld(num, den) and not pd.isna(row.pct):
            rows.append({"month": pd.Timestamp(row.start).date(), "numerator": num,
                         "denominator": den, "pct": float(row.pct)})
    return pd.DataFrame(rows, columns=["month", "numerator", "denominator", "pct"])


def _protected(months: pd.DataFrame, f: metrics.Filters, numerator: int, denominator: int
               ) -> tuple[set[dt.date], bool]:
    """The period's months a board may not see beside the period's figure (as the board pack's
    series leaves them out: `suppression.protect_months`), and whether the period's figure
    itself is withheld. Only where the period is whole months whose counts add up to it."""
    starts = [pd.Timestamp(start).date() for start in months.start]
    inside = [i for i, start in enumerate(starts) if start >= f.date_from]
    part = months.iloc[inside]
    if (f.date_from.day != 1 or part.empty or int(part.numerator.sum()) != numerator
            or int(part.denominator.sum()) != denominator):
        return set(), False
    hidden, period = suppression.protect_months(list(part.numerator), list(part.denominator),
                                                numerator, denominator)
    return {starts[i] for i, pair in zip(inside, hidden, strict=True) if any(pair)}, any(period)


def monthly(con: duckdb.DuckDBPyConnection, metric: str, f: metrics.Filters) -> pd.DataFrame:
    """The metric by month over SERIES_MONTHS months ending with the period, only the months a
    board may see (some cases, none of the counts 1-4): month (first day), numerator,
    denominator, pct."""
    return _shown(_by_month(con, metric, f))


def _period(con: duckdb.DuckDBPyConnection, metric: str, f: metrics.Filters,
            months: pd.DataFrame) -> tuple[int, int]:
    """The period's numerator and denominator. A period of whole months within the series is
    the sum of its months (counts add up over months: each item is anchored in one), which
    saves a query per measure; any other period is asked for."""
    first = f.date_from
    if first.day == 1 and first >= shift_months(f.date_to.replace(day=1), -(SERIES_MONTHS - 1)):
        inside = [pd.Timestamp(start).date() >= first for start in months.start]
        part = months.loc[pd.Series(inside, index=months.index, dtype=bool)]
        return int(part.numerator.sum()), int(part.denominator.sum())
    row = metrics.rates(con, metric, f).iloc[0]
    return int(row.numerator), int(row.denominator)


def _missed(pct: float, target: float, direction: str) -> bool:
    return pct > target if direction == "down" else pct < target


def months_short(series: pd.DataFrame, target: float | None, direction: str) -> int:
    """How many months in a row, up to the latest shown, missed the target."""
    if target is None:
        return 0
    count = 0
    for pct in reversed(series.pct.tolist()):
        if not _missed(pct, target, direction):
            break
        count += 1
    return count


def _running(count: int) -> str:
    if count <= 1:
        return ""
    if count <= len(_ORDINALS):
        return f" for the {_ORDINALS[count - 1]} month running"
    return f" for {count} months running"


def _late_share(con: duckdb.DuckDBPyConnection, metric: str, f: metrics.Filters) -> str:
    """'; SALT accounts for 40% of late returns': the group with the most late items in the
    period, when one holds at least a third of them and its count may be shown, as may the rest
    (the total less its count: not 1-4)."""
    if metric not in LATE_BY:
        return ""
    column, what = LATE_BY[metric]
    frame = metrics.rates(con, metric, f, column)
    late = (frame.denominator - frame.numerator).astype(int)
    total = int(late.sum())
    if total == 0:
        return ""
    top = int(late.idxmax())
    count = int(late.loc[top])
    share = 100 * count / total
    if is_small(count) or is_small(total - count) or share < 100 / 3 or len(frame) < 2:
        return ""
    return f"; {frame.loc[top, 'group']} accounts for {share:.0f}% of {what} ({count:,} of {total:,})"


def _spc_clause(variation: spc.Icon, assurance: spc.Icon, months: int) -> str:
    """' SPC, 24 months: special cause concern (...); consistently failing the target.'"""
    parts = []
    if variation.kind == "concern":
        parts.append(variation.explanation.rstrip(".").replace("The latest point", "the latest month"))
    if assurance.kind == "fail":
        parts.append("both process limits are on the wrong side of the target, so it will not be "
                     "met unless the process changes")
    if not parts:
        return ""
    return f" SPC over {months} months: " + "; ".join(parts) + "."


def draft_sentence(label: str, direction: str, pct: float | None, num: int, den: int,
                   of_what: str, period: str, period_end: dt.date, target: float | None,
                   series: pd.DataFrame, late: str = "", spc_text: str = "") -> str:
    """The draft, from figures alone: the latest month against COMPARE_MONTHS before it, the
    target and how long it has been missed, then the period's figure and what it is made of.
    When none of the period's last COMPARE_MONTHS months may be shown (too few cases), the
    period's figure leads and the sentence says which month was the last shown."""
    made = f"{suppress_count(num)} of {suppress_count(den)} {of_what}"
    withheld = pct is None or rate_withheld(num, den)
    side = "above" if direction == "down" else "below"
    recent = shift_months(period_end.replace(day=1), -(COMPARE_MONTHS - 1))
    if series.empty or series.month.iloc[-1] < recent:
        if withheld:
            return f"{label}: figure withheld for {period} ({WHY_WITHHELD}).{spc_text}"
        against = ""
        if target is not None:
            against = (f", {side} the {target:g}% target" if _missed(pct, target, direction)
                       else f", meeting the {target:g}% target")
        last = ("no single month had enough cases to show on its own" if series.empty else
                f"the latest month with enough cases to show on its own is "
                f"{month_text(series.month.iloc[-1])}")
        return f"{label} was {_pct(pct)} in {period} ({made}){against}{late}; {last}.{spc_text}"
    last = series.iloc[-1]
    earlier = series[series.month <= shift_months(last.month, -COMPARE_MONTHS)]
    opening = f"{label} was {_pct(last.pct)} in {month_text(last.month)}"
    if not earlier.empty:
        before = earlier.iloc[-1]
        moved = last.pct - before.pct
        verb = "rose to" if moved > 0.05 else "fell to" if moved < -0.05 else "held at"
        opening = (f"{label} {verb} {_pct(last.pct)} in {month_text(last.month)} (from "
                   f"{_pct(before.pct)} in {month_text(before.month)})")
    against = ""
    if target is not None:
        short = months_short(series, target, direction)
        against = (f", {side} the {target:g}% target{_running(short)}" if short
                   else f", meeting the {target:g}% target")
    whole = (f"{period} as a whole: figure withheld ({WHY_WITHHELD})" if withheld
             else f"{period} as a whole: {_pct(pct)}, {made}")
    return f"{opening}{against}{late}. {whole}.{spc_text}"


def assess(con: duckdb.DuckDBPyConnection, metric: str, f: metrics.Filters,
           period: str) -> Draft:
    """A measure's state over the period `f` and its drafted sentence; `period` names the period
    in the sentence ('Q3 2025/26', '1 Oct to 31 Dec 2025')."""
    entry = metrics.CATALOGUE[metric]
    settings = load_settings()
    target = settings.targets.get(entry.target) if entry.target else None
    months = _by_month(con, metric, f)
    num, den = _period(con, metric, f, months)
    pct = metrics.pct(num, den) if den else None
    # A month the board pack leaves out beside the period's figure is not cited either: its
    # percentage, with its denominator shown, would give back a month of 1-4.
    hidden, period_withheld = _protected(months, f, num, den)
    series = _shown(months)
    series = series.loc[series.month.map(lambda month: month not in hidden).astype(bool)
                        ].reset_index(drop=True)
    chart = spc.xmr(series.pct.tolist())
    direction: spc.Improvement = "down" if entry.direction == "down" else "up"
    variation = spc.variation(chart, direction)
    assured = spc.assurance(chart, target, direction)
    shown = pct if pct is not None and not rate_withheld(num, den) else None
    status = rag_status(shown, target, settings.amber_margin, direction)
    reasons = tuple(reason for reason, flagged in (
        ("red against target", status is not None and status.status == "red"),
        ("special cause concern", variation.kind == "concern"),
        ("consistently failing the target", assured.kind == "fail")) if flagged)
    late = _late_share(con, metric, f) if reasons and not period_withheld else ""
    text = draft_sentence(entry.card_label, direction, None if period_withheld else pct, num, den,
                          entry.of_what, period, f.date_to, target, series, late,
                          _spc_clause(variation, assured, len(series)))
    short = months_short(series, target, direction)
    latest = (series.month.iloc[-1], float(series.pct.iloc[-1])) if not series.empty else None
    back = series[series.month <= shift_months(latest[0], -COMPARE_MONTHS)] if latest else series
    earlier = (back.month.iloc[-1], float(back.pct.iloc[-1])) if latest and not back.empty else None
    return Draft(metric, quarter_of(f.date_to).label, entry.card_label, reasons, text, pct, num,
                 den, target, latest, earlier, short)


def _has_rows(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    try:
        return bool(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except duckdb.CatalogException:
        return False


def needs_attention(con: duckdb.DuckDBPyConnection, f: metrics.Filters, period: str,
                    limit: int = 4) -> list[Draft]:
    """The few watched measures in the worst state over the period, worst first (most reasons,
    then furthest from target), each with its draft and any stored edit for its quarter."""
    found = []
    for metric in WATCHED:
        if not all(_has_rows(con, t) for t in metrics.CATALOGUE[metric].datasets):
            continue
        draft = assess(con, metric, f, period)
        if draft.reasons:
            found.append(draft)
    found.sort(key=lambda d: (-len(d.reasons), (d.pct or 0) - (d.target or 0)))
    stored = edits(con)
    return [_with_edit(d, stored) for d in found[:limit]]


def _with_edit(draft: Draft, stored: pd.DataFrame) -> Draft:
    hit = stored[(stored.metric == draft.metric) & (stored.quarter == draft.quarter)]
    if hit.empty:
        return draft
    row = hit.iloc[0]
    return replace(draft, edited=str(row.text), edited_by=str(row.edited_by),
                   edited_at=pd.Timestamp(row.edited_at).to_pydatetime(),
                   drafted_when_edited=str(row.drafted))


# ---- edits: stored per metric and quarter, audited ------------------------------------------

EDIT_COLUMNS = ["metric", "quarter", "text", "drafted", "edited_by", "edited_at"]


def edits(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every stored edit (one per metric and quarter)."""
    try:
        return con.execute(f"SELECT {', '.join(EDIT_COLUMNS)} FROM commentary_edits "
                           "ORDER BY quarter, metric").df()
    except duckdb.CatalogException:
        return pd.DataFrame(columns=EDIT_COLUMNS)


def _clean(text: Any, field: str, limit: int) -> str:
    value = " ".join(str(text or "").split())
    if len(value) > limit:
        raise CommentaryError(f"{field} is {len(value):,} characters long; at most {limit:,} fit.")
    if found := identifier_in(value):
        raise CommentaryError(f"{field} appears to hold {found[0]} ('{found[1]}'). {IDENTIFIES}")
    return value


def save_edit(db: Path, metric: str, quarter: str, text: str, *, edited_by: str, drafted: str,
              now: dt.datetime | None = None) -> str:
    """Store the DCO's wording for a measure's quarter (blank text: back to the draft), and
    record it in the audit log. Returns 'saved' or 'reverted'."""
    if metric not in metrics.CATALOGUE:
        raise CommentaryError(f"'{metric}' is not a metric of the catalogue.")
    if not re.fullmatch(r"\d{4} Q[1-4]", quarter):
        raise CommentaryError(f"Quarter '{quarter}' is not a calendar quarter such as '2025 Q4'.")
    who = _clean(edited_by, "Your name or role (recorded with the change)", 80)
    if not who:
        raise CommentaryError("Your name or role (recorded with the change) is empty: it is "
                              "required.")
    wording = _clean(text, "The sentence", MAX_EDIT)
    stamp = now or dt.datetime.now()
    with writing(db, wait_seconds=10.0) as con, transaction(con):
        con.execute("DELETE FROM commentary_edits WHERE metric = ? AND quarter = ?",
                    [metric, quarter])
        if wording:
            con.execute(f"INSERT INTO commentary_edits ({', '.join(EDIT_COLUMNS)}) "
                        "VALUES (?, ?, ?, ?, ?, ?)", [metric, quarter, wording, drafted, who, stamp])
    action = "saved" if wording else "reverted"
    audit.record(db, who, "commentary_edit", metric=metric, quarter=quarter, change=action,
                 text=wording)
    return action


def period_name(f: metrics.Filters) -> str:
    """How a draft names its period: the quarter as the board pack names it when the period is
    one quarter (up to the as-of date), else its first and last days."""
    quarter = quarter_of(f.date_to).on(load_settings().quarter_basis)
    if f.date_from == quarter.start and f.date_to in (quarter.end, min(quarter.end, f.as_of)):
        return f"{quarter.name}"
    return f"{day_text(f.date_from)} to {day_text(f.date_to)}"
