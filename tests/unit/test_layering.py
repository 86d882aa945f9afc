"""Data flows one way: the pipelines never import the dashboard or Streamlit, so the command
line, the board pack and the tests run without a web app."""

from __future__ import annotations

import ast
from pathlib import Path

PIPELINES = Path(__file__).resolve().parents[2] / "pipelines"


def test_pipelines_import_neither_the_dashboard_nor_streamlit() -> None:
    offenders = []
    for path in sorted(PIPELINES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names
                          if n.split(".")[0] in ("dashboard", "streamlit")]
    assert len(list(PIPELINES.rglob("*.py"))) > 20
    assert offenders == []
