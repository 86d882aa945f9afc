"""The page benchmark runs every page and reports figures (it measures; it asserts no timing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app_helpers import KEY

ROOT = Path(__file__).resolve().parents[2]


def test_bench_pages_times_every_page_without_error(tiny_db: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "dashboard.bench_pages", "--db", str(tiny_db), "--runs", "1",
         "--json"], cwd=ROOT, env={**os.environ, "SEND_PSEUDONYM_KEY": KEY},
        capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    views = {p.stem for p in (ROOT / "dashboard" / "views").glob("*.py")} - {"__init__"}
    assert {p["page"] for p in result["pages"]} == views
    assert all(p["error"] is None for p in result["pages"]), result["pages"]
    assert all(p["query_seconds"] > 0 and p["cold_seconds"] >= p["query_seconds"]
               for p in result["pages"])
    assert isinstance(result["every_page_queries_under_1s"], bool)
