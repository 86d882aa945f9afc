"""A file name that is Markdown shows as its text on the Overview: no image, no link."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app_helpers import FY_PARAMS, TINY_AS_OF
from streamlit.testing.v1 import AppTest

from pipelines.load import ingest_file

HOSTILE_NAME = "![x](https:evil.example x.png).csv"


def test_a_markdown_file_name_is_shown_escaped_on_the_overview(
        run_app: Callable[..., AppTest], tiny_db: Path, tmp_path: Path) -> None:
    hostile = tmp_path / HOSTILE_NAME
    hostile.write_text("Case ID,Local Authority,Request Date,Final Plan Date\n"
                       "X1,Eastmoor,01/12/2025,01/03/2026\n", encoding="utf-8")
    assert ingest_file(tiny_db, hostile, as_of=TINY_AS_OF).status == "loaded"
    at = run_app(db=tiny_db, **FY_PARAMS, as_of=TINY_AS_OF.isoformat())
    markdown = "\n".join(m.value for m in at.markdown)
    assert r"\!\[x\]\(https\:evil\.example x\.png\)\.csv" in markdown
    assert "![x](" not in markdown
