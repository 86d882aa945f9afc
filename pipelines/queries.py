"""The reads the app's pages make beyond the metrics themselves, as functions of a read-only
connection, and `Session`, which runs any such function (these, `metrics`, `status`...) on one
connection: the app opens no connection of its own. Like `metrics` and `status`, which the
command line prints, each runs on any connection. Breakdowns read FROM the metric base
queries, so each definition stays single.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import duckdb
import pandas as pd

from pipelines import (
    benchmark_show,
    benchmarks,
    config,
    dmo_dco,
    inspection,
    metrics,
    nhs_waiting_lists,
    published,
    status,
)
from pipelines.db import DatabaseBusy, open_snapshot, read_source
from pipelines.snapshot import Snapshot
from pipelines.vocab import SERVICES

__all__ = [
    "DatabaseBusy", "DatabaseError", "FilterOptions", "LatestWaiting", "Session",
    "advice_exceptions", "appeals_by_type_and_outcome", "benchmark_imports", "days_to_return",
    "evidence_tracker", "exceptions_by_reason", "filter_options", "latest_benchmark_imports",
    "latest_waiting", "published_las", "quality_scores", "rates_table", "stage_durations",
]

P = ParamSpec("P")
T = TypeVar("T")
DatabaseError = duckdb.Error  # a database that cannot be read (e.g. built by an older version)


class Session:
    """Reads sharing one read-only connection, opened by the first and closed by `close` (or at
    the end of a `with` block): opening costs about 20 ms and a page makes dozens of reads.
    The session reads one snapshot of the database (`source`), chosen when first asked and kept
    until closed, so its reads agree with each other and with the version a cache names."""

    def __init__(self, db: Path, wait_seconds: float = 10.0) -> None:
        self.db, self.wait_seconds = db, wait_seconds
        self._con: duckdb.DuckDBPyConnection | None = None
        self._source: Snapshot | None = None
        self._remembered: dict[Any, Any] = {}  # what its reads share (`metrics.remembered`)

    def source(self) -> Snapshot:
        """The snapshot this session reads: the newest when first asked (no connection opened)."""
        if self._source is None:
            self._source = read_source(self.db, self.wait_seconds)
        return self._source

    def run(self, query: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
            *args: P.args, **kwargs: P.kwargs) -> T:
        """`query(connection, *args, **kwargs)`; DatabaseBusy only if the database has no
        snapshot yet and a writer holds it longer than `wait_seconds`. Should the session's
        snapshot be gone before its first query (replaced more than `snapshot.GRACE_SECONDS`
        ago), it reads the newest, and `source` says so from then on."""
        if self._con is None:
            self._con, self._source = open_snapshot(self.db, self.wait_seconds, self.source())
        with metrics.remembering(self._remembered):
            return query(self._con, *args, **kwargs)

    def close(self) -> None:
        """Let the connection and the snapshot go (the next read takes the newest)."""
        con, self._con, self._source = self._con, None, None
        self._remembered = {}
        if con is not None:
            con.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---- filters -----------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class FilterOptions:
    las: tuple[str, ...]
    services: tuple[str, ...]
    first_day: dt.date
    latest_as_of: dt.date | None


def filter_options(con: duckdb.DuckDBPyConnection) -> FilterOptions:
    """What the filters offer: the local authorities and services in the data, the first day any
    record starts, and the default as-of date (`status.default_as_of`: the area's latest
    extract)."""
    las = [r[0] for r in con.execute(
        "SELECT local_authority FROM ehcp UNION SELECT local_authority FROM health_advice "
        "UNION SELECT local_authority FROM tribunals").fetchall() if r[0]]
    services = {r[0] for r in con.execute(
        "SELECT DISTINCT service FROM health_advice").fetchall() if r[0]}
    first = con.execute(
        "SELECT least((SELECT min(request_date) FROM ehcp), "
        "(SELECT min(requested_date) FROM health_advice), "
        "(SELECT min(registered_date) FROM tribunals))").fetchall()[0][0]
    latest = status.default_as_of(con)
    area = config.load_settings().area_las
    # The area's own LAs first, in settings order; any others after, alphabetically.
    ordered_las = [la for la in area if la in las] + sorted(la for la in las if la not in area)
    ordered_services = [s for s in SERVICES if s in services] + sorted(services - set(SERVICES))
    return FilterOptions(tuple(ordered_las), tuple(ordered_services),
                         first or dt.date.today(), latest)


# ---- rates and breakdowns that are not metrics, read from the metric bases ---------------------

IN_PERIOD = "anchor BETWEEN $date_from AND $date_to"
OVER_26_WEEKS = 27  # the histogram's last bin holds everything after 26 weeks


def rates_table(con: duckdb.DuckDBPyConnection, metric: str, f: metrics.Filters,
                by: str | None = None) -> pd.DataFrame:
    """`metrics.rates` with every group as text, as pages chart and tabulate it."""
    out = metrics.rates(con, metric, f, by)
    # Calendar years come back as integers; period labels are text everywhere else.
    out["group"] = out["group"].map(lambda g: "Not recorded" if g is None or g != g else str(g))
    return out


def days_to_return(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> pd.DataFrame:
    """Returned advice due in the period, by week taken to return it (week 6 ends on day 42)."""
    return metrics.query(con, f"""
        WITH base AS ({metrics.advice_base(f)})
        SELECT CAST(least(greatest(ceil(days_to_return / 7.0), 1), {OVER_26_WEEKS}) AS INTEGER)
                AS week,
            count(*) AS requests
        FROM base WHERE {IN_PERIOD} AND days_to_return IS NOT NULL
        GROUP BY ALL ORDER BY week""", f)


def advice_exceptions(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> pd.DataFrame:
    """Reasons recorded for late advice: lawful reg 8(2) exceptions and reasons that are not."""
    return metrics.query(con, f"""
        WITH base AS ({metrics.advice_base(f)})
        SELECT CASE WHEN excepted THEN 'Lawful (reg 8(2))' ELSE 'Not a lawful exception' END
                AS lawful,
            CASE WHEN excepted THEN exception ELSE trim(exception_recorded) END AS reason,
            count(*) AS requests,
            count(*) FILTER (WHERE counted AND NOT met) AS late_or_overdue
        FROM base
        WHERE {IN_PERIOD} AND (excepted OR nullif(trim(exception_recorded), '') IS NOT NULL)
        GROUP BY ALL ORDER BY lawful, requests DESC, reason""", f)


# The rates whose items carry a lawful exception, and which law's: the reasons behind them.
EXCEPTION_LAW = {"health_advice": "reg 8(2)", "ehcp_plans": "reg 10(4)"}
NOT_LAWFUL = "not a lawful exception"


def exceptions_by_reason(con: duckdb.DuckDBPyConnection, metric: str, f: metrics.Filters
                         ) -> pd.DataFrame:
    """The items of a rate in the period with a reason recorded, by the reason as recorded, the
    lawful exception it was taken as (`NOT_LAWFUL` if none: vocab.lawful_exception with
    settings.toml's [exceptions]) and how the rate counted them: 'excepted' (left out of the
    headline), 'late', 'in time' or 'not yet due'. So a reader sees which reasons were excluded
    and which were not, as written."""
    if metric not in EXCEPTION_LAW:
        raise ValueError(f"{metric} has no lawful exceptions (one of {', '.join(EXCEPTION_LAW)})")
    return metrics.query(con, f"""
        WITH base AS ({metrics.BASES[metric](f)}),
        reasons AS (
            SELECT coalesce(nullif(trim(exception_recorded), ''), exception) AS reason_recorded,
                coalesce(exception, '{NOT_LAWFUL}') AS taken_as,
                CASE WHEN NOT counted THEN 'not yet due' WHEN excepted THEN 'excepted'
                     WHEN met THEN 'in time' ELSE 'late' END AS counted_as
            FROM base
            WHERE {IN_PERIOD} AND (excepted OR nullif(trim(exception_recorded), '') IS NOT NULL))
        SELECT reason_recorded, taken_as, counted_as, count(*) AS items
        FROM reasons
        GROUP BY reason_recorded, taken_as, counted_as
        ORDER BY taken_as = '{NOT_LAWFUL}', taken_as, reason_recorded, counted_as
        """, f)


def quality_scores(con: duckdb.DuckDBPyConnection, f: metrics.Filters
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Quality audit scores of advice due in the period: (count per score, summary per service)."""
    by_score = metrics.query(con, f"""
        WITH base AS ({metrics.advice_base(f)})
        SELECT quality_score AS score, count(*) AS advice
        FROM base WHERE {IN_PERIOD} AND quality_score IS NOT NULL
        GROUP BY ALL ORDER BY score""", f)
    by_service = metrics.query(con, f"""
        WITH base AS ({metrics.advice_base(f)})
        SELECT service, count(*) FILTER (WHERE returned) AS returned,
            count(quality_score) AS scored, round(avg(quality_score), 2) AS mean_score
        FROM base WHERE {IN_PERIOD}
        GROUP BY ALL HAVING count(quality_score) > 0 ORDER BY service""", f)
    return by_score, by_service


def stage_durations(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> pd.DataFrame:
    """Days spent in each stage by the new plans issued in the period: quartiles per stage."""
    return metrics.query(con, f"""
        WITH base AS ({metrics.plan_base(f)}),
        plans AS (SELECT * FROM base WHERE {IN_PERIOD}),
        stages AS (
            SELECT 1 AS step, 'Request to decision to assess' AS stage,
                decision_date - request_date AS days FROM plans WHERE decision_date IS NOT NULL
            UNION ALL
            SELECT 2, 'Decision to draft plan', draft_plan_date - decision_date FROM plans
            WHERE decision_date IS NOT NULL AND draft_plan_date IS NOT NULL
            UNION ALL
            SELECT 3, 'Draft plan to final plan', final_plan_date - draft_plan_date FROM plans
            WHERE draft_plan_date IS NOT NULL
            UNION ALL
            SELECT 4, 'Request to final plan (all stages)', days_to_plan FROM plans)
        SELECT step, stage, count(*) AS plans, min(days) AS shortest,
            quantile_cont(days, 0.25) AS lower_quartile, median(days) AS median,
            quantile_cont(days, 0.75) AS upper_quartile, max(days) AS longest
        FROM stages GROUP BY ALL ORDER BY step""", f)


def appeals_by_type_and_outcome(con: duckdb.DuckDBPyConnection, f: metrics.Filters
                                ) -> pd.DataFrame:
    """Appeals registered in the period, by appeal type and outcome, with the health count."""
    return metrics.query(con, f"""
        WITH base AS ({metrics.appeal_base(f)})
        SELECT coalesce(appeal_type, 'Not recorded') AS appeal_type,
            coalesce(outcome, 'Not recorded') AS outcome,
            count(*) AS appeals, count(*) FILTER (WHERE met) AS with_health_aspects
        FROM base WHERE {IN_PERIOD}
        GROUP BY ALL ORDER BY appeal_type, outcome""", f)


# ---- waiting lists -----------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class LatestWaiting:
    """All services' waiting list at the latest snapshot month: `row` is `waiting_times_trend`'s
    overall row for that month; `services` are those whose latest return is that month, of
    `reporting` services with any return (they differ when a provider's return is late)."""

    month: str
    row: dict[str, Any]
    services: tuple[str, ...]
    reporting: tuple[str, ...]


def latest_waiting(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> LatestWaiting | None:
    """The whole waiting list at the latest month any service reported on or before the as-of
    date (`metrics.waiting_latest`); None with no returns."""
    current, whole = metrics.waiting_latest(con, f)
    if whole.empty:
        return None
    month = str(current["month"].max())
    return LatestWaiting(month, whole.iloc[0].to_dict(),
                         tuple(current.loc[current["month"] == month, "service"]),
                         tuple(current["service"]))


# ---- benchmarks (the DfE's published figures) and the inspection tracker -----------------------

IMPORT_COLUMNS = ["dataset", "file", "sha256", "imported_at", "rows", "source"]


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return published.has_table(con, table)


def benchmark_imports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every import of a release file, the latest first."""
    if not _has_table(con, "benchmark_imports"):
        return pd.DataFrame(columns=IMPORT_COLUMNS)
    return con.execute(f"SELECT {', '.join(IMPORT_COLUMNS)} FROM benchmark_imports "
                       "ORDER BY imported_at DESC, dataset").df()


def latest_benchmark_imports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The import each dataset's figures come from now (a later import replaces an earlier)."""
    log = benchmark_imports(con)
    return log.drop_duplicates("dataset", keep="first").reset_index(drop=True)


def published_las(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The local authorities the imported release holds figures for."""
    if not _has_table(con, "benchmarks"):
        return []
    return [r[0] for r in con.execute(
        "SELECT DISTINCT area_name FROM benchmarks WHERE area_level = ? ORDER BY 1",
        [benchmarks.LOCAL]).fetchall()]


def published_symbols(con: duckdb.DuckDBPyConnection, la: str, measure: str) -> list[str]:
    """The years an LA's figure on a measure was published as a symbol, in words:
    ["2024: 'c' (suppressed (confidential))"]."""
    if not _has_table(con, "benchmarks"):
        return []
    held = benchmark_show.figures(con, benchmarks.LOCAL, la)
    return [f"{year}: '{figure['status']}' ({figure['meaning']})"
            for year, measures in held.items() for m, figure in measures.items()
            if m == measure and figure["value"] is None and figure["status"]]


def dmo_dco_flags(con: duckdb.DuckDBPyConnection, la: str) -> dict[str, dict[str, str | None]]:
    """The DfE's published DMO/DCO/DSCO flags for an LA by year (sen2_dmo_dco.csv)."""
    return dmo_dco.flags_for(con, la) if _has_table(con, "benchmark_dmo_dco") else {}


def nhs_waiting(con: duckdb.DuckDBPyConnection, lines: tuple[str, ...]) -> pd.DataFrame:
    """NHS England's latest children's waiting lists for England, the area's ICB and its
    providers (settings.toml), for these service lines; empty before any CHS import."""
    if not _has_table(con, "benchmark_waiting_lists"):
        return pd.DataFrame()
    settings = config.load_settings()
    return nhs_waiting_lists.comparison_frame(con, settings.icb, list(settings.nhs_providers),
                                              list(lines))


def evidence_tracker(con: duckdb.DuckDBPyConnection, today: dt.date) -> dict[str, pd.DataFrame]:
    """Evidence items, their history, self-evaluation notes (all, and current per theme) and the
    readiness summary by theme."""
    return {"items": inspection.evidence_items(con),
            "history": inspection.evidence_history(con),
            "notes": inspection.self_evaluations(con),
            "current": inspection.current_self_evaluations(con),
            "readiness": inspection.readiness(con, today)}
