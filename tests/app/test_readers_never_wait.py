"""Page runs read the newest snapshot of the database, so none waits while a 200,000-row load
runs in another process, and the first run after the load has published shows its rows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from app_helpers import KEY

from dashboard.components import gateway
from pipelines import bench, queries, snapshot, status
from pipelines.load import ingest_file
from tests.conftest import ADVICE_HEADER, write_csv

ROOT = Path(__file__).resolve().parents[2]
ROWS = 200_000


def page_run() -> tuple[tuple, int]:
    """What a page run does with the data, on a cold cache (each read opens the snapshot): the
    version it read and the health advice requests it saw."""
    gateway.clear_caches()
    with gateway.run_connection():
        version = gateway.data_version()
        held = gateway.read(status.holdings)
        gateway.read(queries.filter_options)
        assert gateway.data_version() == version  # one snapshot for the whole run
    return version, held["rows"]["health_advice"]


def test_page_runs_never_wait_for_a_load_and_show_it_once_published(
        tiny_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEND_DB", str(tiny_db))
    monkeypatch.setattr(gateway, "BUSY_WAIT_SECONDS", 0.0)  # a read that would wait fails instead
    big = tmp_path / "health_advice.csv"
    scale = bench.scale_for_rows(ROWS)
    bench.write_csv(bench.advice_frame(scale, 16, bench.ehcp_frame(scale, 16)), big)
    first, before = page_run()
    assert before == 3

    load = subprocess.Popen(
        [sys.executable, "-m", "pipelines", "ingest", str(big), "--db", str(tiny_db),
         "--as-of", bench.AS_OF.isoformat()], cwd=ROOT, env={**os.environ, "SEND_PSEUDONYM_KEY": KEY},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    runs: list[tuple[tuple, int]] = []
    busy = while_written = 0
    while load.poll() is None:
        newest = snapshot.newest(tiny_db)
        # The load has written to the database and not yet published: reads overlap its writing.
        while_written += newest is not None and not snapshot.is_current(tiny_db, newest)
        try:
            runs.append(page_run())
        except queries.DatabaseBusy:
            busy += 1
    out, err = load.communicate()
    assert load.returncode == 0, err
    runs.append(page_run())

    assert busy == 0  # no run waited, nor would have
    assert while_written >= 1, "no run overlapped the load's writing: make the load bigger"
    after = runs[-1][1]
    assert after > before + ROWS * 0.99  # all but the rows with an impossible date
    # Every run saw the data before the load or after it, whole; the first to read the load's
    # snapshot showed its rows, and so did every run after it.
    published = [i for i, (version, _) in enumerate(runs) if version != first]
    assert published and runs[published[0]][0] == runs[-1][0]
    assert [count for _, count in runs[:published[0]]] == [before] * published[0]
    assert {count for _, count in runs[published[0]:]} == {after}


def test_a_run_whose_snapshot_went_before_it_opened_reads_the_newest_and_is_keyed_to_it(
        tiny_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two runs chose a snapshot that a load then replaced and (past the grace) removed before
    either opened it. The first reads the newest and names it as its version; so does the second,
    rather than taking the first's result from the cache under the removed snapshot's name."""
    monkeypatch.setenv("SEND_DB", str(tiny_db))
    monkeypatch.setattr(snapshot, "GRACE_SECONDS", 0.0)
    gateway.clear_caches()
    first, second = queries.Session(tiny_db, 0.0), queries.Session(tiny_db, 0.0)
    old = first.source()
    assert second.source() == old  # chosen, neither opened yet
    extra = write_csv(tmp_path / "more.csv", [ADVICE_HEADER, [
        "N1", "C1", "Northshire", "SALT", "01/04/2025", "", "", "", "", ""]])
    assert ingest_file(tiny_db, extra, as_of=bench.AS_OF).inserted == 1
    assert not old.path.exists()
    newest = snapshot.newest(tiny_db)
    assert newest is not None

    for run in (first, second):
        monkeypatch.setattr(gateway._RUN, "session", run, raising=False)
        assert gateway.read(status.holdings)["rows"]["health_advice"] == 4
        assert gateway.data_version()[:2] == (str(newest.path), newest.published)
        run.close()
