"""Benchmark the load and the metrics on synthetic exports at local or national scale.

`python -m pipelines.bench [--scale tiny|local|national] [--rows N] [--json]` writes synthetic
health advice, EHC and tribunal exports (CSV, and the advice as xlsx), ingests each in its own
process (so timings and peak memory are per ingest), compares each ingest with a bare read of the
same file, re-loads, loads a monthly export, and times the metric queries. Synthetic data only.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pipelines.bench_area import area_figures, as_the_area
from pipelines.config import REFERENCE

AS_OF = dt.date(2026, 11, 1)
FIRST_DAY = dt.date(2021, 11, 1)  # five years of requests before AS_OF
EXCEL_EPOCH = dt.date(1899, 12, 30)
SHEET_DATA_ROWS = 1_000_000  # below Excel's 1,048,576-row limit, with room for a header
NATIONAL_XLSX_ROWS = 500_000  # a national xlsx of 2,000,000 rows takes too long to write here
REJECT_SHARE = 0.001  # rows with an impossible date, as real exports carry a few
MAX_LAS = 153

ADVICE_HEADER = ["Advice Ref", "Case Reference", "Local Authority", "Service", "Type of Request",
                 "Date Request Received", "Date Advice Returned", "Exception Reason",
                 "Quality Score", "Provider Name"]
# The Riverside layout, plus the personal columns the Eastmoor export carries, so that
# pseudonymisation is part of what is measured.
EHCP_HEADER = ["RequestID", "LA", "ReceivedDate", "RequestOutcomeDate", "RequestOutcome",
               "AssessmentOutcomeDate", "AssessmentOutcome", "StartDate", "Week20", "SENtype",
               "Setting", "NHS Number", "Date of Birth"]
TRIBUNAL_HEADER = ["Tribunal Ref", "LA Case Ref", "Local Authority", "Date Registered",
                   "Appeal Type", "Health Aspects", "Hearing Date", "Outcome",
                   "Health Recommendation", "Date Recommendation Sent", "ICB Response Date"]

SERVICES = {"Community Paediatrics": (30, 0.85), "Speech & Language Therapy": (25, 0.80),
            "Occupational Therapy": (18, 0.75), "CAMHS": (15, 0.55), "Physiotherapy": (5, 0.88),
            "Children's Community Nursing": (4, 0.90), "Audiology": (3, 0.88), "Vision": (2, 0.87),
            "Dietetics": (2, 0.90), "Other": (2, 0.85)}
STAGES = {"EHC needs assessment": 70, "Annual Review": 25, "Reassessment": 5}
REASONS = ("Was not brought", "Exceptional personal circumstances", "Absent from area",
           "Waiting list", "School holidays", "Staff sickness")
NEEDS = {"ASD": 30, "SLCN": 20, "SEMH": 18, "MLD": 8, "SPLD": 5, "SLD": 4, "PD": 3, "OTH": 3,
         "HI": 2, "DS": 1.5, "PMLD": 1, "VI": 1, "MSI": 0.5}
APPEAL_TYPES = {"Contents of plan (B, F, I)": 35, "Refusal to assess": 25,
                "Contents of plan (I only)": 18, "Refusal to issue": 12, "Cease to maintain": 5,
                "Refusal to reassess": 5}
OUTCOMES = {"Upheld": 55, "Partially upheld": 15, "Dismissed": 5, "Withdrawn": 15,
            "Conceded": 10}


@dataclass(frozen=True)
class Scale:
    name: str
    advice: int
    ehcp: int
    appeals: int
    las: int
    xlsx: int  # advice rows written as xlsx


SCALES = {
    "tiny": Scale("tiny", 2_000, 800, 100, 3, 2_000),
    "local": Scale("local", 20_000, 8_000, 1_000, 5, 20_000),
    "national": Scale("national", 2_000_000, 750_000, 100_000, MAX_LAS, NATIONAL_XLSX_ROWS),
}


def scale_for_rows(advice_rows: int) -> Scale:
    """A scale with this many advice rows and the national proportions of the rest."""
    las = min(MAX_LAS, max(3, round(MAX_LAS * advice_rows / 2_000_000)))
    return Scale(f"rows={advice_rows}", advice_rows, max(1, advice_rows * 3 // 8),
                 max(1, advice_rows // 20), las, min(advice_rows, NATIONAL_XLSX_ROWS))


# --- synthetic exports ------------------------------------------------------------------------

def _choice(rng: np.random.Generator, weights: dict[str, Any], n: int, pick: int = 0) -> np.ndarray:
    names = list(weights)
    w = np.array([v[pick] if isinstance(v, tuple) else v for v in weights.values()], dtype=float)
    return rng.choice(len(names), size=n, p=w / w.sum())


def _dmy_table(first: dt.date, days: int) -> np.ndarray:
    """dd/mm/yyyy for each day from `first`: dates are formatted once per day, not per row."""
    return np.array([(first + dt.timedelta(d)).strftime("%d/%m/%Y") for d in range(days)],
                    dtype=object)


def _dmy(offsets: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Day offsets from FIRST_DAY as text; a negative offset (none) as blank."""
    out = table[np.clip(offsets, 0, len(table) - 1)]
    out[offsets < 0] = ""
    return out


def _ids(prefix: str, numbers: np.ndarray, width: int = 7) -> np.ndarray:
    return (prefix + pd.Series(numbers).astype(str).str.zfill(width)).to_numpy(dtype=object)


def _nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Valid NHS numbers (mod-11 check digit), drawn without regard to uniqueness."""
    digits = rng.integers(0, 10, size=(int(n * 1.2) + 10, 9))
    digits[:, 0] = rng.integers(4, 10, size=len(digits))
    check = 11 - (digits * np.arange(10, 1, -1)).sum(axis=1) % 11
    check[check == 11] = 0
    keep = digits[check != 10][:n]
    check = check[check != 10][:n]
    whole = (keep * 10 ** np.arange(9, 0, -1)).sum(axis=1) + check
    return pd.Series(whole).astype(str).to_numpy(dtype=object)


def la_names(count: int) -> list[str]:
    """The first `count` current English local authorities, by their DfE names."""
    las = pd.read_csv(REFERENCE / "local_authorities.csv")
    current = las[las.last_year == las.last_year.max()].la_name
    return list(dict.fromkeys(current))[:count]


def ehcp_frame(scale: Scale, seed: int) -> pd.DataFrame:
    """EHC needs assessment requests: one row each, spread evenly over five years."""
    rng = np.random.default_rng(seed)
    n, span = scale.ehcp, (AS_OF - FIRST_DAY).days
    las = np.array(la_names(scale.las), dtype=object)
    request = rng.integers(0, span, n)
    decided = rng.random(n) < 0.97
    decision_day = np.where(decided, request + rng.integers(10, 60, n), -1)
    decision_day[decision_day >= span] = -1
    assess = decided & (rng.random(n) < 0.78)
    outcome_day = np.where(assess, request + rng.integers(70, 150, n), -1)
    outcome_day[(outcome_day >= span) | (decision_day < 0)] = -1
    issue = (outcome_day >= 0) & (rng.random(n) < 0.92)
    final_day = np.where(issue, outcome_day + rng.integers(10, 60, n), -1)
    final_day[final_day >= span] = -1
    decision = np.where(decision_day < 0, "A", np.where(assess, "Y", "N"))
    outcome = np.where(outcome_day < 0, np.where(assess, "A", ""), np.where(issue, "Y", "N"))
    birth = FIRST_DAY.toordinal() + request - rng.integers(2 * 365, 19 * 365, n)
    dob = pd.to_datetime(birth - dt.date(1970, 1, 1).toordinal(), unit="D").strftime("%Y-%m-%d")
    iso = np.array([(FIRST_DAY + dt.timedelta(d)).isoformat() for d in range(span + 400)],
                   dtype=object)

    def day(offsets: np.ndarray) -> np.ndarray:
        out = iso[np.clip(offsets, 0, len(iso) - 1)]
        out[offsets < 0] = ""
        return out

    return pd.DataFrame({
        "RequestID": _ids("C", np.arange(1, n + 1)),
        "LA": las[rng.integers(0, len(las), n)],
        "ReceivedDate": day(request), "RequestOutcomeDate": day(decision_day),
        "RequestOutcome": decision, "AssessmentOutcomeDate": day(outcome_day),
        "AssessmentOutcome": outcome, "StartDate": day(final_day),
        "Week20": np.where(rng.random(n) < 0.06, "true", "false"),
        "SENtype": np.array(list(NEEDS), dtype=object)[_choice(rng, NEEDS, n)],
        "Setting": _ids("School ", rng.integers(1, 20_000, n), 5),
        "NHS Number": _nhs_numbers(rng, n), "Date of Birth": np.asarray(dob, dtype=object),
    })


def advice_frame(scale: Scale, seed: int, cases: pd.DataFrame) -> pd.DataFrame:
    """Requests for health advice, each for a case of `cases`, in a provider's log layout."""
    rng = np.random.default_rng(seed + 1)
    n, span = scale.advice, (AS_OF - FIRST_DAY).days
    table = _dmy_table(FIRST_DAY, span + 400)
    case = rng.integers(0, len(cases), n)
    service = _choice(rng, SERVICES, n)
    on_time = np.array([v[1] for v in SERVICES.values()])[service]
    request = np.sort(rng.integers(0, span, n))  # a log runs in date order
    took = np.where(rng.random(n) < on_time, rng.integers(5, 43, n), rng.integers(43, 140, n))
    returned = request + took
    returned[returned >= span] = -1  # still open at the export date
    late = took > 42
    reason = np.array([*REASONS, ""], dtype=object)[
        np.where(late & (rng.random(n) < 0.6), rng.integers(0, len(REASONS), n), len(REASONS))]
    quality = np.where(rng.random(n) < 0.4, rng.integers(1, 6, n).astype(str), "")
    la = cases.LA.to_numpy()[case]
    provider = pd.Series(la).str.split(" ").str[0] + " Community Health NHS Trust"
    frame = pd.DataFrame({
        "Advice Ref": _ids("HA-", np.arange(1, n + 1), 8),
        "Case Reference": cases.RequestID.to_numpy()[case], "Local Authority": la,
        "Service": np.array(list(SERVICES), dtype=object)[service],
        "Type of Request": np.array(list(STAGES), dtype=object)[_choice(rng, STAGES, n)],
        "Date Request Received": _dmy(request, table),
        "Date Advice Returned": _dmy(returned, table),
        "Exception Reason": np.where(returned < 0, "", reason), "Quality Score": quality,
        "Provider Name": provider.to_numpy(dtype=object),
    })
    bad = rng.random(n) < REJECT_SHARE
    frame.loc[bad, "Date Request Received"] = "31/02/2024"
    return frame


def next_month(advice: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The following month's export: every row again, some open requests now returned, and
    about 2% new requests."""
    rng = np.random.default_rng(seed + 2)
    out = advice.copy()
    open_rows = np.flatnonzero((out["Date Advice Returned"] == "").to_numpy())
    closed = open_rows[rng.random(len(open_rows)) < 0.5]
    out.loc[out.index[closed], "Date Advice Returned"] = AS_OF.strftime("%d/%m/%Y")
    new = out.sample(n=max(1, len(out) // 50), random_state=seed).copy()
    new["Advice Ref"] = _ids("HN-", np.arange(1, len(new) + 1), 8)
    new["Date Request Received"] = AS_OF.strftime("%d/%m/%Y")
    new["Date Advice Returned"] = ""
    new["Exception Reason"] = ""
    return pd.concat([out, new], ignore_index=True)


def tribunal_frame(scale: Scale, seed: int, cases: pd.DataFrame) -> pd.DataFrame:
    """SEND Tribunal appeals, each for a case of `cases`, in the ICB tracker's layout."""
    rng = np.random.default_rng(seed + 3)
    n, span = scale.appeals, (AS_OF - FIRST_DAY).days
    table = _dmy_table(FIRST_DAY, span + 400)
    case = rng.integers(0, len(cases), n)
    registered = rng.integers(0, span, n)
    health = rng.random(n) < 0.55
    hearing = np.where(rng.random(n) < 0.8, registered + rng.integers(80, 200, n), -1)
    recommended = health & (hearing >= 0) & (hearing < span) & (rng.random(n) < 0.6)
    sent = np.where(recommended, hearing + rng.integers(7, 30, n), -1)
    sent[sent >= span] = -1
    response = np.where(sent >= 0, sent + rng.integers(10, 60, n), -1)
    response[response >= span] = -1
    decided = (hearing >= 0) & (hearing < span)
    return pd.DataFrame({
        "Tribunal Ref": _ids("TR", np.arange(1, n + 1)),
        "LA Case Ref": cases.RequestID.to_numpy()[case],
        "Local Authority": cases.LA.to_numpy()[case], "Date Registered": _dmy(registered, table),
        "Appeal Type": np.array(list(APPEAL_TYPES), dtype=object)[_choice(rng, APPEAL_TYPES, n)],
        "Health Aspects": np.where(health, "Y", "N"), "Hearing Date": _dmy(hearing, table),
        "Outcome": np.where(decided, np.array(list(OUTCOMES), dtype=object)[
            _choice(rng, OUTCOMES, n)], ""),
        "Health Recommendation": np.where(decided & health, np.where(recommended, "Y", "N"), ""),
        "Date Recommendation Sent": _dmy(sent, table), "ICB Response Date": _dmy(response, table),
    })


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Through DuckDB's writer, several times faster than pandas' at a million rows."""
    con = duckdb.connect()
    con.register("frame", frame.where(frame != "", None))  # blank cells unquoted, as exported
    con.execute(f"COPY frame TO '{path}' (HEADER, DELIMITER ',')")
    con.close()


def write_xlsx(frame: pd.DataFrame, path: Path, date_columns: tuple[str, ...] = (
        "Date Request Received", "Date Advice Returned")) -> int:
    """A workbook with real Excel dates, split over sheets of SHEET_DATA_ROWS rows; sheets."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    date_at = [frame.columns.get_loc(c) for c in date_columns]
    serials = {}
    for c in date_columns:
        parsed = pd.to_datetime(frame[c], format="%d/%m/%Y", errors="coerce")
        serials[c] = ((parsed - pd.Timestamp(EXCEL_EPOCH)).dt.days).to_numpy(dtype=float)
    texts = frame.drop(columns=list(date_columns)).to_numpy(dtype=object)
    text_at = [i for i in range(len(frame.columns)) if i not in date_at]
    raw_dates = {c: frame[c].to_numpy(dtype=object) for c in date_columns}
    sheets = 0
    for start in range(0, max(len(frame), 1), SHEET_DATA_ROWS):
        sheets += 1
        ws = book.add_worksheet(f"Advice {sheets}")
        ws.write_row(0, 0, list(frame.columns))
        for r in range(start, min(start + SHEET_DATA_ROWS, len(frame))):
            row = r - start + 1
            for i, value in zip(text_at, texts[r], strict=True):
                if value != "":
                    ws.write_string(row, i, value)
            for i, c in zip(date_at, date_columns, strict=True):
                serial = serials[c][r]
                if serial == serial:  # not NaN
                    ws.write_number(row, i, serial, date_format)
                elif raw_dates[c][r]:
                    ws.write_string(row, i, raw_dates[c][r])  # an impossible date, as typed
    book.close()
    return sheets


# --- measurements, each in a fresh process ----------------------------------------------------

def _peak_mb() -> float:
    """This process's peak resident memory. Linux carries the parent's peak over fork and exec
    into `ru_maxrss`, so the bench keeps its own process small (the exports are generated in a
    child) and also reads VmHWM, the peak of this process's own address space."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024
    except OSError:
        pass
    return peak


def _csv_as_read(path: Path) -> str:
    """The CSV as DuckDB's reader reads it for the bare read and for the copy: every cell text."""
    return f"read_csv('{path}', header = true, all_varchar = true)"


def bare_read(path: Path, paused: bool = False) -> dict[str, Any]:
    """The fastest plain read: DuckDB's CSV reader, or calamine over every sheet. `paused`:
    with the cycle collector paused, as a load pauses it (`load.collector_paused`), which makes
    calamine's read itself faster; the bench reports that read too, so that the xlsx ratio can
    be judged both ways."""
    from pipelines.load import collector_paused

    with collector_paused() if paused else contextlib.nullcontext():
        start = time.perf_counter()
        if path.suffix == ".csv":
            rows = duckdb.sql(f"SELECT count(*) FROM {_csv_as_read(path)}").fetchall()[0][0]
        else:
            import python_calamine as calamine

            book = calamine.CalamineWorkbook.from_path(str(path))
            rows = sum(len(book.get_sheet_by_name(s).to_python()) - 1 for s in book.sheet_names)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": int(rows), "peak_mb": _peak_mb()}


def copy_into_duckdb(db: Path, path: Path) -> dict[str, Any]:
    """The least any load that keeps a CSV's rows must do: DuckDB copies the file, every cell as
    text, into a table of a new database on disk (no validation, no key, no history)."""
    start = time.perf_counter()
    with duckdb.connect(str(db)) as con:
        con.execute(f"CREATE TABLE copied AS SELECT * FROM {_csv_as_read(path)}")
    return {"seconds": time.perf_counter() - start, "peak_mb": _peak_mb()}


def ingest(db: Path, path: Path) -> dict[str, Any]:
    from pipelines.load import ingest_file

    start = time.perf_counter()
    result = ingest_file(db, path, as_of=AS_OF)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "status": result.status, "error": result.error,
            "rows": result.rows_read, "loaded": result.loaded, "inserted": result.inserted,
            "updated": result.updated, "unchanged": result.unchanged,
            "rejected": result.rejected, "peak_mb": _peak_mb()}


PROFILED = {  # function name in the profile -> the stage it stands for
    "file_hash": "hashing (sha256 of the file)",
    "read_file": "reading: opening; a CSV decoded and its first rows read",
    "_arrow_csv": "reading: the rest of a CSV (Arrow)",
    "_csv_rows": "reading: a whole irregular CSV (csv module)",
    "_check_sheet": "reading: a workbook sheet's extent check (its XML inflated and scanned)",
    "_cut_parts": "  of which cutting a big sheet's checked XML into parts for calamine",
    "_sheet_rows": "reading: a small workbook sheet, whole (calamine)",
    "finish": "reading: a big sheet's last parts (calamine and columns on worker threads)",
    "rows_to_columns": "reading: a sheet's rows into columns",
    "find_header": "header detection",
    "validate_body": "validating (incl. pseudonymising)",
    "_parse_column": "  of which parsing distinct values",
    "_classify_rows": "  of which telling data from blank/total/note rows",
    "_records": "  of which building records and row hashes",
    "_people": "  of which pseudonymising",
    "_write": "loading (fates, upsert, load log)",
    "raw_hashes": "recognising: hashing each row's raw cells",
    "row_bounds": "recognising: finding a CSV's rows in its bytes",
    "row_hashes": "recognising: hashing each CSV row's bytes",
    "read_rows": "reading: only the CSV rows not recognised (Arrow)",
    "_look_up": "recognising: looking up the rows loaded before",
    "merge": "  of which the rows recognised, checked live and stamped",
}


def profile_ingest(db: Path, path: Path) -> dict[str, Any]:
    """Where an ingest's time goes, from cProfile's cumulative times (which it inflates)."""
    from pipelines.load import ingest_file

    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(ingest_file, db, path, as_of=AS_OF)
    total = time.perf_counter() - start
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    stages: dict[str, float] = {}
    for (filename, _, name), (_, _, _, cumulative, _) in stats.items():
        if name in PROFILED and "pipelines" in filename:
            stages[PROFILED[name]] = stages.get(PROFILED[name], 0.0) + cumulative
    return {"file": path.name, "profiled_seconds": total,
            "stages": {k: round(v, 3) for k, v in stages.items()}}


def child_task(task: str, *args: str) -> dict[str, Any]:
    """One measurement, as a child process runs it."""
    paths = [Path(a) for a in args]
    if task == "bare":
        return bare_read(paths[0])
    if task == "bare_collector_paused":
        return bare_read(paths[0], paused=True)
    if task == "copy":
        return copy_into_duckdb(paths[0], paths[1])
    if task == "ingest":
        return ingest(paths[0], paths[1])
    if task == "profile":
        return profile_ingest(paths[0], paths[1])
    if task == "generate":
        scale = Scale(**json.loads(args[0]))
        start = time.perf_counter()
        files = generate(scale, Path(args[1]), int(args[2]))
        return {"seconds": time.perf_counter() - start, "peak_mb": _peak_mb(),
                "files": {k: str(v) for k, v in files.items()}}
    raise ValueError(f"unknown bench task {task!r}")


def _child(task: str, *args: str) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; its JSON result."""
    done = subprocess.run([sys.executable, "-m", "pipelines.bench", "--child", task, *args],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"bench child {task} {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def time_metrics(db: Path, repeats: int) -> dict[str, Any]:
    """Median and p95 of each metric query over the five years, all LAs, as the DCO asks."""
    from pipelines import metrics
    from pipelines.db import reader

    f = metrics.Filters(FIRST_DAY, AS_OF, AS_OF)
    calls: dict[str, Any] = {"headline": lambda c: metrics.headline(c, f),
                             "overdue_advice": lambda c: metrics.overdue_advice(c, f),
                             "open_cases_at_risk": lambda c: metrics.open_cases_at_risk(c, f),
                             "tribunal_responses": lambda c: metrics.tribunal_responses(c, f)}
    for name in metrics.BASES:
        calls[f"rates:{name}"] = lambda c, name=name: metrics.rates(c, name, f)
    for by in ("month", "service", "local_authority"):
        calls[f"rates:health_advice by {by}"] = lambda c, by=by: metrics.rates(
            c, "health_advice", f, by)
    out: dict[str, Any] = {}
    with reader(db) as con:
        for name, call in calls.items():
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                call(con)
                times.append(time.perf_counter() - start)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            out[name] = {"median": statistics.median(times), "p95": p95}
    return out


def metrics_cli_seconds(db: Path) -> float:
    """Wall time of `python -m pipelines metrics --json` over five years, process start included."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipelines", "metrics", "--db", str(db), "--json",
                    "--as-of", AS_OF.isoformat(), "--from", FIRST_DAY.isoformat()],
                   capture_output=True, check=True)
    return time.perf_counter() - start


# --- the run -------------------------------------------------------------------------------

def generate(scale: Scale, out: Path, seed: int) -> dict[str, Path]:
    cases = ehcp_frame(scale, seed)
    advice = advice_frame(scale, seed, cases)
    files = {"advice_csv": out / "health_advice.csv", "advice_xlsx": out / "health_advice.xlsx",
             "advice_next_csv": out / "health_advice_next_month.csv", "ehcp_csv": out / "ehcp.csv",
             "tribunals_csv": out / "tribunals.csv"}
    write_csv(advice, files["advice_csv"])
    write_xlsx(advice.iloc[:scale.xlsx], files["advice_xlsx"])
    write_csv(next_month(advice, seed), files["advice_next_csv"])
    write_csv(cases, files["ehcp_csv"])
    write_csv(tribunal_frame(scale, seed, cases), files["tribunals_csv"])
    return files


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory_gb, 1),
            "python": platform.python_version(), "duckdb": duckdb.__version__,
            "pandas": pd.__version__, "os": platform.platform()}


def run(scale: Scale, work: Path, seed: int = 20261101, repeats: int = 5,
        profile: bool = False) -> dict[str, Any]:
    with as_the_area(work, la_names(scale.las)):  # the metrics count the bench's own LAs
        return _run(scale, work, seed, repeats, profile)


def _run(scale: Scale, work: Path, seed: int, repeats: int, profile: bool) -> dict[str, Any]:
    started = time.perf_counter()
    generated = _child("generate", json.dumps(asdict(scale)), str(work), str(seed))
    files = {k: Path(v) for k, v in generated["files"].items()}
    generate_seconds = generated["seconds"]
    db, xlsx_db = work / "bench.duckdb", work / "bench_xlsx.duckdb"
    for stale in work.glob("bench*.duckdb*"):  # a kept workdir: every load starts afresh
        if stale.is_file():  # an old snapshot folder is emptied by the new database's first load
            stale.unlink()
    os.environ.setdefault("SEND_PSEUDONYM_KEY", "bench-only-key")  # children inherit it

    ingests: dict[str, dict[str, Any]] = {}
    bares: dict[str, dict[str, Any]] = {}
    for name in ("advice_csv", "advice_xlsx"):  # the faster of two, so a cold cache is not counted
        bares[name] = min((_child("bare", str(files[name])) for _ in range(2)),
                          key=lambda b: b["seconds"])
    bares["advice_xlsx_collector_paused"] = min(
        (_child("bare_collector_paused", str(files["advice_xlsx"])) for _ in range(2)),
        key=lambda b: b["seconds"])
    copied = work / "bench_copy.duckdb"
    copy = _child("copy", str(copied), str(files["advice_csv"]))
    copied.unlink()
    ingests["advice_csv"] = _child("ingest", str(db), str(files["advice_csv"]))
    ingests["advice_xlsx"] = _child("ingest", str(xlsx_db), str(files["advice_xlsx"]))
    ingests["ehcp_csv"] = _child("ingest", str(db), str(files["ehcp_csv"]))
    ingests["tribunals_csv"] = _child("ingest", str(db), str(files["tribunals_csv"]))
    reload = _child("ingest", str(db), str(files["advice_csv"]))
    incremental = _child("ingest", str(db), str(files["advice_next_csv"]))
    queries = time_metrics(db, repeats)
    cli_seconds = statistics.median(metrics_cli_seconds(db) for _ in range(3))
    profiled = None
    if profile:  # the advice log has no personal columns; the EHC export has NHS number and DOB
        profiled = [_child("profile", str(work / f"bench_profile_{name}.duckdb"), str(files[name]))
                    for name in ("advice_csv", "advice_xlsx", "ehcp_csv")]
        # Next month's export, loaded over the advice profiled first: the incremental load.
        profiled.append(_child("profile", str(work / "bench_profile_advice_csv.duckdb"),
                               str(files["advice_next_csv"])))

    def rate(name: str) -> float:
        return ingests[name]["rows"] / ingests[name]["seconds"]

    first = ingests["advice_csv"]["seconds"]
    headline_queries = sum(v["median"] for v in queries.values())
    result: dict[str, Any] = {
        "scale": scale.name, "machine": machine(),
        "rows": scale.advice + scale.ehcp + scale.appeals,
        "rows_by_file": {name: ingests[name]["rows"] for name in ingests},
        "local_authorities": scale.las,
        "xlsx_rows": scale.xlsx,
        "xlsx_note": (f"the xlsx holds the first {scale.xlsx:,} of {scale.advice:,} advice rows"
                      if scale.xlsx < scale.advice else "the xlsx holds every advice row"),
        "generate_seconds": generate_seconds,
        "csv_rows_per_second": rate("advice_csv"), "xlsx_rows_per_second": rate("advice_xlsx"),
        "csv_bare_read_seconds": bares["advice_csv"]["seconds"],
        "xlsx_bare_read_seconds": bares["advice_xlsx"]["seconds"],
        "csv_ingest_seconds": first, "xlsx_ingest_seconds": ingests["advice_xlsx"]["seconds"],
        "csv_ingest_over_bare_read": first / bares["advice_csv"]["seconds"],
        "xlsx_ingest_over_bare_read": (ingests["advice_xlsx"]["seconds"]
                                       / bares["advice_xlsx"]["seconds"]),
        "csv_copy_into_duckdb_seconds": copy["seconds"],
        "csv_copy_into_duckdb_over_bare_read": copy["seconds"] / bares["advice_csv"]["seconds"],
        # The CSV yardstick (issue 16): DuckDB's own copy of the file into a table on disk.
        "csv_ingest_over_copy_floor": first / copy["seconds"],
        "xlsx_bare_read_collector_paused_seconds": bares["advice_xlsx_collector_paused"]["seconds"],
        "xlsx_ingest_over_bare_read_collector_paused": (
            ingests["advice_xlsx"]["seconds"] / bares["advice_xlsx_collector_paused"]["seconds"]),
        "reload_seconds": reload["seconds"], "reload_status": reload["status"],
        "reload_over_first_load": reload["seconds"] / first,
        "incremental_seconds": incremental["seconds"],
        "incremental_over_first_load": incremental["seconds"] / first,
        "incremental": {k: incremental[k] for k in ("rows", "inserted", "updated", "unchanged")},
        "metrics_seconds": cli_seconds,
        "metric_queries_total_median_seconds": headline_queries,
        "metric_queries": queries,
        "area_figures": area_figures(db, FIRST_DAY, AS_OF),
        "peak_memory_mb": max(i["peak_mb"] for i in [*ingests.values(), reload, incremental]),
        "peak_memory_by_ingest_mb": {**{k: v["peak_mb"] for k, v in ingests.items()},
                                     "reload": reload["peak_mb"],
                                     "incremental": incremental["peak_mb"]},
        "ingests": ingests, "bare_reads": bares,
        "bench_process_peak_mb": _peak_mb(),
    }
    if profiled:
        result["profile"] = profiled
    result["targets"] = {
        "xlsx_ingest_at_most_1_3x_bare_read": result["xlsx_ingest_over_bare_read"] <= 1.3,
        "csv_ingest_at_most_2x_copy_floor": result["csv_ingest_over_copy_floor"] <= 2.0,
        "metrics_under_1s": cli_seconds < 1.0,
        "every_metric_query_under_1s": all(v["p95"] < 1.0 for v in queries.values()),
        "peak_memory_under_2gb": result["peak_memory_mb"] < 2048,
        "incremental_at_most_0_3x_first_load": result["incremental_over_first_load"] <= 0.3,
    }
    result["total_seconds"] = time.perf_counter() - started
    return result


def table(result: dict[str, Any]) -> str:
    """The figures as a plain two-column table."""
    rows = [("scale", result["scale"]), ("rows (advice + EHC + appeals)", f"{result['rows']:,}"),
            ("xlsx", result["xlsx_note"])]
    for key in ("csv_rows_per_second", "xlsx_rows_per_second"):
        rows.append((key, f"{result[key]:,.0f}"))
    for key in ("csv_bare_read_seconds", "csv_ingest_seconds", "csv_ingest_over_bare_read",
                "csv_copy_into_duckdb_seconds", "csv_copy_into_duckdb_over_bare_read",
                "csv_ingest_over_copy_floor",
                "xlsx_bare_read_seconds", "xlsx_ingest_seconds", "xlsx_ingest_over_bare_read",
                "xlsx_bare_read_collector_paused_seconds",
                "xlsx_ingest_over_bare_read_collector_paused",
                "reload_seconds", "reload_over_first_load", "incremental_seconds",
                "incremental_over_first_load", "metrics_seconds",
                "metric_queries_total_median_seconds", "peak_memory_mb"):
        rows.append((key, f"{result[key]:,.2f}"))
    for name, q in result["metric_queries"].items():
        rows.append((f"  {name}", f"median {q['median'] * 1000:,.0f} ms, p95 {q['p95'] * 1000:,.0f} ms"))
    for profiled in result.get("profile", []):
        rows.append((f"profile of {profiled['file']}", f"{profiled['profiled_seconds']:,.2f} s "
                     "under cProfile"))
        for name, seconds in profiled["stages"].items():
            rows.append((f"  {name}", f"{seconds:,.2f} s"))
    for name, ok in result["targets"].items():
        rows.append((f"target: {name}", "met" if ok else "NOT met"))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.bench", description=__doc__)
    parser.add_argument("--scale", choices=list(SCALES), default="local",
                        help="tiny (a few thousand rows), local (one ICB, ~30,000 rows) or "
                             "national (153 LAs, five years; the xlsx is a 500,000-row sample)")
    parser.add_argument("--rows", type=int, help="advice rows instead of a scale (EHC requests "
                        "and appeals in national proportion)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--profile", action="store_true",
                        help="also profile the ingests (CSV, xlsx, EHC, and next month's advice "
                             "over the first): reading, recognising, validating, loading")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each metric query")
    parser.add_argument("--workdir", help="keep the generated files and databases here")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child_task(*args.child), default=str))
        return 0
    scale = scale_for_rows(args.rows) if args.rows else SCALES[args.scale]
    if args.workdir:
        work = Path(args.workdir)
        work.mkdir(parents=True, exist_ok=True)
        result = run(scale, work, repeats=args.repeats, profile=args.profile)
    else:
        with tempfile.TemporaryDirectory(prefix="send-bench-") as tmp:
            result = run(scale, Path(tmp), repeats=args.repeats, profile=args.profile)
    print(json.dumps(result, indent=2, default=str) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
