"""Cached reads for the pages. Numbers come from `pipelines.metrics`; the few queries here that are
not metrics (lists, distributions, breakdowns) read FROM the metric base queries so that each
definition stays single. Every read opens a short-lived read-only connection and closes it, so a
command-line load can take the database between reruns; cache keys carry `data_version()`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from pipelines import audit, bootstrap, cli, config, metrics
from pipelines.db import DatabaseBusy, connect_writer, open_reader, reader
from pipelines.isolated import load_file
from pipelines.load import FileResult
from pipelines.uploads import UploadRefused, check_upload
from pipelines.vocab import SERVICES

BUSY_WAIT_SECONDS = 3.0  # then tell the user the data are being updated
Version = tuple[Any, ...]
_BUILD_LOCK = threading.Lock()  # two first visitors must not both build the sample database


def db_file() -> Path:
    return config.db_path()


def data_version() -> Version:
    """Changes whenever a writer touches the database (the file or its write-ahead log), so cached
    results are dropped after any load, including one from the command line."""
    db = db_file()
    stamps: list[Any] = [str(db)]
    for path in (db, db.with_name(db.name + ".wal")):
        try:
            stat = path.stat()
            stamps += [stat.st_mtime_ns, stat.st_size]
        except FileNotFoundError:
            stamps += [0, 0]
    return tuple(stamps)


_RUN = threading.local()  # the read-only connection shared by one script run's reads, if any


@contextmanager
def run_connection() -> Iterator[None]:
    """Let the reads of one script run share a read-only connection (opening one costs about
    20 ms and a page makes dozens of reads), closed when the run ends, so the app still holds no
    connection between runs and a command-line load takes the file then. Outside a run (a
    download being built, a test) every read opens and closes its own."""
    _RUN.active, _RUN.con = True, None
    try:
        yield
    finally:
        release()
        _RUN.active = False


def release() -> None:
    """Close this run's shared connection (it is reopened by the next read): before this process
    writes, since DuckDB refuses a writer beside a reader of the same file in one process."""
    con, _RUN.con = getattr(_RUN, "con", None), None
    if con is not None:
        con.close()


@contextmanager
def _read() -> Iterator[duckdb.DuckDBPyConnection]:
    if getattr(_RUN, "active", False):
        if _RUN.con is None:
            _RUN.con = open_reader(db_file(), wait_seconds=BUSY_WAIT_SECONDS)
        yield _RUN.con
        return
    with reader(db_file(), wait_seconds=BUSY_WAIT_SECONDS) as con:
        yield con


def clear_caches() -> None:
    st.cache_data.clear()


# ---- first start -----------------------------------------------------------------------------

def samples_available() -> bool:
    return (bootstrap.SAMPLES / "MANIFEST.json").exists()


def ensure_database() -> list[FileResult] | None:
    """Build the database from data_samples/ if it does not exist yet; None if it already did.
    Without samples an empty database is made, so the Data page can still load files."""
    with _BUILD_LOCK:
        db = db_file()
        if db.exists():
            return None
        if not samples_available():
            connect_writer(db).close()
            return []
        results = bootstrap.build_sample_database(db)
        for result in results:
            audit.record_load(db, "dashboard (first start: bundled synthetic samples)", result)
        return results


# ---- filters and provenance ------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class FilterOptions:
    las: tuple[str, ...]
    services: tuple[str, ...]
    first_day: dt.date
    latest_as_of: dt.date | None


@st.cache_data(show_spinner=False, max_entries=8)
def _filter_options(version: Version) -> FilterOptions:
    with _read() as con:
        las = [r[0] for r in con.execute(
            "SELECT local_authority FROM ehcp UNION SELECT local_authority FROM health_advice "
            "UNION SELECT local_authority FROM tribunals").fetchall() if r[0]]
        services = {r[0] for r in con.execute(
            "SELECT DISTINCT service FROM health_advice").fetchall() if r[0]}
        first = con.execute(
            "SELECT least((SELECT min(request_date) FROM ehcp), "
            "(SELECT min(requested_date) FROM health_advice), "
            "(SELECT min(registered_date) FROM tribunals))").fetchall()[0][0]
        latest = con.execute("SELECT max(as_of) FROM loads").fetchall()[0][0]
    area = config.load_settings().area_las
    # The area's own LAs first, in settings order; any others after, alphabetically.
    ordered_las = [la for la in area if la in las] + sorted(la for la in las if la not in area)
    ordered_services = [s for s in SERVICES if s in services] + sorted(services - set(SERVICES))
    return FilterOptions(tuple(ordered_las), tuple(ordered_services),
                         first or dt.date.today(), latest)


def filter_options() -> FilterOptions:
    return _filter_options(data_version())


@st.cache_data(show_spinner=False, max_entries=8)
def _loads(version: Version) -> pd.DataFrame:
    return cli.loads_frame(db_file())


def loads() -> pd.DataFrame:
    """Every load: file, hash (first 12 characters), when, as-of date, counts."""
    return _loads(data_version())


@st.cache_data(show_spinner=False, max_entries=8)
def _holdings(version: Version) -> dict[str, Any]:
    return cli.status(db_file())


def holdings() -> dict[str, Any]:
    """Rows held per dataset, rejected rows and loads (the figures `python -m pipelines status`
    prints)."""
    return _holdings(data_version())


def sources(dataset: str) -> pd.DataFrame:
    """The files a dataset was loaded from, with their load dates."""
    frame = loads()
    if frame.empty:
        return frame
    mask = frame["kinds"].fillna("").str.split(",").map(lambda kinds: dataset in kinds)
    return frame.loc[mask, ["file_name", "loaded_at", "as_of", "loaded"]]


def sample_manifest() -> dict[str, str]:
    """File name -> sha256 of the bundled synthetic samples (empty if there is no manifest)."""
    path = bootstrap.SAMPLES / "MANIFEST.json"
    if not path.exists():
        return {}
    manifest = json.loads(path.read_text(encoding="utf-8"))
    return {f["name"]: f.get("sha256", "") for f in manifest.get("files", [])}


def data_provenance() -> str:
    """'empty', 'synthetic' (every file loaded is a bundled sample), 'mixed' or 'local'."""
    frame = loads()
    if frame.empty:
        return "empty"
    manifest = sample_manifest()
    synthetic = [manifest.get(name, "-").startswith(str(digest))
                 for name, digest in zip(frame.file_name, frame.file_hash, strict=True)]
    if all(synthetic):
        return "synthetic"
    return "mixed" if any(synthetic) else "local"


# ---- metrics (pipelines.metrics, cached) -----------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=2048)
def _cached(name: str, args: tuple[Any, ...], version: Version) -> Any:
    with _read() as con:
        return getattr(metrics, name)(con, *args)


def metric(name: str, *args: Any) -> Any:
    """`pipelines.metrics.<name>(con, *args)`, cached until a writer touches the database. Every
    figure a page shows comes through here (or `_queried` below), never from SQL of its own."""
    return _cached(name, args, data_version())


@st.cache_data(show_spinner=False, max_entries=512)
def _queried(sql: str, f: metrics.Filters, version: Version) -> pd.DataFrame:
    with _read() as con:
        return metrics.query(con, sql, f)


def headline(f: metrics.Filters) -> dict[str, Any]:
    return metric("headline", f)


def rates(metric_name: str, f: metrics.Filters, by: str | None = None) -> pd.DataFrame:
    out = metric("rates", metric_name, f, by)  # a copy: st.cache_data returns one each call
    # Calendar years come back as integers; period labels are text everywhere else.
    out["group"] = out["group"].map(lambda g: "Not recorded" if g is None or g != g else str(g))
    return out


def overdue_advice(f: metrics.Filters) -> pd.DataFrame:
    return metric("overdue_advice", f)


def overdue_counts(f: metrics.Filters, days: tuple[dt.date, ...]) -> pd.DataFrame:
    """How many requests were overdue on each of these days (the list as it stood then)."""
    return metric("overdue_advice_counts", f, days)


def open_cases_at_risk(f: metrics.Filters) -> pd.DataFrame:
    return metric("open_cases_at_risk", f)


def tribunal_responses(f: metrics.Filters) -> pd.DataFrame:
    return metric("tribunal_responses", f)


# ---- breakdowns that are not metrics, read from the metric bases -----------------------------

IN_PERIOD = "anchor BETWEEN $date_from AND $date_to"
OVER_26_WEEKS = 27  # the histogram's last bin holds everything after 26 weeks


def days_to_return(f: metrics.Filters) -> pd.DataFrame:
    """Returned advice due in the period, by week taken to return it (week 6 ends on day 42)."""
    return _queried(f"""
        WITH base AS ({metrics.advice_base(f)})
        SELECT CAST(least(greatest(ceil(days_to_return / 7.0), 1), {OVER_26_WEEKS}) AS INTEGER)
                AS week,
            count(*) AS requests
        FROM base WHERE {IN_PERIOD} AND days_to_return IS NOT NULL
        GROUP BY ALL ORDER BY week""", f, data_version())


def advice_exceptions(f: metrics.Filters) -> pd.DataFrame:
    """Reasons recorded for late advice: lawful reg 8(2) exceptions and reasons that are not."""
    return _queried(f"""
        WITH base AS ({metrics.advice_base(f)})
        SELECT CASE WHEN excepted THEN 'Lawful (reg 8(2))' ELSE 'Not a lawful exception' END
                AS lawful,
            CASE WHEN excepted THEN exception ELSE trim(exception_recorded) END AS reason,
            count(*) AS requests,
            count(*) FILTER (WHERE counted AND NOT met) AS late_or_overdue
        FROM base
        WHERE {IN_PERIOD} AND (excepted OR nullif(trim(exception_recorded), '') IS NOT NULL)
        GROUP BY ALL ORDER BY lawful, requests DESC, reason""", f, data_version())


def quality_scores(f: metrics.Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Quality audit scores of advice due in the period: (count per score, summary per service)."""
    by_score = f"""
        WITH base AS ({metrics.advice_base(f)})
        SELECT quality_score AS score, count(*) AS advice
        FROM base WHERE {IN_PERIOD} AND quality_score IS NOT NULL
        GROUP BY ALL ORDER BY score"""
    by_service = f"""
        WITH base AS ({metrics.advice_base(f)})
        SELECT service, count(*) FILTER (WHERE returned) AS returned,
            count(quality_score) AS scored, round(avg(quality_score), 2) AS mean_score
        FROM base WHERE {IN_PERIOD}
        GROUP BY ALL HAVING count(quality_score) > 0 ORDER BY service"""
    version = data_version()
    return _queried(by_score, f, version), _queried(by_service, f, version)


def stage_durations(f: metrics.Filters) -> pd.DataFrame:
    """Days spent in each stage by the new plans issued in the period: quartiles per stage."""
    return _queried(f"""
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
        FROM stages GROUP BY ALL ORDER BY step""", f, data_version())


def appeals_by_type_and_outcome(f: metrics.Filters) -> pd.DataFrame:
    """Appeals registered in the period, by appeal type and outcome, with the health count."""
    return _queried(f"""
        WITH base AS ({metrics.appeal_base(f)})
        SELECT coalesce(appeal_type, 'Not recorded') AS appeal_type,
            coalesce(outcome, 'Not recorded') AS outcome,
            count(*) AS appeals, count(*) FILTER (WHERE met) AS with_health_aspects
        FROM base WHERE {IN_PERIOD}
        GROUP BY ALL ORDER BY appeal_type, outcome""", f, data_version())


# ---- reference figures -----------------------------------------------------------------------

@st.cache_data(show_spinner=False)
def england_headlines() -> pd.DataFrame:
    """England's published figures by calendar year (DfE, Open Government Licence)."""
    return pd.read_csv(config.REFERENCE / "england_headlines.csv")


def england_figure(column: str, year: int) -> tuple[int, float] | None:
    """England's figure for the latest published calendar year up to `year`, if there is one."""
    frame = england_headlines()
    rows = frame[(frame["year"] <= year) & frame[column].notna()]
    if rows.empty:
        return None
    row = rows.sort_values("year").iloc[-1]
    return int(row["year"]), float(row[column])


# ---- loading files ---------------------------------------------------------------------------

def rejects(load_ids: list[int]) -> pd.DataFrame:
    """Rejected rows of the given loads, with file, sheet, row, column and reason."""
    frame = cli.rejects_frame(db_file())
    return frame[frame["load_id"].isin(load_ids)].reset_index(drop=True)


def load_uploads(files: list[tuple[str, bytes]], kind: str | None = None,
                 as_of: dt.date | None = None, actor: str = "unknown") -> list[FileResult]:
    """Run the same pipeline as the command line on uploaded files, each written to a temporary
    file that keeps its name (the load log and rejects cite it). A file over the size limit or
    whose content is not xlsx/CSV is refused unread. Each file's fate goes to the audit log under
    `actor`. Caches are cleared afterwards."""
    release()
    results = []
    limit = config.load_settings().upload_max_mb
    with tempfile.TemporaryDirectory(prefix="send-upload-") as folder:
        for name, content in files:
            path = Path(folder) / (Path(name).name or "upload")
            try:
                check_upload(path.name, content, limit)
                path.write_bytes(content)
                # In a child process with a memory and time limit, audited there and here.
                results.append(load_file(db_file(), path, actor, kind=kind, as_of=as_of))
                continue
            except (DatabaseBusy, UploadRefused) as exc:
                result = FileResult(file=path.name, status="failed", error=str(exc))
            except Exception as exc:  # recorded as failed, then raised: never a silent loss
                audit.record_load(db_file(), actor, FileResult(
                    file=path.name, status="failed", error=f"unexpected {type(exc).__name__}"))
                raise
            results.append(result)
            audit.record_load(db_file(), actor, result)
    clear_caches()
    return results


# ---- schools, annual reviews, waiting times, budgets, complaints (pipelines.metrics, cached) --

def school_policy_position(f: metrics.Filters, by: str | None = None) -> pd.DataFrame:
    """Policies in place, published and compliant from each school's latest audit (as of)."""
    return metric("school_policy_position", f, by)


def school_elements_missing(f: metrics.Filters, by: str | None = None) -> pd.DataFrame:
    """Parts of the statutory guidance missing from schools' policies, most often missing first."""
    return metric("school_elements_missing", f, by)


def school_ihp_coverage(f: metrics.Filters, by: str | None = None) -> pd.DataFrame:
    """Pupils with an individual healthcare plan over pupils with a medical condition."""
    return metric("school_ihp_coverage", f, by)


def school_mental_health(f: metrics.Filters, by: str | None = None) -> pd.DataFrame:
    """Senior mental health leads, MHST coverage and wellbeing self-assessments."""
    return metric("school_mental_health", f, by)


def school_policy_trend(f: metrics.Filters, grain: str = "academic_year", by: str | None = None
                        ) -> pd.DataFrame:
    """Policies per audit round (academic year or term), each school's latest audit in it."""
    return metric("school_policy_trend", f, grain, by)


def school_follow_up(f: metrics.Filters) -> pd.DataFrame:
    """The schools to contact, with what each lacks."""
    return metric("school_follow_up", f)


def waiting_times_trend(f: metrics.Filters, by: str | None = "service") -> pd.DataFrame:
    """Children waiting month by month, by service, provider, local authority or overall."""
    return metric("waiting_times_trend", f, by)


def waiting_times_current(f: metrics.Filters, by: str | None = None) -> pd.DataFrame:
    """Each service's latest monthly snapshot on or before the as-of date."""
    return metric("waiting_times_current", f, by)


@dataclasses.dataclass(frozen=True)
class LatestWaiting:
    """All services' waiting list at the latest snapshot month: `row` is `waiting_times_trend`'s
    overall row for that month; `services` are those whose latest return is that month, of
    `reporting` services with any return (they differ when a provider's return is late)."""

    month: str
    row: dict[str, Any]
    services: tuple[str, ...]
    reporting: tuple[str, ...]


def latest_waiting(f: metrics.Filters) -> LatestWaiting | None:
    """The whole waiting list at the latest month any service reported on or before the as-of
    date, as `waiting_times_trend` (by=None) sums it for that month; None with no returns.
    `waiting_times_current` gives each service's latest month but no total over services."""
    current = waiting_times_current(f)
    if current.empty:
        return None
    month = str(current["month"].max())
    first = dt.date.fromisoformat(f"{month}-01")
    one_month = dataclasses.replace(f, date_from=first, date_to=min(f.as_of, first))
    overall = waiting_times_trend(one_month, None)
    if overall.empty:
        return None
    return LatestWaiting(month, overall.iloc[0].to_dict(),
                         tuple(current.loc[current["month"] == month, "service"]),
                         tuple(current["service"]))


def phb_active(f: metrics.Filters, by: str | None = None) -> pd.DataFrame:
    """Personal health budgets active on the as-of date, and of them continuing care."""
    return metric("phb_active", f, by)


def phb_trend(f: metrics.Filters, grain: str = "month") -> pd.DataFrame:
    """Budgets started, ended and active at the end of each period."""
    return metric("phb_trend", f, grain)


def open_complaints(f: metrics.Filters) -> pd.DataFrame:
    """Complaints without a response on the as-of date, most overdue first."""
    return metric("open_complaints", f)


def reconcile_advice(f: metrics.Filters, window_days: int = metrics.RECONCILE_WINDOW_DAYS
                     ) -> metrics.AdviceReconciliation:
    """The LA's records of health advice requests set beside the providers' logs."""
    return metric("reconcile_advice", f, window_days)
