"""The DfE release bundled with the product (pipelines/reference/dfe-ehcp-2025/): exactly the files
the importer reads, with its attribution, imported and audited when the app builds its database
on first start, so England's and every LA's published figures are there on a fresh clone."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipelines import audit, bootstrap
from pipelines.benchmarks import find_release_files
from pipelines.db import reader

README = bootstrap.RELEASE.parent / "README.md"


def test_the_bundle_holds_exactly_the_files_the_importer_reads() -> None:
    with zipfile.ZipFile(bootstrap.RELEASE) as zf:
        names = sorted(zf.namelist())
    found = find_release_files(bootstrap.RELEASE)
    assert sorted(f.name.rsplit("/", 1)[-1] for f in found.values()) == names
    assert set(found) == {"timeliness", "requests", "annual_reviews", "appeal_rate", "dmo_dco"}
    assert bootstrap.RELEASE.stat().st_size < 1_500_000  # compressed: the repository stays small


def test_the_readme_states_source_licence_and_release() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert ("Contains public sector information licensed under the Open Government Licence "
            "v3.0.") in text
    assert "Department for Education" in text
    assert "reporting year 2025" in text
    with zipfile.ZipFile(bootstrap.RELEASE) as zf:
        assert all(f"`{name}`" in text for name in zf.namelist())


@pytest.fixture
def first_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A first start without the samples (their load is tested in test_sample_database)."""
    monkeypatch.setattr(bootstrap, "samples_available", lambda folder=bootstrap.SAMPLES: False)
    monkeypatch.setenv(audit.AUDIT_ENV, str(tmp_path / "audit.jsonl"))
    db = tmp_path / "send.duckdb"
    assert bootstrap.ensure_database(db) == []
    return db


def test_first_start_imports_the_release(first_start: Path) -> None:
    with reader(first_start) as con:
        england = con.execute(
            "SELECT value, numerator, denominator FROM benchmarks WHERE area_level = 'national' "
            "AND measure = 'within_20_weeks_pct_excl_exceptions' AND year = 2024").fetchall()
        las = con.execute(
            "SELECT count(DISTINCT area_name) FROM benchmarks WHERE area_level = 'local authority' "
            "AND measure = 'within_20_weeks_pct_excl_exceptions' AND year = 2024").fetchone()[0]
        leeds = con.execute(
            "SELECT count(*) FROM benchmarks WHERE area_name = 'Leeds' AND "
            "measure = 'appeal_rate_pct'").fetchone()[0]
    assert [(float(v), n, d) for v, n, d in england] == [(46.4, 39407, 84866)]  # as published
    assert las > 140
    assert leeds > 5


def test_first_start_audits_each_file_and_a_second_start_changes_nothing(first_start: Path
                                                                          ) -> None:
    loads = [e for e in audit.entries(first_start) if e["actor"] == bootstrap.FIRST_START_RELEASE]
    assert [e["detail"]["dataset"] for e in loads] == [
        "timeliness", "requests", "annual_reviews", "appeal_rate", "dmo_dco"]
    assert all(e["action"] == "load" and e["detail"]["rows"] > 0 for e in loads)
    assert audit.verify(first_start) == []
    assert bootstrap.ensure_database(first_start) is None
    assert len(audit.entries(first_start)) == len(loads)
