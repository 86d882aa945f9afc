"""App-tier fixtures: a tiny hand-made database for small-number cases, and a factory that runs
the app (or one of its pages) under AppTest. The sample database is `tests/conftest.py`'s."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from app_helpers import APP, KEY, PASSWORD, TINY_AS_OF, USERS, tiny_files
from streamlit.testing.v1 import AppTest

from pipelines import access
from pipelines.load import ingest_file
from pipelines.metrics import Filters


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once() -> Iterator[None]:
    """Each new AppTest looks through every installed package's metadata for custom components
    (0.13-0.25 s on this machine, more than most page runs); what is installed cannot change
    during a test session, so it is looked through once. The app uses no custom component."""
    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = functools.cache(scan)
    yield
    manifest_scanner.scan_component_manifests = scan


@pytest.fixture
def fy_filters(sample_as_of: dt.date) -> Filters:
    """The metric filters FY_PARAMS stand for (the period ends on the as-of date at the latest)."""
    return Filters(dt.date(2025, 4, 1), min(dt.date(2026, 3, 31), sample_as_of), sample_as_of)


@pytest.fixture(scope="session")
def tiny_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny database, built once per session: tests take `tiny_db`, a copy of their own."""
    folder = tmp_path_factory.mktemp("tiny")
    db = folder / "tiny.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SEND_PSEUDONYM_KEY", KEY)
        for path in tiny_files(folder):
            # Extracted on the as-of date (the default as-of date is the latest extract's).
            assert ingest_file(db, path, as_of=TINY_AS_OF,
                               extract_date=TINY_AS_OF).status == "loaded"
    return db


@pytest.fixture
def tiny_db(tiny_built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the tiny database of this test's own (copied, not loaded again: 0.25 s a test
    over 150 tests); its readers' snapshot is made from it on the first read."""
    monkeypatch.setenv("SEND_PSEUDONYM_KEY", KEY)
    return Path(shutil.copy(tiny_built, tmp_path / "tiny.duckdb"))


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """No cached query result from an earlier test. Results are cached under the snapshot read
    and the settings (`gateway.data_version`), which a test's own database or settings change,
    so tests share them as the app's sessions do; a test that replaces how the data are read
    (a snapshot that is busy, a run that waits) asks for this."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One local user per role (USERS), passwords PASSWORD + role."""
    path = tmp_path_factory.mktemp("users") / "users.json"
    for role, name in USERS.items():
        access.add_user(path, name, role, PASSWORD + role)
    return path


@pytest.fixture
def run_app(monkeypatch: pytest.MonkeyPatch, sample_db: Path, users_file: Path,
            tmp_path: Path) -> Callable[..., AppTest]:
    """Run the app against a database (the sample one unless told), signed in with a role
    (a DCO unless told; None: not signed in), with query parameters, optionally switching to a
    page ("views/health_advice.py") after the first run."""
    def run(page: str | None = None, db: Path | None = None, role: str | None = "dco",
            users: Path | None = None, **params: Any) -> AppTest:
        monkeypatch.setenv("SEND_DB", str(db or sample_db))
        monkeypatch.setenv("SEND_PSEUDONYM_KEY", KEY)
        monkeypatch.setenv("SEND_USERS_FILE", str(users or users_file))
        monkeypatch.setenv("SEND_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
        at = AppTest.from_file(str(APP), default_timeout=90)
        at.query_params.update(params)
        if role:
            at.session_state["auth_user"] = USERS[role]
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, [e.message for e in at.exception]
        return at
    return run
