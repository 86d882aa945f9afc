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
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
PAGES = sorted(p.name for p in (ROOT / "dashboard" / "views").glob("*.py")
               if p.name != "__init__.py")
TARGET_SECONDS = 1.0
# Pages that build a file (the board pack, the evidence pack) read with their own connection.
READERS = ("pipelines.board_pack.build", "pipelines.inspection_pack")


def _summed(open_: Callable[..., object], spent: list[float]) -> Callable[..., object]:
    """`open_` (a context manager giving a connection), with the time spent inside each use
    appended to `spent`."""
    @contextmanager
    def timed(*args: object, **kwargs: object) -> Iterator[object]:
        start = time.perf_counter()
        try:
            with open_(*args, **kwargs) as con:
                yield con
        finally:
            spent.append(time.perf_counter() - start)

    return timed


def _timed_reads(spent: list[float]) -> None:
    """Time every database read a page makes: each of the gateway's (a query on the run's shared
    connection, its opening included) and each use of `reader` in the READERS modules."""
    gateway = importlib.import_module("dashboard.components.gateway")
    run = gateway._run

    def timed_run(query: Callable[..., object], args: tuple[object, ...]) -> object:
        start = time.perf_counter()
        try:
            return run(query, args)
        finally:
            spent.append(time.perf_counter() - start)

    gateway._run = timed_run
    for name in READERS:
        module = importlib.import_module(name)
        module.reader = _summed(module.reader, spent)


def time_pages(db: Path, runs: int = 3, params: dict[str, str] | None = None
               ) -> list[dict[str, object]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from pipelines import access

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    spent: list[float] = []
    _timed_reads(spent)

    scratch = tempfile.TemporaryDirectory(prefix="bench-pages-")  # the users file and audit log
    folder = Path(scratch.name)
    users = folder / "users.json"
    access.add_user(users, "bench", "admin", "timing-only password")
    os.environ.update(SEND_DB=str(db), SEND_USERS_FILE=str(users),
                      SEND_AUDIT_LOG=str(folder / "audit.jsonl"))
    results = []
    for name in PAGES:
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
            start = time.perf_counter()
            at.run()
            seconds.append(time.perf_counter() - start)
            if run == 0:
                queries = sum(spent)
        errors = [e.message for e in at.exception]
        results.append({"page": name.removesuffix(".py"), "cold_seconds": round(seconds[0], 3),
                        "query_seconds": round(queries, 3),
                        "warm_seconds": round(statistics.median(seconds[1:]), 3)
                        if len(seconds) > 1 else None,
                        "error": errors[0] if errors else None})
    scratch.cleanup()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.bench_pages",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path, help="the database to time the pages on")
    parser.add_argument("--runs", type=int, default=3, help="runs per page (first is cold)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--view", action="append", default=[], metavar="KEY=VALUE",
                        help="a filter as the address bar gives it, e.g. grain=calendar_year "
                        "from=2022 to=2026 (repeatable; default: the last 12 months)")
    args = parser.parse_args(argv)
    bad = [v for v in args.view if "=" not in v]
    if bad:
        parser.error(f"--view wants KEY=VALUE, not {bad[0]!r}")
    if not args.db.exists():
        parser.error(f"no database at {args.db}")
    view = dict(v.split("=", 1) for v in args.view)
    results = time_pages(args.db, max(args.runs, 1), view)
    slowest = max(results, key=lambda r: r["query_seconds"])
    summary = {"database": str(args.db), "view": view, "pages": results, "slowest_page": slowest["page"],
               "slowest_query_seconds": slowest["query_seconds"],
               "every_page_queries_under_1s": all(r["query_seconds"] < TARGET_SECONDS
                                                  for r in results)}
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(f"{'page':22} {'queries s':>10} {'cold s':>8} {'warm s':>8}")
    for r in results:
        warm = "-" if r["warm_seconds"] is None else f"{r['warm_seconds']:.3f}"
        print(f"{r['page']:22} {r['query_seconds']:10.3f} {r['cold_seconds']:8.3f} {warm:>8}" + (
            f"  ERROR {r['error'][:60]}" if r["error"] else ""))
    print(f"every page's queries under {TARGET_SECONDS:.0f} s (cold cache): "
          f"{summary['every_page_queries_under_1s']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
