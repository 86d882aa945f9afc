"""Shared fixtures: hand-made export files, a database factory on a temporary path, and the
sample database, built once per test session (a test that writes to it takes a copy)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import settings

from pipelines import bootstrap
from pipelines.config import ROOT, load_settings
from pipelines.load import FileResult, ingest_file
from pipelines.samples import generate

# No deadline on any generated example: a test asserts behaviour, never time (a busy machine
# took one date parse past Hypothesis's default 200 ms and failed it).
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: a worker more than the cores. The browser tests' worker spends much of its time
    waiting on Chromium and the app server, which a third worker fills (a clean CI run on two
    cores: 10 min 54 s with two workers, 9 min 58 s with three)."""
    return (os.cpu_count() or 1) + 1


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The browser tests first: one worker takes them all (one app server, `xdist_group`), and
    they are the longest unit of work, so started last they would end long after the others
    (a clean CI run waited minutes for them on two cores). Order within each part is kept."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is None)


AS_OF = dt.date(2026, 3, 31)
SAMPLE_KEY = "app-tests-not-secret"  # the pseudonym key the sample database is built with


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]], hidden: tuple[str, ...] = ()) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


ADVICE_HEADER = ["Advice ID", "Case ID", "Local Authority", "Service", "Requested Date",
                 "Returned Date", "Provider", "Exception", "Quality Score", "Stage"]
EHCP_HEADER = ["Case ID", "Local Authority", "Request Date", "Decision Date", "Decision",
               "Draft Plan Date", "Final Plan Date", "Exception", "Primary Need"]
TRIBUNAL_HEADER = ["Appeal ID", "Case ID", "Local Authority", "Registered Date", "Appeal Type",
                   "Health Aspects", "Hearing Date", "Outcome", "Health Recommendation",
                   "Recommendation Date", "Response Date"]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", "test-key-not-secret")
    return tmp_path / "test.duckdb"


@pytest.fixture
def load(db: Path) -> Callable[..., FileResult]:
    """Load a file into the test database as of 31/03/2026 unless told otherwise."""
    def _load(path: Path, **kwargs: Any) -> FileResult:
        kwargs.setdefault("as_of", AS_OF)
        return ingest_file(db, path, **kwargs)
    return _load


@contextlib.contextmanager
def quarters_on(basis: str, folder: Path) -> Iterator[Path]:
    """settings.toml as shipped but with the board pack's quarters on `basis` ('calendar' or
    'financial'), for as long as the block runs (settings are read once per process)."""
    text = (ROOT / "settings.toml").read_text(encoding="utf-8")
    assert 'quarters = "financial"' in text
    path = folder / f"settings-{basis}.toml"
    path.write_text(text.replace('quarters = "financial"', f'quarters = "{basis}"'), encoding="utf-8")
    try:
        with pytest.MonkeyPatch.context() as mp:  # puts back the SEND_SETTINGS there was
            mp.setenv("SEND_SETTINGS", str(path))
            load_settings.cache_clear()
            yield path
    finally:
        load_settings.cache_clear()


@pytest.fixture(scope="module")
def calendar_quarters(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The board pack on calendar quarters ('2025 Q4'), as packs were named before NHS
    financial-year quarters became the default."""
    with quarters_on("calendar", tmp_path_factory.mktemp("settings")) as path:
        yield path
@pytest.fixture(scope="session")
def sample_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data_samples/ when it is there; otherwise the generator's output in a temporary folder."""
    if (bootstrap.SAMPLES / "MANIFEST.json").exists():
        return bootstrap.SAMPLES
    folder = tmp_path_factory.mktemp("samples")
    generate(folder)
    return folder


@pytest.fixture(scope="session")
def sample_results(tmp_path_factory: pytest.TempPathFactory, sample_folder: Path
                   ) -> tuple[Path, list[FileResult]]:
    """The sample database, loaded as the app loads it on first start, and each file's result.
    Built once per session: read it, never write to it (take `sample_db_copy` to write)."""
    db = tmp_path_factory.mktemp("sample-db") / "sample.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SEND_PSEUDONYM_KEY", SAMPLE_KEY)
        results = bootstrap.build_sample_database(db, sample_folder)
    assert all(r.status == "loaded" for r in results), [r.error for r in results]
    return db, results


@pytest.fixture(scope="session")
def sample_db(sample_results: tuple[Path, list[FileResult]]) -> Path:
    return sample_results[0]


@pytest.fixture(scope="session")
def sample_as_of(sample_folder: Path) -> dt.date:
    return bootstrap.sample_as_of(sample_folder)


@pytest.fixture
def sample_db_copy(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample database of this test's own, for a test that writes to it."""
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", SAMPLE_KEY)
    return Path(shutil.copy(sample_db, tmp_path / "sample.duckdb"))
