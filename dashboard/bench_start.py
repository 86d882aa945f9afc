"""Time the app's first start: `python -m dashboard.bench_start [--runs N] [--json]`.

Runs `streamlit run dashboard/app.py` as the README's quick start does on a fresh clone (no
database yet: the app builds it from data_samples/ and the bundled DfE release), opens it in
headless Chromium and times, from the moment the command starts, until the Overview's first
metric card shows. `--prebuilt` times a start on a database that already exists (the second
start, or a first start after `python -m pipelines samples`). A tool, not part of the app.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TARGET_SECONDS = 6.0  # issue #16: usable within 6 s of `streamlit run`
FIRST_METRIC = '[data-testid="stMetric"]'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def _cpu_seconds(pid: int) -> float:
    """The processor time a process has used so far (user and system, all its threads), from
    /proc: what a start costs however many other processes share the cores."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_start(browser: object, folder: Path, prebuilt: bool, timeout: float = 180.0
              ) -> dict[str, float]:
    """Seconds from `streamlit run` to the server answering and to the first metric shown, and
    the server's processor time by then."""
    env = {**os.environ, "SEND_DB": str(folder / "send.duckdb"),
           "SEND_PSEUDONYM_KEY": "bench-start-key", "SEND_AUDIT_KEY": "bench-start-key",
           "SEND_USERS_FILE": str(folder / "users.json"),
           "SEND_AUDIT_LOG": str(folder / "audit.jsonl")}
    if prebuilt:
        subprocess.run([sys.executable, "-m", "pipelines", "samples"], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (folder / "streamlit.log").open("w")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        while not _healthy(url):
            if proc.poll() is not None or time.perf_counter() - start > timeout:
                raise RuntimeError("streamlit did not start:\n"
                                   + (folder / "streamlit.log").read_text())
            time.sleep(0.05)
        serving = time.perf_counter() - start
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(url)
        page.wait_for_selector(FIRST_METRIC, timeout=timeout * 1000)
        usable = time.perf_counter() - start
        cpu = _cpu_seconds(proc.pid)
        page.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    return {"server_answering_seconds": round(serving, 2), "overview_usable_seconds": round(usable, 2),
            "server_cpu_seconds": round(cpu, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.bench_start",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="starts to time (median reported)")
    parser.add_argument("--prebuilt", action="store_true",
                        help="build the database first (`python -m pipelines samples`), "
                             "then time the start")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        parser.error(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            for _ in range(max(args.runs, 1)):
                with tempfile.TemporaryDirectory(prefix="bench-start-") as folder:
                    runs.append(one_start(browser, Path(folder), args.prebuilt))
        finally:
            browser.close()
    usable = statistics.median(r["overview_usable_seconds"] for r in runs)
    load = os.getloadavg()
    summary = {"prebuilt": args.prebuilt, "runs": runs, "overview_usable_median_seconds": usable,
               "under_target": usable < TARGET_SECONDS, "target_seconds": TARGET_SECONDS,
               "load_average": [round(x, 2) for x in load]}
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    for r in runs:
        print(f"server answering {r['server_answering_seconds']:6.2f} s, "
              f"Overview usable {r['overview_usable_seconds']:6.2f} s (server's processor time "
              f"{r['server_cpu_seconds']:.2f} s)")
    print(f"median {usable:.2f} s from `streamlit run` to the Overview's first metric "
          f"({'prebuilt database' if args.prebuilt else 'fresh clone'}; target "
          f"{TARGET_SECONDS:g} s; load average {load[0]:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
