"""The app over a published Parquet snapshot (`SEND_DB=DIR`): the Overview shows what it shows
over the database, and a new publish is read on the next run."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from app_helpers import FY_PARAMS, captions, metric_values
from streamlit.testing.v1 import AppTest
from test_smoke import PAGES, ROLE

from dashboard.components import gateway
from pipelines.db import writing
from pipelines.publish import publish

pytestmark = pytest.mark.xdist_group("published_snapshot")  # one worker: its module fixtures are made once


@pytest.fixture(scope="module")
def snapshot(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("published") / "snapshot"
    publish(sample_db, out)
    return out


@pytest.mark.parametrize("role", ["dco", "board"])
def test_the_overview_over_a_snapshot_is_the_overview_over_the_database(
        run_app: Callable[..., AppTest], snapshot: Path, sample_as_of, role: str) -> None:
    params = {**FY_PARAMS, "as_of": sample_as_of.isoformat()}
    on_db = run_app(role=role, **params)
    on_snapshot = run_app(db=snapshot, role=role, **params)
    assert len(metric_values(on_db)) >= 10
    assert metric_values(on_snapshot) == metric_values(on_db)
    assert captions(on_snapshot) == captions(on_db)
    assert not on_snapshot.error


@pytest.mark.parametrize("page", [p for p in PAGES if p], ids=lambda p: p.split("/")[-1])
def test_every_page_opens_over_a_snapshot(run_app: Callable[..., AppTest], snapshot: Path,
                                          page: str) -> None:
    at = run_app(page, db=snapshot, role=ROLE.get(page, "dco"))
    assert [t.value for t in at.title] == [PAGES[page][0]]
    shown = [h.value for h in at.header] + [s.value for s in at.subheader]
    assert set(PAGES[page][1]) <= set(shown)


def test_a_new_publish_is_shown_on_the_next_run(
        run_app: Callable[..., AppTest], sample_db_copy: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, sample_as_of) -> None:
    out = tmp_path / "snapshot"
    publish(sample_db_copy, out)
    monkeypatch.setenv("SEND_DB", str(out))
    version = gateway.data_version()
    assert gateway.data_version() == version  # nothing published: cached results stand
    params = {**FY_PARAMS, "as_of": sample_as_of.isoformat()}
    before = metric_values(run_app(db=out, **params))
    with writing(sample_db_copy) as con:
        con.execute("DELETE FROM ehcp WHERE local_authority = 'Northshire'")
    publish(sample_db_copy, out)
    assert gateway.data_version() != version
    after = metric_values(run_app(db=out, **params))
    assert after["New EHC plans issued"] != before["New EHC plans issued"]


def test_a_folder_without_its_manifest_is_refused_with_a_clear_message(
        run_app: Callable[..., AppTest], snapshot: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    half = tmp_path / "half"
    shutil.copytree(snapshot, half)
    (half / "manifest.json").unlink()
    at = run_app(db=half)
    assert [e.value.replace("\\", "") for e in at.error] == [
        f"{half} holds no manifest.json: it is not a published snapshot, or its publish did not "
        f"finish. Publish again: python -m pipelines publish --parquet {half}"]
    assert not at.metric
