"""Time every dashboard page on a database: `python -m dashboard.bench_pages --db PATH [--json]`.

Each page runs under Streamlit's AppTest, i.e. the page script as the server runs it (queries,
figures and layout) without a browser, signed in as an admin so every page opens. "cold" is the
first run with every cache emptied, what the first person to open a page after a load waits for;
"warm" is the median of the next runs, served from the cache; "queries" is the part of the cold
run spent inside database reads (open, query, fetch), which is what the scale of the data drives.
Pair it with `python -m pipelines.bench --workdir DIR`, which leaves its databases in DIR.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
PAGES = sorted(p.name for p in (ROOT / "dashboard" / "views").glob("*.py")
               if p.name != "__init__.py")
TARGET_SECONDS = 0.5  # issue #16: every page's queries under half a second at national scale
# Pages that build a file (the board pack, the evidence pack) read with their own connection.
READERS = ("pipelines.board_pack.build", "pipelines.inspection_pack")


Spent = list[tuple[str, float]]  # (what was read, seconds)
# The processor time of the gateway's reads (every thread of the process, DuckDB's included):
# what the reads cost, however many other processes share the machine's cores.
CPU: list[float] = []


def _name(query: Callable[..., object]) -> str:
    return f"{query.__module__.removeprefix('pipelines.')}.{query.__qualname__}"


class _TimedConnection:
    """A connection whose every call (a query, a fetch) adds its time to `spent`: what a page
    that builds a file spends reading, without the charts and tables it builds in between."""

    def __init__(self, con: Any, spent: Spent, name: str) -> None:
        self._con, self._spent, self._name = con, spent, name

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self._con, attribute)
        if not callable(value):
            return value

        def timed(*args: object, **kwargs: object) -> Any:
            with _clock(self._spent, self._name):
                result = value(*args, **kwargs)
            return self if result is self._con else result  # `execute` returns the connection

        return timed


@contextmanager
def _clock(spent: Spent, name: str) -> Iterator[None]:
    start, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        spent.append((name, time.perf_counter() - start))
        CPU.append(time.process_time() - cpu)


def _summed(open_: Callable[..., Any], spent: Spent, name: str) -> Callable[..., object]:
    """`open_` (a context manager giving a connection), with the time spent opening it and in
    each of its calls appended to `spent`."""
    @contextmanager
    def timed(*args: object, **kwargs: object) -> Iterator[object]:
        with ExitStack() as stack:
            with _clock(spent, name):
                con = stack.enter_context(open_(*args, **kwargs))
            yield _TimedConnection(con, spent, name)

    return timed


def _timed_reads(spent: Spent) -> None:
    """Time every database read a page makes: each of the gateway's (a query on the run's shared
    connection, its opening included) and, for a page building a file with `reader` in the
    READERS modules, the opening of its connection and each call on it (not what the page does
    with the results in between: charts, suppression)."""
    gateway = importlib.import_module("dashboard.components.gateway")
    run = gateway._run

    def timed_run(query: Callable[..., object], args: tuple[object, ...]) -> object:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return run(query, args)
        finally:
            spent.append((_name(query), time.perf_counter() - start))
            CPU.append(time.process_time() - cpu)

    gateway._run = timed_run
    for name in READERS:
        module = importlib.import_module(name)
        module.reader = _summed(module.reader, spent, f"{name.removeprefix('pipelines.')} (file)")


def _slowest(spent: Spent, top: int = 5) -> list[dict[str, object]]:
    """The reads that took longest on the cold run, each query's calls summed."""
    by_query: dict[str, list[float]] = {}
    for name, seconds in spent:
        by_query.setdefault(name, []).append(seconds)
    ranked = sorted(by_query.items(), key=lambda item: -sum(item[1]))[:top]
    return [{"read": name, "calls": len(times), "seconds": round(sum(times), 3)}
            for name, times in ranked]


def time_pages(db: Path, runs: int = 3, params: dict[str, str] | None = None,
               pages: list[str] | None = None) -> list[dict[str, object]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from pipelines import access

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    spent: Spent = []
    _timed_reads(spent)

    scratch = tempfile.TemporaryDirectory(prefix="bench-pages-")  # the users file and audit log
    folder = Path(scratch.name)
    users = folder / "users.json"
    access.add_user(users, "bench", "admin", "timing-only password")
    os.environ.update(SEND_DB=str(db), SEND_USERS_FILE=str(users),
                      SEND_AUDIT_LOG=str(folder / "audit.jsonl"))
    results = []
    for name in [p for p in PAGES if not pages or p.removesuffix(".py") in pages]:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(APP), default_timeout=600)
        at.session_state["auth_user"] = "bench"
        at.query_params.update(params or {})
        at.run()  # the Overview (default page) fills the filter caches: not what is timed
        st.cache_data.clear()
        at.switch_page(f"views/{name}")
        seconds = []
        for run in range(runs):
            spent.clear()
            CPU.clear()
            start = time.perf_counter()
            at.run()
            seconds.append(time.perf_counter() - start)
            if run == 0:
                queries = sum(seconds for _, seconds in spent)
                queries_cpu = sum(CPU)
                slowest = _slowest(spent)
        errors = [e.message for e in at.exception]
        results.append({"page": name.removesuffix(".py"), "cold_seconds": round(seconds[0], 3),
                        "query_seconds": round(queries, 3),
                        "query_cpu_seconds": round(queries_cpu, 3),
                        "warm_seconds": round(statistics.median(seconds[1:]), 3)
                        if len(seconds) > 1 else None,
                        "slowest_reads": slowest, "error": errors[0] if errors else None})
    scratch.cleanup()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.bench_pages",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path, help="the database to time the pages on")
    parser.add_argument("--runs", type=int, default=3, help="runs per page (first is cold)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--detail", action="store_true",
                        help="under each page, its slowest reads on the cold run")
    parser.add_argument("--view", action="append", default=[], metavar="KEY=VALUE",
                        help="a filter as the address bar gives it, e.g. grain=calendar_year "
                        "from=2022 to=2026 (repeatable; default: the last 12 months)")
    parser.add_argument("--page", action="append", default=[], choices=[
        p.removesuffix(".py") for p in PAGES], help="time only this page (repeatable)")
    args = parser.parse_args(argv)
    bad = [v for v in args.view if "=" not in v]
    if bad:
        parser.error(f"--view wants KEY=VALUE, not {bad[0]!r}")
    if not args.db.exists():
        parser.error(f"no database at {args.db}")
    view = dict(v.split("=", 1) for v in args.view)
    results = time_pages(args.db, max(args.runs, 1), view, args.page)
    slowest = max(results, key=lambda r: r["query_seconds"])
    summary = {"database": str(args.db), "view": view, "pages": results, "slowest_page": slowest["page"],
               "slowest_query_seconds": slowest["query_seconds"],
               "every_page_queries_under_1s": all(r["query_seconds"] < 1.0 for r in results),
               "every_page_queries_under_target": all(r["query_seconds"] < TARGET_SECONDS
                                                      for r in results),
               "target_seconds": TARGET_SECONDS}
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(f"{'page':22} {'queries s':>10} {'cpu s':>7} {'cold s':>8} {'warm s':>8}")
    for r in results:
        warm = "-" if r["warm_seconds"] is None else f"{r['warm_seconds']:.3f}"
        print(f"{r['page']:22} {r['query_seconds']:10.3f} {r['query_cpu_seconds']:7.3f} "
              f"{r['cold_seconds']:8.3f} {warm:>8}" + (
            f"  ERROR {r['error'][:60]}" if r["error"] else ""))
        if args.detail:
            for read in r["slowest_reads"]:
                print(f"    {read['seconds']:8.3f} s  {read['calls']:3}x  {read['read']}")
    print(f"every page's queries under {TARGET_SECONDS:g} s (cold cache): "
          f"{summary['every_page_queries_under_target']} (load average {os.getloadavg()[0]:.2f}; "
          "'cpu s': the reads' processor time, DuckDB's threads included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
