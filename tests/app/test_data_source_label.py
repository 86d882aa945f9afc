"""The sidebar says what is loaded: "synthetic sample" only while every load is a bundled sample;
the user's own loads once a real file is in, and both when both are, so that sample figures are
never taken for real ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app_helpers import ADVICE, csv_bytes
from streamlit.testing.v1 import AppTest

from pipelines.load import ingest_file


def sidebar_text(at: AppTest) -> str:
    return "\n".join(c.value for c in at.sidebar.caption)


def test_on_the_samples_the_sidebar_says_synthetic_sample(run_app: Callable[..., AppTest]
                                                          ) -> None:
    text = sidebar_text(run_app())
    assert "Northshire Integrated Care Board" in text
    assert "**Data:** synthetic samples (invented records)" in text


def test_after_a_real_load_the_sidebar_says_so_and_not_synthetic(
        run_app: Callable[..., AppTest], tiny_db: Path) -> None:
    for role in ("dco", None):  # signed in, and at the sign-in form
        text = sidebar_text(run_app(db=tiny_db, role=role))
        assert "synthetic" not in text.lower()
        assert "Northshire Integrated Care Board" in text
        assert "**Data:** your own loads" in text


def test_real_loads_beside_the_samples_say_both_are_there(
        run_app: Callable[..., AppTest], sample_db_copy: Path, tmp_path: Path) -> None:
    log = tmp_path / "providers_log.csv"
    log.write_bytes(csv_bytes([ADVICE, ["R1", "C1", "Riverside", "SALT", "05/01/2026",
                                        "01/02/2026", "Trust", "", "", "New"]]))
    assert ingest_file(sample_db_copy, log).status == "loaded"
    text = sidebar_text(run_app(db=sample_db_copy))
    assert "**Data:** your own loads and synthetic samples, mixed" in text
