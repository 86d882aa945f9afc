"""The app keeps working while a command-line load runs, and shows the new data once it is in."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from app_helpers import ADVICE, KEY, csv_bytes
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
BUSY = "The data are being updated"


def test_pages_keep_answering_during_a_command_line_load(run_app: Callable[..., AppTest],
                                                         tiny_db: Path, tmp_path: Path) -> None:
    big = tmp_path / "big_advice.csv"
    big.write_bytes(csv_bytes([ADVICE] + [
        [f"L{i}", f"LC{i}", "Riverside", "SALT", "05/01/2026", "01/02/2026", "Trust", "", "", "New"]
        for i in range(60_000)]))
    at = run_app("views/data.py", db=tiny_db)
    assert {m.label: m.value for m in at.metric}["Health advice requests"] == "3"
    load = subprocess.Popen(
        [sys.executable, "-m", "pipelines", "ingest", str(big), "--db", str(tiny_db),
         "--as-of", "2026-03-31"], cwd=ROOT, env={**os.environ, "SEND_PSEUDONYM_KEY": KEY},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    during = 0
    while load.poll() is None:
        at.run()
        during += 1
        assert not at.exception, [e.message for e in at.exception]
        shown = {m.label: m.value for m in at.metric}
        # The figures as they were, or once the load has published, as they are: never a wait.
        assert shown.get("Health advice requests") in ("3", "60,003")
        assert not any(BUSY in w.value for w in at.warning)
    out, err = load.communicate()
    assert load.returncode == 0, err
    assert during >= 1
    at.run()
    assert {m.label: m.value for m in at.metric}["Health advice requests"] == "60,003"
