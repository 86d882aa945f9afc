"""What every metric shares: the statutory clocks, the filters a metric is asked for, rounding,
and periods as a calendar (grouped by each period's first day)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

import duckdb
import pandas as pd

from pipelines.config import load_settings
from pipelines.periods import ALL_GRAINS, labels, period_of, periods_between
from pipelines.published import sql_literal

ADVICE_DAYS = 42  # reg 8(1): health advice within 6 weeks of the service receiving the request
PLAN_DAYS = 140  # reg 13(2): final plan within 20 weeks of the request
DECISION_DAYS = 42  # reg 5: decision whether to assess within 6 weeks
RESPONSE_DAYS = 35  # SI 2017/1306: written response to a health recommendation within 5 weeks
REVIEW_DECISION_DAYS = 28  # reg 20(10): annual review decision within 4 weeks of the meeting
REVIEW_ADVICE_DAYS = 14  # reg 20(4): advice for a review with the LA 2 weeks before the meeting
REVIEW_MATCH_DAYS = 183  # our rule: advice is for the first review at most 6 months after it
AMENDED_PLAN_DAYS = 84  # regs 20-22: amended final plan at most 12 weeks after the meeting
POLICY_REVIEW_MONTHS = 12  # our rule: a medical conditions policy reviewed in the last 12 months
AUTISM_ASSESSMENT_WEEKS = 13  # NICE CG128: autism assessment to start within 13 weeks of referral
RECONCILE_WINDOW_DAYS = 14  # our rule: LA and provider records of one request lie this close
SMALL_DENOMINATOR = 5  # a rate over fewer cases than this is flagged

# Health Conditions in Schools Alliance: schools with a medical conditions policy, and with one
# meeting the government's standard (docs/metrics.md, schools). Percentages of schools.
SCHOOL_POLICY_REFERENCE: dict[str, Any] = {
    "source": "Health Conditions in Schools Alliance",
    "with_policy_pct": 47.5,
    "compliant_pct": 11.5,
}


@dataclass(frozen=True)
class Filters:
    """What every metric is asked for: a period, an as-of date, and optional LAs and services."""

    date_from: dt.date
    date_to: dt.date
    as_of: dt.date
    las: tuple[str, ...] = ()
    services: tuple[str, ...] = field(default=())

    def params(self) -> dict[str, Any]:
        return {"date_from": self.date_from, "date_to": self.date_to, "as_of": self.as_of}


def dfe_year(f: Filters) -> Filters:
    """The calendar year holding the period's end (the DfE's year), as of the same date and for
    the same areas: where a figure is put on the DfE's basis to stand beside England's."""
    year = f.date_to.year
    return dataclasses.replace(f, date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31))


def pct(numerator: int, denominator: int) -> float | None:
    """A percentage to one decimal, halves rounded up as the DfE publishes; None over nothing."""
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def query(con: duckdb.DuckDBPyConnection, sql: str, f: Filters) -> pd.DataFrame:
    """Run a metric query with the filter values it names (DuckDB refuses unused parameters)."""
    params = {k: v for k, v in f.params().items() if f"${k}" in sql}
    return con.execute(sql, params).df()


T = TypeVar("T")
# What the reads of one session (one connection to one snapshot) have worked out and may share.
_REMEMBERED: ContextVar[dict[Hashable, Any] | None] = ContextVar("remembered", default=None)


@contextmanager
def remembering(store: dict[Hashable, Any]) -> Iterator[None]:
    """Within the block, `remembered` keeps what it works out in `store`. The caller owns the
    store and drops it when its connection closes, so nothing outlives the snapshot it came from
    (`queries.Session` does this for a page run)."""
    token = _REMEMBERED.set(store)
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def remembered(key: Hashable, work_out: Callable[[], T]) -> T:
    """`work_out()`, or what it gave for the same key earlier in the same `remembering` block;
    outside one, always `work_out()`. The key must name everything the result depends on."""
    store = _REMEMBERED.get()
    if store is None:
        return work_out()
    if key not in store:
        store[key] = work_out()
    return store[key]


def sql_in(column: str, values: tuple[str, ...]) -> str:
    if not values:
        return "TRUE"
    quoted = ", ".join(map(sql_literal, values))
    return f"{column} IN ({quoted})"


def la_in(las: tuple[str, ...], column: str = "local_authority") -> str:
    """The local authorities a figure covers: those chosen; with none chosen, the area's (the
    LAs settings.toml lists) and the area-wide rows, whose LA is blank, so a file of an LA
    outside the area never moves the area's figures; with no area listed, every row."""
    if las:
        return sql_in(column, las)
    area = tuple(load_settings().area_las)
    if not area:
        return "TRUE"
    return f"({sql_in(column, area)} OR coalesce({column}, '') = '')"


def las_in_words(las: tuple[str, ...]) -> str:
    """What `la_in(las)` covers, for a page's, a pack's or a command's heading."""
    if las:
        return ", ".join(las)
    area = load_settings().area_las
    return (f"the area's local authorities ({', '.join(area)})" if area
            else "all local authorities")



# ---- periods as a calendar (for counts at a period's end, and audits per school year) -------

GRAINS = ALL_GRAINS


def periods(f: Filters, grain: str) -> list[tuple[dt.date, dt.date]]:
    """The periods of `grain` from `date_from` to `date_to` as (first day, last day), each clipped
    to the dates asked for and to the as-of date (nothing is counted after it)."""
    last = min(f.date_to, f.as_of)
    if f.date_from > last:
        return []
    return [(max(p.start, f.date_from), min(p.end, last))
            for p in periods_between(grain, f.date_from, last)]


def calendar_sql(f: Filters, grain: str) -> str | None:
    """The periods as an SQL relation cal(period_start, period_end); None if empty. A query groups
    by `period_start` and `with_period_labels` names the periods from it."""
    rows = periods(f, grain)
    if not rows:
        return None
    values = ", ".join(f"(DATE '{start}', DATE '{end}')" for start, end in rows)
    return f"(VALUES {values}) AS cal(period_start, period_end)"


def with_period_labels(frame: pd.DataFrame, grain: str) -> pd.DataFrame:
    """A frame grouped by `period_start` with the period's label first (`period`) and its first
    day as `start` (the first day of the period itself, before clipping)."""
    starts = [period_of(grain, d.date() if isinstance(d, pd.Timestamp) else d).start
              for d in frame.pop("period_start")]
    frame.insert(0, "period", labels(grain, starts))
    frame.insert(1, "start", pd.to_datetime(pd.Series(starts, dtype=object)))
    return frame


def add_pcts(frame: pd.DataFrame, rates_: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Add percentage columns {name: (numerator, denominator)}, rounded as `pct` rounds."""
    for name, (num, den) in rates_.items():
        frame[name] = [pct(int(n), int(d)) for n, d in zip(frame[num], frame[den], strict=True)]
    return frame


def grouping(by: str | None, allowed: dict[str, str]) -> str:
    if by is None:
        return "'all'"
    if by not in allowed:
        raise ValueError(f"cannot group by '{by}' (one of {', '.join(allowed)})")
    return allowed[by]


def as_ints(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for col in columns:
        frame[col] = frame[col].fillna(0).astype(int)
    return frame



def empty_overall(frame: pd.DataFrame, by: str | None, zeros: dict[str, Any]) -> pd.DataFrame:
    if by is None and frame.empty:
        return pd.DataFrame([{"group": "all", **zeros}])
    return frame

